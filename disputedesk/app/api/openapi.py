"""The OpenAPI 3.1 document of /api/v1, generated from the route registry and its models."""

import re
from functools import cache
from http import HTTPStatus
from typing import Any

from flask import Response, jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from disputedesk.app.api.answers import Dispute, Problem
from disputedesk.app.api.params import HEADERS
from disputedesk.app.api.registry import OPERATIONS, SCOPES, Operation, operation
from disputedesk.workflows import edge

PREFIX = "/api/v1"
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
RESPONSE_HEADERS = {
    "X-Request-Id": {"description": "this request's id, in the service's logs too (one you "
                     "sent is kept when it is 1–64 of A–Z a–z 0–9 . _ -)",
                     "schema": {"type": "string", "maxLength": 64}},
    "X-RateLimit-Limit": {"description": "requests allowed in the current window",
                          "schema": {"type": "integer"}},
    "X-RateLimit-Remaining": {"description": "requests left in the current window",
                              "schema": {"type": "integer"}},
    "X-RateLimit-Reset": {"description": "when the window resets, in unix seconds",
                          "schema": {"type": "integer"}},
    "Retry-After": {"description": "seconds to wait before trying again",
                    "schema": {"type": "integer"}},
    "ETag": {"description": "the dispute's version, for If-Match and If-None-Match",
             "schema": {"type": "string"}},
}  # fmt: skip
REF_TEMPLATE = "#/components/schemas/{model}"
DOCUMENT_SCHEMA = {"type": "object", "description": "an OpenAPI 3.1 document"}


@operation(
    "GET", "/openapi.json", summary="This document", scope="public",
    answers={200: DOCUMENT_SCHEMA},
)  # fmt: skip
def openapi() -> Response:
    return jsonify(document())


@cache
def document() -> dict[str, Any]:
    """Build the document once: every operation, its parameters, bodies and responses."""
    schemas = _component_schemas()
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Disputedesk API",
            "version": "1",
            "description": "Advertiser billing disputes. Errors are application/problem+json "
            f"(RFC 9457). JSON bodies are at most {edge.MAX_JSON_BYTES:,} bytes, nested at "
            f"most {edge.MAX_JSON_DEPTH} deep. Each operation's `x-scope` names the token "
            "scope it needs: " + "; ".join(f"{k}: {v}" for k, v in SCOPES.items()) + ".",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "an API token (`flask create-token EMAIL`)",
                }
            },
            "schemas": schemas,
            "headers": RESPONSE_HEADERS,
            "responses": {
                "Problem": {
                    "description": "A problem document (RFC 9457)",
                    "headers": {"X-Request-Id": _header("X-Request-Id")},
                    "content": {"application/problem+json": {"schema": _ref(Problem)}},
                },
                "TooManyRequests": {
                    "description": "Too many requests for this token or address: wait "
                    "Retry-After seconds (a problem document)",
                    "headers": {name: _header(name) for name in ("Retry-After", *RATE_HEADERS)},
                    "content": {"application/problem+json": {"schema": _ref(Problem)}},
                },
            },
        },
    }


def openapi_path(rule: str) -> str:
    """Turn a Flask rule such as /disputes/<ref> into an OpenAPI path /api/v1/disputes/{ref}."""
    return PREFIX + re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _operation(op: Operation) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": op.endpoint.removeprefix("api."),
        "tags": [op.tag],
        "summary": op.summary,
        "x-scope": op.scope,
        "parameters": _parameters(op),
        "responses": {str(code): _response(code, what, op) for code, what in op.responses.items()},
    }
    if op.description:
        spec["description"] = op.description
    if op.scope == "public":
        spec["security"] = []
    if op.body is not None:
        content = {"application/json": {"schema": _ref(op.body)}}
        spec["requestBody"] = {"required": True, "content": content}
    if op.raw_body:  # bytes as they are, such as a raw e-mail
        binary = {"schema": {"type": "string", "format": "binary"}}
        spec["requestBody"] = {"required": True, "content": dict.fromkeys(op.raw_body, binary)}
    if op.form is not None:
        form = op.form.model_json_schema(ref_template=REF_TEMPLATE)
        form["properties"] = {"file": {"type": "string", "format": "binary"}} | form["properties"]
        form["required"] = ["file", *form.get("required", [])]
        form.pop("additionalProperties", None)
        spec["requestBody"] = {
            "required": True,
            "content": {"multipart/form-data": {"schema": form}},
        }
    if not spec["parameters"]:
        del spec["parameters"]
    return spec


def _parameters(op: Operation) -> list[dict[str, Any]]:
    found = [
        {"name": name, "in": "path", "required": True, **declared}
        for name, declared in op.path_params.items()
    ]
    if op.query is not None:
        schema = op.query.model_json_schema(ref_template=REF_TEMPLATE)
        required = set(schema.get("required", ()))
        for name, prop in schema["properties"].items():
            description = prop.pop("description", None)
            param = {"name": name, "in": "query", "required": name in required}
            if description:
                param["description"] = description
            found.append(param | {"schema": _not_null(prop)})
    found += [{"name": name, "in": "header", **HEADERS[name]} for name in op.headers]
    return found


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop the null branch of an optional query parameter: a query string has no null."""
    branches = [s for s in schema.get("anyOf", ()) if s.get("type") != "null"]
    if len(branches) == 1:
        schema = {k: v for k, v in schema.items() if k != "anyOf"} | branches[0]
    return {k: v for k, v in schema.items() if (k, v) != ("default", None)}


def _response(status: int, what: Any, op: Operation) -> dict[str, Any]:
    if what == "problem":
        name = "TooManyRequests" if status == 429 else "Problem"
        return {"$ref": f"#/components/responses/{name}"}
    headers = ["X-Request-Id", *(RATE_HEADERS if op.scope != "public" else ())]
    if what is Dispute or status == 304:  # a dispute's document (or its 304) has its version
        headers.append("ETag")
    described = {"description": HTTPStatus(status).phrase,
                 "headers": {name: _header(name) for name in headers}}  # fmt: skip
    if what is None:
        return described
    if isinstance(what, dict):
        return described | {"content": {"application/json": {"schema": what}}}
    if isinstance(what, tuple):  # media types of a download
        binary = {"schema": {"type": "string", "format": "binary"}}
        return described | {"content": dict.fromkeys(what, binary)}
    return described | {"content": {"application/json": {"schema": _ref(what)}}}


def _header(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF_TEMPLATE.format(model=model.__name__)}


def _component_schemas() -> dict[str, Any]:
    models: dict[type[BaseModel], str] = {Problem: "serialization"}
    for op in OPERATIONS:
        if op.body is not None:
            models[op.body] = "validation"
        for what in op.responses.values():
            if isinstance(what, type) and issubclass(what, BaseModel):
                models[what] = "serialization"
    _, top = models_json_schema(list(models.items()), ref_template=REF_TEMPLATE)
    return dict(sorted(top.get("$defs", {}).items()))
