"""The dashboard: every widget under one filter set, each as a table, a chart and a CSV."""

from decimal import Decimal

from flask import Blueprint, abort, request, url_for
from flask_login import current_user
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Team
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.dashboard import WIDGETS, dashboard
from disputedesk.app.queries.drilldown import drill_down, parse_drill
from disputedesk.app.queries.insight_filters import CHOICES, parse_filters
from disputedesk.app.services.facts import books_zone
from disputedesk.app.web import params
from disputedesk.app.web.downloads import csv_download
from disputedesk.app.web.rendering import page_or_partial, requires
from disputedesk.workflows.books import books_day
from disputedesk.workflows.errors import InvalidInput
from disputedesk.workflows.money import REPORTING_CURRENCY
from disputedesk.workflows.permissions import INSIGHT_READERS

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
DASHBOARD_ROLES = INSIGHT_READERS


def current_filters():  # noqa: ANN201
    """The filters of this request, narrowed to what the signed-in user may see."""
    return parse_filters(request.args.to_dict(), current_user, books_day(utcnow(), books_zone()))


def drill_url(filters, link: dict[str, str] | None) -> str | None:  # noqa: ANN001
    """The list of cases behind a number (or the exceptions or problem, where it names one)."""
    if link and "_to" in link:
        return url_for(link["_to"], **{k: v for k, v in link.items() if k != "_to"})
    return url_for("dashboard.cases", **{**filters.as_args(), **link}) if link else None


@bp.get("")
@requires("read_dashboard")
def index():  # noqa: ANN201
    errors, widgets, filters = {}, [], None
    try:
        filters = current_filters()
        widgets = dashboard(filters)
    except InvalidInput as error:
        errors = error.errors
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    response = page_or_partial(
        "dashboard/index.html", "dashboard/_widgets.html", widgets=widgets, filters=filters,
        errors=errors, args=request.args, teams=teams, choices=CHOICES, drill_url=drill_url,
        reporting=REPORTING_CURRENCY, team_locked=not current_user.can("see_all_cases"),
    )  # fmt: skip
    response.status_code = 422 if errors else 200
    return response


@bp.get("/<name>.csv")
@requires("read_dashboard")
def widget_csv(name: str):  # noqa: ANN201
    if name not in WIDGETS:
        abort(404)
    try:
        widget = WIDGETS[name](current_filters())
    except InvalidInput:
        abort(400)
    rows = ([Decimal(str(c.value)) if c.numeric and c.value is not None else c.text
             for c in row] for row in widget.rows)  # fmt: skip
    return csv_download(f"{name}.csv", widget.columns, rows)


@bp.get("/cases")
@requires("read_dashboard")
def cases():  # noqa: ANN201
    try:
        filters, drill = current_filters(), parse_drill(request.args.to_dict())
    except InvalidInput:
        abort(400)
    before = params.optional_int(request.args, "before")
    page = drill_down(filters, drill, current_user, books_zone(), before)
    older = page.next_before and url_for(
        "dashboard.cases", **{**request.args.to_dict(), "before": page.next_before}
    )
    return page_or_partial(
        "dashboard/cases.html", "dashboard/_cases.html", rows=page.rows, total=page.count,
        amount=page.amount, filters=filters, drill=drill, older=older,
        back=url_for("dashboard.index", **filters.as_args()),
    )  # fmt: skip
