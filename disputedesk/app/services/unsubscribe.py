"""One-click unsubscribe (RFC 8058) for notice e-mail: each notice carries a signed link that
turns that kind of e-mail off for its recipient without signing in; the digest's turns off
every kind that goes to the digest. The bell keeps every notice either way."""

from itsdangerous import BadSignature
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import NotificationPreference, User
from disputedesk.app.services.list_headers import DIGEST, signer
from disputedesk.app.services.notice_delivery import email_modes, set_email_modes
from disputedesk.workflows.notices import DEFAULT_EMAIL_MODE, KINDS


def read_token(token: str) -> tuple[User, str] | None:
    """The active person and the kind a link names, or None for a link we did not sign."""
    try:
        user_id, kind = signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or (kind not in KINDS and kind != DIGEST):
        return None
    return user, kind


def unsubscribe(user: User, kind: str) -> list[str]:
    """Turn the kind's e-mail off (the digest's: every kind in digest mode); the kinds."""
    if kind != DIGEST:
        set_email_modes(user, {kind: "off"})
        return [kind]
    kept = email_modes(user)
    digested = [k for k in KINDS if kept.get(k, DEFAULT_EMAIL_MODE) == "digest"]
    if digested:
        set_email_modes(user, dict.fromkeys(digested, "off"))
    return digested


def stopped(user: User) -> list[str]:
    """The kinds the person gets no e-mail for."""
    rows = select(NotificationPreference.kind).where(
        NotificationPreference.user_id == user.id, NotificationPreference.email == "off"
    )
    return list(db.session.scalars(rows))
