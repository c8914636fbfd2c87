"""The OpenAPI document of /api/v1, served by the app."""

from typing import Any

from flask import Response, jsonify

from app.api.blueprint import bp
from app.api.openapi_money import MONEY_SCHEMAS, money_paths
from workflows.codes import GL_REASONS, OUTCOMES, REASON_CODES, ROOT_CAUSES
from workflows.dispute import BY_TRIGGER, STATES
from workflows.evidence import KINDS
from workflows.sla import BADGES, CLOCKS


def _op(summary: str, ok: str, *errors: int, body: str | None = None, **extra: Any) -> dict:
    responses: dict[str, Any] = {ok: {"description": "OK"}}
    responses |= {str(code): {"$ref": "#/components/responses/Problem"} for code in errors}
    op: dict[str, Any] = {"summary": summary, "responses": responses, **extra}
    if body:
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}
        op["requestBody"] = {"required": True, "content": content}
    return op


def _query(*names: str) -> list[dict]:
    return [{"name": n, "in": "query", "schema": {"type": "string"}} for n in names]


REF = [{"name": "ref", "in": "path", "required": True, "schema": {"type": "string"}}]
IF_MATCH = [{"name": "If-Match", "in": "header", "schema": {"type": "string"}}]
IDEMPOTENCY = [{"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}]
NUMBER = [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}]
AMOUNT = {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "example": "1250.00"}
INSTANT = {"type": "string", "format": "date-time"}
NULLABLE_INSTANT = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS = {
    "NewDispute": {
        "type": "object",
        "required": ["invoice_number", "reason_code", "description", "disputed_amount", "currency"],
        "properties": {
            "invoice_number": {"type": "string"},
            "reason_code": {"enum": list(REASON_CODES)},
            "description": {"type": "string"},
            "disputed_amount": AMOUNT,
            "currency": {"type": "string", "example": "USD"},
            "intake_channel": {"type": "string", "default": "api"},
            "lines": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"line_no": {"type": "integer"}, "amount": AMOUNT},
                },
            },
        },
    },
    "TriggerRequest": {
        "type": "object",
        "required": ["trigger"],
        "properties": {
            "trigger": {"enum": list(BY_TRIGGER)},
            "note": {"type": "string"},
            "reason": {"type": "string"},
            "outcome": {"enum": list(OUTCOMES)},
            "root_cause": {"enum": list(ROOT_CAUSES)},
            "credit_amount": AMOUNT,
            "gl_reason": {"enum": list(GL_REASONS)},
        },
    },
    "Decision": {
        "type": "object",
        "required": ["decision"],
        "properties": {"decision": {"enum": ["approve", "reject"]}, "comment": {"type": "string"}},
    },
    "Assignment": {"type": "object", "properties": {"assignee": {"type": "string"}}},
    "NewComment": {
        "type": "object",
        "properties": {
            "body": {"type": "string"},
            "visibility": {"enum": ["internal", "account_team"]},
        },
    },
    "NewInvoice": {
        "type": "object",
        "required": ["number", "advertiser_ref", "currency", "period_start", "period_end", "lines"],
        "properties": {
            "number": {"type": "string"},
            "advertiser_ref": {"type": "string"},
            "currency": {"type": "string"},
            "period_start": {"type": "string", "format": "date"},
            "period_end": {"type": "string", "format": "date"},
            "lines": {"type": "array", "items": {"type": "object"}},
        },
    },
    "Dispute": {
        "type": "object",
        "properties": {
            "ref": {"type": "string", "example": "DSP-000123"},
            "state": {"enum": list(STATES)},
            "version": {"type": "integer"},
            "allowed_triggers": {"type": "array", "items": {"type": "string"}},
            "sla": {"type": "array", "items": {"$ref": "#/components/schemas/SlaClock"}},
        },
    },
    "SlaClock": {
        "type": "object",
        "description": "An SLA clock; business time follows the team's calendar.",
        "properties": {
            "name": {"enum": list(CLOCKS)},
            "status": {"enum": ["running", "paused", "met", "breached"]},
            "badge": {"enum": list(BADGES)},
            "started_at": INSTANT,
            "due_at": INSTANT,
            "paused_at": NULLABLE_INSTANT,
            "paused_seconds": {"type": "integer", "description": "business seconds paused"},
            "stopped_at": NULLABLE_INSTANT,
            "warned_at": NULLABLE_INSTANT,
            "breached_at": NULLABLE_INSTANT,
            "business_seconds_remaining": {
                "type": "integer",
                "description": "negative once overdue; frozen while paused or stopped",
            },
        },
    },
}

