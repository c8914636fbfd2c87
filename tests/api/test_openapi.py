"""The OpenAPI document the app serves describes every route it has."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

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
