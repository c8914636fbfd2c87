"""The advertiser portal in the browser, on a desktop and on a phone: file over lines of two
invoices, answer the team's request with backup, and find the credit memo."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.triggers import fire_trigger
from tests.e2e.helpers import NARROW, SCREENSHOTS, WIDE
from tests.evidence_samples import pdf
from tests.web.helpers import case_with_memo, memo_of


@pytest.mark.parametrize("screen", [WIDE, NARROW], ids=["wide", "narrow"])
def test_a_person_files_over_two_invoices_answers_a_request_and_sees_the_credit(
    page: Page, sign_in, make, tmp_path, screen
):
    cast = make.cast()
    person = make.portal_person(cast.advertiser, inviter=cast.lead)
    first, second = make.invoice(cast.advertiser), make.invoice(cast.advertiser)
    credited = case_with_memo(make, cast, "issued")
    page.set_viewport_size(screen)
    name = "wide" if screen == WIDE else "narrow"

    sign_in(person)
    expect(page).to_have_url(re.compile(r"/portal$"))
    page.get_by_role("link", name="File a dispute").first.click()
    page.check(f"#line-{first.id}-1")
    page.get_by_label(f"Disputed amount of line 1 of {first.number}").fill("1200.00")
    page.check(f"#line-{second.id}-2")
    page.get_by_label(f"Disputed amount of line 2 of {second.number}").fill("75.50")
    page.get_by_label("Reason").select_option("rate_mismatch")
    page.get_by_label("What is wrong with these lines?").fill("Billed at $15 CPM, the IO says $12.")
    page.screenshot(path=SCREENSHOTS / f"portal-file-{name}.png", full_page=True)
    page.get_by_role("button", name="File the dispute").click()

    expect(page.locator(".flash")).to_contain_text("Filed DSP-")
    [case] = db.session.scalars(select(Dispute).where(Dispute.filed_by_id == person.id)).all()
    assert [i.id for i in case.invoices] == [first.id, second.id]  # one case over both

    assign(case.ref, cast.lead, cast.analyst.email)
    fire_trigger(case.ref, cast.analyst, "start", {})
    fire_trigger(case.ref, cast.analyst, "request_info",
                 {"note": "Please send the signed IO.", "message_advertiser": "1"})  # fmt: skip
    page.goto(f"/portal/cases/{case.ref}")
    expect(page.locator("h1")).to_contain_text(f"{first.number}, {second.number}")
    expect(page.locator(".facts")).to_contain_text("waiting for you")
    expect(page.locator(".portal-timeline")).to_contain_text("Please send the signed IO.")
    page.get_by_label("Your message").fill("The signed IO is attached.")
    backup = tmp_path / "signed-io.pdf"
    backup.write_bytes(pdf())
    page.get_by_label("Backup").set_input_files(backup)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".flash")).to_contain_text("your answer is on the case")
    expect(page.locator(".portal-timeline")).to_contain_text("The signed IO is attached.")
    expect(page.locator(".case-side")).to_contain_text("signed-io.pdf")
    expect(page.locator(".facts")).to_contain_text("in review")
    page.screenshot(path=SCREENSHOTS / f"portal-case-{name}.png", full_page=True)

    page.goto("/portal")
    page.get_by_role("link", name=credited.ref).click()
    expect(page.locator(".facts")).to_contain_text("credited")
    memo = memo_of(credited)
    expect(page.locator(".memo-line")).to_contain_text(memo.number)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename == f"{memo.number}.html"
    page.screenshot(path=SCREENSHOTS / f"portal-credit-{name}.png", full_page=True)
