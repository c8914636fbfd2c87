"""A sweep killed at any moment leaves every breach audited, notified and escalated once."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event, Outbox, SlaClock
from disputedesk.app.services import sla_sweep
from disputedesk.app.services.audit_verify import find_broken_events
from disputedesk.app.services.sla_sweep import SweepResult, sweep
from tests.conftest import is_postgres
from tests.services.sla_support import chicago, escalations, investigating_at

ROOT = Path(__file__).resolve().parents[2]
MONDAY_9 = chicago(2026, 2, 2, 9)
OVERDUE = chicago(2026, 2, 17, 9)  # every case's resolution clock is past due


def breached_clocks() -> int:
    db.session.rollback()  # a fresh snapshot
    return db.session.scalar(select(func.count()).where(SlaClock.status == "breached"))


def assert_each_breach_handled_once(disputes: list[Dispute], lead_id: int) -> None:
    db.session.expire_all()
    clocks = db.session.scalars(select(SlaClock).where(SlaClock.status == "breached")).all()
    assert {c.dispute_id for c in clocks if c.name == "resolution"} == {d.id for d in disputes}
    audited = Counter(
        (e.dispute_id, e.data["clock"])
        for e in db.session.scalars(select(Event).where(Event.type == "sla_clock"))
        if e.data.get("action") == "breach"
    )
    notified = Counter(
        (o.dispute_id, o.payload["clock"], o.recipient_id)
        for o in db.session.scalars(select(Outbox).where(Outbox.kind == "sla_breach"))
    )
    for clock in clocks:
        assert audited[(clock.dispute_id, clock.name)] == 1, clock
        assert notified[(clock.dispute_id, clock.name, lead_id)] == 1, clock
    assert sum(audited.values()) == sum(notified.values()) == len(clocks)
    for dispute in disputes:
        assert escalations(dispute) == 1
        assert db.session.get(Dispute, dispute.id).state == "escalated"
    assert list(find_broken_events())[-1:] == [db.session.scalar(select(func.count(Event.id)))]


def test_a_sweep_that_fails_midway_commits_whole_batches_and_the_next_finishes_them(
    make, monkeypatch
):
    cast = make.cast()
    disputes = [investigating_at(make, cast, MONDAY_9) for _ in range(5)]
    real_trigger, calls = sla_sweep.apply_trigger, []

    def dies_on_the_third_case(change, trigger, data):  # noqa: ANN001, ANN202
        calls.append(change.dispute.id)
        if len(calls) == 3:
            raise KeyboardInterrupt  # interrupted in the second batch's transaction
        return real_trigger(change, trigger, data)

    monkeypatch.setattr(sla_sweep, "apply_trigger", dies_on_the_third_case)
    with pytest.raises(KeyboardInterrupt):
        sweep(OVERDUE, breach_batch=2)
    assert breached_clocks() == 2  # the second batch rolled back whole: clocks still running
    monkeypatch.setattr(sla_sweep, "apply_trigger", real_trigger)
    assert sweep(OVERDUE) == SweepResult(breached=3, escalated=3)
    assert_each_breach_handled_once(disputes, cast.lead.id)
    assert sweep(OVERDUE) == SweepResult()


def test_kill_9_on_a_running_sweep_then_another_sweep_handles_every_breach_once(make, database_url):
    if not is_postgres():
        pytest.skip("kills a sweep process mid-run on PostgreSQL (SQLite: the test above)")
    cast = make.cast()
    disputes = [investigating_at(make, cast, MONDAY_9) for _ in range(24)]
    db.session.commit()
    env = os.environ | {"DATABASE_URL": database_url}
    command = [sys.executable, "-m", "flask", "--app", "disputedesk.wsgi", "sla", "sweep",
               "--now", OVERDUE.isoformat(), "--batch", "2"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while breached_clocks() < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert process.returncode == -signal.SIGKILL, "the sweep ended before it could be killed"
    at_kill = breached_clocks()
    assert 0 < at_kill < len(disputes)

    again = sweep(OVERDUE)
    assert again.breached == again.escalated == len(disputes) - at_kill
    assert_each_breach_handled_once(disputes, cast.lead.id)
    assert sweep(OVERDUE) == SweepResult()
