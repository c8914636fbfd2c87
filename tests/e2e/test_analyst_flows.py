"""An analyst in the browser: claim the next case, start it, escalate it; resolve another."""

import re

from playwright.sync_api import Page, expect

from disputedesk.app.models import Dispute
from tests.e2e.helpers import fresh, open_action, settled

P1, P3 = 12_000_000, 150_000


def test_an_analyst_claims_the_next_case_starts_it_and_escalates_it(page: Page, sign_in, make):
    cast = make.cast()
    make.dispute(cast, "filed", amount=P3)
    urgent = make.dispute(cast, "filed", amount=P1)

    sign_in(cast.analyst)
    expect(page).to_have_url(re.compile(r"/queue$"))
    expect(page.locator("#queue")).to_contain_text("Claim the next case to get going.")

    page.get_by_role("button", name="Claim next case").click()
    expect(page).to_have_url(re.compile(f"/disputes/{urgent.ref}$"))
    expect(page.get_by_role("status").first).to_contain_text(f"You claimed {urgent.ref}.")
    expect(page.locator("#case-header")).to_contain_text(cast.analyst.name)

    settled(page)
    page.locator('#case-actions button[data-trigger="start"]').click()  # one click
    expect(page.locator("#case-actions")).to_contain_text("Start: done.")
    # The header and the timeline re-render themselves when the actions say the case changed.
    expect(page.locator("#case-header .state-investigating")).to_be_visible()
    expect(page.locator("#case-timeline")).to_contain_text("start")

    escalate = open_action(page, "escalate")
    escalate.get_by_role("button", name="Escalate").click()  # no reason yet
    expect(page.locator("#case-actions .field-error")).to_have_text("Give a reason")
    assert fresh(Dispute, urgent.id).state == "investigating"

    settled(page)
    escalate = page.locator('#case-actions details[open]:has(summary[data-trigger="escalate"])')
    escalate.locator("textarea[name=reason]").fill("IO rate disputed by the agency; need sales")
    escalate.get_by_role("button", name="Escalate").click()
    expect(page.locator("#case-header .state-escalated")).to_be_visible()
    expect(page.locator("#case-timeline")).to_contain_text("IO rate disputed by the agency")

    stored = fresh(Dispute, urgent.id)
    assert (stored.state, stored.assignee_id) == ("escalated", cast.analyst.id)


def test_an_analyst_resolves_a_case_as_no_credit_with_a_root_cause(page: Page, sign_in, make):
    cast = make.cast()
    # "other" is a reason that needs no evidence before the case can be resolved.
    case = make.dispute(cast, "investigating", assignee=cast.analyst, reason="other")

    sign_in(cast.analyst)
    page.locator("#queue").get_by_role("link", name=case.ref).click()
    expect(page).to_have_url(re.compile(f"/disputes/{case.ref}$"))

    resolve = open_action(page, "resolve")
    resolve.get_by_label("Outcome").select_option("no_credit")
    resolve.get_by_label("Note", exact=True).fill(
        "Billed at the contracted rate; delivery matches."
    )
    resolve.get_by_role("button", name="Resolve").click()  # no root cause yet
    expect(page.locator("#case-actions .field-error")).to_contain_text("Choose a root cause")
    assert fresh(Dispute, case.id).state == "investigating"

    settled(page)
    resolve = page.locator('#case-actions details[open]:has(summary[data-trigger="resolve"])')
    expect(resolve.get_by_label("Outcome")).to_have_value("no_credit")  # kept after the refusal
    resolve.get_by_label("Root cause").select_option("advertiser_misunderstanding")
    resolve.get_by_role("button", name="Resolve").click()

    header = page.locator("#case-header")
    expect(header.locator(".state-resolved")).to_be_visible()
    expect(header).to_contain_text("no credit")
    expect(header).to_contain_text("advertiser misunderstanding")
    stored = fresh(Dispute, case.id)
    assert (stored.state, stored.outcome, stored.root_cause) == (
        "resolved",
        "no_credit",
        "advertiser_misunderstanding",
    )


def test_the_queue_filters_update_the_list_without_reloading(page: Page, sign_in, make):
    cast = make.cast()
    escalated = make.dispute(cast, "escalated", assignee=cast.analyst)
    working = make.dispute(cast, "investigating", assignee=cast.analyst)

    sign_in(cast.analyst)
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(2)
    page.evaluate("window.notReloaded = true")

    page.get_by_label("State").select_option("escalated")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(escalated.ref)
    expect(page).to_have_url(re.compile(r"state=escalated"))

    page.get_by_label("State").select_option("")
    page.get_by_label("Search").fill(working.invoice.number)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(working.ref)
    assert page.evaluate("window.notReloaded") is True
