"""CSV of any filtered list (my queue, the team queue, Track): the rows its pages hold."""

from collections.abc import Callable, Iterator
from decimal import Decimal

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from disputedesk.app.models import Dispute
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.queues import QueueFilters, my_queue, team_queue
from disputedesk.app.queries.tracking import default_view, track
from disputedesk.app.services.facts import reporting_amount_of
from disputedesk.app.web.downloads import csv_download
from disputedesk.app.web.rendering import requires
from disputedesk.workflows.errors import InvalidInput
from disputedesk.workflows.money import format_amount

bp = Blueprint("exports", __name__)
MAX_ROWS = 5_000  # an export is for a working list, not the whole table
COLUMNS = ("reference", "state", "priority", "advertiser", "advertiser_ref", "invoice", "amount",
           "currency", "amount_usd", "assignee", "assignee_name", "filed_at",
           "last_activity_at")  # fmt: skip


def row(d: Dispute) -> list[object]:
    return [
        d.ref, d.state, d.priority, d.advertiser.name, d.advertiser.ref, d.invoice.number,
        Decimal(format_amount(d.disputed_amount)), d.currency,
        Decimal(format_amount(reporting_amount_of(d))),
        d.assignee.email if d.assignee else "", d.assignee.name if d.assignee else "",
        d.filed_at.isoformat(), d.updated_at.isoformat(),
    ]  # fmt: skip


def _pages(read: Callable[[str | None], tuple[list[Dispute], str | None]]) -> Iterator[Dispute]:
    after, sent = None, 0
    while sent < MAX_ROWS:
        rows, after = read(after)
        yield from rows[: MAX_ROWS - sent]
        sent += len(rows)
        if not after:
            return


def _csv(name: str, disputes: Iterator[Dispute]) -> Response:
    return csv_download(f"{name}-{utcnow():%Y-%m-%d}.csv", COLUMNS, (row(d) for d in disputes))


def _filters() -> QueueFilters:
    return QueueFilters(
        **{f: request.args.get(f, "").strip() for f in QueueFilters.__dataclass_fields__}
    )


def _queue(queue, filters: QueueFilters):  # noqa: ANN001,ANN202
    def read(after: str | None):  # noqa: ANN202
        page = queue(current_user, filters, after)
        return page.rows, page.next_after

    return read


@bp.get("/queue.csv")
@requires("work_cases")
def my_queue_csv():  # noqa: ANN201
    try:
        return _csv("my-queue", _pages(_queue(my_queue, _filters())))
    except InvalidInput:
        abort(400)


@bp.get("/team.csv")
@requires("lead_team")
def team_queue_csv():  # noqa: ANN201
    try:
        return _csv("team-queue", _pages(_queue(team_queue, _filters())))
    except InvalidInput:
        abort(400)


@bp.get("/track.csv")
@requires("track_cases")
def track_csv():  # noqa: ANN201
    q = request.args.get("q", "").strip()
    showing = request.args.get("show") or default_view(current_user)

    def read(after: str | None):  # noqa: ANN202
        page = track(current_user, q, showing, after)
        return page.rows, (str(page.next_after) if page.next_after else None)

    return _csv("track", _pages(read))
