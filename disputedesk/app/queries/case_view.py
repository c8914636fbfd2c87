"""Everything the dispute page shows, read in a fixed handful of queries."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import (
    Dispute,
    Event,
    SlaClock,
    User,
    Watch,
)
from disputedesk.app.queries.clocks import clock_views
from disputedesk.app.queries.listing import dispute_events
from disputedesk.app.queries.queues import team_members
from disputedesk.workflows.dispute import BY_TRIGGER, OPEN_STATES, Transition, allowed_triggers
from disputedesk.workflows.permissions import comment_visibilities, may_assign, may_take
from disputedesk.workflows.sla import ClockView


@dataclass(frozen=True)
class CaseView:
    dispute: Dispute
    actions: list[Transition]
    assignees: Sequence[User]  # whom the viewer may assign the case to; empty if they may not
    may_take: bool  # an unassigned open case of the viewer's own team: "Take this case"
    comment_visibilities: tuple[str, ...]
    watching: bool
    clocks: list[tuple[SlaClock, ClockView]]  # each SLA clock and how it stands now


def case_view(dispute: Dispute, user: User, now: datetime) -> CaseView:
    """Gather the header and the actions this user may take now."""
    actor = user.as_actor()
    facts = dispute.facts()
    assignees = team_members(user) if may_assign(actor, facts) and dispute.state in (
        "filed", "investigating", "escalated"
    ) else ()  # fmt: skip
    watching = db.session.scalar(
        select(Watch.id).where(Watch.dispute_id == dispute.id, Watch.user_id == user.id)
    )
    return CaseView(
        dispute=dispute,
        actions=[BY_TRIGGER[t] for t in allowed_triggers(actor, facts, now)],
        assignees=assignees,
        may_take=dispute.state in OPEN_STATES and may_take(actor, facts),
        comment_visibilities=comment_visibilities(actor),
        watching=watching is not None,
        clocks=list(zip(dispute.sla_clocks, clock_views(dispute, now), strict=True)),
    )


def timeline(dispute: Dispute, user: User) -> Sequence[Event]:
    """Return the events the user may read, newest first."""
    return list(reversed(dispute_events(dispute, user)))
