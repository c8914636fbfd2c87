"""The one write path: every change to a dispute runs inside `change_case`."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import ChainHead, Dispute, User
from app.models.types import utcnow
from app.queries.access import get_visible_dispute
from app.services.audit import append_events, chain_head
from app.services.facts import settle_facts
from app.services.notices import Audience, queue_change_notices
from workflows.errors import StaleCase

STALE_MESSAGE = "this case changed since you loaded it; reload it and try again"


@dataclass
class CaseChange:
    """One use case's change to one dispute; its events are appended when it commits."""

    dispute: Dispute
    user: User | None
    now: datetime
    events: list[dict[str, Any]] = field(default_factory=list)
    head: ChainHead | None = None  # the chain head, when a batch has locked it already
    audience: Audience | None = None  # who the notices go to, when a batch has read it

    def record(self, type: str, **fields: Any) -> None:
        """Note an audit event (trigger, from_state, to_state, data) for this change."""
        self.events.append({"type": type, **fields})


def load_for_change(ref: str, user: User, expected_version: int | None) -> Dispute:
    """Load a dispute the user may see, locked on PostgreSQL, refusing a stale version.

    Its team (the clocks' calendar) and clocks (the queue keys) come with it: loaded lazily
    halfway through a change, each load first flushes what changed so far, and the dispute
    is written twice.
    """
    loads = (joinedload(Dispute.team), selectinload(Dispute.sla_clocks))
    dispute = get_visible_dispute(ref, user, lock=True, options=loads)
    if expected_version is not None and dispute.version != expected_version:
        raise StaleCase(STALE_MESSAGE, current_version=dispute.version)
    return dispute


@contextmanager
def transaction(*, commit: bool = True) -> Iterator[None]:
    """Run a use case as one transaction: commit at the end, or roll back whole on any error.

    A lost race (a stale version, a duplicate row) is answered as StaleCase. With commit=False
    an outer transaction() owns the commit (a use case that changes many cases).
    """
    try:
        yield
        if commit:
            db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise StaleCase(STALE_MESSAGE) from None
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def change_case(
    dispute: Dispute,
    user: User | None,
    now: datetime | None = None,
    *,
    commit: bool = True,
    head: ChainHead | None = None,
    audience: Audience | None = None,
) -> Iterator[CaseChange]:
    """Run one change of a dispute as one transaction: audit it, bump its version, commit.

    A batch of changes (the SLA sweep) passes the chain head and the notices' audience it
    read for all its cases at once, so each change adds rows without reading anything.
    """
    change = CaseChange(dispute, user, now or utcnow(), head=head, audience=audience)
    with transaction(commit=commit):
        yield change
        _finish(change)


@contextmanager
def create_case(
    dispute: Dispute, user: User, now: datetime | None = None, *, commit: bool = True
) -> Iterator[CaseChange]:
    """File a new dispute through the same tail as every change: events, queue keys, commit."""
    change = CaseChange(dispute, user, now or utcnow())
    with transaction(commit=commit):
        db.session.add(dispute)
        db.session.flush()  # the new case has its id (and reference) for what the caller adds
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
    # One read of the head for all the change's events; they go in with the final flush.
    head = change.head or chain_head(dispute.id)
    append_events(dispute, change.user, change.now, change.events, head)
    settle_facts(dispute)
    queue_change_notices(change)
