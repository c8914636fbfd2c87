"""The hash-chained audit trail: append an event, verify every chain."""

import hashlib
import json
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Dispute, Event, User
from workflows.codes import TYPE_CORRECTIONS

GENESIS = "0" * 64


def canonical(event: Event) -> str:
    """Return the event's canonical JSON: the text its hash covers besides the previous hash."""
    body = {
        "dispute_id": event.dispute_id,
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor,
        "type": hashed_type(event),
        "trigger": event.trigger,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "data": event.data,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def hashed_type(event: Event) -> str:
    """Return the type the hash covers: as written, for an event whose misspelt type was fixed."""
    if event.written_type and TYPE_CORRECTIONS.get(event.written_type) == event.type:
        return event.written_type
    return event.type


def chain_hash(prev_hash: str, event: Event) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode()).hexdigest()


def append_event(
    dispute: Dispute,
    actor: User | None,
    type: str,
    at: datetime,
    *,
    trigger: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one event to the dispute's chain (the caller commits)."""
    last = db.session.execute(
        select(Event.seq, Event.hash)
        .where(Event.dispute_id == dispute.id)
        .order_by(Event.seq.desc())
        .limit(1)
    ).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS)
    event = Event(
        dispute_id=dispute.id,
        seq=seq,
        at=at.astimezone(UTC),  # hash the instant as it will read back from the database
        actor_id=actor.id if actor else None,
        actor=actor.email if actor else "system",
        type=type,
        trigger=trigger,
        from_state=from_state,
        to_state=to_state,
        data=data or {},
        prev_hash=prev_hash,
    )
    event.hash = chain_hash(prev_hash, event)
    db.session.add(event)
    db.session.flush()
    return event


def find_broken_events(batch: int = 5000) -> Iterator[Event | int]:
    """Walk every chain in order; yield each broken event, and the count of events at the end."""
    query = select(Event).order_by(Event.dispute_id, Event.seq).execution_options(yield_per=batch)
    dispute_id, prev_hash, expected_seq, count = None, GENESIS, 1, 0
    # Closing the result releases PostgreSQL's server-side cursor when a caller stops early.
    with closing(db.session.scalars(query)) as events:
        for event in events:
            if event.dispute_id != dispute_id:
                dispute_id, prev_hash, expected_seq = event.dispute_id, GENESIS, 1
            if (
                event.seq != expected_seq
                or event.prev_hash != prev_hash
                or event.hash != chain_hash(prev_hash, event)
            ):
                yield event
            prev_hash, expected_seq, count = event.hash, event.seq + 1, count + 1
    yield count
