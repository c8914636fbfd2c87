"""Path parameters, cursors and the If-Match and Idempotency-Key headers of the API."""

import base64
import binascii
import json
import re
from typing import Any

from flask import request

from disputedesk.workflows import edge
from disputedesk.workflows.errors import InvalidInput

REF: dict[str, dict[str, Any]] = {
    "ref": {
        "description": "the dispute's reference, such as DSP-000123",
        "schema": {"type": "string", "maxLength": 40, "pattern": edge.LINE_PATTERN},
    }
}
INVOICE_NUMBER = {
    "number": {
        "description": "the invoice number (it may hold slashes: INV/2026/42)",
        "schema": {
            "type": "string",
            "maxLength": edge.MAX_INVOICE_NUMBER,
            "pattern": edge.LINE_PATTERN,
        },
    }
}

# Printable ASCII, no space at either end.
KEY_PATTERN = re.compile(r"[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?")
IF_MATCH_PATTERN = r'^(\*|(W/)?"?[0-9]{1,10}"?)$'
HEADERS = {
    "If-Match": {
        "description": "the ETag you were given: the change is made only if the dispute is "
        'still at that version (a stale one answers 412); "*" matches any version',
        "schema": {"type": "string", "pattern": IF_MATCH_PATTERN, "maxLength": 20},
    },
    "If-None-Match": {
        "description": "the ETag you hold: while the dispute is still at that version the "
        "answer is 304 with no body",
        "schema": {"type": "string", "maxLength": 200},
    },
    "Idempotency-Key": {
        "description": "a key of your choosing; a retry with the same key and body answers "
        "with the dispute first filed, the same key with another body is a 409",
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": edge.MAX_IDEMPOTENCY_KEY,
            "pattern": f"^{KEY_PATTERN.pattern}$",
        },
    },
}


def id_param(name: str, what: str) -> dict[str, dict[str, Any]]:
    """Declare a numeric id path parameter (the route's converter bounds it the same way)."""
    schema = {"type": "integer", "minimum": 1, "maximum": edge.MAX_ID}
    return {name: {"description": what, "schema": schema}}


def id_rule(name: str) -> str:
    """The Flask converter for a numeric id: an unknown or impossible id is a 404."""
    return f"<int(min=1, max={edge.MAX_ID}):{name}>"


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def cursor_after(raw: str | None) -> int | None:
    """Return the id that a cursor continues after, if one was given."""
    if not raw:
        return None
    try:
        after = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))["after"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        after = None
    if type(after) is not int or not 1 <= after <= edge.MAX_ID:
        raise InvalidInput({"cursor": "not a cursor this API returned"})
    return after


def if_match_version() -> int | None:
    """Return the version an If-Match header names, if one was sent."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":  # "*" matches whatever the current version is
        return None
    version = edge.as_int(raw.strip().removeprefix("W/").strip('"'), 1, edge.MAX_ID)
    if version is None:
        raise InvalidInput({"If-Match": 'send the ETag you were given, such as "3"'})
    return version


def none_match(version: int) -> bool:
    """Tell whether an If-None-Match header names the current version (or is "*")."""
    raw = request.headers.get("If-None-Match")
    if raw is None:
        return False
    tags = {t.strip().removeprefix("W/").strip('"') for t in raw.split(",")}
    return "*" in tags or str(version) in tags


def idempotency_key() -> str | None:
    """Return the Idempotency-Key header, if one was sent."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if len(key) > edge.MAX_IDEMPOTENCY_KEY or not KEY_PATTERN.fullmatch(key):
        limit = edge.MAX_IDEMPOTENCY_KEY
        raise InvalidInput({"Idempotency-Key": f"1 to {limit} printable ASCII characters"})
    return key
