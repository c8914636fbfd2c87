"""The audit trail as a reader may see it: all of it for the billing team, less for Sales/CS."""

from collections.abc import Sequence

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event, Evidence, User
from disputedesk.workflows.permissions import reads_internal_comments
from disputedesk.workflows.trail import account_team_data

COLUMNS = ("id", "dispute_id", "seq", "at", "actor_id", "actor", "type", "trigger",
           "from_state", "to_state", "prev_hash", "hash", "written_type")  # fmt: skip


def _removed_files(dispute: Dispute) -> frozenset[str]:
    rows = db.session.execute(
        select(Evidence.id, Evidence.sha256).where(
            Evidence.dispute_id == dispute.id, Evidence.removed_at.is_not(None)
        )
    )
    return frozenset(text for row in rows for text in (str(row.id), row.sha256))


def readable_events(dispute: Dispute, user: User, events: Sequence[Event]) -> Sequence[Event]:
    """Return the events the user may read, with only the fields they may read."""
    if reads_internal_comments(user.as_actor()):
        return events
    removed, shown = _removed_files(dispute), []
    for event in events:
        data = account_team_data(event.type, event.trigger, event.data or {}, removed)
        if data is not None:
            # A detached copy: the stored event is never touched, so nothing can flush it.
            shown.append(Event(**{c: getattr(event, c) for c in COLUMNS}, data=data))
    return shown
