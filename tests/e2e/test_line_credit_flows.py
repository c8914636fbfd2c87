"""Per-line credits and a reversal in the browser: the resolve form is pre-filled with the
comparison's proposal, the memo is the sum of the lines, and an issued memo is reversed after
a confirmation."""

import re

from playwright.sync_api import Page, expect

from disputedesk.app.models import Dispute
from disputedesk.app.queries.memos import current_memo
from tests.api.test_api_line_credits import priced
from tests.e2e.helpers import fresh, open_action, settled


def test_a_line_credit_pre_filled_with_the_proposal_is_issued_then_reversed(
    page: Page, sign_in, make
):
    cast = make.cast()
    case = make.dispute(cast, "investigating", assignee=cast.analyst, amount=50_000,
                        reason="rate_mismatch")  # fmt: skip
    make.required_evidence(case, cast.analyst)
    priced(case.invoice, contract_rate=60)  # billed above the contract: a proposal per line

    sign_in(cast.analyst)
    page.goto(f"/disputes/{case.ref}")
    resolve = open_action(page, "resolve")
    resolve.get_by_label("Outcome").select_option("credit_partial")
    line = resolve.get_by_label("Approved credit on line 1")
    proposal = line.input_value()
    assert re.fullmatch(r"\d+\.\d\d", proposal), proposal  # the proposal as the form takes it
    amount = resolve.get_by_label("Credit amount (USD)")
    expect(amount).to_have_value(proposal)  # the memo amount starts at the proposal
    line.fill("150.00")  # within the proposal: no justification needed
    expect(amount).to_have_value("150.00")  # and follows the lines as they are typed
    resolve.get_by_label("Root cause").select_option("rate_card_error")
    resolve.get_by_label("Note", exact=True).fill("Rate card applied instead of the IO rate.")
    resolve.get_by_label("GL reason").select_option("rate_correction")
    resolve.get_by_role("button", name="Resolve").click()
    credit = page.locator("#case-credit")
    expect(credit).to_contain_text("USD 150.00")
    settled(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(cast.approver)
    page.goto(f"/disputes/{case.ref}")
    credit = page.locator("#case-credit")
    credit.get_by_label("Comment").fill("Per the IO.")
    credit.get_by_role("button", name="Approve").click()
    expect(credit.locator(".badge.memo-approved")).to_be_visible()
    settled(page)  # the other areas refresh after a decision: click once they are in place
    page.once("dialog", lambda dialog: dialog.accept())
    credit.get_by_role("button", name="Issue credit memo").click()
    expect(page.locator("#case-header .state-credited")).to_be_visible()
    settled(page)

    # Reversing needs a reason and a ticked confirmation; without the tick nothing happens.
    credit.locator("summary[data-trigger=reverse_credit]").click()
    credit.get_by_label("Reason").fill("Credited on the wrong invoice.")
    credit.locator("form.reverse").get_by_role("button").click()
    expect(credit.locator(".field-error")).to_be_visible()
    assert fresh(Dispute, case.id).state == "credited"
    settled(page)
    expect(credit.locator("details.reverse")).to_have_attribute("open", "")  # still open
    credit.get_by_label(re.compile("I confirm reversing")).check()
    credit.locator("form.reverse").get_by_role("button").click()
    expect(page.locator("#case-credit")).to_contain_text(re.compile(r"Reversed by RV-\d{4}-\d{6}"))
    expect(page.locator("#case-header")).to_contain_text("investigating")
    stored = fresh(Dispute, case.id)
    memo = current_memo(stored)
    assert (stored.state, memo.status, memo.amount) == ("investigating", "reversed", 15_000)
