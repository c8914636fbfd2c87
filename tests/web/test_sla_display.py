"""SLA clocks on screen: queues sort by the clock that falls due first; badges; due times."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from disputedesk.app.models.types import utcnow
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.triggers import fire_trigger
from tests.web.helpers import case_refs, text


def _case(make, cast, *, hours_ago: float, amount: int, start: bool = True):
    invoice = make.invoice(cast.advertiser, amounts=(max(amount, 500_000),))
    filing = Filing(invoice.number, "other", "billed twice", f"{amount / 100:.2f}", "USD")
    dispute = file_dispute(cast.integration, filing, now=utcnow() - timedelta(hours=hours_ago))
    assign(dispute.ref, cast.lead, cast.analyst.email)
    if start:
        fire_trigger(dispute.ref, cast.analyst, "start", {})
    return dispute


def test_sorted_by_sla_my_queue_puts_the_case_whose_clock_falls_due_first_on_top(web, make, cast):
    fresh_p1 = _case(make, cast, hours_ago=0, amount=20_000_000)  # P1: due in two days
    old_p4 = _case(make, cast, hours_ago=24 * 40, amount=50_000)  # P4, but long overdue
    refs = case_refs(web(cast.analyst).get("/queue?sort=due").get_data(as_text=True))
    assert refs.index(old_p4.ref) < refs.index(fresh_p1.ref)
    by_priority = case_refs(web(cast.analyst).get("/queue").get_data(as_text=True))
    assert by_priority.index(fresh_p1.ref) < by_priority.index(old_p4.ref)  # the default


def test_queue_rows_carry_a_badge_for_their_nearest_clock(web, make, cast):
    _case(make, cast, hours_ago=24 * 40, amount=50_000)
    _case(make, cast, hours_ago=0, amount=50_000)
    page = web(cast.analyst).get("/queue").get_data(as_text=True)
    assert "sla-breached" in page and "sla-on_track" in page
    assert "over" in text(web(cast.analyst).get("/queue"))


def test_the_team_queue_shows_badges_too(web, make, cast):
    _case(make, cast, hours_ago=24 * 40, amount=50_000, start=False)
    assert "sla-breached" in web(cast.lead).get("/team").get_data(as_text=True)


def test_a_paused_clock_shows_as_paused_on_the_case(web, make, cast):
    dispute = _case(make, cast, hours_ago=1, amount=50_000)
    fire_trigger(dispute.ref, cast.analyst, "request_info", {"note": "need the ad-server logs"})
    page = text(web(cast.analyst).get(f"/disputes/{dispute.ref}"))
    assert "resolution clock" in page.lower() and "paused since" in page


def test_the_case_page_shows_each_clock_due_in_the_users_time_zone(web, make, cast):
    dispute = _case(make, cast, hours_ago=1, amount=50_000)
    page = text(web(cast.viewer).get(f"/disputes/{dispute.ref}"))
    assert "triage clock" in page.lower() and "met" in page
    assert "due " in page and ("CST" in page or "CDT" in page)


def test_tracking_shows_when_a_case_is_expected_to_be_decided(web, make, cast):
    dispute = _case(make, cast, hours_ago=1, amount=50_000)
    answer = text(web(cast.viewer).get(f"/track?q={dispute.ref}"))
    assert "Expected by" in answer
    clock = next(c for c in dispute.sla_clocks if c.name == "resolution")
    shown = clock.due_at.astimezone(ZoneInfo(cast.viewer.timezone)).strftime("%b %d, %H:%M")
    assert shown in answer
