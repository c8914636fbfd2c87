"""Changing an account: password, role, deactivation; each ends the person's sessions."""

from werkzeug.security import generate_password_hash

from disputedesk.app.models import User
from disputedesk.app.security import log
from disputedesk.app.security.sessions import end_all_sessions
from disputedesk.app.security.throttle import current_throttle
from disputedesk.app.services.transactions import LOST_RACE, transaction
from disputedesk.workflows.admin import is_role, role_changes
from disputedesk.workflows.codes import ROLES
from disputedesk.workflows.errors import InvalidInput

MIN_PASSWORD_LENGTH = 12


def set_password(user: User, password: str, *, actor: User | None = None) -> None:
    """Give the user a new password and sign them out everywhere (one transaction)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput({"password": f"at least {MIN_PASSWORD_LENGTH} characters"})
    with transaction(lost_race=LOST_RACE):
        user.password_hash = generate_password_hash(password, method="scrypt")
        ended = end_all_sessions(user)
        log.record("password_changed", actor=actor or user, subject=user,
                   data={"sessions": ended})  # fmt: skip


def change_role(user: User, role: str, *, actor: User) -> None:
    """Give the user another role; sessions made under the old one end (one transaction)."""
    if not is_role(role):
        raise InvalidInput({"role": "one of " + ", ".join(ROLES)})
    if not role_changes(user.role, role):
        return
    with transaction(lost_race=LOST_RACE):
        before, user.role = user.role, role
        ended = end_all_sessions(user)
        data = {"before": before, "after": role, "sessions": ended}
        log.record("role_changed", actor=actor, subject=user, data=data)


def deactivate(user: User, *, actor: User) -> None:
    """Stop the user from signing in or using tokens; end their sessions (one transaction)."""
    if not user.active:
        return
    with transaction(lost_race=LOST_RACE):
        user.active = False
        ended = end_all_sessions(user)
        log.record("deactivated", actor=actor, subject=user, data={"sessions": ended})


def clear_lockout(user: User, *, actor: User | None) -> None:
    """Forget the user's failed sign-ins so they may sign in at once; logged; commits."""
    current_throttle().clear(user.email)
    with transaction():
        log.record("lockout_cleared", actor=actor, subject=user)
