"""Screenshots of the working screens, wide and narrow, into tests/screenshots/ to look at."""

from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from app.extensions import db
from app.models import Contract, DeliveryRecord, Dispute
from app.services.comments import add_comment
from tests.e2e.helpers import NARROW, SCREENSHOTS, WIDE
from tests.factories import PASSWORD, Cast, Factory

NAMES = ("Northwind Foods", "Bluebird Beverages Canada", "Cedar Home Marketplace",
         "Atlas Pet Supply", "Lumen Beauty Media Group", "Harbor Snacks")  # fmt: skip
# state, assignee (analyst, analyst2, or none), advertiser, amount in cents, reason
CASES = (
    ("filed", None, 0, 12_500_000, "rate_mismatch"),
    ("filed", None, 3, 95_000, "duplicate_billing"),
    ("filed", None, 5, 480_000, "invalid_traffic"),
    ("escalated", "analyst", 2, 3_200_000, "delivery_shortfall"),
    ("escalated", "analyst2", 4, 150_000, "makegood_not_applied"),
    ("investigating", "analyst", 0, 12_500_000, "rate_mismatch"),
    ("investigating", "analyst", 1, 4_850_000, "tax_or_fee"),
    ("investigating", "analyst2", 5, 27_500, "po_or_billing_details"),
    ("filed", "analyst", 3, 1_250_000, "cancelled_campaign_billed"),
    ("investigating", "analyst", 4, 610_000, "invalid_traffic"),
    ("investigating", "analyst2", 2, 2_750_000, "delivery_shortfall"),
    ("filed", "analyst", 1, 88_000, "other"),
    ("resolved", "analyst", 0, 320_000, "rate_mismatch"),
)


def seed(make: Factory, cast: Cast) -> Dispute:
    """A working day's worth of cases; answer the one whose page is photographed."""
    advertisers = [make.advertiser(cast.team, owner=cast.viewer, name=n) for n in NAMES]
    for state, who, advertiser, amount, reason in CASES:
        assignee = getattr(cast, who) if who else None
        make.dispute(cast, state, assignee=assignee, advertiser=advertisers[advertiser],
                     amount=amount, reason=reason)  # fmt: skip
    case = make.dispute(cast, "escalated", assignee=cast.analyst, advertiser=advertisers[0],
                        amount=1_250_000)  # fmt: skip
    line = case.invoice.lines[0]
    db.session.add_all(
        [
            Contract(
                advertiser_id=case.advertiser_id, reference="IO-2026-0412", product=line.product,
                rate=420_000, discount_bp=500, effective_from=date(2026, 1, 1),
                effective_to=date(2026, 12, 31),
            ),
            DeliveryRecord(
                campaign_ref=line.campaign_ref, period_start=case.invoice.period_start,
                period_end=case.invoice.period_end, delivered_units=940, invalid_units=61,
            ),
        ]
    )  # fmt: skip
    db.session.commit()
    add_comment(case.ref, cast.analyst, "Rate card applied instead of the IO rate.", "internal")
    add_comment(case.ref, cast.viewer, "Agency confirms the IO was signed on Sept 28.",
                "account_team")  # fmt: skip
    return case


@pytest.fixture
def screens(browser: Browser, live_server: str, make: Factory, csrf_on: None):
    """Photograph a page as a user at both sizes: screens(user, path, name, ready_selector)."""
    cast = make.cast()
    case = seed(make, cast)
    SCREENSHOTS.mkdir(exist_ok=True)
    contexts = {}

    def shoot(user, path: str, name: str, ready: str) -> None:  # noqa: ANN001
        for size in (WIDE, NARROW):
            key = (user.id, size["width"])
            if key not in contexts:
                contexts[key] = browser.new_context(base_url=live_server, viewport=size)
                page = contexts[key].new_page()
                page.goto("/login")
                page.get_by_label("Email").fill(user.email)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(lambda url: "/login" not in url)
            page: Page = contexts[key].pages[0]
            page.goto(path)
            expect(page.locator(ready).first).to_be_visible()
            page.screenshot(path=SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png")

    yield cast, case, shoot
    for context in contexts.values():
        context.close()


def test_screenshots_of_the_queues_the_case_and_tracking(screens):
    cast, case, shoot = screens
    shoot(cast.analyst, "/queue", "queue", "#queue tbody tr")
    shoot(cast.lead, "/team", "team-queue", "#queue tbody tr")
    shoot(cast.lead, f"/disputes/{case.ref}", "dispute", "#case-comparison")
    shoot(cast.viewer, "/track?q=Northwind", "tracking", "#results tbody tr")
    shoot(cast.analyst, "/disputes/new", "file-a-dispute", "form.filing")
    shoot(cast.lead, "/workflow", "workflow", ".diagram svg")
    for name in ("queue", "team-queue", "dispute", "tracking", "file-a-dispute", "workflow"):
        for size in (WIDE, NARROW):
            assert (SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png").stat().st_size
