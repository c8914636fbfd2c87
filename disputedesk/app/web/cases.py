"""The dispute page and the changes made from it: triggers, assignment, comments, watching."""

from flask import Blueprint, request
from flask_login import current_user, login_fresh, login_required

from disputedesk.app.extensions import login_manager
from disputedesk.app.services.assignment import assign, take
from disputedesk.app.services.comments import add_comment
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.app.services.watching import set_watching
from disputedesk.app.web import params
from disputedesk.app.web.areas import (
    AREAS,
    after_change,
    case_context,
    load_case,
    refused,
    render_area,
)
from disputedesk.app.web.rendering import page_or_partial
from disputedesk.workflows.errors import DomainError

bp = Blueprint("cases", __name__, url_prefix="/disputes")
FRESH_TRIGGERS = ("issue_credit",)  # money leaves the company: confirm who is at the keyboard


def _version() -> int | None:
    return params.version(request.form)


@bp.get("/<ref>")
@login_required
def show(ref: str):  # noqa: ANN201
    return page_or_partial("cases/show.html", "cases/_case.html",
                           **case_context(load_case(ref), AREAS))  # fmt: skip


@bp.get("/<ref>/<any(header, actions, evidence, credit, timeline):area>")
@login_required
def area(ref: str, area: str):  # noqa: ANN201
    return render_area(area, ref)


@bp.post("/<ref>/trigger")
@login_required
def trigger(ref: str):  # noqa: ANN201
    load_case(ref)
    name = request.form.get("trigger", "")
    if name in FRESH_TRIGGERS and not login_fresh():
        return login_manager.needs_refresh()
    try:
        # The form's box is "1" when ticked; the trigger takes a yes or no.
        data = request.form.to_dict() | {"rebill": request.form.get("rebill") == "1" or None}
        fire_trigger(ref, current_user, name, data, expected_version=_version())
    except DomainError as error:
        return refused(ref, "actions", error)
    return after_change(ref, "actions", f"{name.replace('_', ' ').capitalize()}: done.")


@bp.post("/<ref>/assign")
@login_required
def assign_case(ref: str):  # noqa: ANN201
    load_case(ref)
    try:
        assign(ref, current_user, request.form.get("assignee", ""), expected_version=_version())
    except DomainError as error:
        return refused(ref, "actions", error)
    return after_change(ref, "actions", "Assignment saved.")


@bp.post("/<ref>/take")
@login_required
def take_case(ref: str):  # noqa: ANN201
    load_case(ref)
    try:
        take(ref, current_user, expected_version=_version())
    except DomainError as error:
        return refused(ref, "actions", error)
    return after_change(ref, "actions", "The case is yours now.")


@bp.post("/<ref>/comments")
@login_required
def comment(ref: str):  # noqa: ANN201
    load_case(ref)
    try:
        add_comment(
            ref, current_user, request.form.get("body", ""), request.form.get("visibility"),
            expected_version=_version(),
        )  # fmt: skip
    except DomainError as error:
        return refused(ref, "timeline", error)
    return after_change(ref, "timeline", "Comment added.")


@bp.post("/<ref>/watch")
@login_required
def watch(ref: str):  # noqa: ANN201
    load_case(ref)
    try:
        watching = set_watching(ref, current_user, request.form.get("watch") == "1")
    except DomainError as error:
        return refused(ref, "header", error)
    message = "You are watching this case." if watching else "You stopped watching this case."
    return after_change(ref, "header", message)
