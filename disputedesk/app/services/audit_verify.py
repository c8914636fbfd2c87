"""Verifying the audit trail, and checkpoints of every chain head into the ledger.

`verify_trail` walks every chain once, in dispute order, beside each dispute's state and
head, and names what it finds: an event whose keyed hash does not hold (altered, forged or
re-hashed without the key), a gap in a chain (a deleted event), a head that no longer
matches its chain (a deleted tail, a deleted chain), a dispute whose state is not where its
last transition led (a state changed without an event), a money column (disputed amount,
memo amount, line credit, reversal) that is not what its event recorded, and a ledger entry
that does not hold or is no longer matched by the trail (a deleted dispute and everything of
it).
"""

import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby
from pathlib import Path

from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import ChainHead, Dispute, Event, LedgerEntry
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.audit import GENESIS, audit_key, chain_hash, head_mac, keyed
from disputedesk.app.services.audit_money import MoneyTrail

SETTLE = timedelta(minutes=1)  # a checkpoint covers events older than this: none in flight


@dataclass(frozen=True)
class Finding:
    kind: str  # altered, gap, head, deleted_chain, state, money, ledger
    dispute_id: int | None
    seq: int | None
    detail: str


class Mark:
    """What a ledger entry promises: recomputed during the walk to see it still holds."""

    def __init__(self, last_event_id: int) -> None:
        self.last_event_id, self.events, self.chains = last_event_id, 0, 0
        self._digest = hmac.new(audit_key(), b"heads:", hashlib.sha256)

    def note(self, dispute_id: int, events: list[Event]) -> None:
        """Count a chain's events up to the mark and fold its head then into the digest."""
        covered = [e for e in events if e.id <= self.last_event_id]
        self.events += len(covered)
        if covered:
            self.chains += 1
            self._digest.update(f"{dispute_id}:{covered[-1].seq}:{covered[-1].hash}\n".encode())

    @property
    def digest(self) -> str:
        return self._digest.hexdigest()


def ledger_mac(prev_mac: str, entry: LedgerEntry) -> str:
    at = entry.at.isoformat(timespec="microseconds")
    return keyed(
        f"ledger:{prev_mac}:{at}:{entry.chains}:{entry.events}:"
        f"{entry.last_event_id}:{entry.heads_digest}"
    )


def _chain_findings(dispute_id: int, events: list[Event]) -> Iterator[Finding]:
    prev_hash, expected = GENESIS, 1
    for event in events:
        if event.seq != expected:
            yield Finding(
                "gap", dispute_id, expected, f"events #{expected}–#{event.seq - 1} are missing"
            )
        if event.prev_hash != prev_hash or event.hash != chain_hash(prev_hash, event):
            yield Finding("altered", dispute_id, event.seq, "does not match its keyed hash")
        prev_hash, expected = event.hash, event.seq + 1


def _head_findings(row, events: list[Event]) -> Iterator[Finding]:  # noqa: ANN001
    dispute_id, state, head_seq, head_hash, mac = row
    if not events:
        yield Finding("deleted_chain", dispute_id, None, "has no audit events at all")
        return
    last = events[-1]
    if head_seq is None:
        yield Finding("head", dispute_id, last.seq, "has no chain head")
    elif (head_seq, head_hash) != (last.seq, last.hash):
        yield Finding(
            "head", dispute_id, last.seq, f"chain ends at #{last.seq}, head says #{head_seq}"
        )
    elif mac != head_mac(dispute_id, head_seq, head_hash):
        yield Finding("head", dispute_id, head_seq, "chain head does not match its keyed MAC")
    moved = [e.to_state for e in events if e.to_state]
    if moved and moved[-1] != state:
        yield Finding(
            "state", dispute_id, None, f"is {state}, its last transition led to {moved[-1]}"
        )


def _ledger_findings(marks: dict[int, Mark]) -> Iterator[Finding]:
    prev_mac = GENESIS
    for entry in db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)):
        if entry.prev_mac != prev_mac or entry.mac != ledger_mac(prev_mac, entry):
            yield Finding("ledger", None, None, f"ledger entry {entry.id} does not match its MAC")
        prev_mac = entry.mac
        mark = marks.get(entry.id)
        if mark and (mark.events != entry.events or mark.digest != entry.heads_digest):
            yield Finding(
                "ledger", None, None,
                f"the trail no longer matches checkpoint {entry.id} of {entry.at:%Y-%m-%d %H:%M}"
                f" ({entry.events} events then, {mark.events} of them now)",
            )  # fmt: skip


