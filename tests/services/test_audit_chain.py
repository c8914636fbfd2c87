"""Every change is audited in a hash chain that detects an altered row."""

from sqlalchemy import select, update

from app.extensions import db
from app.models import Event
from app.services.audit import GENESIS, chain_hash, find_broken_events
from app.services.comments import add_comment
from app.services.triggers import fire_trigger


def _chain(dispute_id: int) -> list[Event]:
    return db.session.scalars(
        select(Event).where(Event.dispute_id == dispute_id).order_by(Event.seq)
    ).all()


def test_each_event_hash_covers_the_previous_hash_and_the_event(make):
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


def test_verification_passes_and_counts_every_event(make):
    cast = make.cast()
    make.dispute(cast, "resolved")
    make.dispute(cast, "filed")
    found = list(find_broken_events())
    assert found == [db.session.scalar(select(db.func.count()).select_from(Event))]


def test_verification_names_an_altered_row(make):
    cast = make.cast()
    dispute = make.dispute(cast, "investigating")
    fire_trigger(dispute.ref, cast.analyst, "escalate", {"reason": "IO missing"})
    tampered = _chain(dispute.id)[3]
    db.session.execute(
        update(Event).where(Event.id == tampered.id).values(data={"reason": "nothing to see"})
    )
    db.session.commit()
    broken = [e for e in find_broken_events() if isinstance(e, Event)]
    assert [e.id for e in broken] == [tampered.id]


def test_verification_notices_a_deleted_event(make):
    cast = make.cast()
    dispute = make.dispute(cast, "escalated")
    removed = _chain(dispute.id)[1]
    db.session.delete(removed)
    db.session.commit()
    broken = [e for e in find_broken_events() if isinstance(e, Event)]
    assert broken and broken[0].seq == removed.seq + 1
