"""The OpenAPI entries of the money routes: comparison, feeds and ERP posting."""

from collections.abc import Callable
from typing import Any

INSTANT = {"type": "string", "format": "date-time"}
REF = [{"name": "ref", "in": "path", "required": True, "schema": {"type": "string"}}]
MEMO_ID = [{"name": "memo_id", "in": "path", "required": True, "schema": {"type": "integer"}}]

MONEY_SCHEMAS = {
    "Posting": {
        "type": "object",
        "required": ["external_ref", "posted_at"],
        "properties": {
            "external_ref": {"type": "string", "maxLength": 80},
            "posted_at": INSTANT,
        },
    },
    "ContractFeed": {
        "type": "object",
        "required": ["contracts"],
        "properties": {
            "contracts": {"type": "array", "maxItems": 500, "items": {"type": "object"}},
            "dry_run": {"type": "boolean"},
        },
    },
    "DeliveryFeed": {
        "type": "object",
        "required": ["records"],
        "properties": {
            "records": {"type": "array", "maxItems": 5000, "items": {"type": "object"}},
            "dry_run": {"type": "boolean"},
        },
    },
}


def money_paths(op: Callable[..., dict], query: Callable[..., list]) -> dict[str, Any]:
    """Return the path items of the money routes, built with the document's own helpers."""
    return {
        "/api/v1/credit-memos/unposted": {
            "get": op(
                "Issued memos the ERP has not posted yet (integration)",
                "200",
                401,
                403,
                422,
                parameters=query("limit", "cursor"),
            )  # fmt: skip
        },
        "/api/v1/credit-memos/{memo_id}/posting": {
            "post": op(
                "Acknowledge that the ERP posted a memo (200 when already)",
                "201",
                400,
                401,
                403,
                404,
                409,
                422,
                body="Posting",
                parameters=MEMO_ID,
            )  # fmt: skip
        },
        "/api/v1/feeds/contracts": {
            "post": op(
                "Record contracts with their lines (all or nothing)",
                "200",
                400,
                401,
                403,
                422,
                body="ContractFeed",
            )  # fmt: skip
        },
        "/api/v1/feeds/delivery": {
            "post": op(
                "Record delivery rows by external_ref (all or nothing)",
                "200",
                400,
                401,
                403,
                422,
                body="DeliveryFeed",
            )  # fmt: skip
        },
        "/api/v1/disputes/{ref}/comparison": {
            "get": op(
                "Compare the disputed lines with contract and delivery",
                "200",
                401,
                404,
                parameters=REF,
            )  # fmt: skip
        },
    }