def verify_trail(
    batch: int = 5000, checkpoint_ids: tuple[int, ...] = ()
) -> Iterator[Finding | int]:
    """Yield every finding, then the number of events walked."""
    latest = db.session.scalar(select(func.max(LedgerEntry.id)))
    ids = {i for i in (latest, *checkpoint_ids) if i}
    marks = {
        e.id: Mark(e.last_event_id)
        for e in db.session.scalars(select(LedgerEntry).where(LedgerEntry.id.in_(ids)))
    }
    heads = (
        select(Dispute.id, Dispute.state, ChainHead.seq, ChainHead.hash, ChainHead.mac)
        .outerjoin(ChainHead, ChainHead.dispute_id == Dispute.id)
        .order_by(Dispute.id)
        .execution_options(yield_per=batch)
    )
    walk = select(Event).order_by(Event.dispute_id, Event.seq).execution_options(yield_per=batch)
    count, money = 0, MoneyTrail()
    # Closing the results releases PostgreSQL's server-side cursors when a caller stops early.
    with closing(db.session.execute(heads)) as rows, closing(db.session.scalars(walk)) as events:
        chains = groupby(events, key=lambda e: e.dispute_id)
        chain_id, chain = next(chains, (None, iter(())))
        for row in rows:
            mine: list[Event] = []
            if chain_id == row[0]:
                mine = list(chain)
                chain_id, chain = next(chains, (None, iter(())))
            count += len(mine)
            yield from _chain_findings(row[0], mine)
            yield from _head_findings(row, mine)
            for mark in marks.values():
                mark.note(row[0], mine)
            money.note(row[0], mine)
    yield from (Finding("money", *said) for said in money.findings(batch))
    yield from _ledger_findings(marks)
    yield count


find_broken_events = verify_trail  # the name earlier callers know


def checkpoint(path: Path | None = None, settle: timedelta = SETTLE) -> LedgerEntry:
    """Append every chain head to the ledger (and to a signed file an auditor keeps); commit."""
    now = utcnow()
    last_id = db.session.scalar(select(func.max(Event.id)).where(Event.at <= now - settle)) or 0
    mark = Mark(last_id)
    walk = select(Event).where(Event.id <= last_id).order_by(Event.dispute_id, Event.seq)
    with closing(db.session.scalars(walk.execution_options(yield_per=5000))) as events:
        for dispute_id, chain in groupby(events, key=lambda e: e.dispute_id):
            mark.note(dispute_id, list(chain))
    prev = db.session.scalar(select(LedgerEntry).order_by(LedgerEntry.id.desc()).limit(1))
    entry = LedgerEntry(
        at=now, chains=mark.chains, events=mark.events, last_event_id=last_id,
        heads_digest=mark.digest, prev_mac=prev.mac if prev else GENESIS,
    )  # fmt: skip
    entry.mac = ledger_mac(entry.prev_mac, entry)
    db.session.add(entry)
    db.session.commit()
    if path is not None:
        path.write_text(json.dumps(signed_checkpoint(entry), indent=2) + "\n")
    return entry


def signed_checkpoint(entry: LedgerEntry) -> dict:
    body = {
        "ledger_entry": entry.id,
        "at": entry.at.isoformat(),
        "chains": entry.chains,
        "events": entry.events,
        "last_event_id": entry.last_event_id,
        "heads_digest": entry.heads_digest,
        "ledger_mac": entry.mac,
    }
    return {**body, "signature": keyed("checkpoint:" + json.dumps(body, sort_keys=True))}


def checkpoint_file_problem(document: dict) -> str | None:
    """Say what is wrong with a checkpoint file an auditor kept, against the ledger."""
    body = {k: v for k, v in document.items() if k != "signature"}
    if document.get("signature") != keyed("checkpoint:" + json.dumps(body, sort_keys=True)):
        return "the checkpoint file's signature does not hold (altered, or another AUDIT_KEY)"
    entry = db.session.get(LedgerEntry, document.get("ledger_entry") or 0)
    if entry is None or entry.mac != document.get("ledger_mac"):
        return (
            f"ledger entry {document.get('ledger_entry')} of the checkpoint file is gone or changed"
        )
    return None
