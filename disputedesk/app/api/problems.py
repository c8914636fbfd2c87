"""Errors as application/problem+json (RFC 9457)."""

from typing import Any

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from disputedesk.app.services.evidence import FileTooLarge, UnsupportedFile
from disputedesk.workflows.errors import (
    Conflict,
    DomainError,
    FileMissing,
    GuardsFailed,
    InvalidInput,
    NotFound,
    NotPermitted,
    PreconditionFailed,
    StaleCase,
    TransitionNotAllowed,
)


class MalformedRequest(InvalidInput):
    title = "Malformed request"


class UnsupportedMediaType(MalformedRequest):
    """A body sent as something other than the operation takes (application/json)."""

    title = "Unsupported media type"


class TooLarge(DomainError):
    title = "Request too large"


STATUS = {  # the first matching kind wins
    UnsupportedMediaType: 415,
    MalformedRequest: 400,
    FileTooLarge: 413,
    TooLarge: 413,
    UnsupportedFile: 415,
    InvalidInput: 422,
    GuardsFailed: 422,
    NotFound: 404,
    FileMissing: 410,
    NotPermitted: 403,
    TransitionNotAllowed: 409,
    PreconditionFailed: 412,  # an If-Match naming a version the case has left
    StaleCase: 409,
    Conflict: 409,
}


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """Build a problem document response."""
    slug = title.lower().replace(" ", "-")
    body = {"type": f"urn:disputedesk:problem:{slug}", "title": title, "status": status}
    body |= {"detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def from_http_error(error: HTTPException) -> Response:
    """Turn a werkzeug HTTP error into its problem document; a 405 keeps its Allow header."""
    response = problem(error.code or 500, error.name, error.description or "")
    if "Allow" in (headers := dict(error.get_headers())):
        response.headers["Allow"] = headers["Allow"]
    return response


def from_domain_error(error: DomainError) -> Response:
    """Turn a domain refusal into its problem document."""
    return problem(status_for(error), error.title, error.detail, **error.extra)


def status_for(error: DomainError) -> int:
    """Return the HTTP status a domain refusal answers with."""
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
