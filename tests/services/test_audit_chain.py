"""The audit trail catches every kind of tampering: altered, deleted, forged, rewritten."""

import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from disputedesk.app.extensions import db
from disputedesk.app.models import ChainHead, Dispute, Event, LedgerEntry
from disputedesk.app.services.audit import GENESIS, canonical, chain_hash, head_mac
from disputedesk.app.services.audit_verify import (
    checkpoint,
    checkpoint_file_problem,
    signed_checkpoint,
    verify_trail,
)
from disputedesk.app.services.comments import add_comment
from disputedesk.app.services.triggers import fire_trigger


def _chain(dispute_id: int) -> list[Event]:
    return list(
        db.session.scalars(select(Event).where(Event.dispute_id == dispute_id).order_by(Event.seq))
    )


def findings() -> list[tuple[str, int | None, int | None]]:
    found = [f for f in verify_trail() if not isinstance(f, int)]
    return [(f.kind, f.dispute_id, f.seq) for f in found]


def findings_detail() -> str:
    return "\n".join(f.detail for f in verify_trail() if not isinstance(f, int))


def kinds() -> set[str]:
    return {kind for kind, _, _ in findings()}


def test_each_event_hash_is_keyed_and_covers_the_previous_hash_and_every_column(make):
    cast = make.cast()
    dispute = make.dispute(cast, "escalated")
    add_comment(dispute.ref, cast.analyst, "checked the IO", "internal")
    events = _chain(dispute.id)
    assert [e.type for e in events if e.type != "sla_clock"] == [
        "filed", "assigned", "transition", "transition", "commented",
    ]  # fmt: skip
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
        assert event.hash == chain_hash(previous.hash, event)
    assert '"actor_id"' in canonical(events[-1])
    unkeyed = hashlib.sha256((events[-1].prev_hash + canonical(events[-1])).encode()).hexdigest()
    assert events[-1].hash != unkeyed  # no one without AUDIT_KEY can compute it


def test_the_chain_head_follows_every_append(make):
    cast = make.cast()
    dispute = make.dispute(cast, "investigating")
    add_comment(dispute.ref, cast.analyst, "more", "internal")
    head = db.session.get(ChainHead, dispute.id)
    last = _chain(dispute.id)[-1]
    assert (head.seq, head.hash) == (last.seq, last.hash)
    assert head.mac == head_mac(dispute.id, last.seq, last.hash)


def test_an_untouched_trail_verifies_and_counts_every_event(make):
    cast = make.cast()
    make.dispute(cast, "resolved")
    make.dispute(cast, "filed")
    checkpoint_now()
    walked = list(verify_trail())
    assert walked == [db.session.scalar(select(db.func.count()).select_from(Event))]


@pytest.fixture
def case(make):
    cast = make.cast()
    dispute = make.dispute(cast, "investigating")
    fire_trigger(dispute.ref, cast.analyst, "escalate", {"reason": "IO missing"})
    make.dispute(cast, "filed")  # a neighbour that stays whole
    return dispute, cast


def tamper(statement) -> None:  # noqa: ANN001
    db.session.execute(statement)
    db.session.commit()


def test_an_altered_field_is_named(case):
    dispute, _ = case
    tampered = _chain(dispute.id)[3]
    tamper(update(Event).where(Event.id == tampered.id).values(data={"reason": "nothing"}))
    assert findings() == [("altered", dispute.id, tampered.seq)]


def test_a_changed_actor_is_caught(case):
    dispute, cast = case
    tampered = _chain(dispute.id)[1]
    tamper(update(Event).where(Event.id == tampered.id).values(actor_id=cast.lead.id))
    assert findings() == [("altered", dispute.id, tampered.seq)]


def test_a_deleted_middle_event_is_caught(case):
    dispute, _ = case
    removed = _chain(dispute.id)[1]
    tamper(delete(Event).where(Event.id == removed.id))
    assert ("gap", dispute.id, removed.seq) in findings()


@pytest.mark.parametrize("how_many", [1, 3])
def test_a_deleted_tail_is_caught_by_the_chain_head(case, how_many):
    dispute, _ = case
    tail = [e.id for e in _chain(dispute.id)[-how_many:]]
    tamper(delete(Event).where(Event.id.in_(tail)))
    assert "head" in kinds()


