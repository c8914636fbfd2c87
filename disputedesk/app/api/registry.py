"""The route registry: each /api/v1 operation with its schemas, statuses and token scope.

A route declares what it reads and what it answers; the registry parses and checks the
request against exactly those schemas before the view runs, and the OpenAPI document is
generated from the same declarations (app/api/openapi.py).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import Response, jsonify, request
from pydantic import BaseModel, ValidationError

from disputedesk.app.api.blueprint import bp
from disputedesk.app.api.problems import MalformedRequest, TooLarge, UnsupportedMediaType
from disputedesk.workflows import edge
from disputedesk.workflows.errors import InvalidInput

Scope = Literal["public", "read", "write", "approve", "integration"]
SCOPES: dict[str, str] = {
    "read": "read disputes, evidence, memos, advertisers and invoices",
    "write": "file, fire triggers, assign, claim, comment, attach evidence",
    "approve": "approve or reject credit memos",
    "integration": "push invoices (the billing system)",
}


@dataclass(frozen=True)
class Operation:
    """One method on one path, as the OpenAPI document describes it."""

    method: str
    rule: str  # the Flask rule under /api/v1
    endpoint: str
    summary: str
    scope: Scope
    responses: dict[int, type[BaseModel] | str | None]  # a model, a media type, or no content
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    form: type[BaseModel] | None = None  # multipart fields beside a file
    headers: tuple[str, ...] = ()
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    description: str = ""
    tag: str = ""
    raw_body: tuple[str, ...] = ()  # media types of a body taken as it is (bytes)


OPERATIONS: list[Operation] = []
TAGS = {  # the reference page groups operations by the module that holds them
    "disputedesk.app.api.disputes": "Disputes",
    "disputedesk.app.api.bulk": "Disputes",
    "disputedesk.app.api.evidence": "Evidence",
    "disputedesk.app.api.credits": "Credit memos",
    "disputedesk.app.api.catalog": "Advertisers and invoices",
    "disputedesk.app.api.portal_users": "Advertisers and invoices",
    "disputedesk.app.api.openapi": "This document",
    "disputedesk.app.api.feeds": "Feeds",
    "disputedesk.app.api.posting": "ERP posting",
    "disputedesk.app.api.comparison": "Disputes",
    "disputedesk.app.api.insight": "Dashboard and close",
    "disputedesk.app.api.journal": "ERP posting",
    "disputedesk.app.api.reserve": "Dashboard and close",
    "disputedesk.app.api.rebill": "ERP posting",
    "disputedesk.app.api.exceptions": "Billing assurance",
    "disputedesk.app.api.root_causes": "Billing assurance",
}


def operation(
    method: str,
    rule: str,
    *,
    summary: str,
    scope: Scope,
    answers: dict[int, type[BaseModel] | str | None],
    refusals: tuple[int, ...] = (),
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    form: type[BaseModel] | None = None,
    headers: tuple[str, ...] = (),
    path_params: dict[str, dict[str, Any]] | None = None,
    description: str = "",
    raw_body: tuple[str, ...] = (),
) -> Callable:
    """Register a view as an operation; it gets `body=` and `query=` already checked."""
    refused = set(refusals) | ({401, 429} if scope != "public" else set())
    if body is not None:
        refused |= {400, 413, 415, 422}
    if "If-Match" in headers:
        refused |= {412}
    if query is not None or path_params:
        refused |= {422}
    responses: dict[int, Any] = dict(answers) | {code: "problem" for code in sorted(refused)}

    def register(view: Callable[..., Response]) -> Callable[..., Response]:
        endpoint = f"api.{view.__name__}"
        op = Operation(
            method.upper(), rule, endpoint, summary, scope, responses, body, query, form,
            headers, path_params or {}, description, TAGS.get(view.__module__, "API"), raw_body,
        )  # fmt: skip
        OPERATIONS.append(op)

        @functools.wraps(view)
        def handle(**path: Any) -> Response:
            for name, value in path.items():
                if isinstance(value, str) and (
                    why := edge.text_problem(value, 200, single_line=True)
                ):
                    raise InvalidInput({name: why})
            if body is not None:
                path["body"] = read_body(body)
            if query is not None:
                path["query"] = read_query(query)
            return view(**path)

        bp.add_url_rule(rule, view.__name__, handle, methods=[method.upper()])
        return view

    return register


def _path_problem(value: str) -> str | None:
    return edge.text_problem(value, edge.MAX_SEARCH, single_line=True)


def read_body(model: type[BaseModel]) -> BaseModel:
    """Read the JSON body: at most 1 MiB, nested at most 32 deep, exactly as the model says."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            {"body": "send a JSON object with Content-Type: application/json"}
        )
    if (request.content_length or 0) > edge.MAX_JSON_BYTES:
        raise TooLarge(f"a JSON body may be at most {edge.MAX_JSON_BYTES:,} bytes")
    raw = request.stream.read(edge.MAX_JSON_BYTES + 1)
    if len(raw) > edge.MAX_JSON_BYTES:
        raise TooLarge(f"a JSON body may be at most {edge.MAX_JSON_BYTES:,} bytes")
    if edge.json_too_deep(raw):
        raise MalformedRequest({"body": f"JSON nested deeper than {edge.MAX_JSON_DEPTH} levels"})
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as error:
        raise refusal(error) from None


