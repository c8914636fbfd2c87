"""Administering people and teams: invite, change, deactivate; every change in the security log."""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import available_timezones

from sqlalchemy import func, select, update

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, PasswordLink, Team, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.security import log
from disputedesk.app.security.sessions import end_all_sessions
from disputedesk.app.services.accounts import set_password
from disputedesk.app.services.transactions import LOST_RACE, transaction
from disputedesk.workflows import hours as business
from disputedesk.workflows.admin import SET_PASSWORD_HOURS, is_role, role_changes
from disputedesk.workflows.codes import ROLES
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.errors import InvalidInput, NotFound, NotPermitted

ZONES = frozenset(available_timezones())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Profile:
    """What an admin sets on an account."""

    role: str
    team: str = ""
    approval_limit: int = 0  # minor units of the reporting currency
    timezone: str = "America/Chicago"
    name: str = ""


def _check(profile: Profile) -> dict[str, str]:
    errors = {}
    if not is_role(profile.role):
        errors["role"] = "one of " + ", ".join(ROLES)
    if profile.approval_limit < 0:
        errors["approval_limit"] = "cannot be negative"
    if profile.timezone not in ZONES:
        errors["timezone"] = "a time zone such as America/Chicago"
    if profile.team and not db.session.scalar(select(Team.id).where(Team.name == profile.team)):
        errors["team"] = f"no team {profile.team}"
    return errors


def _team(name: str) -> Team | None:
    return db.session.scalar(select(Team).where(Team.name == name)) if name else None


def _admin(actor: User) -> None:
    if not actor.can("administer"):
        raise NotPermitted("only an admin keeps people and teams")


def invite_user(email: str, profile: Profile, actor: User) -> tuple[User, str]:
    """Create an account without a password; return it and its one-time set-password token."""
    _admin(actor)
    email = (email or "").strip().lower()
    errors = _check(profile)
    if "@" not in email or len(email) > 254:
        errors["email"] = "an email address"
    elif db.session.scalar(select(User.id).where(User.email == email)):
        errors["email"] = f"{email} already has an account"
    if errors:
        raise InvalidInput(errors)
    team = (
        db.session.scalar(select(Team).where(Team.name == profile.team)) if profile.team else None
    )
    name = profile.name or email.split("@")[0].title()
    with transaction(lost_race=f"{email} was invited at the same moment"):
        user = User(email=email, name=name, role=profile.role, team=team,
                    approval_limit=profile.approval_limit, timezone=profile.timezone)  # fmt: skip
        db.session.add(user)
        db.session.flush()
        token = new_password_link(user)
        log.record("user_invited", actor=actor, subject=user,
                   data={"role": user.role, "team": profile.team})  # fmt: skip
    return user, token


def new_password_link(user: User) -> str:
    """Add a one-time set-password link for a new account (in the caller's transaction)."""
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(hours=SET_PASSWORD_HOURS)
    db.session.add(PasswordLink(user_id=user.id, token_hash=_digest(token), expires_at=expires))
    return token


