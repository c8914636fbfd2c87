"""My queue, the team queue, claiming the next case and reassigning in bulk."""

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from app.models.types import utcnow
from app.queries.queues import (
    QueueFilters,
    QueuePage,
    my_queue,
    team_members,
    team_queue,
    team_workload,
)
from app.services.assignment import claim_next, reassign_many
from app.web import params
from app.web.rendering import page_or_partial, requires, wants_partial
from workflows import edge
from workflows.codes import PRIORITIES, PRODUCTS, REASON_CODES
from workflows.dispute import OPEN_STATES
from workflows.errors import DomainError, InvalidInput

bp = Blueprint("queues", __name__)
CHOICES = {
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


def _filters() -> QueueFilters:
    """Read the queue filters; an assignee is "none" or a user id."""
    fields = QueueFilters.__dataclass_fields__
    filters = QueueFilters(**{f: params.text(request.args, f) for f in fields})
    if filters.assignee not in ("", "none"):
        params.optional_int(request.args, "assignee")
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
    page_only = (
        {}
        if wants_partial()
        else {
            "members": team_members(current_user),
            "workload": team_workload(current_user),
        }
    )
    return page_or_partial(
        "queues/team.html", "queues/_team_rows.html" if request.args.get("after")
        else "queues/_team_table.html",
        page=page, filters=filters, now=utcnow(), **page_only, **CHOICES,
    )  # fmt: skip


@bp.post("/team/reassign")
@requires("lead_team")
def reassign():  # noqa: ANN201
    refs = request.form.getlist("refs")
    try:
        changed = reassign_many(refs, current_user, request.form.get("assignee", ""))
    except DomainError as error:
        flash(f"Nothing was reassigned: {error.detail}", "error")
    else:
        flash(f"Reassigned {len(changed)} case(s).", "info")
    return redirect(_team_page())
