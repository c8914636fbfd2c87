"""Screenshots of the working screens, wide and narrow, into tests/screenshots/ to look at."""

import io
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from disputedesk.app.extensions import db
from disputedesk.app.models import Contract, DeliveryRecord, Dispute
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.comments import add_comment
from disputedesk.app.services.evidence import remove_evidence, upload_evidence
from disputedesk.app.services.saved_views import save_view
from disputedesk.app.services.triggers import fire_trigger
from tests import evidence_samples as samples
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
                rate_micros=4_200_000_000, discount_bp=500, effective_from=date(2026, 1, 1),
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
    """Photograph a page as a user at both sizes: screens(user, path, name, ready_selector);
    full=True photographs the whole page, not only what fits on the screen."""
    cast = make.cast()
    case = seed(make, cast)
    SCREENSHOTS.mkdir(exist_ok=True)
    contexts = {}

    def shoot(user, path: str, name: str, ready: str, full: bool = False) -> None:  # noqa: ANN001
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
            shot = SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"
            page.screenshot(path=shot, full_page=full)

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


# Credits waiting in the inbox: advertiser, disputed and credited amounts (USD cents), reason,
# GL reason, and how many of FILES the analyst attached.
MEMOS = (
    (1, 4_800_000, "31500.00", "rate_mismatch", "rate_correction", 3),
    (3, 900_000, "4200.00", "delivery_shortfall", "delivery_shortfall", 2),
    (4, 2_400_000, "18250.00", "makegood_not_applied", "makegood", 1),
    (2, 120_000, "640.00", "cancelled_campaign_billed", "billing_adjustment", 3),
    (5, 6_000_000, "2750.00", "rate_mismatch", "rate_correction", 2),
)
FILES = (  # name, content, kind, note
    ("IO-2026-0412 signed.pdf", samples.pdf, "insertion_order", "Signed IO, rate 4.20 CPM"),
    ("delivery-oct.csv", samples.csv, "delivery_report", ""),
    ("Re: October invoice.eml", samples.eml, "correspondence", "Agency asks for the IO rate"),
)


def resolve_with_credit(make: Factory, cast: Cast, advertiser, memo: tuple) -> Dispute:  # noqa: ANN001
    """File, investigate and resolve a case with a partial credit, its evidence attached."""
    _, amount, credit, reason, gl_reason, files = memo
    case = make.dispute(cast, "investigating", assignee=cast.analyst, advertiser=advertiser,
                        amount=amount, reason=reason)  # fmt: skip
    for name, content, kind, note in FILES[:files]:
        upload_evidence(case.ref, cast.analyst, io.BytesIO(content() + case.ref.encode()), name,
                        None, kind, note)  # fmt: skip
    fire_trigger(case.ref, cast.analyst, "resolve", {
        "outcome": "credit_partial", "root_cause": "rate_card_error", "credit_amount": credit,
        "note": "Rate card applied instead of the IO rate.", "gl_reason": gl_reason,
    })  # fmt: skip
    return case


def test_screenshots_of_evidence_credit_memo_inbox_and_reports(screens, make):
    cast, _, shoot = screens
    second = make.user("approver", approval_limit=5_000_000, email="dana.whitfield@test.example",
                       name="Dana Whitfield")  # fmt: skip
    advertisers = [make.advertiser(cast.team, owner=cast.viewer, name=n) for n in NAMES]
    cases = [resolve_with_credit(make, cast, advertisers[m[0]], m) for m in MEMOS]
    # The large one has one approval of the two it needs: the panel shows it all.
    decide(current_memo(cases[0]).id, cast.approver, "approve", "IO confirms 4.20; approved.")

    # A case still being worked: its checklist half done, one file taken off.
    open_case = make.dispute(cast, "investigating", assignee=cast.analyst,
                             advertiser=advertisers[0], amount=1_250_000,
                             reason="invalid_traffic")  # fmt: skip
    wrong, _ = upload_evidence(open_case.ref, cast.analyst, io.BytesIO(samples.txt()),
                               "notes.txt", None, "ivt_report")  # fmt: skip
    remove_evidence(wrong.id, cast.analyst)
    upload_evidence(open_case.ref, cast.analyst, io.BytesIO(samples.csv()), "delivery-oct.csv",
                    None, "delivery_report", "Ad server export, Oct 1–31")  # fmt: skip

    # Two issued memos for the printable page and the report.
    decide(current_memo(cases[1]).id, cast.approver, "approve", "Delivery report confirms it.")
    decide(current_memo(cases[3]).id, cast.lead, "approve", "Small and documented.")
    for issued in (cases[1], cases[3]):
        fire_trigger(issued.ref, cast.approver, "issue_credit", {})
    memo = current_memo(fresh_dispute(cases[3]))

    shoot(second, f"/disputes/{cases[0].ref}", "credit-panel", "#case-credit .decide", full=True)
    shoot(cast.analyst, f"/disputes/{open_case.ref}", "evidence-panel", "#case-evidence .upload",
          full=True)  # fmt: skip
    shoot(second, "/approvals", "approvals-inbox", "#inbox tbody tr")
    shoot(cast.approver, f"/credit-memos/{memo.id}", "credit-memo", ".memo-doc")
    shoot(cast.approver, "/reports", "reports", "#report .totals")
    for name in ("credit-panel", "evidence-panel", "approvals-inbox", "credit-memo", "reports"):
        for size in (WIDE, NARROW):
            assert (SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png").stat().st_size


def fresh_dispute(case: Dispute) -> Dispute:
    db.session.expire_all()
    return db.session.get(Dispute, case.id)


def test_screenshots_of_the_dashboard_close_admin_and_saved_views(screens, make):
    cast, _, shoot = screens
    advertisers = [make.advertiser(cast.team, owner=cast.viewer, name=n) for n in NAMES]
    cases = [resolve_with_credit(make, cast, advertisers[m[0]], m) for m in MEMOS[1:4]]
    for case in cases:
        decide(current_memo(case).id, cast.approver, "approve", "Documented.")
        fire_trigger(case.ref, cast.approver, "issue_credit", {})
    save_view(cast.lead, "Unassigned P1", {"priority": "P1", "assignee": "none"})
    waiting = make.dispute(cast, "filed", advertiser=advertisers[2], amount=640_000)
    shoot(cast.approver, "/dashboard", "dashboard", ".widget table", full=True)
    shoot(cast.approver, "/reports/close", "close", "table", full=True)
    shoot(cast.admin, "/admin/", "admin", "main h1")
    shoot(cast.lead, "/team", "team-saved-views", ".saved-views a")
    shoot(cast.analyst, f"/disputes/{waiting.ref}", "take-case", "form.take button")
    for name in ("dashboard", "close", "admin", "team-saved-views", "take-case"):
        for size in (WIDE, NARROW):
            assert (SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png").stat().st_size
