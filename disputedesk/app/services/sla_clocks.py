"""Start, stop, pause and resume a dispute's SLA clocks inside the change that moves it."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from disputedesk.app.models import Dispute, SlaClock
from disputedesk.app.queries.clocks import calendar_for
from disputedesk.workflows.sla import (
    Calendar,
    add_business_time,
    at_risk_at,
    business_seconds_between,
    clock_effects,
    due_at,
    target_seconds,
)

Record = Callable[..., None]  # CaseChange.record: record("sla_clock", data={...})


def apply_clock_effects(dispute: Dispute, trigger: str, now: datetime, record: Record) -> None:
    """Apply what `trigger` ("file" for filing) does to the clocks; record each change."""
    calendar = calendar_for(dispute.team)
    for action, name in clock_effects(trigger, dispute.outcome):
        active = next((c for c in dispute.sla_clocks if c.name == name and not c.stopped_at), None)
        if action == "start":
            if active is not None:
                _stop(active, now, calendar, record)
            _start(dispute, name, now, calendar, record)
        elif active is not None:
            CHANGES[action](active, now, calendar, record)


def _note(record: Record, clock: SlaClock, action: str, **extra: Any) -> None:
    data = {"clock": clock.name, "action": action, "due_at": clock.due_at.isoformat(), **extra}
    record("sla_clock", data=data)


def _start(dispute: Dispute, name: str, now: datetime, calendar: Calendar, record: Record) -> None:
    priority = dispute.priority
    clock = SlaClock(
        name=name,
        priority=priority,
        target_seconds=target_seconds(name, priority),
        started_at=now,
        at_risk_at=at_risk_at(calendar, name, priority, now),
        due_at=due_at(calendar, name, priority, now),
        paused_seconds=0,
        status="running",
    )
    dispute.sla_clocks.append(clock)
    _note(record, clock, "start", priority=priority)


def _pause(clock: SlaClock, now: datetime, calendar: Calendar, record: Record) -> None:
    # An overdue clock keeps running: waiting on the advertiser now does not undo the breach.
    if clock.status == "running" and now <= clock.due_at:
        clock.status, clock.paused_at = "paused", now
        _note(record, clock, "pause")


def _resume(clock: SlaClock, now: datetime, calendar: Calendar, record: Record) -> None:
    if clock.status != "paused":
        return
    paused = business_seconds_between(calendar, clock.paused_at, now)
    clock.due_at = add_business_time(calendar, clock.due_at, paused)
    clock.at_risk_at = add_business_time(calendar, clock.at_risk_at, paused)
    clock.paused_seconds += paused
    clock.status, clock.paused_at = "running", None
    _note(record, clock, "resume", paused_seconds=paused)


def _stop(clock: SlaClock, now: datetime, calendar: Calendar, record: Record) -> None:
    _resume(clock, now, calendar, record)
    if clock.status == "running":
        clock.status = "met" if now <= clock.due_at else "breached"
        if clock.status == "breached":
            clock.breached_at = now
    clock.stopped_at = now
    _note(record, clock, "stop", status=clock.status)


CHANGES = {"stop": _stop, "pause": _pause, "resume": _resume}
