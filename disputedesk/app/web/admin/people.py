"""Admin: the people list, inviting, changing and deactivating an account, its tokens."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from disputedesk.app.extensions import db
from disputedesk.app.models import ApiToken, SecurityEvent, Team, User
from disputedesk.app.models.types import MAX_ID
from disputedesk.app.security import log
from disputedesk.app.security.sessions import end_all_sessions, live_sessions
from disputedesk.app.services.accounts import clear_lockout
from disputedesk.app.services.admin import (
    ZONES,
    Profile,
    deactivate_user,
    invite_user,
    name_top_approver,
    open_cases_of,
    update_user,
)
from disputedesk.app.services.tokens import revoke_token, tokens_of
from disputedesk.app.services.transactions import transaction
from disputedesk.app.web.admin.blueprint import admin_required, bp
from disputedesk.workflows.codes import ROLES
from disputedesk.workflows.errors import DomainError, InvalidInput

USER_ID = f"<int(min=1, max={MAX_ID}):user_id>"


def _profile(form) -> Profile:  # noqa: ANN001
    limit = (form.get("approval_limit") or "0").strip()
    if not (limit.isascii() and limit.isdigit()) or len(limit) > 9:
        raise InvalidInput({"approval_limit": "whole units of the reporting currency, e.g. 5000"})
    return Profile(role=form.get("role", ""), team=form.get("team", "").strip(),
                   approval_limit=int(limit) * 100, timezone=form.get("timezone", "").strip(),
                   name=form.get("name", "").strip()[:120])  # fmt: skip


def _choices() -> dict:
    teams = db.session.scalars(select(Team.name).order_by(Team.name)).all()
    return {"roles": ROLES, "teams": teams, "zones": sorted(ZONES)}


@bp.get("/")
@admin_required
def index():  # noqa: ANN201
    return render_template("admin/index.html")


@bp.get("/users")
@admin_required
def users():  # noqa: ANN201
    people = db.session.scalars(select(User).options(joinedload(User.team)).order_by(User.email))
    return render_template("admin/users.html", people=list(people), **_choices(), errors={})


@bp.post("/users")
@admin_required
def invite():  # noqa: ANN201
    try:
        user, token = invite_user(
            request.form.get("email", ""), _profile(request.form), current_user
        )
    except InvalidInput as error:
        people = db.session.scalars(select(User).order_by(User.email))
        return render_template("admin/users.html", people=list(people), **_choices(),
                               errors=error.errors, form=request.form), 422  # fmt: skip
    link = url_for("account.set_password", token=token, _external=True)
    return render_template("admin/invited.html", user=user, link=link)


def _user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.get(f"/users/{USER_ID}")
@admin_required
def user(user_id: int):  # noqa: ANN201
    person = _user(user_id)
    recent = db.session.scalars(
        select(SecurityEvent).where(SecurityEvent.subject_id == person.id)
        .order_by(SecurityEvent.id.desc()).limit(20)
    )  # fmt: skip
    return render_template(
        "admin/user.html", person=person, tokens=tokens_of(person), sessions=live_sessions(person),
        open_cases=open_cases_of(person), recent=list(recent), errors={}, **_choices(),
    )  # fmt: skip


@bp.post(f"/users/{USER_ID}")
@admin_required
def change(user_id: int):  # noqa: ANN201
    person = _user(user_id)
    try:
        update_user(person, _profile(request.form), current_user)
    except InvalidInput as error:
        flash(error.detail, "error")
    else:
        flash(f"Saved {person.email}.", "info")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post(f"/users/{USER_ID}/deactivate")
@admin_required
def deactivate(user_id: int):  # noqa: ANN201
    person = _user(user_id)
    try:
        kept = deactivate_user(person, current_user)
    except InvalidInput as error:
        flash(error.detail, "error")
    else:
        cases = "1 open case stays" if kept == 1 else f"{kept} open cases stay"
        flash(f"{person.name} is deactivated; {cases} assigned to them "
              "until a lead reassigns them.", "info")  # fmt: skip
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post(f"/users/{USER_ID}/top-approver")
@admin_required
def top_approver(user_id: int):  # noqa: ANN201
    person = _user(user_id)
    top = request.form.get("top") == "1"
    try:
        name_top_approver(person, top, actor=current_user)
    except DomainError as error:
        flash(f"Nothing changed: {error.detail}", "error")
    else:
        flash(f"{person.email} is {'now' if top else 'no longer'} the top approver.", "info")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post(f"/users/{USER_ID}/unlock")
@admin_required
def unlock(user_id: int):  # noqa: ANN201
    person = _user(user_id)
    clear_lockout(person, actor=current_user)
    flash(f"{person.email} may sign in again.", "info")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post(f"/users/{USER_ID}/sign-out")
@admin_required
def sign_out(user_id: int):  # noqa: ANN201
    person = _user(user_id)
    with transaction():
        ended = end_all_sessions(person)
        log.record("signed_out_everywhere", actor=current_user, subject=person,
                   data={"sessions": ended})  # fmt: skip
    flash(f"Ended {ended} session(s) of {person.email}.", "info")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.get("/tokens")
@admin_required
def tokens():  # noqa: ANN201
    rows = db.session.scalars(
        select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id.desc())
    )
    return render_template("admin/tokens.html", tokens=list(rows))


@bp.post(f"/tokens/<int(min=1, max={MAX_ID}):token_id>/revoke")
@admin_required
def revoke(token_id: int):  # noqa: ANN201
    row = revoke_token(token_id, current_user, any_user=True)
    flash(f"Token {token_id} is revoked.", "info")
    if request.form.get("back") == "user":
        return redirect(url_for("admin.user", user_id=row.user_id))
    return redirect(url_for("admin.tokens"))
