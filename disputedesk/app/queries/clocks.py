"""How a dispute's SLA clocks stand now, in its team's business calendar."""

from datetime import datetime

from disputedesk.app.models import Dispute, Team
from disputedesk.workflows import hours
from disputedesk.workflows.sla import TICKING, Calendar, ClockView, clock_view


def calendar_for(team: Team) -> Calendar:
    """Return the business calendar of a team."""
    return Calendar(
        timezone=team.timezone,
        hours=hours.week(
            team.hours or hours.DEFAULT_HOURS, team.workdays or hours.DEFAULT_WORKDAYS
        ),
        holiday_country=team.holiday_country,
    )


def clock_views(dispute: Dispute, now: datetime) -> list[ClockView]:
    """Return how each of the dispute's clocks stands now, oldest first."""
    calendar = calendar_for(dispute.team)
    return [clock_view(clock, calendar, now) for clock in dispute.sla_clocks]


def nearest_due(dispute: Dispute, now: datetime) -> ClockView | None:
    """Return the view of the dispute's ticking clock that falls due first, if any."""
    ticking = [c for c in dispute.sla_clocks if c.status in TICKING and not c.stopped_at]
    if not ticking:
        return None
    return clock_view(min(ticking, key=lambda c: c.due_at), calendar_for(dispute.team), now)