def read_query(model: type[BaseModel]) -> BaseModel:
    """Read the query string (the first of repeated names) as the model says."""
    args = request.args.to_dict(flat=True)
    for name, value in args.items():
        limit = max(edge.MAX_SEARCH, _max_length(model, name))  # a field may allow more
        if why := edge.text_problem(value, limit, single_line=True):
            raise InvalidInput({name: why})
    try:
        return model.model_validate(args)
    except ValidationError as error:
        raise refusal(error) from None


def _max_length(model: type[BaseModel], name: str) -> int:
    """The max_length a query model declares for a field (0 without one)."""
    field = model.model_fields.get(name)
    found = [getattr(m, "max_length", None) for m in (field.metadata if field else ())]
    return max((n for n in found if isinstance(n, int)), default=0)


def read_form(model: type[BaseModel]) -> BaseModel:
    """Read the multipart fields beside an uploaded file as the model says."""
    try:
        return model.model_validate(request.form.to_dict(flat=True))
    except ValidationError as error:
        raise refusal(error) from None


def refusal(error: ValidationError) -> InvalidInput:
    """Turn pydantic's complaints into a refusal naming each field in plain words."""
    problems = error.errors(include_url=False)
    if any(p["type"] in ("json_invalid", "model_type") and not p["loc"] for p in problems):
        return MalformedRequest({"body": "send a JSON object with Content-Type: application/json"})
    errors: dict[str, str] = {}
    for p in problems:
        name = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in p["loc"])
        errors.setdefault(name.lstrip(".") or "body", _plain(p))
    return InvalidInput(errors)


def _plain(p: dict[str, Any]) -> str:
    kind, ctx = p["type"], p.get("ctx") or {}
    if kind == "string_pattern_mismatch" and "\x00" in str(p.get("input")):
        return "must not contain NUL characters"
    if kind == "string_pattern_mismatch" and "\\x00" in str(ctx.get("pattern", "")):
        return "must not contain control characters"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx.get('pattern')}"
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "not a field of this request"
    return p["msg"].removeprefix("Value error, ")


def reply(document: BaseModel, status: int = 200, **headers: str) -> Response:
    """Answer with a response document."""
    response = jsonify(document.model_dump(mode="json"))
    response.status_code = status
    response.headers.update(headers)
    return response


def public_endpoints() -> set[str]:
    """The endpoints that answer without a token."""
    return {op.endpoint for op in OPERATIONS if op.scope == "public"}


def scope_of(endpoint: str | None) -> Scope | None:
    """The token scope an endpoint needs (None for a path the API does not have)."""
    return next((op.scope for op in OPERATIONS if op.endpoint == endpoint), None)
