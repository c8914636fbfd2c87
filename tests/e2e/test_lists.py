"""Lists in the browser: counts and paging, sorting, select-all, the loading bar, shortcuts."""

import re

from playwright.sync_api import Page, Route, expect

from disputedesk.app.models import Dispute
from tests.e2e.helpers import fresh, settled

P1, P3, P4 = 12_000_000, 150_000, 50_000


def test_track_counts_the_matches_and_pages_through_all_of_them(page: Page, sign_in, make,
                                                                 monkeypatch):  # fmt: skip
    monkeypatch.setattr("disputedesk.app.queries.tracking.PAGE_SIZE", 3)
    cast = make.cast()
    cases = [make.dispute(cast, "filed") for _ in range(7)]
    sign_in(cast.viewer)
    page.goto("/track")
    page.get_by_role("searchbox", name="Search").fill("DSP")
    results = page.locator("#results")
    expect(results.get_by_role("heading")).to_have_text("Results for “DSP”")
    expect(results.locator("#results-count")).to_contain_text("7 cases")
    for _ in range(2):
        settled(page)
        results.get_by_role("button", name="Show more").click()
    settled(page)
    expect(results.locator("tbody tr:not(.more)")).to_have_count(7)
    expect(results.get_by_role("button", name="Show more")).to_have_count(0)
    shown = results.locator("tbody td.c-ref").all_inner_texts()
    assert shown == [c.ref for c in reversed(cases)]


def test_my_queue_is_sorted_by_priority_and_the_sla_header_resorts_it(page: Page, sign_in,
                                                                       make):  # fmt: skip
    cast = make.cast()
    p3, p1, p4 = (
        make.dispute(cast, "filed", assignee=cast.analyst, amount=a) for a in (P3, P1, P4)
    )
    sign_in(cast.analyst)
    queue = page.locator("#queue")
    expect(queue).to_contain_text("Sorted by priority, then SLA due, then age")
    assert queue.locator("tbody td.c-ref").all_inner_texts() == [p1.ref, p3.ref, p4.ref]
    queue.get_by_role("link", name="SLA").click()
    expect(queue).to_contain_text("Sorted by SLA due, then priority, then age")
    expect(page).to_have_url(re.compile(r"sort=due"))


def test_a_lead_selects_the_page_then_all_matching_and_reassigns_them(
    page: Page, sign_in, make, monkeypatch
):
    monkeypatch.setattr("disputedesk.app.queries.queues.PAGE_SIZE", 2)
    cast = make.cast()
    cases = [make.dispute(cast, "investigating", assignee=cast.analyst) for _ in range(3)]
    sign_in(cast.lead)
    page.goto("/team")
    page.get_by_label("Select every case on this page").check()
    expect(page.locator("#selection")).to_have_text("2 selected on this page.")
    page.get_by_role("button", name="Select all 3 matching cases").click()
    expect(page.locator("#selection")).to_have_text("All 3 matching cases are selected.")
    page.get_by_role("button", name="Reassign", exact=True).click()
    expect(page.locator(".flash-error")).to_contain_text("Choose who should get the cases")
    assert {fresh(Dispute, c.id).assignee_id for c in cases} == {cast.analyst.id}

    page.get_by_label("Select every case on this page").check()
    page.get_by_role("button", name="Select all 3 matching cases").click()
    page.locator("#bulk select[name=assignee]").select_option(cast.analyst2.email)
    page.get_by_role("button", name="Reassign", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Reassigned 3 cases to {cast.analyst2.name}."
    )
    assert {fresh(Dispute, c.id).assignee_id for c in cases} == {cast.analyst2.id}


def test_a_filter_waiting_for_its_answer_dims_the_list(page: Page, sign_in, make):
    cast = make.cast()
    make.dispute(cast, "filed", assignee=cast.analyst, amount=P1)
    sign_in(cast.analyst)
    held: list[Route] = []
    page.route(re.compile(r"/queue\?.*priority=P2"), lambda route: held.append(route))
    page.locator("#queue ~ *, .filters").first.locator("select[name=priority]").select_option("P2")
    expect(page.locator("#queue")).to_have_class(re.compile(r"htmx-request"))
    page.wait_for_function("document.querySelector('.filters select[name=priority]')")
    assert held, "the filter's request was sent"
    held[0].continue_()
    expect(page.locator("#queue")).not_to_have_class(re.compile(r"htmx-request"))
    expect(page.locator("#queue .empty")).to_contain_text("Try other filters.")


def test_a_case_action_in_flight_disables_its_button_and_shows_it_working(
    page: Page, sign_in, make
):
    cast = make.cast()
    case = make.dispute(cast, "filed", assignee=cast.analyst)
    sign_in(cast.analyst)
    page.goto(f"/disputes/{case.ref}")
    held: list[Route] = []
    page.route(re.compile(r"/trigger$"), lambda route: held.append(route))
    settled(page)  # the page's areas in place and wired (a busy machine can be slow to)
    start = page.locator('#case-actions button[data-trigger="start"]')
    start.click()
    expect(start).to_be_disabled()
    expect(start).to_have_attribute("data-busy", "1")
    spinner = start.evaluate("b => getComputedStyle(b, '::after').animationName")
    assert spinner == "spin", spinner
    for _ in range(50):  # the route handler runs on the page's event loop: let it
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the action's request was sent"
    held[0].continue_()
    expect(page.locator("#case-header .state-investigating")).to_be_visible()


def test_keyboard_shortcuts_move_open_claim_and_explain_themselves(page: Page, sign_in, make):
    cast = make.cast()
    first, second = (make.dispute(cast, "filed", assignee=cast.analyst, amount=a) for a in (P1, P4))
    waiting = make.dispute(cast, "filed", amount=P3)
    sign_in(cast.analyst)
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("#queue tr.current")).to_contain_text(second.ref)
    page.keyboard.press("k")
    expect(page.locator("#queue tr.current")).to_contain_text(first.ref)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(first.ref))
    page.go_back()
    page.locator("body").press("c")
    expect(page).to_have_url(re.compile(waiting.ref))
    assert fresh(Dispute, waiting.id).assignee_id == cast.analyst.id
