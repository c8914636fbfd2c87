"""Evidence and credits in the browser: upload until the checklist ticks; resolve with a partial
credit, approve it from the inbox, issue it."""

import re

from playwright.sync_api import Page, expect

from disputedesk.app.models import Dispute
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.memos import current_memo
from tests import evidence_samples as samples
from tests.e2e.helpers import fresh, open_action, settled

# A standard-tier credit: above a lead's limit (1,000), within the approver's (100,000).
DISPUTED, CREDIT = 500_000, "3200.00"


def test_an_analyst_uploads_evidence_and_the_checklist_ticks(page: Page, sign_in, make):
    cast = make.cast()
    case = make.dispute(cast, "investigating", assignee=cast.analyst, reason="invalid_traffic")

    sign_in(cast.analyst)
    page.goto(f"/disputes/{case.ref}")
    panel = page.locator("#case-evidence")
    checklist = panel.locator(".checklist li")
    expect(checklist).to_have_count(2)
    expect(panel.locator('.checklist li[data-met="no"]')).to_have_count(2)
    expect(page.locator("#case-actions")).to_contain_text(
        "Resolve needs: delivery report; IVT report."
    )

    # Note how far the progress bar got (it is swapped out with the form when the upload ends).
    page.evaluate(
        """() => { window.progress = [];
            document.addEventListener("htmx:xhr:progress", (e) => {
                window.progress.push(e.target.querySelector("progress").value); }); }"""
    )
    panel.get_by_label("Add a file").set_input_files(
        {"name": "delivery.csv", "mimeType": "text/csv", "buffer": samples.csv()}
    )
    expect(panel.get_by_label("Kind")).to_have_value("delivery_report")  # the first one missing
    panel.get_by_role("button", name="Upload").click()
    expect(panel.locator(".notice")).to_have_text("Added delivery.csv.")
    assert max(page.evaluate("window.progress")) == 100
    expect(checklist.filter(has_text="Delivery report")).to_have_attribute("data-met", "yes")
    expect(panel.locator("table.files")).to_contain_text(cast.analyst.name)

    # Drop the second file onto the panel: it lands in the picker, then Upload sends it.
    settled(page)
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["date,invalid\\n2026-10-01,12\\n"], "ivt.csv",
                                    {type: "text/csv"}));
            const panel = document.querySelector("#case-evidence");
            panel.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true}));
            panel.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
        }"""
    )
    expect(panel.get_by_label("Kind")).to_have_value("ivt_report")
    panel.get_by_role("button", name="Upload").click()
    expect(panel.locator('.checklist li[data-met="yes"]')).to_have_count(2)

    # The actions heard the case change: resolve is offered now.
    expect(page.locator('#case-actions summary[data-trigger="resolve"]')).to_be_visible()
    expect(page.locator("#case-actions")).not_to_contain_text("Resolve needs")
    expect(page.locator("#case-timeline")).to_contain_text("added IVT report")
    assert sorted(e.kind for e in fresh(Dispute, case.id).evidence) == [
        "delivery_report",
        "ivt_report",
    ]


def test_a_refused_upload_is_explained_in_the_panel(page: Page, sign_in, make):
    cast = make.cast()
    case = make.dispute(cast, "investigating", assignee=cast.analyst, reason="delivery_shortfall")

    sign_in(cast.analyst)
    page.goto(f"/disputes/{case.ref}")
    panel = page.locator("#case-evidence")
    panel.get_by_label("Add a file").set_input_files(
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": samples.executable()}
    )
    panel.get_by_role("button", name="Upload").click()
    expect(panel.get_by_role("alert")).to_contain_text("This is not a PDF, CSV, XLSX")
    expect(panel.locator('.checklist li[data-met="no"]')).to_have_count(1)
    assert fresh(Dispute, case.id).evidence == []


def test_a_partial_credit_is_resolved_approved_from_the_inbox_and_issued(page: Page, sign_in, make):
    cast = make.cast()
    case = make.dispute(cast, "investigating", assignee=cast.analyst, amount=DISPUTED,
                        reason="rate_mismatch")  # fmt: skip
    make.required_evidence(case, cast.analyst)

    # The analyst resolves with a partial credit; the credit fields appear for a credit.
    sign_in(cast.analyst)
    page.goto(f"/disputes/{case.ref}")
    resolve = open_action(page, "resolve")
    credit_fields = resolve.locator("fieldset[data-shown-for]")
    expect(credit_fields).to_be_hidden()
    resolve.get_by_label("Outcome").select_option("credit_partial")
    expect(credit_fields).to_be_visible()
    resolve.get_by_label("Root cause").select_option("rate_card_error")
    resolve.get_by_label("Note", exact=True).fill(
        "Rate card applied instead of the IO rate of 4.20."
    )
    resolve.get_by_label("Credit amount (USD)").fill(CREDIT)
    resolve.get_by_label("GL reason").select_option("rate_correction")
    resolve.get_by_role("button", name="Resolve").click()

    expect(page.locator("#case-header .state-resolved")).to_be_visible()
    credit = page.locator("#case-credit")
    expect(credit).to_be_visible()
    expect(credit).to_contain_text("USD 3,200.00")
    expect(credit).to_contain_text("awaiting approval")
    expect(credit).to_contain_text("2026-11/standard")
    expect(credit).not_to_contain_text(cast.lead.name)  # a lead's limit does not cover it

    page.get_by_role("button", name="Sign out").click()

    # The approver starts at the dashboard, opens the inbox, finds the memo and approves it.
    sign_in(cast.approver)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    row = page.locator("#inbox tbody tr", has=page.get_by_role("link", name=case.ref))
    expect(row).to_contain_text("USD 3,200.00")
    expect(row).to_contain_text(case.advertiser.name)
    expect(row).to_contain_text("1 file")
    row.get_by_role("link", name=case.ref).click()

    credit = page.locator("#case-credit")
    credit.get_by_label("Comment").fill("Matches the IO; approved.")
    credit.get_by_role("button", name="Approve").click()
    expect(credit.locator(".badge.memo-approved")).to_be_visible()
    expect(credit).to_contain_text("Matches the IO; approved.")

    asked = []  # issuing cannot be undone: the browser asks first
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    credit.get_by_role("button", name="Issue credit memo").click()
    expect(page.locator("#case-header .state-credited")).to_be_visible()
    assert "cannot be undone" in asked[0]
    number = re.compile(rf"CM-{utcnow().year}-\d{{6}}")
    expect(credit.locator(".notice")).to_have_text(re.compile(r"Issued credit memo CM-"))
    expect(page.locator("#case-header .state-credited")).to_be_visible()
    expect(page.locator("#case-header")).to_contain_text(number)

    stored = fresh(Dispute, case.id)
    memo = current_memo(stored)
    assert (stored.state, memo.status, memo.amount) == ("credited", "issued", 320_000)
    assert number.fullmatch(memo.number) and memo.issued_by == cast.approver.email

    # The printable memo carries the number, the amount and who approved it.
    page.locator("#case-header").get_by_role("link", name=memo.number).click()
    expect(page.get_by_role("heading", name=f"Credit memo {memo.number}")).to_be_visible()
    expect(page.locator(".memo-doc")).to_contain_text(cast.approver.name)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    expect(page.locator("#inbox")).to_contain_text("Nothing waits for your approval.")
