"""Reading API requests: JSON bodies, limits, cursors and If-Match."""

import base64
import binascii
import json
from typing import Any

from flask import current_app, request

from app.api.problems import MalformedRequest
from app.models.types import as_id
from workflows.errors import InvalidInput


def json_body() -> dict[str, Any]:
    """Return the request's JSON object, or refuse a body that is not one."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise MalformedRequest({"body": "send a JSON object with Content-Type: application/json"})
    return body


def limit_arg(default: int = 50) -> int:
    """Return the `limit` query argument, between 1 and the configured maximum."""
    most = current_app.config["API_MAX_LIMIT"]
    limit = as_id(request.args.get("limit", str(default)))
    if limit is None or limit > most:
        raise InvalidInput({"limit": f"a whole number from 1 to {most}"})
    return limit


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def cursor_arg() -> int | None:
    """Return the id that the `cursor` query argument continues after, if any."""
    raw = request.args.get("cursor")
    if not raw:
        return None
    try:
        after = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))["after"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        after = None
    if type(after) is not int or as_id(str(after)) is None:
        raise InvalidInput({"cursor": "not a cursor this API returned"})
    return after


def if_match_version() -> int | None:
    """Return the version an If-Match header names, if one was sent."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":  # "*" matches whatever the current version is
        return None
    version = as_id(raw.strip().removeprefix("W/").strip('"'))
    if version is None:
        raise InvalidInput({"If-Match": 'send the ETag you were given, such as "3"'})
    return version
