"""The strict Content-Security-Policy breaks nothing: no page logs a violation or an error."""

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from disputedesk.app.models import User
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import WIDE
from tests.factories import PASSWORD, Cast, Factory
from tests.web.test_page_access import PAGES

# Each whole page once, as someone who may open it (the partials are covered by the case page).
# Downloads (CSV, JSON, XLSX exports) are not pages: the browser saves them, nothing runs.
WHOLE_PAGES = [p for p in PAGES if not p.split("?")[0].endswith((".csv", ".json", ".xlsx"))]
WHOLE_PAGES = [p for p in WHOLE_PAGES if "/disputes/new/" not in p]
WHOLE_PAGES = [p for p in WHOLE_PAGES if not p.startswith("/disputes/{ref}/")]
PREFERRED = ("lead", "analyst", "approver", "admin", "viewer")


ADMIN_PAGES = ["/admin/", "/admin/users", "/admin/teams", "/admin/tokens", "/admin/policies",
               "/admin/security-log"]  # fmt: skip


def role_for(path: str) -> str:
    if path.startswith("/admin/"):
        return "admin"
    return next(role for role in PREFERRED if role in PAGES[path])


@pytest.fixture
def cast(make: Factory) -> Cast:
    return make.cast()


@pytest.fixture
def page(browser: Browser, live_server: str, csrf_on: None) -> Iterator[Page]:
    """A browser that enforces the policy (the other browser tests' pages bypass it)."""
    context = browser.new_context(base_url=live_server, viewport=WIDE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    page.wait_for_load_state("networkidle")
    context.close()


def settled(page: Page) -> None:
    page.wait_for_load_state("networkidle")  # polling with wait_for_function needs eval


@pytest.fixture
def sign_in(page: Page) -> Callable[[User], None]:
    def sign_in_as(user: User) -> None:
        page.goto("/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url)

    return sign_in_as


@pytest.fixture
def problems(page: Page) -> list[str]:
    """Collect console errors and policy violations the pages report."""
    found: list[str] = []

    def note(message) -> None:  # noqa: ANN001
        if message.type == "error":
            found.append(message.text)

    page.on("console", note)
    page.on("pageerror", lambda error: found.append(str(error)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return found


def test_the_login_page_runs_under_the_policy(page: Page, problems):
    page.goto("/login")
    settled(page)
    assert problems == []


@pytest.mark.parametrize("path", WHOLE_PAGES + ADMIN_PAGES)
def test_each_page_runs_under_the_policy_without_console_errors(
    page: Page, sign_in, make: Factory, cast: Cast, problems, path
):
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    sign_in(cast.by_role()[role_for(path)])
    answer = page.goto(path.format(ref=case.ref))
    assert answer.status == 200
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    settled(page)
    assert problems == []


def test_a_change_on_the_case_page_refreshes_the_other_areas_under_the_policy(
    page: Page, sign_in, make: Factory, cast: Cast, problems
):
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    sign_in(cast.analyst)
    page.goto(f"/disputes/{case.ref}")
    settled(page)
    with page.expect_response(lambda r: r.url.endswith(f"/disputes/{case.ref}/timeline")):
        page.locator("#case-actions summary[data-trigger='escalate']").click()
        form = page.locator("#case-actions details[open] form")
        form.locator("textarea, input[type=text]").first.fill("contract unclear")
        form.locator("button[type=submit], button:not([type])").first.click()
    settled(page)
    expect(page.locator("#case-header")).to_contain_text("escalated", ignore_case=True)
    assert problems == []