def use_password_link(token: str, password: str) -> User:
    """Set the password through a one-time link; the link then works no more (commits)."""
    link = db.session.scalar(
        select(PasswordLink).where(PasswordLink.token_hash == _digest(token or ""))
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise NotFound("this link is used, expired or unknown: ask an administrator for another")
    user = db.session.get(User, link.user_id)
    link.used_at = utcnow()
    set_password(user, password, actor=user)  # refuses a short password before committing
    return user


def password_link_is_live(token: str) -> bool:
    link = db.session.scalar(
        select(PasswordLink).where(PasswordLink.token_hash == _digest(token or ""))
    )
    return link is not None and link.used_at is None and link.expires_at > utcnow()


def name_top_approver(user: User, top: bool, actor: User) -> None:
    """Name (or stop naming) the top approver: a memo beyond every approver's limit goes to
    them. One at most: naming another takes it from the one before."""
    if not actor.can("administer"):
        raise NotPermitted("only an admin names the top approver")
    if top and (not user.can("be_top_approver") or not user.active):
        raise InvalidInput({"top_approver": "only an active approver can be the top approver"})
    with transaction(lost_race=LOST_RACE):
        before = list(db.session.scalars(select(User.email).where(User.top_approver.is_(True))))
        db.session.execute(
            update(User).where(User.top_approver.is_(True)).values(top_approver=False)
        )
        db.session.flush()
        user.top_approver = top
        log.record("top_approver_named" if top else "top_approver_cleared", actor=actor,
                   subject=user, data={"before": before})  # fmt: skip


def update_user(user: User, profile: Profile, actor: User) -> None:
    """Change role, team, limit, time zone; a role change ends the person's sessions."""
    _admin(actor)
    errors = _check(profile)
    if errors:
        raise InvalidInput(errors)
    before = {"role": user.role, "team": user.team.name if user.team else "",
              "approval_limit": user.approval_limit, "timezone": user.timezone}  # fmt: skip
    team = (
        db.session.scalar(select(Team).where(Team.name == profile.team)) if profile.team else None
    )
    with transaction(lost_race=LOST_RACE):
        user.team, user.approval_limit = team, profile.approval_limit
        user.timezone = profile.timezone
        after = {"role": profile.role, "team": profile.team, "timezone": profile.timezone,
                 "approval_limit": profile.approval_limit}  # fmt: skip
        if role_changes(user.role, profile.role):
            user.role = profile.role
            end_all_sessions(user)
            if user.top_approver and not user.can("be_top_approver"):  # its new role
                user.top_approver, after["top_approver"] = False, False  # only approvers are
                before["top_approver"] = True
        changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changed:
            log.record("user_changed", actor=actor, subject=user, data=changed)


def open_cases_of(user: User) -> Sequence[Dispute]:
    """The open cases assigned to the user: what a deactivation leaves without an owner."""
    query = select(Dispute).where(Dispute.assignee_id == user.id, Dispute.state.in_(OPEN_STATES))
    return db.session.scalars(query.order_by(Dispute.id)).all()


def deactivate_user(user: User, actor: User) -> int:
    """Deactivate: no sign-in, no tokens, sessions ended; open cases stay assigned (commits)."""
    _admin(actor)
    if user.id == actor.id:
        raise InvalidInput({"user": "you cannot deactivate yourself"})
    kept = len(open_cases_of(user))
    if user.active:
        with transaction(lost_race=LOST_RACE):
            user.active = False
            ended = end_all_sessions(user)
            log.record("deactivated", actor=actor, subject=user,
                       data={"sessions": ended, "open_cases": kept})  # fmt: skip
    return kept


def update_team(
    team_id: int, name: str, timezone: str, holiday_country: str, actor: User,
    hours: str = business.DEFAULT_HOURS, workdays: str = business.DEFAULT_WORKDAYS,
) -> Team:  # fmt: skip
    """Rename a team or change its calendar (zone, hours, working days, holidays); commits.

    New business hours count from now on: clocks already running keep the due times they
    were given, the next clock started (or the next escalation) uses the new hours.
    """
    import holidays

    _admin(actor)
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound("no such team")
    name, country = (name or "").strip(), (holiday_country or "").strip().upper()
    errors = {}
    if not name or len(name) > 80:
        errors["name"] = "a name of up to 80 characters"
    elif db.session.scalar(select(func.count()).where(Team.name == name, Team.id != team.id)):
        errors["name"] = f"another team is called {name}"
    if timezone not in ZONES:
        errors["timezone"] = "a time zone such as America/Chicago"
    if country not in holidays.list_supported_countries():
        errors["holiday_country"] = "a country code such as US, CA or MX"
    hours = (hours or "").strip()
    try:
        business.parse_hours(hours)
    except business.BadHours as error:
        errors["hours"] = str(error)
    try:
        business.check_workdays(workdays or "")
    except business.BadHours as error:
        errors["workdays"] = str(error)
    if errors:
        raise InvalidInput(errors)
    fields = ("name", "timezone", "holiday_country", "hours", "workdays")
    before = {k: getattr(team, k) for k in fields}
    with transaction(lost_race=f"another team was called {name} at the same moment"):
        team.name, team.timezone, team.holiday_country = name, timezone, country
        team.hours, team.workdays = hours, workdays
        after = {k: getattr(team, k) for k in fields}
        changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changed:
            log.record("team_changed", actor=actor, data={"team_id": team.id, **changed})
    return team
