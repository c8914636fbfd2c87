"""API tokens: created with scopes and an expiry, shown once, listed, revoked; last use kept."""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from disputedesk.app.extensions import db
from disputedesk.app.models import ApiToken, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.security import log
from disputedesk.app.services.transactions import LOST_RACE, transaction
from disputedesk.workflows.errors import InvalidInput, NotFound, NotPermitted
from disputedesk.workflows.scopes import (
    DEFAULT_SCOPES,
    DEFAULT_TOKEN_DAYS,
    MAX_TOKEN_DAYS,
    parse_scopes,
)

TOKEN_PREFIX = "dd_"
TOUCH_EVERY = timedelta(minutes=1)  # last-used is written at most this often per token


def digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough to make a stolen table useless.
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    user: User,
    *,
    scopes: str | None = None,
    days: int | None = None,
    name: str = "",
    actor: User | None = None,
) -> tuple[str, ApiToken]:
    """Create a token and return it with its row; only its hash is kept (commits). Someone
    else's token is made only by an admin."""
    if actor is not None and actor.id != user.id and not actor.can("administer"):
        raise NotPermitted("only an admin makes a token for someone else")
    if user.can("use_portal"):
        raise NotPermitted("an advertiser's people use the portal: the API is not theirs")
    try:
        chosen = parse_scopes(scopes) if scopes else DEFAULT_SCOPES
    except ValueError as error:
        raise InvalidInput({"scopes": str(error)}) from None
    days = DEFAULT_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput({"days": f"from 1 to {MAX_TOKEN_DAYS}"})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=digest(token),
        name=(name or "").strip()[:80],
        scopes=" ".join(chosen),
        expires_at=utcnow() + timedelta(days=days),
    )
    with transaction(lost_race=LOST_RACE):
        db.session.add(row)
        db.session.flush()
        log.record("token_created", actor=actor or user, subject=user,
                   data={"token_id": row.id, "scopes": list(chosen), "days": days})  # fmt: skip
    return token, row


def token_in_use(token: str) -> ApiToken | None:
    """Return the live token (not revoked, not expired, its user active), noting its use."""
    row = db.session.scalar(
        select(ApiToken)
        .join(User, ApiToken.user_id == User.id)
        .options(contains_eager(ApiToken.user))  # the caller, in the same statement
        .where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None))
        .where(User.active.is_(True))
    )
    now = utcnow()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    if row.user.can("use_portal"):  # a portal account never calls the API, however it got one
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        with transaction(lost_race=LOST_RACE):
            row.last_used_at = now
    return row


def tokens_of(user: User) -> Sequence[ApiToken]:
    """List the user's tokens, newest first (revoked and expired ones too, marked so)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return db.session.scalars(query).all()


def revoke_token(token_id: int, actor: User, *, any_user: bool = False) -> ApiToken:
    """Revoke a token of the actor's own (or, `any_user`, anyone's if the actor is an admin);
    commits."""
    row = db.session.get(ApiToken, token_id)
    theirs = row is not None and row.user_id != actor.id
    if row is None or (theirs and not (any_user and actor.can("administer"))):
        raise NotFound("no such token of yours")
    if row.revoked_at is None:
        with transaction(lost_race=LOST_RACE):
            row.revoked_at = utcnow()
            log.record("token_revoked", actor=actor, subject=row.user,
                       data={"token_id": row.id})  # fmt: skip
    return row
