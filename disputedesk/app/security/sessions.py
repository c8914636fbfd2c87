"""Server-side sign-in sessions: the cookie names a row, and ending the row ends the session."""

import hashlib
import secrets
import time

from flask import request, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update

from disputedesk.app.extensions import db
from disputedesk.app.models import User, WebSession
from disputedesk.app.models.types import utcnow
from disputedesk.app.security import log
from disputedesk.app.services.transactions import transaction

SESSION_ID = "sid"  # session key: the random id of this browser's WebSession row
SIGNED_IN_AT = "signed_in_at"  # session key: when the password was last entered (epoch seconds)


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def new_session_id(user: User, address: str = "", user_agent: str = "") -> str:
    """Add a live session row for the user (the caller commits); return its secret id."""
    sid = secrets.token_urlsafe(32)
    db.session.add(
        WebSession(
            user_id=user.id, sid_hash=_digest(sid), address=address, user_agent=user_agent[:300]
        )
    )
    return sid


def start_session(user: User) -> None:
    """Sign the user in on this browser: a new session row, the cookie, the log (commits)."""
    agent = request.headers.get("User-Agent", "")
    with transaction():
        sid = new_session_id(user, log.client_address(), agent)
        user.last_sign_in_at = utcnow()
        log.record("sign_in", actor=user, subject=user)
    session.clear()  # a new session for a new sign-in: nothing carried over from before
    login_user(user)
    session[SESSION_ID] = sid
    session[SIGNED_IN_AT] = int(time.time())


def user_of_session(user_id: str) -> User | None:
    """Return the active user whose live session this cookie names, or None (one query)."""
    sid = session.get(SESSION_ID)
    if not user_id.isdigit() or not isinstance(sid, str):
        return None
    return db.session.scalar(
        select(User)
        .join(WebSession, WebSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            User.active.is_(True),
            WebSession.sid_hash == _digest(sid),
            WebSession.ended_at.is_(None),
        )
    )


def end_session(user: User) -> None:
    """Sign out this browser: end its session row, log it, forget the cookie (commits)."""
    sid = session.get(SESSION_ID)
    with transaction():
        if isinstance(sid, str):
            db.session.execute(
                update(WebSession)
                .where(WebSession.sid_hash == _digest(sid), WebSession.ended_at.is_(None))
                .values(ended_at=utcnow())
            )
        log.record("sign_out", actor=user, subject=user)
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> int:
    """End every live session of the user, everywhere (the caller commits); return how many."""
    result = db.session.execute(
        update(WebSession)
        .where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return result.rowcount or 0


def live_sessions(user: User) -> list[WebSession]:
    """Return the user's sessions that are still signed in, newest first."""
    return list(
        db.session.scalars(
            select(WebSession)
            .where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
            .order_by(WebSession.started_at.desc())
        )
    )
