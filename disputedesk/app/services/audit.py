"""The audit trail: each event keyed-hashed onto its dispute's chain, whose head moves with it.

The hash is an HMAC-SHA256 under AUDIT_KEY (a setting, never in the database) of the previous
hash and every column of the event but its surrogate id, so someone holding only the
database can neither alter, forge nor re-hash a chain. Each dispute's head (last seq, hash,
and a keyed MAC of both) is a row updated in the same transaction as the append, so deleting
the last events, or the whole chain, leaves a head that no longer matches.
"""

import hashlib
import hmac
import json
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from disputedesk.app.extensions import db
from disputedesk.app.models import ChainHead, Dispute, Event, User
from disputedesk.workflows.codes import TYPE_CORRECTIONS

GENESIS = "0" * 64


def audit_key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode()


def canonical(event: Event) -> str:
    """Return the event's canonical JSON: every column its hash covers besides the previous hash."""
    body = {
        "dispute_id": event.dispute_id,
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor": event.actor,
        "type": hashed_type(event),
        "trigger": event.trigger,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "data": event.data,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def keyed(text: str) -> str:
    return hmac.new(audit_key(), text.encode(), hashlib.sha256).hexdigest()


def hashed_type(event: Event) -> str:
    """Return the type the hash covers: as written, for an event whose misspelt type was fixed."""
    if event.written_type and TYPE_CORRECTIONS.get(event.written_type) == event.type:
        return event.written_type
    return event.type


def chain_hash(prev_hash: str, event: Event) -> str:
    """Return the event's keyed hash: it covers the previous hash and the whole event."""
    return keyed(prev_hash + canonical(event))


def head_mac(dispute_id: int, seq: int, hash: str) -> str:
    """Return the keyed MAC of a chain head, so a truncated chain's new head cannot be forged."""
    return keyed(f"head:{dispute_id}:{seq}:{hash}")


def chain_head(dispute_id: int) -> ChainHead | None:
    """Read and lock a dispute's chain head (None for a chain not started yet)."""
    query = db.select(ChainHead).where(ChainHead.dispute_id == dispute_id)
    # The head row serialises appends to one chain (the write path holds the dispute too).
    return db.session.scalar(query.with_for_update())


def chain_heads(dispute_ids: Collection[int]) -> dict[int, ChainHead]:
    """Read and lock the chain heads of many disputes in one statement (a batch of changes)."""
    query = db.select(ChainHead).where(ChainHead.dispute_id.in_(dispute_ids))
    heads = db.session.scalars(query.order_by(ChainHead.dispute_id).with_for_update()).all()
    return {head.dispute_id: head for head in heads}


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
    """Append one event to the dispute's chain and move its head (the caller commits)."""
    fields = dict(type=type, trigger=trigger, from_state=from_state, to_state=to_state, data=data)
    [event] = append_events(dispute, actor, at, [fields], chain_head(dispute.id))
    db.session.flush()
    return event


def append_events(
    dispute: Dispute,
    actor: User | None,
    at: datetime,
    events: Sequence[Mapping[str, Any]],
    head: ChainHead | None,
) -> list[Event]:
    """Chain events onto the dispute's locked head (None: a new chain) and move the head.

    Nothing is flushed: the events go in with the rest of the change, a batch of changes in
    one multi-row INSERT.
    """
    seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS)
    added = []
    for fields in events:
        seq += 1
        event = Event(
            dispute_id=dispute.id,
            seq=seq,
            at=at.astimezone(UTC),  # hash the instant as it will read back from the database
            actor_id=actor.id if actor else None,
            actor=actor.email if actor else "system",
            type=fields["type"],
            trigger=fields.get("trigger"),
            from_state=fields.get("from_state"),
            to_state=fields.get("to_state"),
            data=fields.get("data") or {},
            prev_hash=prev_hash,
        )
        event.hash = prev_hash = chain_hash(prev_hash, event)
        db.session.add(event)
        added.append(event)
    if head is None:
        head = ChainHead(dispute_id=dispute.id)
        db.session.add(head)
    head.seq, head.hash, head.mac = seq, prev_hash, head_mac(dispute.id, seq, prev_hash)
    return added
