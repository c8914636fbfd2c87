"""Month-end reports: the credit memos issued in a month, on screen and as CSV or JSON."""

from collections import defaultdict

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from app.models.types import utcnow
from app.queries.reports import MEDIA_TYPES, books_zone, credit_rows, month_bounds, render
from app.web import params
from app.web.rendering import page_or_partial, requires
from workflows.books import month_of
from workflows.errors import InvalidInput
from workflows.money import REPORTING_CURRENCY, parse_amount

bp = Blueprint("reports", __name__, url_prefix="/reports")
PAGE_SIZE = 100  # rows on screen at a time; the totals and the downloads cover the whole month


def _rows(month: str) -> list[dict[str, str]]:
    """The export's rows for the month, of the cases this user may see (a lead: their team's)."""
    return credit_rows(month, current_user)


def _totals(rows: list[dict[str, str]]) -> dict:
    """Add the rows up: per currency, in the reporting currency, and per GL reason."""
    by_currency: dict[str, int] = defaultdict(int)
    by_gl_reason: dict[str, int] = defaultdict(int)
    for row in rows:
        by_currency[row["currency"]] += parse_amount(row["amount"])
        by_gl_reason[row["gl_reason"]] += parse_amount(row["reporting_amount"])
    return {
        "by_currency": sorted(by_currency.items()),
        "by_gl_reason": sorted(by_gl_reason.items(), key=lambda item: -item[1]),
        "reporting": sum(by_gl_reason.values()),
    }


@bp.get("")
@requires("read_reports")
def credits():  # noqa: ANN201
    month = request.args.get("month") or month_of(utcnow(), books_zone())
    rows, errors, start = [], {}, 0
    try:
        rows = _rows(params.month(request.args, default=month))
        start = params.optional_int(request.args, "from", low=0) or 0
    except InvalidInput as error:
        errors = error.errors
    more = "from" in request.args and not errors  # "Show more" asks for the next rows only
    response = page_or_partial(
        "reports/credits.html", "reports/_credit_rows.html" if more else "reports/_credits.html",
        month=month, rows=rows, errors=errors, totals=_totals(rows), reporting=REPORTING_CURRENCY,
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
    return Response(
        render(rows, fmt),
        mimetype=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
