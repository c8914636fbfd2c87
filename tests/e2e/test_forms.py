"""Forms in the browser: a wrong password; a dispute filed with fields missing, then complete."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute


def disputes_stored() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Dispute))


def test_a_wrong_password_shows_the_message(page: Page, make):
    cast = make.cast()
    page.goto("/login")
    page.get_by_label("Email").fill(cast.analyst.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_have_text(
        "That email and password do not match an active account."
    )
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/queue")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_filing_with_missing_fields_shows_inline_errors_and_saves_nothing(
    page: Page, sign_in, make
):
    cast = make.cast()
    invoice = make.invoice(cast.advertiser)

    sign_in(cast.analyst)
    page.get_by_role("link", name="File a dispute").click()
    advertiser = f"{cast.advertiser.name} ({cast.advertiser.ref})"
    page.get_by_label("Advertiser", exact=True).select_option(label=advertiser)
    # htmx fetches the advertiser's invoices, then the chosen invoice's lines.
    page.get_by_label("Invoice", exact=True).select_option(invoice.number)
    expect(page.locator("fieldset.lines")).to_contain_text(f"Disputed lines of {invoice.number}")
    page.get_by_role("button", name="File dispute").click()

    expect(page.get_by_role("alert")).to_have_text(
        "Please fix the highlighted fields. Nothing was saved."
    )
    for message in ("Choose a reason", "Enter the amount in dispute",
                    "Describe what the advertiser disputes"):  # fmt: skip
        expect(page.locator(".field-error", has_text=message)).to_be_visible()
    expect(page.get_by_label("Invoice", exact=True)).to_have_value(invoice.number)  # kept
    assert disputes_stored() == 0

    page.get_by_label("Amount disputed on line 1").fill("1250.00")
    page.locator("input[name=lines][value='1']").check()
    page.get_by_label("Disputed amount").fill("1250.00")
    page.get_by_label("Reason", exact=True).select_option("rate_mismatch")
    page.get_by_label("What does the advertiser dispute?").fill("Billed above the IO rate.")
    page.get_by_role("button", name="File dispute").click()

    expect(page).to_have_url(re.compile(r"/disputes/DSP-\d+$"))
    expect(page.get_by_role("status").first).to_contain_text("Filed DSP-")
    assert disputes_stored() == 1
