"""Billing assurance in the browser: an exception the scan found is worked to a proactive credit,
and a lead opens a root-cause problem and links the case to it; each screen photographed."""

import re

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingException, Dispute
from disputedesk.app.queries.memos import current_memo
from tests.assurance_support import push, with_terms
from tests.e2e.helpers import NARROW, SCREENSHOTS, WIDE, fresh, open_action, settled
from tests.factories import PASSWORD


def shoot(page: Page, browser: Browser, live_server: str, user, path: str, name: str) -> None:  # noqa: ANN001
    """Photograph a page wide (in this session) and narrow (in a fresh one) to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto(path)
    page.screenshot(path=SCREENSHOTS / f"assurance-{name}-wide.png", full_page=True)
    context = browser.new_context(base_url=live_server, viewport=NARROW, bypass_csp=True)
    narrow = context.new_page()
    narrow.goto("/login")
    narrow.get_by_label("Email").fill(user.email)
    narrow.get_by_label("Password").fill(PASSWORD)
    narrow.get_by_role("button", name="Sign in").click()
    narrow.wait_for_url(lambda url: "/login" not in url)
    narrow.goto(path)
    width = narrow.evaluate("document.documentElement.scrollWidth")
    narrow.screenshot(path=SCREENSHOTS / f"assurance-{name}-narrow.png", full_page=True)
    context.close()
    assert width <= NARROW["width"], f"{path} scrolls sideways at 390: {width}px"


def test_an_exception_is_credited_before_the_advertiser_asks_and_its_cause_is_tracked(
    page: Page, browser: Browser, live_server: str, sign_in, make
) -> None:
    cast = make.cast()
    with_terms(cast)
    push(cast)  # line 2 bills 1,000,000 impressions of 800,000 delivered: 800.00 over
    found = db.session.scalar(select(BillingException))
    assert page.viewport_size == WIDE

    sign_in(cast.analyst)
    page.goto("/exceptions")
    row = page.locator("tr", has_text=found.ref)
    expect(row).to_contain_text("800.00")
    shoot(page, browser, live_server, cast.analyst, "/exceptions", "queue")
    page.goto("/exceptions")
    page.get_by_role("link", name=found.ref).click()
    expect(page.locator("h1")).to_contain_text(found.ref)
    page.get_by_role("button", name="Claim").click()
    expect(page.locator("dl.facts")).to_contain_text(cast.analyst.name or cast.analyst.email)
    shoot(page, browser, live_server, cast.analyst, f"/exceptions/{found.ref}", "exception")

    page.get_by_role("button", name=re.compile("Credit it proactively")).click()
    page.wait_for_url(re.compile(r"/disputes/DSP-"))
    ref = page.url.rsplit("/", 1)[-1]
    case = db.session.scalar(select(Dispute).where(Dispute.intake_channel == "assurance"))
    assert case is not None and case.ref == ref and case.disputed_amount == 80_000
    assert fresh(BillingException, found.id).status == "resolved"  # closed into the case
    make.required_evidence(case, cast.analyst)

    page.reload()
    expect(page.locator("#case-header")).to_contain_text("delivery shortfall")  # why it was wrong
    page.get_by_role("button", name="Take this case").click()
    settled(page)
    page.locator('#case-actions button[data-trigger="start"]').click()
    expect(page.locator("#case-header")).to_contain_text("investigating")
    resolve = open_action(page, "resolve")
    resolve.get_by_label("Outcome").select_option("credit_full")
    resolve.get_by_label("Root cause").select_option("delivery_data_error")
    resolve.get_by_label("Note", exact=True).fill("Billed on the booked, not the delivered.")
    resolve.get_by_label("GL reason").select_option("delivery_shortfall")
    resolve.get_by_role("button", name="Resolve").click()
    expect(page.locator("#case-credit")).to_contain_text("USD 800.00")
    settled(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(cast.approver)
    page.goto(f"/disputes/{ref}")
    credit = page.locator("#case-credit")
    credit.get_by_label("Comment").fill("Found by our scan; credit it before they ask.")
    credit.get_by_role("button", name="Approve").click()
    expect(credit.locator(".badge.memo-approved")).to_be_visible()
    memo = current_memo(fresh(Dispute, case.id))
    assert (memo.status, memo.amount) == ("approved", 80_000)
    settled(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(cast.lead)
    page.goto("/problems")
    page.get_by_label("Title").fill("Booked impressions billed instead of delivered")
    page.get_by_label("Root cause").select_option(index=1)
    page.get_by_label("Owning team").select_option(index=1)
    page.get_by_role("button", name=re.compile("Open")).click()
    expect(page.locator("h1")).to_contain_text("Booked impressions billed")
    page.get_by_label("Link a case or exception").fill(ref)
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator("table.grid.cards")).to_contain_text(ref)
    expect(page.locator("dl.facts")).to_contain_text("800.00")  # the case's money on the problem
    assert fresh(Dispute, case.id).problem_id is not None
    problem_path = page.url.removeprefix(live_server)
    shoot(page, browser, live_server, cast.lead, "/problems", "problems")
    shoot(page, browser, live_server, cast.lead, problem_path, "problem")
    page.goto(f"/disputes/{ref}")
    expect(page.locator("main")).to_contain_text(found.ref)  # the case names the exception
