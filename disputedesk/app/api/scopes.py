"""The API's scope check: a token may call an operation only with the scope it declares."""

import io
import json

from flask import Response, request

from disputedesk.app.api.problems import problem
from disputedesk.app.api.registry import scope_of
from disputedesk.app.models import ApiToken
from disputedesk.workflows import edge
from disputedesk.workflows.scopes import TRIGGER_SCOPES


def scope_refusal(token: ApiToken) -> Response | None:
    """Refuse (403) a call whose operation needs a scope the token does not carry."""
    trigger = _trigger() if request.endpoint == "api.disputes_fire" else None
    needed = scope_of(request.endpoint)  # the registry declares each operation's scope
    if needed and isinstance(trigger, str) and trigger in TRIGGER_SCOPES:
        needed = TRIGGER_SCOPES[trigger]  # money moves need approve even through /events
    if needed is None:
        if request.url_rule is None:
            return None  # no such route: the API's 404 answers it
        return problem(403, "Forbidden", f"{request.endpoint} declares no token scope")
    if needed not in token.scopes.split():
        return problem(403, "Forbidden", f"this token lacks the '{needed}' scope")
    return None


def _trigger() -> object:
    """Peek at the trigger a JSON body names, leaving the body for the registry to read."""
    if request.mimetype != "application/json":
        return None
    if (request.content_length or 0) > edge.MAX_JSON_BYTES:
        return None  # the registry refuses it as too large
    raw = request.stream.read(edge.MAX_JSON_BYTES + 1)
    request.stream = io.BytesIO(raw)  # the registry reads the body again, bounded as ever
    if len(raw) > edge.MAX_JSON_BYTES or edge.json_too_deep(raw):
        return None
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    return body.get("trigger") if isinstance(body, dict) else None
