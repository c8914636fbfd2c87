"""Work typed into a form is never lost: without JavaScript, and in a tab that went stale."""

import re

from playwright.sync_api import Browser, Page, expect

from disputedesk.app.models import CreditMemo, Dispute
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.services.triggers import fire_trigger
from tests.e2e.helpers import WIDE, fresh, open_action
from tests.factories import PASSWORD
from tests.web.helpers import case_with_memo


def signed_in_without_javascript(browser: Browser, live_server: str, user) -> tuple:  # noqa: ANN001
    """A browser context with JavaScript off, signed in through the login form."""
    context = browser.new_context(base_url=live_server, viewport=WIDE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return context, page


def test_without_javascript_a_refused_credit_resolve_keeps_what_was_typed(
    browser: Browser, live_server: str, make, csrf_on
):
    cast = make.cast()
    case = make.dispute(cast, "investigating", assignee=cast.analyst, reason="other")
    context, page = signed_in_without_javascript(browser, live_server, cast.analyst)
    page.goto(f"/disputes/{case.ref}")
    page.locator('summary[data-trigger="resolve"]').click()
    form = page.locator('details:has(summary[data-trigger="resolve"]) form')
    form.get_by_label("Outcome").select_option("credit_partial")
    form.get_by_label("Root cause").select_option("rate_card_error")
    form.locator("textarea[name=note]").fill("IO rate 4.20 applies, not the card rate.")
    form.get_by_label("Credit amount (USD)").fill("120.00")
    form.get_by_role("button", name="Resolve").click()

    form = page.locator('details[open]:has(summary[data-trigger="resolve"]) form')
    expect(form.locator("textarea[name=note]")).to_have_value(
        "IO rate 4.20 applies, not the card rate."
    )
    expect(form.get_by_label("Credit amount (USD)")).to_have_value("120.00")
    expect(form.get_by_label("Outcome")).to_have_value("credit_partial")
    expect(form.locator(".field-error")).to_have_text(
        "Choose the GL reason the credit is booked to."
    )
    expect(page.locator("body")).not_to_contain_text("credit_memo_valid")
    assert fresh(Dispute, case.id).state == "investigating"
    context.close()


def test_a_stale_tab_keeps_the_typed_text_names_who_changed_it_and_refreshes(
    page: Page, sign_in, make
):
    cast = make.cast()
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    sign_in(cast.analyst)
    page.goto(f"/disputes/{case.ref}")
    escalate = open_action(page, "escalate")
    escalate.get_by_label("Reason").fill("The IO and the rate card disagree.")
    # The lead acts on the case while the analyst's tab sits open.
    fire_trigger(case.ref, cast.lead, "request_info", {"note": "Asked the agency for the IO."})
    escalate.get_by_role("button", name="Escalate").click()

    actions = page.locator("#case-actions")
    expect(actions.get_by_role("alert")).to_contain_text(f"{cast.lead.name} changed this case")
    expect(page.locator("#case-header")).to_contain_text("waiting on advertiser")  # refreshed
    again = page.locator('#case-actions details[open]:has(summary[data-trigger="escalate"]) form')
    expect(again.get_by_label("Reason")).to_have_value("The IO and the rate card disagree.")
    again.get_by_role("button", name="Escalate").click()
    expect(page.locator("#case-header .state-escalated")).to_be_visible()
    assert fresh(Dispute, case.id).state == "escalated"


def test_a_stale_sign_in_asks_the_password_in_place_and_the_approval_keeps_its_comment(
    page: Page, sign_in, make, monkeypatch
):
    cast = make.cast()
    case = case_with_memo(make, cast)
    sign_in(cast.lead)
    monkeypatch.setattr(
        "disputedesk.app.web.auth.FRESH_SECONDS", -1
    )  # every sign-in is now too old
    page.goto(f"/disputes/{case.ref}")
    credit = page.locator("#case-credit")
    credit.get_by_label("Comment").fill("Small and documented; approved.")
    credit.get_by_role("button", name="Approve").click()

    expect(credit.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    expect(page).to_have_url(re.compile(case.ref))  # still on the case, not the login page
    credit.get_by_label(re.compile("Password")).fill(PASSWORD)
    credit.get_by_role("button", name="Confirm and continue").click()

    expect(credit.locator(".badge.memo-approved")).to_be_visible()
    expect(credit).to_contain_text("Small and documented; approved.")
    assert fresh(CreditMemo, current_memo(case).id).status == "approved"


def test_the_approval_form_says_when_the_fresh_sign_in_window_is_about_to_close(
    page: Page, sign_in, make, monkeypatch
):
    cast = make.cast()
    case = case_with_memo(make, cast)
    monkeypatch.setattr(
        "disputedesk.app.web.stepup.FRESH_SECONDS", 200
    )  # the window closes in 3 minutes
    sign_in(cast.lead)
    page.goto(f"/disputes/{case.ref}")
    note = page.locator("#case-credit .fresh-note")
    expect(note).to_contain_text(re.compile(r"good for approving for [34] more minutes"))


def test_without_javascript_a_stale_sign_in_asks_the_password_and_the_approval_keeps_its_comment(
    browser: Browser, live_server: str, make, csrf_on, monkeypatch
):
    cast = make.cast()
    case = case_with_memo(make, cast)
    context, page = signed_in_without_javascript(browser, live_server, cast.lead)
    monkeypatch.setattr(
        "disputedesk.app.web.auth.FRESH_SECONDS", -1
    )  # every sign-in is now too old
    page.goto(f"/disputes/{case.ref}")
    credit = page.locator("#case-credit")
    credit.get_by_label("Comment").fill("Small and documented; approved.")
    credit.get_by_role("button", name="Approve").click()

    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label(re.compile("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page).to_have_url(re.compile(f"/disputes/{case.ref}$"))
    expect(page.locator("#case-credit .badge.memo-approved")).to_be_visible()
    expect(page.locator("#case-credit")).to_contain_text("Small and documented; approved.")
    assert fresh(CreditMemo, current_memo(case).id).status == "approved"
    context.close()


def test_without_javascript_issuing_a_credit_asks_for_a_ticked_confirmation(
    browser: Browser, live_server: str, make, csrf_on
):
    cast = make.cast()
    case = case_with_memo(make, cast, "approved")
    context, page = signed_in_without_javascript(browser, live_server, cast.approver)
    page.goto(f"/disputes/{case.ref}")
    credit = page.locator("#case-credit")
    credit.get_by_role("button", name="Issue credit memo").click()
    expect(page.locator("#case-credit .field-error")).to_contain_text("Tick the box to confirm")
    assert fresh(CreditMemo, current_memo(case).id).number is None  # nothing was issued
    page.locator("#case-credit").get_by_label(re.compile("I confirm issuing")).check()
    page.locator("#case-credit").get_by_role("button", name="Issue credit memo").click()
    expect(page.locator("#case-header .state-credited")).to_be_visible()
    assert fresh(CreditMemo, current_memo(case).id).number
    context.close()
