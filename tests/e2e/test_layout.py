"""Every page, for every role, at both sizes, on the demo data: nothing clipped, no sideways
scrolling, no console errors, and axe-core finds no accessibility violations."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, CreditMemo, Dispute, User, WebhookSubscription
from disputedesk.app.seed import DEMO_PASSWORD, TEAM, seed_demo
from disputedesk.app.services.admin import Profile, invite_user
from disputedesk.app.services.saved_views import save_view
from tests.e2e.helpers import NARROW, SCREENSHOTS, WIDE

MISSING = "/no-such-page"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# Cells whose content is wider than the cell (cut off or hidden), and cells that reach past
# an ancestor that hides overflow instead of scrolling it. A visually hidden header is meant.
CLIPPED = """() => {
  const hidden = el => {
    const r = el.getBoundingClientRect();
    return r.width <= 1 || r.height <= 1;
  };
  const out = [];
  for (const cell of document.querySelectorAll('td, th')) {
    if (hidden(cell) || cell.closest('thead') && hidden(cell.closest('thead'))) continue;
    const text = cell.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40);
    if (cell.scrollWidth > cell.clientWidth + 1) { out.push('cut: ' + text); continue; }
    const box = cell.getBoundingClientRect();
    for (let up = cell.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') break;
      if (overflow === 'hidden' || overflow === 'clip') {
        const edge = up.getBoundingClientRect();
        if (box.right > edge.right + 1 || box.left < edge.left - 1) out.push('hidden: ' + text);
        break;
      }
    }
  }
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) out.push('the page scrolls sideways');
  return out;
}"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const where = v => v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ');
  return result.violations.map(v => v.id + ': ' + where(v));
}"""


def demo_pages() -> dict[str, list[str]]:
    """Every page of the app, as each demo role opens it, with real rows of the demo data;
    None stands for a visitor who is not signed in."""
    first = db.session.scalars(select(Dispute).order_by(Dispute.id)).first()
    pending = db.session.scalars(
        select(CreditMemo).where(CreditMemo.status == "pending_approval").order_by(CreditMemo.id)
    ).first()
    issued = db.session.scalars(
        select(CreditMemo).where(CreditMemo.number.is_not(None)).order_by(CreditMemo.id.desc())
    ).first()
    month = f"{issued.issued_at:%Y-%m}"
    pending_case = db.session.get(Dispute, pending.dispute_id).ref
    lead, admin = (db.session.scalar(select(User).where(User.email == f"{r}@demo.test"))
                   for r in ("lead", "admin"))  # fmt: skip
    view = save_view(lead, "Escalated P1", {"state": "escalated", "priority": "P1"})
    hook = WebhookSubscription(
        name="ERP bridge", url="https://erp.example.com/hooks/disputes",
        events=["credit_memo_issued"], secret="whsec_demo", active=True,
    )  # fmt: skip
    db.session.add(hook)
    db.session.commit()
    _, token = invite_user("new.analyst@demo.test", Profile(role="analyst", team=TEAM,
                                                            name="New Analyst"), admin)  # fmt: skip
    viewer_case = db.session.scalars(
        select(Dispute).join(Dispute.advertiser).where(Advertiser.sales_owner_id == _id("viewer"))
        .order_by(Dispute.id)
    ).first()  # fmt: skip
    return {
        None: ["/login", f"/set-password/{token}", MISSING],
        "analyst": [
            "/queue", f"/disputes/{first.ref}", "/disputes/new", "/track?q=INV", "/workflow",
            "/track?show=watched", "/notifications", "/notifications/settings",
        ],
        "lead": [
            "/team", f"/team?view={view.id}", f"/disputes/{pending_case}", "/approvals",
            f"/reports?month={month}", "/dashboard", "/dashboard/cases?measure=open", "/inbound",
            f"/advertisers/{first.advertiser.ref}/contacts",
        ],
        "approver": [
            "/approvals", f"/disputes/{pending_case}", f"/credit-memos/{issued.id}",
            f"/reports/close?month={month}",
        ],
        "viewer": [
            "/track", f"/track?q={first.advertiser.name.split()[0]}",
            f"/disputes/{viewer_case.ref}",
        ],
        "admin": [
            f"/track?q={first.ref}", f"/reports?month={month}", "/workflow", "/admin/",
            "/admin/users", f"/admin/users/{lead.id}", "/admin/teams", "/admin/tokens",
            "/admin/policies", "/admin/security-log", "/admin/outbox", "/admin/webhooks",
            f"/admin/webhooks/{hook.id}",
        ],
    }  # fmt: skip


def _id(role: str) -> int:
    return db.session.scalar(select(User.id).where(User.email == f"{role}@demo.test"))


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def demo(app):  # noqa: ANN001,ANN201
    """The demo data (a fifth of its cases), seeded once for the walk through every page."""
    seed_demo(scale=0.2)
    return demo_pages()


def test_no_page_clips_a_cell_scrolls_sideways_logs_errors_or_fails_axe(
    browser: Browser, live_server: str, demo: dict[str, list[str]]
) -> None:
    problems: list[str] = []
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("walk-*.png"):  # this walk's pages only
        old.unlink()
    for role, paths in demo.items():
        for size in (WIDE, NARROW):
            context = browser.new_context(base_url=live_server, viewport=size, bypass_csp=True)
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m, e=errors: m.type == "error" and e.append(m.text))
            if role:
                sign_in(page, f"{role}@demo.test")
            for path in paths:
                page.goto(path)
                where = f"{role or 'visitor'} {path} at {size['width']}px"
                name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
                page.screenshot(
                    path=SCREENSHOTS / f"walk-{role or 'visitor'}-{name}-{size['width']}.png",
                    full_page=True,
                )
                problems += [f"{where}: {p}" for p in page.evaluate(CLIPPED)]
                if size is WIDE:  # the rules axe checks do not depend on the width
                    page.add_script_tag(path=str(AXE))
                    problems += [f"{where}: axe {v}" for v in page.evaluate(AXE_RUN)]
                if path == MISSING:  # the browser logs the page's own 404 status, as it should
                    errors[:] = [e for e in errors if "status of 404" not in e]
                problems += [f"{where}: console {e}" for e in errors]
                errors.clear()
            context.close()
    assert not problems, "\n".join(problems)
