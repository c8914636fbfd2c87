"""Helpers for the web tests: signed-in clients, htmx requests, and reading pages."""

import html
import re
import time
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import (
    Approval,
    Comment,
    CreditMemo,
    Dispute,
    Event,
    Evidence,
    User,
    Watch,
)
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.security.sessions import SESSION_ID, new_session_id
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.app.web.auth import FRESH_SECONDS, SIGNED_IN_AT
from tests.factories import Cast, Factory

HX = {"HX-Request": "true"}
CASE_LINK = re.compile(r'href="/disputes/(DSP-\d+)"')


class Web:
    """Gives each user a test client already signed in: `web(cast.lead).get("/team")`.

    The session is set directly, as Flask-Login would after the login form (tested on its
    own in test_login), which spares each test a password hash check.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._clients: dict[int, FlaskClient] = {}

    def __call__(self, user: User | None) -> FlaskClient:
        if user is None:
            return self.app.test_client()
        if user.id not in self._clients:
            client = self.app.test_client()
            # Flask-Login ties a session to the client's address and browser.
            with self.app.test_request_context(environ_base=client.environ_base):
                identifier = _create_identifier()
            sid = new_session_id(user)
            db.session.commit()
            with client.session_transaction() as session:
                session[SESSION_ID] = sid
                session["_user_id"] = str(user.id)
                session["_fresh"] = True
                session["_id"] = identifier
                session[SIGNED_IN_AT] = int(time.time())
            self._clients[user.id] = client
        return self._clients[user.id]

    def stale(self, user: User) -> FlaskClient:
        """A client of this user who entered their password more than 15 minutes ago."""
        client = self(user)
        with client.session_transaction() as session:
            session[SIGNED_IN_AT] = int(time.time()) - FRESH_SECONDS - 60
        return client


def text(answer: Any) -> str:
    return answer.get_data(as_text=True)


def is_full_page(body: str) -> bool:
    """Tell a whole page (layout and navigation) from a fragment."""
    return "<html" in body and 'aria-label="Main"' in body


def case_refs(body: str) -> list[str]:
    """Return the dispute references a page links to, in order, each once."""
    return list(dict.fromkeys(CASE_LINK.findall(body)))


def triggers_offered(body: str) -> set[str]:
    """Return the triggers the action panel offers."""
    return set(re.findall(r'data-trigger="([a-z_]+)"', body))


def show_more_url(body: str) -> str | None:
    """Return where the "Show more" button of a queue fetches the next rows from."""
    found = re.search(r'hx-get="([^"]*after=[^"]*)"', body)
    return html.unescape(found.group(1)) if found else None


def snapshot(dispute: Dispute) -> dict[str, Any]:
    """Capture what a refused request must leave alone."""
    db.session.expire_all()
    fresh = db.session.get(Dispute, dispute.id)

    def count(model: Any) -> int:
        return db.session.scalar(
            select(func.count()).select_from(model).where(model.dispute_id == dispute.id)
        )

    return {
        "state": fresh.state,
        "assignee_id": fresh.assignee_id,
        "version": fresh.version,
        "events": count(Event),
        "comments": count(Comment),
        "watches": count(Watch),
        "evidence": count(Evidence),
        "removed": db.session.scalar(
            select(func.count()).where(
                Evidence.dispute_id == dispute.id, Evidence.removed_at.isnot(None)
            )
        ),
        "memos": [(m.status, m.number) for m in fresh.credit_memos],
        "approvals": db.session.scalar(
            select(func.count())
            .select_from(Approval)
            .join(CreditMemo)
            .where(CreditMemo.dispute_id == dispute.id)
        ),
    }


# A partial credit as an analyst resolves it; the amount is chosen per test.
CREDIT = {
    "outcome": "credit_partial",
    "root_cause": "rate_card_error",
    "note": "The IO rate was loaded a month late.",
    "gl_reason": "rate_correction",
}


def case_with_memo(
    make: Factory,
    cast: Cast,
    stage: str = "pending",
    *,
    credit: str = "400.00",
    amount: int = 100_000,
    **dispute: Any,
) -> Dispute:
    """A case its assignee (the analyst) resolved with a partial credit, and its memo at `stage`:
    pending, approved or issued."""
    assignee = dispute.pop("assignee", cast.analyst)
    case = make.dispute(cast, "investigating", assignee=assignee, amount=amount, **dispute)
    make.required_evidence(case, assignee)
    fire_trigger(case.ref, assignee, "resolve", {**CREDIT, "credit_amount": credit})
    if stage in ("approved", "issued"):
        decide(current_memo(case).id, cast.approver, "approve", "Matches the IO.")
    if stage == "issued":
        fire_trigger(case.ref, cast.approver, "issue_credit", {})
    db.session.refresh(case)
    return case


def memo_of(case: Dispute) -> CreditMemo:
    db.session.expire_all()
    return current_memo(db.session.get(Dispute, case.id))


class _Rows(HTMLParser):
    """Collect each table row's cells as plain text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(body: str) -> list[list[str]]:
    """Return the text of each table row's cells (header rows included)."""
    parser = _Rows()
    parser.feed(body)
    return parser.rows


def section(body: str, element_id: str) -> str:
    """Return the markup of the section with this id (sections are not nested here)."""
    start = body.rindex("<section", 0, body.index(f'id="{element_id}"'))
    return body[start : body.index("</section>", start)]


def csv_body(answer) -> str:  # noqa: ANN001
    """The text of a CSV download for people: it must open as UTF-8 in Excel (a BOM first)."""
    data = answer.get_data()
    assert data.startswith("\ufeff".encode()), "a CSV for people starts with a UTF-8 BOM"
    return data.decode("utf-8-sig")
