"""Admin: teams and their calendars (time zone, business hours, working days, holidays)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Team
from disputedesk.app.models.types import MAX_ID
from disputedesk.app.services.admin import ZONES, update_team
from disputedesk.app.web.admin.blueprint import admin_required, bp
from disputedesk.workflows.errors import InvalidInput, NotFound
from disputedesk.workflows.hours import DAYS
from disputedesk.workflows.sla import DEFAULT_CALENDAR


@bp.get("/teams")
@admin_required
def teams():  # noqa: ANN201
    rows = db.session.scalars(select(Team).order_by(Team.name))
    return render_template("admin/teams.html", teams=list(rows), zones=sorted(ZONES),
                           calendar=DEFAULT_CALENDAR, days=DAYS)  # fmt: skip


@bp.post(f"/teams/<int(min=1, max={MAX_ID}):team_id>")
@admin_required
def team(team_id: int):  # noqa: ANN201
    form = request.form
    try:
        workdays = "".join("1" if str(d) in form.getlist("workday") else "0" for d in range(7))
        changed = update_team(team_id, form.get("name", ""), form.get("timezone", ""),
                              form.get("holiday_country", ""), current_user,
                              hours=form.get("hours", ""), workdays=workdays)  # fmt: skip
    except NotFound:
        return render_template("error.html", error=_NotFound()), 404
    except InvalidInput as error:
        flash(error.detail, "error")
    else:
        flash(f"Saved team {changed.name}.", "info")
    return redirect(url_for("admin.teams"))


class _NotFound:
    code, name, description = 404, "Not Found", "There is no such team."
