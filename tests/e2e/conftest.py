"""Browser tests: the app served on a free localhost port, driven by Debian's Chromium."""

import contextvars
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from disputedesk.app.models import User
from tests.e2e.helpers import WIDE
from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app from a background thread; answer its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A fresh context: request threads must not inherit the test's open app context.
    serve = contextvars.Context().run
    thread = threading.Thread(target=serve, args=(server.serve_forever,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole run; skip the browser tests where there is none (not in CI)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: the browser tests need Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def csrf_on(app: Flask) -> Iterator[None]:
    """Check CSRF tokens as production does: the browser sends them from forms and hx-headers."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def page(browser: Browser, live_server: str, csrf_on: None) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the wide screen, closed after the test."""
    # Playwright's wait_for_function evaluates its text in the page, which the strict CSP
    # forbids; test_content_security_policy.py checks the pages with the policy in force.
    context = browser.new_context(base_url=live_server, viewport=WIDE, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    # Let htmx finish what it asked before the tables are emptied under the server.
    page.wait_for_load_state("networkidle")
    context.close()


@pytest.fixture
def sign_in(page: Page) -> Callable[[User], None]:
    """Sign in through the login form and wait for the start page."""

    def sign_in_as(user: User) -> None:
        page.goto("/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url)

    return sign_in_as
