"""Rate limits on the API, per token (per address for calls without one)."""

import hashlib

from flask import Blueprint, current_app, request
from flask_limiter.util import get_remote_address

from disputedesk.app.extensions import limiter


def api_caller() -> str:
    """Key an API call by its bearer token's digest, so each integration has its own budget."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:24]
    return "address:" + (get_remote_address() or "")


def limit_api(bp: Blueprint) -> None:
    """Apply the configured API_RATE_LIMIT to every route of the blueprint (once per process:
    the blueprint and the limiter outlive each app built from them)."""
    if not getattr(bp, "rate_limited", False):
        limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=api_caller)(bp)
        bp.rate_limited = True
