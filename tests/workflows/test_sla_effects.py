"""What each trigger does to the SLA clocks, and how a clock is shown to people."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from disputedesk.workflows.dispute import BY_TRIGGER
from disputedesk.workflows.sla import (
    CLOCK_EFFECTS,
    CLOCKS,
    DEFAULT_CALENDAR,
    HOUR,
    ClockEffect,
    clock_effects,
    clock_view,
    due_at,
    format_business_time,
    target_seconds,
)

CHICAGO = ZoneInfo("America/Chicago")


def chicago(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


@dataclass
class Clock:
    name: str = "triage"
    status: str = "running"
    target_seconds: int = 8 * HOUR
    due_at: datetime = chicago(2026, 1, 14, 9)
    paused_at: datetime | None = None
    stopped_at: datetime | None = None


def test_every_workflow_trigger_and_filing_has_declared_clock_effects():
    assert set(CLOCK_EFFECTS) == set(BY_TRIGGER) | {"file"}


def test_every_effect_names_a_known_action_and_clock():
    for effects in CLOCK_EFFECTS.values():
        for action, clock in effects:
            assert action in ("start", "stop", "pause", "resume") and clock in CLOCKS


@pytest.mark.parametrize(
    ("trigger", "outcome", "expected"),
    [
        ("file", None, {("start", "triage"), ("start", "resolution")}),
        ("start", None, {("stop", "triage")}),
        ("escalate", None, {("start", "escalation")}),
        ("deescalate", None, {("stop", "escalation")}),
        ("resolve", "no_credit", {("stop", "resolution"), ("stop", "escalation")}),
        (
            "resolve",
            "credit_partial",
            {("stop", "resolution"), ("stop", "escalation"), ("start", "credit")},
        ),
        ("withdraw", "withdrawn", {("stop", clock) for clock in CLOCKS}),
        ("reopen", None, {("start", "resolution")}),
        ("return_for_rework", None, {("stop", "credit"), ("start", "resolution")}),
        ("issue_credit", "credit_full", {("stop", "credit")}),
        ("request_info", None, {("pause", "resolution")}),
        ("info_received", None, {("resume", "resolution")}),
    ],
)
def test_each_trigger_moves_the_clocks_the_design_names(trigger, outcome, expected):
    effects = clock_effects(trigger, outcome)
    assert all(isinstance(effect, ClockEffect) for effect in effects)
    assert set(effects) == expected


def test_a_clock_with_most_of_its_target_left_is_on_track():
    view = clock_view(Clock(), DEFAULT_CALENDAR, chicago(2026, 1, 13, 10))
    assert (view.badge, view.business_seconds_remaining) == ("on_track", 7 * HOUR)


def test_a_clock_at_three_quarters_of_its_target_is_at_risk():
    view = clock_view(Clock(), DEFAULT_CALENDAR, chicago(2026, 1, 13, 15))
    assert (view.badge, view.business_seconds_remaining, view.used) == ("at_risk", 2 * HOUR, 0.75)


def test_an_overdue_running_clock_shows_breached_before_the_sweep_marks_it():
    view = clock_view(Clock(), DEFAULT_CALENDAR, chicago(2026, 1, 14, 11))
    assert (view.badge, view.business_seconds_remaining) == ("breached", -2 * HOUR)


def test_a_paused_clock_shows_the_time_left_when_it_paused_however_late_it_is():
    clock = Clock(status="paused", paused_at=chicago(2026, 1, 13, 13))
    view = clock_view(clock, DEFAULT_CALENDAR, chicago(2026, 2, 20, 12))
    assert (view.badge, view.business_seconds_remaining) == ("paused", 4 * HOUR)


def test_a_stopped_clock_keeps_its_verdict_and_the_time_left_when_it_stopped():
    met = Clock(status="met", stopped_at=chicago(2026, 1, 13, 16))
    breached = Clock(status="breached", stopped_at=chicago(2026, 1, 14, 10))
    later = chicago(2026, 3, 2, 12)
    assert clock_view(met, DEFAULT_CALENDAR, later).badge == "met"
    assert clock_view(met, DEFAULT_CALENDAR, later).business_seconds_remaining == HOUR
    assert clock_view(breached, DEFAULT_CALENDAR, later).business_seconds_remaining == -HOUR


def test_a_view_of_a_freshly_started_clock_has_its_whole_target_left():
    started = chicago(2026, 1, 16, 16)
    clock = Clock(
        name="resolution",
        target_seconds=target_seconds("resolution", "P2"),
        due_at=due_at(DEFAULT_CALENDAR, "resolution", "P2", started),
    )
    view = clock_view(clock, DEFAULT_CALENDAR, started)
    assert (view.badge, view.business_seconds_remaining) == ("on_track", 5 * 8 * HOUR)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0h 00m"), (5400, "1h 30m"), (8 * HOUR, "1d 0h 00m"), (-(9 * HOUR + 60), "-1d 1h 01m")],
)
def test_business_time_reads_in_days_of_eight_hours(seconds, text):
    assert format_business_time(seconds) == text


def test_withdraw_stops_every_clock_there_is():
    from disputedesk.workflows.dispute import EVERY_CLOCK

    assert {clock for _, clock in EVERY_CLOCK} == set(CLOCKS)


def test_what_resolve_does_is_one_row_of_the_table():
    from disputedesk.workflows.dispute import BY_TRIGGER, resolved

    effects = BY_TRIGGER["resolve"].effects
    assert effects.record is resolved and effects.memo == "prepare"
    assert effects.clocks == (("stop", "resolution"), ("stop", "escalation"))
    assert effects.clocks_if_credit == (("start", "credit"),)
