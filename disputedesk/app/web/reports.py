"""Month-end reports: the credit memos issued in a month, on screen and as CSV or JSON."""

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.report_totals import month_totals
from disputedesk.app.queries.reports import (
    COLUMNS,
    MEDIA_TYPES,
    books_zone,
    credit_rows,
    month_bounds,
    render,
    typed,
)
from disputedesk.app.web import params
from disputedesk.app.web.downloads import csv_download
from disputedesk.app.web.rendering import page_or_partial, requires
from disputedesk.workflows.books import month_of
from disputedesk.workflows.errors import InvalidInput
from disputedesk.workflows.money import REPORTING_CURRENCY

bp = Blueprint("reports", __name__, url_prefix="/reports")
PAGE_SIZE = 100  # rows on screen at a time; the totals and the downloads cover the whole month


def _rows(month: str) -> list[dict[str, str]]:
    """The export's rows for the month, of the cases this user may see (a lead: their team's)."""
    return credit_rows(month, current_user)


@bp.get("")
@requires("read_reports")
def credits():  # noqa: ANN201
    month = request.args.get("month") or month_of(utcnow(), books_zone())
    rows, errors, start, totals = [], {}, 0, None
    try:
        month = params.month(request.args, default=month)
        start = params.optional_int(request.args, "from", low=0) or 0
        totals = month_totals(month, current_user)
        rows = credit_rows(month, current_user, (start, PAGE_SIZE, totals.memos))
    except InvalidInput as error:
        errors = error.errors
    more = "from" in request.args and not errors  # "Show more" asks for the next rows only
    response = page_or_partial(
        "reports/credits.html", "reports/_credit_rows.html" if more else "reports/_credits.html",
        month=month, rows=rows, errors=errors, totals=totals, reporting=REPORTING_CURRENCY,
        start=start, page_size=PAGE_SIZE,
    )  # fmt: skip
    response.status_code = 422 if errors else 200
    return response


@bp.get("/credits.<any(csv, json, xlsx):fmt>")
@requires("read_reports")
def export(fmt: str):  # noqa: ANN201
    try:
        month = params.month(request.args)
        start, _ = month_bounds(month)
        rows = _rows(month)
    except InvalidInput:
        abort(400)
    name = f"credits-{start:%Y-%m}.{fmt}"
    if fmt == "csv":  # for people: Excel's BOM, amounts as numbers, text neutralised
        return csv_download(name, COLUMNS, (typed(row) for row in rows))
    return Response(
        render(rows, fmt),
        mimetype=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
