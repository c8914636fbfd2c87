"""The misspelt credit_memo_rejectd type is fixed in stored rows and the chain still verifies."""

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Event
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.triggers import fire_trigger
from tests.api.test_api_posting import CREDIT


@pytest.fixture
def cast(make):
    return make.cast()


VERSIONS = Path(__file__).parents[2] / "disputedesk" / "migrations" / "versions"
MIGRATION = next(VERSIONS.glob("a10e0002post_*.py"))


def migration_fix() -> str:
    spec = importlib.util.spec_from_file_location("fix", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FIX


def rejected_case(make, cast) -> Event:
    case = make.dispute(cast, "investigating", amount=100_000)
    fire_trigger(case.ref, cast.analyst, "resolve", CREDIT)
    memo = db.session.scalar(select(CreditMemo).where(CreditMemo.dispute_id == case.id))
    decide(memo.id, cast.lead, "reject", "wrong GL reason")
    decided = Event.dispute_id == case.id, Event.type.like("credit_memo_reject%")
    return db.session.scalar(select(Event).where(*decided))


def verified() -> bool:
    from disputedesk.app.services.audit_verify import find_broken_events

    return all(isinstance(e, int) for e in find_broken_events())  # only the count: no findings


def test_a_rejection_is_recorded_as_credit_memo_rejected(make, cast):
    assert rejected_case(make, cast).type == "credit_memo_rejected"


def test_old_misspelt_rows_are_renamed_and_their_hashes_still_verify(make, cast):
    event = rejected_case(make, cast)
    # Write the row as the old code did: the misspelt type, hashed as it was.
    from disputedesk.app.models import ChainHead
    from disputedesk.app.services.audit import chain_hash, head_mac

    event.type = "credit_memo_rejectd"
    event.hash = chain_hash(event.prev_hash, event)
    db.session.commit()
    after = Event.dispute_id == event.dispute_id, Event.seq > event.seq
    later = db.session.scalars(select(Event).where(*after).order_by(Event.seq)).all()
    previous = event.hash
    for e in later:  # re-chain what followed, as it was when first written
        e.prev_hash, e.hash = previous, chain_hash(previous, e)
        previous = e.hash
    head = db.session.get(ChainHead, event.dispute_id)  # the head follows the re-chained tail
    head.hash, head.mac = previous, head_mac(event.dispute_id, head.seq, previous)
    db.session.commit()
    hashes = [e.hash for e in db.session.scalars(select(Event).order_by(Event.id))]
    assert verified()

    db.session.execute(text(migration_fix()))
    db.session.commit()
    db.session.expire_all()

    fixed = db.session.get(Event, event.id)
    assert (fixed.type, fixed.written_type) == ("credit_memo_rejected", "credit_memo_rejectd")
    assert [e.hash for e in db.session.scalars(select(Event).order_by(Event.id))] == hashes
    assert verified()


def test_a_corrected_row_whose_type_is_then_changed_breaks_the_chain(make, cast):
    event = rejected_case(make, cast)
    db.session.execute(update(Event).where(Event.id == event.id).values(
        written_type="credit_memo_rejectd", type="credit_memo_approved"))  # fmt: skip
    db.session.commit()
    assert not verified()