PATHS = {
    "/api/v1/disputes": {
        "get": _op(
            "List disputes you may see, newest first",
            "200",
            401,
            422,
            parameters=_query("state", "assignee", "advertiser", "limit", "cursor"),
        ),
        "post": _op(
            "File a dispute",
            "201",
            400,
            401,
            403,
            409,
            422,
            body="NewDispute",
            parameters=IDEMPOTENCY,
        ),
    },
    "/api/v1/disputes/{ref}": {"get": _op("Read a dispute", "200", 401, 404, parameters=REF)},
    "/api/v1/disputes/{ref}/events": {
        "get": _op("Read the audit trail", "200", 401, 404, parameters=REF),
        "post": _op(
            "Fire a workflow trigger",
            "200",
            400,
            401,
            403,
            404,
            409,
            422,
            body="TriggerRequest",
            parameters=REF + IF_MATCH,
        ),
    },
    "/api/v1/disputes/{ref}/assign": {
        "post": _op(
            "Assign or reassign",
            "200",
            400,
            401,
            403,
            404,
            409,
            422,
            body="Assignment",
            parameters=REF + IF_MATCH,
        )
    },
    "/api/v1/disputes/claim-next": {
        "post": _op("Claim the most urgent unassigned case of your team", "200", 401, 403)
    },
    "/api/v1/disputes/{ref}/comments": {
        "get": _op("Read the comments you may see", "200", 401, 404, parameters=REF),
        "post": _op("Comment", "201", 400, 401, 403, 404, 422, body="NewComment", parameters=REF),
    },
    "/api/v1/advertisers": {
        "get": _op("List advertisers", "200", 401, 422, parameters=_query("limit", "cursor"))
    },
    "/api/v1/invoices": {
        "post": _op(
            "Record an invoice (billing system)", "201", 400, 401, 403, 409, 422, body="NewInvoice"
        )
    },
    "/api/v1/invoices/{number}": {
        "get": _op("Read an invoice with its open disputes", "200", 401, 404, parameters=NUMBER)
    },
    "/api/v1/disputes/{ref}/evidence": {
        "get": _op("List the dispute's evidence", "200", 401, 404, parameters=REF),
        "post": {
            **_op(
                "Attach evidence (multipart: file, kind, note)",
                "201",
                401,
                403,
                404,
                409,
                413,
                415,
                422,
                parameters=REF,
            ),
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file", "kind"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "kind": {"enum": list(KINDS)},
                                "note": {"type": "string"},
                            },
                        }
                    }
                },
            },
        },
    },
    "/api/v1/evidence/{evidence_id}/download": {
        "get": _op(
            "Download evidence as an attachment",
            "200",
            401,
            404,
            parameters=[
                {
                    "name": "evidence_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                }
            ],
        )
    },
    "/api/v1/disputes/{ref}/credit-memo": {
        "get": _op(
            "The dispute's credit memo: status, approvals, what is missing, who may approve",
            "200",
            401,
            404,
            parameters=REF,
        )
    },
    "/api/v1/credit-memos/{memo_id}/approvals": {
        "post": _op(
            "Approve or reject a credit memo",
            "201",
            400,
            401,
            403,
            404,
            409,
            422,
            body="Decision",
            parameters=[
                {"name": "memo_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
        )
    },
    "/api/v1/openapi.json": {"get": _op("This document", "200", security=[])},
}

PATHS |= money_paths(_op, _query)
SCHEMAS |= MONEY_SCHEMAS

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Disputedesk API", "version": "1"},
    "security": [{"bearer": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": SCHEMAS,
        "responses": {
            "Problem": {
                "description": "A problem document (RFC 9457)",
                "content": {"application/problem+json": {"schema": {"type": "object"}}},
            }
        },
    },
}


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(DOCUMENT)
