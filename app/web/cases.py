"""The dispute page and its areas: header, actions, comparison, timeline, watching."""

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db, htmx
from app.models import Dispute
from app.models.disputes import parse_ref
from app.models.types import utcnow
from app.services.assignment import assign
from app.services.case_view import case_view, compared_lines, timeline
from app.services.comments import add_comment
from app.services.listing import load_dispute
from app.services.triggers import fire_trigger
from app.services.watching import WATCHERS, set_watching
from app.web.rendering import page_or_partial
from workflows.codes import ROOT_CAUSES
from workflows.dispute import selectable_outcomes
from workflows.errors import (
    DomainError,
    GuardsFailed,
    InvalidInput,
    NotFound,
    NotPermitted,
    StaleCase,
)

bp = Blueprint("cases", __name__, url_prefix="/disputes")
HIDDEN_FIELDS = ("trigger", "version")


def _load(ref: str) -> Dispute:
    """Load a case the user may see: 404 when there is none, 403 when it is not theirs."""
    try:
        return load_dispute(ref, current_user)
    except NotFound:
        dispute_id = parse_ref(ref)
        abort(403 if dispute_id and db.session.get(Dispute, dispute_id) else 404)


def _area(name: str, ref: str, status: int = 200, **extra) -> tuple[str, int]:  # noqa: ANN003
    """Render one area of the case page, freshly loaded."""
    db.session.expire_all()
    dispute = _load(ref)
    context = {
        "view": case_view(dispute, current_user, utcnow()),
        "d": dispute,
        "outcomes": selectable_outcomes(),
        "root_causes": ROOT_CAUSES,
        "may_watch": current_user.role in WATCHERS,
        **extra,
    }
    if name == "timeline":
        context["events"] = timeline(dispute, current_user)
    return render_template(f"cases/_{name}.html", **context), status


def _after_change(ref: str, area: str, message: str) -> Response | tuple[str, int]:
    """Answer a successful change: the area re-rendered and the others told to refresh."""
    if not htmx:
        flash(message, "info")
        return redirect(url_for("cases.show", ref=ref))
    body, status = _area(area, ref, notice=message)
    # The other areas of the page listen for this and reload themselves.
    trigger = json.dumps({"case-changed": {"area": area}})
    return Response(body, status, headers={"HX-Trigger": trigger})


# How each refusal answers an htmx request; anything else is a conflict with the case's state.
REFUSAL_STATUS = {NotPermitted: 403, InvalidInput: 422, GuardsFailed: 422}


def _refused(ref: str, area: str, error: DomainError) -> Response | tuple[str, int]:
    """Answer a refused change, changing nothing: stale, not permitted, or input to fix."""
    if not htmx:
        if isinstance(error, NotPermitted):
            abort(403)
        flash(error.detail, "error")
        return redirect(url_for("cases.show", ref=ref))
    if isinstance(error, StaleCase):
        return render_template("cases/_stale.html", ref=ref), 409
    status = REFUSAL_STATUS.get(type(error), 409)
    problems = getattr(error, "errors", None) or {
        name.removesuffix("_given"): message
        for name, message in getattr(error, "failures", {}).items()
    }
    # A problem with a field the person filled in is shown beside it; the rest above the form.
    inline = {k: v for k, v in problems.items() if k in request.form and k not in HIDDEN_FIELDS}
    rest = [v for k, v in problems.items() if k not in inline]
    message = "; ".join(rest) if problems else error.detail
    return _area(
        area, ref, status, error=message or None, errors=inline,
        failed=request.form.get("trigger"), form=request.form,
    )  # fmt: skip


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


@bp.get("/<ref>")
@login_required
def show(ref: str):  # noqa: ANN201
    dispute = _load(ref)
    return page_or_partial(
        "cases/show.html", "cases/_case.html",
        d=dispute, view=case_view(dispute, current_user, utcnow()),
        events=timeline(dispute, current_user), lines=compared_lines(dispute),
        outcomes=selectable_outcomes(), root_causes=ROOT_CAUSES,
        may_watch=current_user.role in WATCHERS,
    )  # fmt: skip


@bp.get("/<ref>/<any(header, actions, timeline):area>")
@login_required
def area(ref: str, area: str):  # noqa: ANN201
    return _area(area, ref)


@bp.post("/<ref>/trigger")
@login_required
def trigger(ref: str):  # noqa: ANN201
    _load(ref)
    name = request.form.get("trigger", "")
    try:
        fire_trigger(ref, current_user, name, request.form, expected_version=_version())
    except DomainError as error:
        return _refused(ref, "actions", error)
    return _after_change(ref, "actions", f"{name.replace('_', ' ').capitalize()}: done.")


@bp.post("/<ref>/assign")
@login_required
def assign_case(ref: str):  # noqa: ANN201
    _load(ref)
    try:
        assign(ref, current_user, request.form.get("assignee", ""), expected_version=_version())
    except DomainError as error:
        return _refused(ref, "actions", error)
    return _after_change(ref, "actions", "Assignment saved.")


@bp.post("/<ref>/comments")
@login_required
def comment(ref: str):  # noqa: ANN201
    _load(ref)
    try:
        add_comment(ref, current_user, request.form.get("body", ""), request.form.get("visibility"))
    except DomainError as error:
        return _refused(ref, "timeline", error)
    return _after_change(ref, "timeline", "Comment added.")


@bp.post("/<ref>/watch")
@login_required
def watch(ref: str):  # noqa: ANN201
    _load(ref)
    try:
        watching = set_watching(ref, current_user, request.form.get("watch") == "1")
    except DomainError as error:
        return _refused(ref, "header", error)
    message = "You are watching this case." if watching else "You stopped watching this case."
    return _after_change(ref, "header", message)
