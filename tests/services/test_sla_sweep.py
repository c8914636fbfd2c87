"""The SLA sweep warns, breaches and escalates each clock once, however often it runs."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event, Outbox, SlaClock
from disputedesk.app.services.audit_verify import find_broken_events
from disputedesk.app.services.sla_sweep import SweepResult, sweep
from disputedesk.app.services.triggers import fire_trigger
from tests.services.sla_support import (
    chicago,
    clock,
    clock_events,
    escalations,
    file_at,
    investigating_at,
    outbox,
)

MONDAY_9 = chicago(2026, 2, 2, 9)  # P3: triage due Tuesday 9:00, resolution Friday 2026-02-13 17:00
AT_RISK = chicago(2026, 2, 11, 13)  # 60 of 80 business hours of resolution used
OVERDUE = chicago(2026, 2, 17, 9)  # Monday the 16th is Presidents' Day


def snapshot() -> tuple:
    """Everything a sweep may change."""
    db.session.expire_all()
    clocks = db.session.execute(
        select(SlaClock.id, SlaClock.status, SlaClock.warned_at, SlaClock.breached_at)
    ).all()
    count = select(func.count())
    return (
        sorted(clocks),
        db.session.scalar(count.select_from(Outbox)),
        db.session.scalar(count.select_from(Event)),
        sorted(db.session.execute(select(Dispute.id, Dispute.state, Dispute.version)).all()),
    )


def test_a_clock_past_three_quarters_of_its_target_warns_the_assignee_once(make):
    cast = make.cast()
    dispute = investigating_at(make, cast, MONDAY_9)
    assert sweep(chicago(2026, 2, 11, 12)) == SweepResult()  # 59 hours used: not yet
    assert sweep(AT_RISK) == SweepResult(warned=1)
    assert clock(dispute, "resolution").warned_at == AT_RISK
    [warning] = outbox("sla_warning")
    assert (warning.recipient_id, warning.dispute_id) == (cast.analyst.id, dispute.id)
    assert warning.payload["clock"] == "resolution" and warning.payload["ref"] == dispute.ref
    assert warning.delivered_at is None and warning.attempts == 0
    assert sweep(chicago(2026, 2, 12, 10)) == SweepResult()


def test_an_unassigned_case_at_risk_warns_the_team_lead(make):
    cast = make.cast()
    dispute = file_at(make, cast, MONDAY_9)
    assert sweep(chicago(2026, 2, 2, 15)) == SweepResult(warned=1)  # 6 of 8 triage hours
    [warning] = outbox("sla_warning")
    assert (warning.recipient_id, warning.payload["clock"]) == (cast.lead.id, "triage")
    assert warning.dispute_id == dispute.id


def test_a_breach_escalates_an_investigating_dispute_once_and_notifies_the_lead_once(make):
    cast = make.cast()
    dispute = investigating_at(make, cast, MONDAY_9)
    assert sweep(OVERDUE) == SweepResult(breached=1, escalated=1)
    breached = clock(dispute, "resolution")
    assert (breached.status, breached.breached_at, breached.stopped_at) == (
        "breached",
        OVERDUE,
        None,
    )
    [notice] = outbox("sla_breach")
    assert (notice.recipient_id, notice.payload["clock"]) == (cast.lead.id, "resolution")
    assert outbox("sla_warning") == []  # an overdue clock gets a breach, not a late warning
    db.session.expire_all()
    escalated = db.session.get(Dispute, dispute.id)
    assert escalated.state == "escalated" and escalations(dispute) == 1
    last = db.session.scalars(
        select(Event).where(Event.dispute_id == dispute.id, Event.type == "transition")
        .order_by(Event.seq.desc())
    ).first()  # fmt: skip
    assert (last.actor, last.data) == ("system", {"reason": "SLA breached: resolution"})
    assert [e["action"] for e in clock_events(dispute)][-2:] == ["breach", "start"]
    assert clock(dispute, "escalation").status == "running"
    assert list(find_broken_events()) == [len(list(db.session.scalars(select(Event.id))))]


def test_a_second_sweep_changes_nothing(make):
    cast = make.cast()
    investigating_at(make, cast, MONDAY_9)
    investigating_at(make, cast, chicago(2026, 2, 4, 9))
    file_at(make, cast, chicago(2026, 2, 16, 9))
    first = sweep(OVERDUE)
    assert first.warned and first.breached and first.escalated
    before = snapshot()
    assert sweep(OVERDUE) == SweepResult()
    assert snapshot() == before


def test_a_breached_triage_clock_of_a_filed_case_notifies_but_cannot_escalate(make):
    cast = make.cast()
    dispute = file_at(make, cast, MONDAY_9)
    assert sweep(chicago(2026, 2, 3, 10)) == SweepResult(breached=1)
    assert clock(dispute, "triage").status == "breached"
    assert [n.payload["clock"] for n in outbox("sla_breach")] == ["triage"]
    assert db.session.get(Dispute, dispute.id).state == "filed"
    assert clock_events(dispute)[-1]["action"] == "breach"


def test_an_escalated_case_whose_escalation_clock_breaches_is_not_escalated_again(make):
    cast = make.cast()
    dispute = investigating_at(make, cast, MONDAY_9)
    fire_trigger(dispute.ref, cast.lead, "escalate", {"reason": "x"}, now=MONDAY_9)
    assert sweep(chicago(2026, 2, 3, 10)) == SweepResult(breached=1)
    assert clock(dispute, "escalation").status == "breached"
    assert escalations(dispute) == 1


def test_a_paused_clock_is_neither_warned_nor_breached(make):
    cast = make.cast()
    dispute = investigating_at(make, cast, MONDAY_9)
    fire_trigger(dispute.ref, cast.analyst, "request_info", {"note": "x"}, now=MONDAY_9)
    assert sweep(chicago(2026, 5, 1, 9)) == SweepResult()
    assert clock(dispute, "resolution").status == "paused"


def test_two_concurrent_sweeps_process_each_breach_exactly_once(app, make):
    cast = make.cast()
    investigating = [investigating_at(make, cast, MONDAY_9).id for _ in range(8)]
    for _ in range(4):
        file_at(make, cast, MONDAY_9)
    db.session.remove()
    start = threading.Barrier(2)

    def run() -> SweepResult:
        with app.app_context():
            start.wait()
            try:
                return sweep(OVERDUE, batch=3)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [f.result() for f in [pool.submit(run), pool.submit(run)]]
    assert sum(r.breached for r in results) == 8 + 4 * 2  # filed cases breach triage too
    assert sum(r.escalated for r in results) == 8
    assert all(escalations(db.session.get(Dispute, d)) == 1 for d in investigating)
    notices = {(n.dispute_id, n.payload["clock"]) for n in outbox("sla_breach")}
    assert len(outbox("sla_breach")) == len(notices) == 16
    assert sweep(OVERDUE) == SweepResult()


def test_the_sweep_command_simulates_time_and_prints_a_summary(app, make):
    cast = make.cast()
    investigating_at(make, cast, MONDAY_9)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sla", "sweep", "--now", "2026-02-17T15:00:00Z"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "warned 0, breached 1, escalated 1"
    again = runner.invoke(args=["sla", "sweep", "--now", "2026-02-17T15:00:00Z"])
    assert again.output.strip() == "warned 0, breached 0, escalated 0"
    naive = runner.invoke(args=["sla", "sweep", "--now", "2026-02-17T15:00:00"])
    assert naive.exit_code != 0 and "time zone" in naive.output
