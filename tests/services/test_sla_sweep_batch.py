"""A breach batch: many cases in one transaction, their chains as append_event would write them."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event, Watch
from disputedesk.app.services.audit_verify import verify_trail
from disputedesk.app.services.sla_sweep import SweepResult, sweep
from tests.services.sla_support import chicago, escalations, investigating_at, outbox
from tests.web.test_queue_queries import counted_queries

MONDAY_9 = chicago(2026, 2, 2, 9)
OVERDUE = chicago(2026, 2, 17, 9)  # every resolution clock filed on MONDAY_9 is overdue


def test_a_batch_of_breaches_leaves_every_chain_verifiable(make):
    cast = make.cast()
    cases = [investigating_at(make, cast, MONDAY_9) for _ in range(5)]
    db.session.add(Watch(dispute_id=cases[0].id, user_id=cast.viewer.id))
    db.session.commit()
    assert sweep(OVERDUE, breach_batch=3) == SweepResult(breached=5, escalated=5)
    db.session.expire_all()
    found = list(verify_trail())
    walked = len(db.session.scalars(select(Event.id)).all())
    assert found == [walked]  # no finding: each hash, seq and head as append_event writes them
    for case in cases:
        assert db.session.get(Dispute, case.id).state == "escalated" and escalations(case) == 1
    assert [n.dispute_id for n in outbox("watched_changed")] == [cases[0].id]  # read per batch
    assert {n.recipient_id for n in outbox("sla_breach")} == {cast.lead.id}


def test_a_breach_batch_reads_once_for_all_its_cases(make):
    """Beyond a fixed number of statements, a batch sends at most one per case (its UPDATE,
    which the version check keeps apart), not a dozen round trips per case."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no round trips, and SQLAlchemy inserts its rows one by one")
    cast = make.cast()

    def statements_to_breach(count: int) -> int:
        for _ in range(count):
            investigating_at(make, cast, MONDAY_9)
        with counted_queries() as statements:  # the cases breached before are done with
            assert sweep(OVERDUE) == SweepResult(breached=count, escalated=count)
        return len(statements)

    two = statements_to_breach(2)
    assert statements_to_breach(8) - two <= 6
