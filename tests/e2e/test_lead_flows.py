"""A lead in the browser: de-escalate a case, then reassign two cases at once."""

import re

from playwright.sync_api import Page, expect

from disputedesk.app.models import Dispute
from tests.e2e.helpers import fresh, open_action


def test_a_lead_deescalates_a_case_and_reassigns_two_at_once(page: Page, sign_in, make):
    cast = make.cast()
    escalated = make.dispute(cast, "escalated", assignee=cast.analyst)
    first, second = (make.dispute(cast, "investigating", assignee=cast.analyst) for _ in range(2))
    untouched = make.dispute(cast, "investigating", assignee=cast.analyst)

    sign_in(cast.lead)
    expect(page).to_have_url(re.compile(r"/dashboard$"))  # a lead starts from the numbers
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team queue").click()
    queue = page.locator("#queue")
    expect(queue.locator("tbody tr").first).to_contain_text(escalated.ref)  # escalated first

    queue.get_by_role("link", name=escalated.ref).click()
    deescalate = open_action(page, "deescalate")
    deescalate.get_by_label("Note", exact=True).fill("Sales confirmed the IO; back to the analyst.")
    deescalate.get_by_role("button", name="Deescalate").click()
    expect(page.locator("#case-header .state-investigating")).to_be_visible()
    expect(page.locator("#case-timeline")).to_contain_text("Sales confirmed the IO")
    assert fresh(Dispute, escalated.id).state == "investigating"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team queue").click()
    page.get_by_label(f"Select {first.ref}").check()
    page.get_by_label(f"Select {second.ref}").check()
    page.locator("#bulk select[name=assignee]").select_option(cast.analyst2.email)
    page.get_by_role("button", name="Reassign", exact=True).click()

    expect(page.get_by_role("status").first).to_contain_text(
        f"Reassigned 2 cases to {cast.analyst2.name}."
    )
    for dispute in (first, second):
        row = page.locator("#queue tbody tr", has=page.get_by_role("link", name=dispute.ref))
        expect(row).to_contain_text(cast.analyst2.name)
    assert [fresh(Dispute, d.id).assignee_id for d in (first, second, untouched)] == [
        cast.analyst2.id,
        cast.analyst2.id,
        cast.analyst.id,
    ]
