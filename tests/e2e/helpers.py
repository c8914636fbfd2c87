"""Helpers of the browser tests: the action panel of a case, and reading what the server wrote."""

from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page

from disputedesk.app.extensions import db

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"  # git ignores it
WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 390, "height": 844}


def fresh(model: type, id: int) -> Any:  # noqa: A002
    """Read a row as the server left it, past this thread's session cache."""
    db.session.expire_all()
    return db.session.get(model, id)


def settled(page: Page) -> None:
    """Wait until htmx has no request in flight and has wired up what it last swapped in."""
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def open_action(page: Page, trigger: str) -> Locator:
    """Open one action of the case's action panel and answer its form."""
    settled(page)
    page.locator(f'#case-actions summary[data-trigger="{trigger}"]').click()
    return page.locator(f'#case-actions details[open]:has(summary[data-trigger="{trigger}"]) form')
