"""Notices in the browser: a lead @mentions an analyst, whose bell rises and leads to the case."""

import re

from playwright.sync_api import Browser, Page, expect

from disputedesk.app.services.channels import deliver_all
from disputedesk.workflows.notices import handle_of
from tests.e2e.helpers import SCREENSHOTS, WIDE, settled
from tests.factories import PASSWORD


def test_a_mentioned_analyst_sees_the_bell_rise_and_the_notice_opens_the_case(
    page: Page, browser: Browser, live_server, sign_in, make, app, monkeypatch, tmp_path
):
    monkeypatch.setitem(app.config, "NOTIFY_POLL_SECONDS", 1)
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    cast = make.cast()
    case = make.dispute(cast, "investigating", assignee=cast.analyst2)
    handle = handle_of(cast.analyst.email)

    sign_in(cast.analyst)  # the analyst sits on their queue, bell empty
    bell = page.locator("#bell")
    expect(bell).to_have_text("Notifications")

    lead = browser.new_context(base_url=live_server, viewport=WIDE, bypass_csp=True).new_page()
    lead.goto("/login")
    lead.get_by_label("Email").fill(cast.lead.email)
    lead.get_by_label("Password").fill(PASSWORD)
    lead.get_by_role("button", name="Sign in").click()
    lead.wait_for_url(lambda url: "/login" not in url)
    lead.goto(f"/disputes/{case.ref}")
    box = lead.get_by_label("Add a comment")
    box.press_sequentially(f"Can you check line 2, @{handle[:4]}")
    lead.locator(".mention-list").get_by_role("button", name=re.compile(f"@{handle}")).click()
    expect(box).to_have_value(f"Can you check line 2, @{handle} ")
    lead.locator("#case-timeline").get_by_role("button", name="Comment").click()
    expect(lead.locator("#case-timeline")).to_contain_text("Comment added.")
    settled(lead)
    lead.context.close()

    deliver_all()  # the worker's round
    expect(bell.locator(".bell-count")).to_have_text("1")  # the bell polls and rises
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "bell-unread.png"))
    bell.click()
    notice = page.get_by_role(
        "link", name=f"{case.ref}: {cast.lead.name or cast.lead.email} mentioned you"
    )
    expect(notice).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "notifications.png"))
    notice.click()
    expect(page).to_have_url(re.compile(f"/disputes/{case.ref}$"))
    expect(page.locator("#case-timeline")).to_contain_text(f"@{handle}")
    expect(page.locator("#bell")).to_have_text("Notifications")  # read now
