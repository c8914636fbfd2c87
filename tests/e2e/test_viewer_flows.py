"""Sales / Client Services in the browser: find a case of their account, comment, watch."""

import re

from playwright.sync_api import Page, expect

from disputedesk.app.extensions import db
from disputedesk.app.models import Comment
from tests.e2e.helpers import settled


def test_a_viewer_finds_a_case_of_their_account_and_comments(page: Page, sign_in, make):
    cast = make.cast()
    theirs = make.dispute(cast, "investigating", assignee=cast.analyst)
    elsewhere = make.dispute(
        cast, "investigating", assignee=cast.analyst, advertiser=cast.other_advertiser
    )

    sign_in(cast.viewer)
    expect(page).to_have_url(re.compile(r"/track$"))
    page.get_by_label("Search").fill(theirs.invoice.number)
    results = page.locator("#results")
    expect(results).to_contain_text(f"Results for “{theirs.invoice.number}”")
    results.get_by_role("link", name=theirs.ref).click()

    expect(page.locator("#case-header")).to_contain_text("investigating")
    expect(page.locator("#case-actions")).to_contain_text("worked by the billing team")
    page.get_by_label("Add a comment").fill("The agency sent an amended IO on Monday.")
    page.locator("#case-timeline").get_by_role("button", name="Comment").click()
    timeline = page.locator("#case-timeline")
    expect(timeline).to_contain_text("Comment added.")
    expect(timeline.locator(".event-commented").first).to_contain_text("account team")
    expect(timeline).to_contain_text("The agency sent an amended IO on Monday.")

    settled(page)  # the header re-rendered itself after the comment
    page.locator("#case-header").get_by_role("button", name="Watch").click()
    expect(page.locator("#case-header")).to_contain_text("You are watching this case.")

    db.session.expire_all()
    comment = db.session.query(Comment).filter_by(dispute_id=theirs.id).one()
    assert (comment.visibility, comment.author_id) == ("account_team", cast.viewer.id)

    page.goto(f"/disputes/{elsewhere.ref}")
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()
    expect(page.locator("main")).to_contain_text("There is nothing here.")
    expect(page.locator("main")).not_to_contain_text(elsewhere.invoice.number)
