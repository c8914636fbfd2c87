"""My queue, the team queue, claiming the next case and reassigning in bulk."""

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.counting import COUNT_CAP
from disputedesk.app.queries.queues import (
    SORTS,
    QueueFilters,
    QueuePage,
    my_queue,
    team_members,
    team_queue,
    team_queue_refs,
    team_workload,
)
from disputedesk.app.services.assignment import claim_next, reassign_many
from disputedesk.app.services.saved_views import delete_view, save_view, views_of
from disputedesk.app.web import params
from disputedesk.app.web.rendering import page_or_partial, requires, wants_partial
from disputedesk.app.web.team_lockouts import locked_out
from disputedesk.workflows import edge
from disputedesk.workflows.codes import PRIORITIES, PRODUCTS, REASON_CODES
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.errors import DomainError, InvalidInput, NotFound

bp = Blueprint("queues", __name__)
CHOICES = {
    "sorts": SORTS,
    "states": OPEN_STATES,
    "priorities": PRIORITIES,
    "reasons": REASON_CODES,
    "products": PRODUCTS,
}


def _page_of(queue: Callable[..., QueuePage], filters: QueueFilters) -> QueuePage:
    """Read one page of a queue; a "Show more" link that was tampered with is a bad request."""
    try:
        return queue(current_user, filters, params.text(request.args, "after", edge.MAX_CURSOR))
    except InvalidInput:
        abort(400)


def _team_page() -> str:
    """Return to the team queue as the lead last filtered it (htmx keeps the URL current)."""
    came_from = urlsplit(request.referrer or "")
    if came_from.netloc == request.host and came_from.path == url_for("queues.team"):
        return came_from.path + (f"?{came_from.query}" if came_from.query else "")
    return url_for("queues.team")


def _filters(values=None, prefix: str = "") -> QueueFilters:  # noqa: ANN001
    """Read the queue filters (from the form's filter-* fields for "all matching")."""
    fields = QueueFilters.__dataclass_fields__
    values = request.args if values is None else values
    filters = QueueFilters(**{f: params.text(values, prefix + f) for f in fields})
    if filters.assignee not in ("", "none"):
        params.optional_int(values, prefix + "assignee")
    return filters


@bp.get("/queue")
@requires("work_cases")
def mine():  # noqa: ANN201
    filters = _filters()
    page = _page_of(my_queue, filters)
    return page_or_partial(
        "queues/mine.html", "queues/_mine_rows.html" if request.args.get("after")
        else "queues/_mine_table.html",
        page=page, filters=filters, now=utcnow(), **CHOICES,
    )  # fmt: skip


@bp.post("/queue/claim")
@requires("work_cases")
def claim():  # noqa: ANN201
    dispute = claim_next(current_user)
    if dispute is None:
        flash("No unassigned cases are waiting in your team's queue.", "info")
        return redirect(url_for("queues.mine"))
    flash(f"You claimed {dispute.ref}.", "info")
    return redirect(url_for("cases.show", ref=dispute.ref))


@bp.get("/team")
@requires("lead_team")
def team():  # noqa: ANN201
    filters = _filters()
    page = _page_of(team_queue, filters)
    # The workload and the member list are only on the full page; a fragment skips them.
    # The workload's rows are the team's members, so one query answers both.
    page_only = {}
    if not wants_partial():
        workload = team_workload(current_user)
        members = sorted((w.user for w in workload), key=lambda user: user.email)
        page_only = {
            "members": members,
            "workload": workload,
            "views": views_of(current_user),
            "locked": locked_out(members),  # sign-ins a lead may clear
        }
    return page_or_partial(
        "queues/team.html", "queues/_team_rows.html" if request.args.get("after")
        else "queues/_team_table.html",
        page=page, filters=filters, now=utcnow(), **page_only, **CHOICES,
    )  # fmt: skip


@bp.post("/team/views")
@requires("lead_team")
def save_team_view():  # noqa: ANN201
    """Save the team queue's current filters under a name, for this lead only."""
    try:
        filters = _filters(request.form, "filter-")
        view = save_view(current_user, request.form.get("name"), filters.args())
    except InvalidInput as error:
        flash("The view was not saved: " + "; ".join(error.errors.values()) + ".", "error")
        return redirect(_team_page())
    flash(f"Saved the view “{view.name}”.", "info")
    return redirect(url_for("queues.team", **filters.args()))


@bp.post("/team/views/<int(min=1, max=2147483647):view_id>/delete")
@requires("lead_team")
def delete_team_view(view_id: int):  # noqa: ANN201
    try:
        delete_view(current_user, view_id)
    except NotFound:
        abort(404)
    flash("The saved view was deleted.", "info")
    return redirect(_team_page())


# What a refused bulk reassignment says, in the words of the page rather than the field names.
REFUSALS = {
    "disputes": "Tick at least one case to reassign.",
    "assignee": "Choose who should get the cases: an active analyst or lead of the team.",
}


@bp.post("/team/reassign")
@requires("lead_team")
def reassign():  # noqa: ANN201
    form = request.form
    refs, more = form.getlist("refs"), False
    if form.get("all_matching"):  # "all N matching": every case the lead's filters select
        refs = team_queue_refs(current_user, _filters(form, "filter-"), COUNT_CAP + 1)
        more, refs = len(refs) > COUNT_CAP, refs[:COUNT_CAP]
    email = form.get("assignee", "").strip()
    members = {m.email: m for m in team_members(current_user)}
    if not refs:
        flash("Nothing was reassigned: " + REFUSALS["disputes"], "error")
        return redirect(_team_page())
    if email not in members:
        flash("Nothing was reassigned: " + REFUSALS["assignee"], "error")
        return redirect(_team_page())
    try:
        changed = reassign_many(refs, current_user, email)
    except InvalidInput as error:
        fields = [REFUSALS.get(f, "") for f in error.errors] or [error.detail]
        flash("Nothing was reassigned: " + " ".join(f for f in fields if f), "error")
    except DomainError as error:
        flash(f"Nothing was reassigned: {error.detail}.", "error")
    else:
        message = _reassigned(len(changed), len(set(refs)), members[email].name)
        if more:
            message += (
                f" Those were the first {COUNT_CAP:,} matching cases: reassign again for the rest."
            )
        flash(message, "info")
    return redirect(_team_page())


def _reassigned(changed: int, asked: int, name: str) -> str:
    cases = f"{changed} case" + ("" if changed == 1 else "s")
    message = f"Reassigned {cases} to {name}."
    if asked > changed:
        already = asked - changed
        message += f" {already} {'was' if already == 1 else 'were'} already theirs."
    return message
