"""The one write path: every change to a dispute runs inside `change_case`."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Dispute, User
from app.models.types import utcnow
from app.queries.access import get_visible_dispute
from app.services.audit import append_event
from workflows.errors import StaleCase

STALE_MESSAGE = "this case changed since you loaded it; reload it and try again"


@dataclass
class CaseChange:
    """One use case's change to one dispute; its events are appended when it commits."""

    dispute: Dispute
    user: User | None
    now: datetime
    events: list[dict[str, Any]] = field(default_factory=list)

    def record(self, type: str, **fields: Any) -> None:
        """Note an audit event (trigger, from_state, to_state, data) for this change."""
        self.events.append({"type": type, **fields})


def load_for_change(ref: str, user: User, expected_version: int | None) -> Dispute:
    """Load a dispute the user may see, locked on PostgreSQL, refusing a stale version."""
    dispute = get_visible_dispute(ref, user, lock=True)
    if expected_version is not None and dispute.version != expected_version:
        raise StaleCase(STALE_MESSAGE, current_version=dispute.version)
    return dispute


@contextmanager
def change_case(
    dispute: Dispute, user: User | None, now: datetime | None = None, *, commit: bool = True
) -> Iterator[CaseChange]:
    """Run one change of a dispute as one transaction: audit it, bump its version, commit.

    With commit=False the caller owns the transaction (a use case that changes many cases).
    """
    change = CaseChange(dispute, user, now or utcnow())
    try:
        yield change
        if not change.events:
            raise RuntimeError("a change to a dispute must record at least one event")
        # Touching the row makes every change bump the version, so concurrent writers collide.
        dispute.updated_at = change.now
        dispute.refresh_queue_keys()
        db.session.flush()
        for event in change.events:
            append_event(dispute, user, at=change.now, **event)
        if commit:
            db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise StaleCase(STALE_MESSAGE) from None
    except BaseException:
        db.session.rollback()
        raise
