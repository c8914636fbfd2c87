"""The one write path: every change to a dispute runs inside `change_case`."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import joinedload, selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import ChainHead, Dispute, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.access import get_visible_dispute
from disputedesk.app.services.audit import append_events, chain_head
from disputedesk.app.services.facts import settle_facts
from disputedesk.app.services.notices import Audience, queue_change_notices
from disputedesk.app.services.transactions import STALE_MESSAGE, transaction
from disputedesk.workflows.errors import PreconditionFailed


@dataclass
class CaseChange:
    """One use case's change to one dispute; its events are appended when it commits."""

    dispute: Dispute
    user: User | None
    now: datetime
    events: list[dict[str, Any]] = field(default_factory=list)
    head: ChainHead | None = None  # the chain head, when a batch has locked it already
    audience: Audience | None = None  # who the notices go to, when a batch has read it
    new: bool = False  # a case being filed: no chain, no facts yet
    facts: dict | None = None  # where a batch sums its cases' facts deltas, to add them once

    def record(self, type: str, **fields: Any) -> None:
        """Note an audit event (trigger, from_state, to_state, data) for this change."""
        self.events.append({"type": type, **fields})


# What a change reads of its case besides the row: its team (the clocks' calendar), clocks (the
# queue keys), advertiser (the facts) and, for the answer, invoice and assignee. Loaded lazily
# halfway through a change, each would first flush what changed so far (the dispute written
# twice); the many-to-ones ride on the locked row's statement.
CHANGE_LOADS = (
    joinedload(Dispute.team),
    joinedload(Dispute.advertiser),
    joinedload(Dispute.invoice),
    joinedload(Dispute.assignee),
    selectinload(Dispute.sla_clocks),
)


def load_for_change(ref: str, user: User, expected_version: int | None) -> Dispute:
    """Load a dispute the user may see, locked on PostgreSQL, refusing a stale version."""
    dispute = get_visible_dispute(ref, user, lock=True, options=CHANGE_LOADS)
    if expected_version is not None and dispute.version != expected_version:
        raise PreconditionFailed(STALE_MESSAGE, current_version=dispute.version)
    return dispute


@contextmanager
def keeping_loaded() -> Iterator[None]:
    """Keep what a use case loaded and wrote past its commit, to answer from it.

    A commit normally expires every object, and the answer would read the case again (six
    statements for the API's document). Every change goes through the ORM, so after the
    commit the objects hold what was written; what the answer shows that the change did not
    load is read lazily as usual.
    """
    session = db.session()
    kept, session.expire_on_commit = session.expire_on_commit, False
    try:
        yield
    finally:
        session.expire_on_commit = kept


@contextmanager
def change_case(
    dispute: Dispute,
    user: User | None,
    now: datetime | None = None,
    *,
    commit: bool = True,
    head: ChainHead | None = None,
    audience: Audience | None = None,
    facts: dict | None = None,
) -> Iterator[CaseChange]:
    """Run one change of a dispute as one transaction: audit it, bump its version, commit.

    A batch of changes (the SLA sweep) passes the chain head and the notices' audience it
    read for all its cases at once, so each change adds rows without reading anything, and
    a dict in which the facts deltas of all its cases are summed (it adds them once).
    """
    change = CaseChange(dispute, user, now or utcnow(), head=head, audience=audience, facts=facts)
    with transaction(commit=commit):
        yield change
        _finish(change)


@contextmanager
def create_case(
    dispute: Dispute, user: User, now: datetime | None = None, *, commit: bool = True
) -> Iterator[CaseChange]:
    """File a new dispute through the same tail as every change: events, queue keys, commit."""
    change = CaseChange(dispute, user, now or utcnow(), new=True)
    with transaction(commit=commit):
        db.session.add(dispute)
        yield change
        _finish(change)


def _finish(change: CaseChange) -> None:
    """The tail every change shares: record → version → queue keys → events."""
    if not change.events:
        raise RuntimeError("a change to a dispute must record at least one event")
    dispute = change.dispute
    # Touching the row makes every change bump the version, so concurrent writers collide.
    dispute.updated_at = change.now
    dispute.refresh_queue_keys()
    if change.new:
        db.session.flush()  # one INSERT with its queue keys: the events need the case's id
    # One read of the head for all the change's events; they go in with the final flush.
    head = change.head or (None if change.new else chain_head(dispute.id))
    append_events(dispute, change.user, change.now, change.events, head)
    settle_facts(dispute, new=change.new, into=change.facts, now=change.now)
    queue_change_notices(change)
