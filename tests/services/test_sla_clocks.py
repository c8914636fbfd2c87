"""The one write path starts, pauses, resumes and stops SLA clocks in business time."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, SlaClock
from disputedesk.app.models.disputes import NO_CLOCK
from disputedesk.app.queries.clocks import clock_views, nearest_due
from disputedesk.app.services.sla_sweep import sweep
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.errors import GuardsFailed
from disputedesk.workflows.sla import DEFAULT_CALENDAR, HOUR, add_business_time, due_at
from tests.services.sla_support import (
    RESOLVE,
    chicago,
    clock,
    clock_events,
    file_at,
    investigating_at,
)

DAY = 8 * HOUR


def clock_by_id(clock_id: int) -> SlaClock:
    db.session.expire_all()
    return db.session.get(SlaClock, clock_id)


def frozen(c: SlaClock) -> tuple:
    return (c.status, c.due_at, c.stopped_at, c.breached_at, c.warned_at, c.paused_seconds)


def test_a_p3_dispute_filed_friday_1600_chicago_before_a_monday_holiday_is_due_for_triage_tuesday_1600(  # noqa: E501
    make,
):
    cast = make.cast()
    friday = chicago(2026, 1, 16, 16)  # Monday 2026-01-19 is Martin Luther King Jr. Day
    dispute = file_at(make, cast, friday)
    assert dispute.priority == "P3"
    triage = clock(dispute, "triage")
    assert triage.due_at == chicago(2026, 1, 20, 16)
    assert (triage.status, triage.started_at) == ("running", friday)
    resolution = clock(dispute, "resolution")
    assert resolution.due_at == due_at(DEFAULT_CALENDAR, "resolution", "P3", friday)
    assert [(e["clock"], e["action"]) for e in clock_events(dispute)] == [
        ("triage", "start"),
        ("resolution", "start"),
    ]


def test_starting_work_before_triage_is_due_stops_the_triage_clock_met(make):
    cast = make.cast()
    dispute = investigating_at(make, cast, chicago(2026, 1, 13, 10))
    triage = clock(dispute, "triage")
    assert (triage.status, triage.stopped_at) == ("met", chicago(2026, 1, 13, 10))
    assert clock_events(dispute)[-1] == {
        "clock": "triage",
        "action": "stop",
        "due_at": triage.due_at.isoformat(),
        "status": "met",
    }


def test_a_paused_resolution_clock_does_not_advance_while_paused(make):
    cast = make.cast()
    dispute = investigating_at(make, cast, chicago(2026, 2, 2, 9))
    asked = chicago(2026, 2, 3, 9)  # one business day used, nine left
    fire_trigger(dispute.ref, cast.analyst, "request_info", {"note": "send the report"}, now=asked)
    paused = clock(dispute, "resolution")
    assert (paused.status, paused.paused_at) == ("paused", asked)

    weeks_later = chicago(2026, 2, 20, 12)  # long past the original due date
    assert weeks_later > paused.due_at
    assert sweep(weeks_later).breached == 0
    db.session.expire_all()
    views = clock_views(db.session.get(Dispute, dispute.id), weeks_later)
    [view] = [v for v in views if v.name == "resolution"]
    assert (view.badge, view.business_seconds_remaining) == ("paused", 9 * DAY)

    answered = chicago(2026, 2, 23, 9)
    fire_trigger(dispute.ref, cast.analyst, "info_received", {}, now=answered)
    resumed = clock(dispute, "resolution")
    assert resumed.status == "running" and resumed.paused_at is None
    assert resumed.paused_seconds == 13 * DAY  # Feb 3-20 less weekends and Presidents' Day
    assert resumed.due_at == add_business_time(DEFAULT_CALENDAR, answered, 9 * DAY)


def test_a_dispute_resolved_in_time_has_its_clock_met_and_it_never_changes_again(make):
    cast = make.cast()
    dispute = investigating_at(make, cast, chicago(2026, 1, 13, 9))
    fire_trigger(dispute.ref, cast.analyst, "resolve", RESOLVE, now=chicago(2026, 1, 14, 9))
    resolved = clock(dispute, "resolution")
    before = frozen(resolved)
    assert before[:3] == ("met", resolved.due_at, chicago(2026, 1, 14, 9))

    sweep(chicago(2026, 3, 1, 12))
    fire_trigger(dispute.ref, cast.lead, "reopen", {"reason": "new invoice data"},
                 now=chicago(2026, 3, 2, 9))  # fmt: skip
    fire_trigger(dispute.ref, cast.analyst, "request_info", {"note": "x"},
                 now=chicago(2026, 3, 2, 10))  # fmt: skip
    sweep(chicago(2026, 9, 1, 12))
    assert frozen(clock_by_id(resolved.id)) == before
    reopened = clock(dispute, "resolution")  # the reopened case runs a new resolution clock
    assert reopened.id != resolved.id and reopened.status == "paused"


def test_a_dispute_resolved_late_has_its_clock_breached_and_it_never_changes_again(make):
    cast = make.cast()
    dispute = investigating_at(make, cast, chicago(2026, 1, 13, 9))
    late = chicago(2026, 3, 2, 9)
    fire_trigger(dispute.ref, cast.analyst, "resolve", RESOLVE, now=late)
    resolved = clock(dispute, "resolution")
    assert (resolved.status, resolved.breached_at, resolved.stopped_at) == ("breached", late, late)
    before = frozen(resolved)
    assert sweep(chicago(2026, 9, 1, 9)).breached == 0
    assert frozen(clock(dispute, "resolution")) == before


def test_escalating_starts_and_deescalating_stops_the_escalation_clock(make):
    cast = make.cast()
    dispute = investigating_at(make, cast, chicago(2026, 1, 13, 9))
    fire_trigger(dispute.ref, cast.lead, "escalate", {"reason": "x"}, now=chicago(2026, 1, 13, 10))
    escalation = clock(dispute, "escalation")
    assert escalation.status == "running"
    assert escalation.due_at == chicago(2026, 1, 14, 10)  # P3: one business day
    fire_trigger(dispute.ref, cast.lead, "deescalate", {"note": "y"}, now=chicago(2026, 1, 13, 11))
    assert clock(dispute, "escalation").status == "met"
    assert clock(dispute, "resolution").status == "running"


def test_withdrawing_stops_every_running_clock(make):
    cast = make.cast()
    dispute = file_at(make, cast, chicago(2026, 1, 13, 9))
    fire_trigger(dispute.ref, cast.lead, "withdraw", {"note": "advertiser withdrew"},
                 now=chicago(2026, 1, 13, 10))  # fmt: skip
    db.session.expire_all()
    clocks = db.session.scalars(select(SlaClock).where(SlaClock.dispute_id == dispute.id)).all()
    assert {(c.name, c.status) for c in clocks} == {("triage", "met"), ("resolution", "met")}
    assert all(c.stopped_at == chicago(2026, 1, 13, 10) for c in clocks)


def test_a_refused_trigger_leaves_the_clocks_as_they_were(make):
    cast = make.cast()
    dispute = investigating_at(make, cast, chicago(2026, 1, 13, 9))
    before = frozen(clock(dispute, "resolution"))
    with pytest.raises(GuardsFailed):
        fire_trigger(dispute.ref, cast.analyst, "resolve", {"outcome": "no_credit"},
                     now=chicago(2026, 1, 13, 10))  # fmt: skip
    assert frozen(clock(dispute, "resolution")) == before
    assert len(clock_events(dispute)) == 3  # two starts at filing, triage stopped at start


def test_the_api_dispute_document_shows_the_sla_clocks(make, client):
    cast = make.cast()
    dispute = investigating_at(make, cast, datetime.now(UTC) - timedelta(minutes=5))
    token = make.token(cast.analyst)
    response = client.get(
        f"/api/v1/disputes/{dispute.ref}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    sla = {c["name"]: c for c in response.get_json()["sla"]}
    assert set(sla) == {"triage", "resolution"}
    assert sla["triage"]["status"] == "met"
    resolution = sla["resolution"]
    assert resolution["status"] == "running" and resolution["badge"] == "on_track"
    assert resolution["due_at"] == clock(dispute, "resolution").due_at.isoformat().replace(
        "+00:00", "Z"
    )
    assert 0 < resolution["business_seconds_remaining"] <= 10 * DAY
    assert {"started_at", "paused_seconds", "warned_at", "breached_at"} <= set(resolution)
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert set(resolution) <= set(schema["SlaClock"]["properties"])


def test_queues_can_sort_by_the_nearest_due_ticking_clock(make):
    cast = make.cast()
    now = chicago(2026, 1, 13, 9)
    soon = file_at(make, cast, now)  # triage due in one business day
    later = investigating_at(make, cast, now)  # only its resolution clock ticks
    done = investigating_at(make, cast, now)
    fire_trigger(done.ref, cast.analyst, "resolve", RESOLVE, now=now)
    db.session.expire_all()
    rows = db.session.execute(
        select(Dispute.id, Dispute.next_due_at).order_by(Dispute.next_due_at, Dispute.id)
    ).all()
    assert [r.id for r in rows] == [soon.id, later.id, done.id]
    assert rows[0].next_due_at == clock(soon, "triage").due_at and rows[2].next_due_at == NO_CLOCK
    db.session.expire_all()
    view = nearest_due(db.session.get(Dispute, soon.id), now)
    assert (view.name, view.badge, view.business_seconds_remaining) == ("triage", "on_track", DAY)
    assert nearest_due(db.session.get(Dispute, done.id), now) is None