def test_a_deleted_tail_with_its_head_moved_back_is_caught_by_the_head_mac(case):
    dispute, _ = case
    events = _chain(dispute.id)
    tamper(delete(Event).where(Event.id == events[-1].id))
    keep = events[-2]
    tamper(update(ChainHead).where(ChainHead.dispute_id == dispute.id)
           .values(seq=keep.seq, hash=keep.hash))  # fmt: skip
    assert findings() == [("head", dispute.id, keep.seq)]


def test_a_deleted_chain_is_caught(case):
    dispute, _ = case
    tamper(delete(ChainHead).where(ChainHead.dispute_id == dispute.id))
    tamper(delete(Event).where(Event.dispute_id == dispute.id))
    assert ("deleted_chain", dispute.id, None) in findings()


def test_a_deleted_dispute_and_everything_of_it_is_caught_by_the_ledger(case, make):
    dispute, cast = case
    gone = make.dispute(cast, "filed")
    checkpoint_now()
    owned = [t for t in reversed(db.metadata.sorted_tables) if "dispute_id" in t.c]
    for table in owned:  # the chain, its lines, clocks, outbox rows: all of it, children first
        tamper(delete(table).where(table.c.dispute_id == gone.id))
    tamper(delete(Dispute).where(Dispute.id == gone.id))
    assert ("ledger", None, None) in findings()


def test_a_state_changed_without_an_event_is_caught(case):
    dispute, _ = case
    tamper(update(Dispute).where(Dispute.id == dispute.id).values(state="resolved"))
    assert findings() == [("state", dispute.id, None)]


def test_a_forged_append_is_caught(case):
    dispute, _ = case
    last = _chain(dispute.id)[-1]
    forged = Event(dispute_id=dispute.id, seq=last.seq + 1, at=last.at, actor="system",
                   type="transition", trigger="resolve", from_state="escalated",
                   to_state="resolved", data={}, prev_hash=last.hash)  # fmt: skip
    forged.hash = hashlib.sha256((last.hash + canonical(forged)).encode()).hexdigest()
    db.session.add(forged)
    tamper(update(Dispute).where(Dispute.id == dispute.id).values(state="resolved"))
    tamper(update(ChainHead).where(ChainHead.dispute_id == dispute.id)
           .values(seq=forged.seq, hash=forged.hash))  # fmt: skip
    assert ("altered", dispute.id, forged.seq) in findings()


def test_a_full_rewrite_rehashed_without_the_key_is_caught(case):
    dispute, _ = case
    prev = GENESIS
    for event in _chain(dispute.id):
        event.data = {**event.data, "rewritten": True}
        event.prev_hash = prev
        event.hash = prev = hashlib.sha256((prev + canonical(event)).encode()).hexdigest()
    db.session.commit()
    found = findings()
    assert found and {kind for kind, _, _ in found} <= {"altered", "head"}
    assert len([f for f in found if f[0] == "altered"]) == len(_chain(dispute.id))


def checkpoint_now() -> LedgerEntry:
    """A checkpoint of everything so far (the CLI leaves out the last minute: none in flight)."""
    return checkpoint(settle=timedelta(0))


def test_a_checkpoint_file_is_signed_and_matched_to_the_ledger(case, tmp_path):
    entry = checkpoint_now()
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps(signed_checkpoint(entry)))
    document = json.loads(path.read_text())
    assert checkpoint_file_problem(document) is None
    assert "signature does not hold" in checkpoint_file_problem({**document, "events": 1})


def test_a_deleted_ledger_entry_is_caught_by_the_auditors_file(case):
    first = checkpoint_now()
    kept = signed_checkpoint(checkpoint_now())
    tamper(delete(LedgerEntry).where(LedgerEntry.id > first.id))
    assert "gone or changed" in checkpoint_file_problem(kept)


def test_an_altered_ledger_entry_is_caught(case):
    entry = checkpoint_now()
    tamper(update(LedgerEntry).where(LedgerEntry.id == entry.id).values(events=1))
    assert ("ledger", None, None) in findings()
