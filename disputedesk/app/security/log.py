"""Write the security log: who, when, from which address and browser."""

from typing import Any

from flask import has_request_context, request

from disputedesk.app.extensions import db
from disputedesk.app.models import SecurityEvent, User


def client_address() -> str:
    """Return the client's address as the app sees it (ProxyFix sets it behind a balancer)."""
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def record(
    kind: str,
    *,
    actor: User | None = None,
    subject: User | None = None,
    email: str = "",
    data: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Add one security event to the session (the caller commits)."""
    agent = request.headers.get("User-Agent", "") if has_request_context() else "cli"
    event = SecurityEvent(
        kind=kind,
        actor_id=actor.id if actor else None,
        subject_id=subject.id if subject else None,
        email=(email or (subject.email if subject else ""))[:254],
        address=client_address(),
        user_agent=agent[:300],
        data=data or {},
    )
    db.session.add(event)
    return event
