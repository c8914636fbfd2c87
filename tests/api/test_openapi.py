"""The OpenAPI document the app serves describes every route it has."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from disputedesk.app.api.registry import scope_of
from disputedesk.workflows.codes import REASON_CODES
from disputedesk.workflows.dispute import BY_TRIGGER, STATES
from disputedesk.workflows.edge import MAX_TEXT
from tests.api.helpers import PREFIX, Api

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def api_rules(app: Flask) -> set[tuple[str, str]]:
    """Return (OpenAPI path, method) for every URL rule the app has under /api/v1."""
    return {
        (re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/")
        for method in rule.methods - IGNORED_METHODS
    }


def documented(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item}


def references(node: Any) -> Iterator[str]:
    """Yield every $ref in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    response = api.anonymous().get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_served_without_a_token_as_openapi_3(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"]


def test_every_api_route_and_method_is_documented(app: Flask, document: dict[str, Any]) -> None:
    routes = api_rules(app)

    assert len(routes) >= 12
    assert routes - documented(document) == set()


def test_the_document_describes_no_route_the_app_lacks(
    app: Flask, document: dict[str, Any]
) -> None:
    assert documented(document) - api_rules(app) == set()


def test_every_reference_in_the_document_resolves(document: dict[str, Any]) -> None:
    for ref in set(references(document)):
        node: Any = document
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
            node = node[part]


def test_every_path_parameter_is_declared(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, f"{method.upper()} {path}"


def test_only_the_document_itself_is_public(document: dict[str, Any]) -> None:
    public = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if operation.get("security", document.get("security")) in ([], None, [{}])
    }

    assert document["security"]
    assert public == {f"GET {PREFIX}/openapi.json"}


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document)  # raises, naming the first thing wrong

    assert document["openapi"] == "3.1.0"


def test_every_status_of_every_operation_declares_its_body(document: dict[str, Any]) -> None:
    shared = document["components"]["responses"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                response = (
                    shared[response["$ref"].rsplit("/", 1)[-1]] if "$ref" in response else response
                )
                where = f"{method.upper()} {path} {status}"
                if status in ("204", "304"):  # no body, by definition
                    assert "content" not in response, where
                    continue
                assert response.get("content"), where
                assert all("schema" in media for media in response["content"].values()), where


def test_every_refusal_is_a_problem_document(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    where = (method, path, status)
                    name = "TooManyRequests" if status == "429" else "Problem"
                    assert response == {"$ref": f"#/components/responses/{name}"}, where
    shared = document["components"]["responses"]
    assert "application/problem+json" in shared["TooManyRequests"]["content"]
    assert "Retry-After" in shared["TooManyRequests"]["headers"]


def test_every_protected_operation_can_answer_429_and_says_its_limits(
    document: dict[str, Any],
) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("security") == []:
                continue
            assert "429" in operation["responses"], f"{method.upper()} {path}"
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    assert {"X-Request-Id", "X-RateLimit-Remaining"} <= set(response["headers"]), (
                        f"{method.upper()} {path} {status}"
                    )
    dispute = document["paths"]["/api/v1/disputes/{ref}"]["get"]["responses"]
    assert "ETag" in dispute["200"]["headers"] and "ETag" in dispute["304"]["headers"]


def test_every_protected_operation_can_answer_401(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("security") != []:
                assert "401" in operation["responses"], f"{method.upper()} {path}"


def test_claim_next_declares_its_204(document: dict[str, Any]) -> None:
    responses = document["paths"][f"{PREFIX}/disputes/claim-next"]["post"]["responses"]

    assert {"200", "204"} <= set(responses)


def test_enums_come_from_the_code_tables(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    assert schemas["NewDispute"]["properties"]["reason_code"]["enum"] == list(REASON_CODES)
    assert schemas["Dispute"]["properties"]["state"]["enum"] == list(STATES)
    trigger = schemas["TriggerRequest"]["properties"]["trigger"]
    assert trigger["enum"] == list(BY_TRIGGER)


def test_text_fields_declare_their_limits(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    description = schemas["NewDispute"]["properties"]["description"]
    lines = schemas["NewInvoice"]["properties"]["lines"]

    assert description["maxLength"] == MAX_TEXT
    assert "\\x00" in description["pattern"]
    assert lines["maxItems"] > 0
    assert schemas["NewInvoiceLine"]["properties"]["line_no"]["maximum"] == 2**31 - 1
    assert schemas["NewDispute"]["additionalProperties"] is False


SCOPE_BY_METHOD = {
    "get": {"read", "public", "integration"},
    "post": {"write", "approve", "integration"},
    "delete": {"write"},
}


def test_every_operation_names_the_token_scope_it_needs(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["x-scope"] in SCOPE_BY_METHOD[method], f"{method.upper()} {path}"
    approvals = document["paths"][f"{PREFIX}/credit-memos/{{memo_id}}/approvals"]["post"]
    assert approvals["x-scope"] == "approve"
    assert document["paths"][f"{PREFIX}/invoices"]["post"]["x-scope"] == "integration"


def test_the_registry_answers_which_scope_an_endpoint_needs() -> None:
    assert scope_of("api.disputes_index") == "read"
    assert scope_of("api.disputes_fire") == "write"
    assert scope_of("api.nothing_here") is None


def test_the_reference_page_loads_only_vendored_scripts(client: FlaskClient, app: Flask) -> None:
    response = client.get("/api/docs")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert "http" not in " ".join(re.findall(r'(?:src|href)="([^"]*)"', page))
    for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', page):
        assert (Path(app.static_folder) / asset).is_file(), asset
    assert (Path(app.static_folder) / "swagger-ui" / "LICENSE").is_file()


def test_every_operation_that_reads_a_body_declares_it(document: dict[str, Any]) -> None:
    """A generated client can call each one: the raw e-mail is bytes of its media types."""
    bodiless = {"/api/v1/disputes/claim-next"}  # takes nothing: the next case is chosen
    for path, item in document["paths"].items():
        post = item.get("post")
        if post and path not in bodiless:
            assert "requestBody" in post, path
    inbound = document["paths"]["/api/v1/inbound-email"]["post"]["requestBody"]["content"]
    assert inbound["message/rfc822"]["schema"] == {"type": "string", "format": "binary"}
