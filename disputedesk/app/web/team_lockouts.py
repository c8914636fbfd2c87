"""A lead clears a sign-in lockout of someone on their own team (admins do it on /admin)."""

from collections.abc import Iterable

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user

from disputedesk.app.extensions import db
from disputedesk.app.models import User
from disputedesk.app.models.types import MAX_ID
from disputedesk.app.security.throttle import current_throttle
from disputedesk.app.services.accounts import clear_lockout
from disputedesk.app.web.rendering import requires

bp = Blueprint("team_lockouts", __name__)


def locked_out(people: Iterable[User]) -> set[int]:
    """Return the ids of the people whose sign-in is locked now."""
    throttle = current_throttle()
    return {p.id for p in people if throttle.lockout(p.email) is not None}


@bp.post(f"/team/members/<int(min=1, max={MAX_ID}):user_id>/unlock")
@requires("lead_team")
def unlock(user_id: int):  # noqa: ANN201
    person = db.session.get(User, user_id)
    if person is None or person.team_id != current_user.team_id:
        abort(404)  # not of their team: as if there were no such person
    clear_lockout(person, actor=current_user)
    flash(f"{person.name} may sign in again.", "info")
    return redirect(url_for("queues.team"))
