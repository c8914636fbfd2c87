"""The OpenAPI entries of the correspondence routes: billing contacts and inbound e-mail."""

from collections.abc import Callable
from typing import Any

REF = [{"name": "ref", "in": "path", "required": True, "schema": {"type": "string"}}]


def comms_paths(op: Callable[..., dict]) -> dict[str, Any]:
    """Return the path items of the correspondence routes, built with the document's helper."""
    return {
        "/api/v1/advertisers/{ref}/contacts": {
            "get": op("The advertiser's billing contacts", "200", 401, 404, parameters=REF),
            "put": op(
                "Replace them: {contacts: [{name, email}]} (lead of its team, integration)",
                "200",
                401,
                403,
                404,
                422,
                parameters=REF,
            ),  # fmt: skip
        },
        "/api/v1/inbound-email": {
            "post": op(
                "A raw RFC 822 reply (message/rfc822): 201 threaded to its case, 202 triage",
                "201",
                401,
                403,
                409,
                413,
                422,
            ),  # fmt: skip
        },
    }
