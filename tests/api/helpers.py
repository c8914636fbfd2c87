"""Helpers for the API tests: calling as a user, reading problems, counting what is stored."""

from collections.abc import Iterator
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event, Invoice, User
from disputedesk.app.models.disputes import parse_ref
from tests.factories import Factory

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"
# Tokens are issued lazily as a test first calls as someone (and their issue is logged in the
# security log), so neither is counted.
UNCOUNTED = {"api_tokens", "security_events"}


class Caller:
    """Sends requests to /api/v1 with one bearer token (or none)."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client = client
        self.token = token

    def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> TestResponse:
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.client.open(
            PREFIX + path, method=method, headers=sent | (headers or {}), **kwargs
        )

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        if body is not None:
            kwargs["json"] = body
        return self.request("POST", path, **kwargs)

    def fire(self, ref: str, trigger: str, **fields: Any) -> TestResponse:
        headers = fields.pop("headers", None)
        return self.post(f"/disputes/{ref}/events", {"trigger": trigger, **fields}, headers=headers)


class Api:
    """Calls the API as a given user: `api(cast.lead).get("/disputes")`."""

    def __init__(self, client: FlaskClient, make: Factory) -> None:
        self.client = client
        self.make = make
        self._tokens: dict[int, str] = {}

    def __call__(self, user: User | None) -> Caller:
        if user is None:
            return Caller(self.client, None)
        if user.id not in self._tokens:
            self._tokens[user.id] = self.make.token(user)
        return Caller(self.client, self._tokens[user.id])

    def anonymous(self, token: str | None = None) -> Caller:
        return Caller(self.client, token)


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    """Check that the response is a problem document with this status; return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM, response.get_data(as_text=True)
    body = response.get_json(force=True)
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"].strip()
    assert isinstance(body["detail"], str) and body["detail"].strip()
    return body


def stored_counts() -> dict[str, int]:
    """Count the rows of every table a request might write to."""
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in UNCOUNTED
    }


def case_snapshot(ref: str) -> tuple[Any, ...]:
    """Return what a refused request must leave unchanged on one dispute."""
    db.session.expire_all()
    dispute = db.session.get(Dispute, parse_ref(ref))
    events = db.session.scalar(
        select(func.count()).select_from(Event).where(Event.dispute_id == dispute.id)
    )
    return (dispute.state, dispute.version, dispute.assignee_id, dispute.outcome, events)


def filing(invoice: Invoice, amount: str = "100.00", **overrides: Any) -> dict[str, Any]:
    """Return a valid POST /disputes body for this invoice, changed by `overrides`."""
    body = {
        "invoice_number": invoice.number,
        "reason_code": "rate_mismatch",
        "description": "billed above the contracted rate",
        "disputed_amount": amount,
        "currency": invoice.currency,
    }
    return body | overrides


def walk(caller: Caller, path: str, limit: int) -> Iterator[dict[str, Any]]:
    """Yield every page of a cursor-paginated list."""
    joiner = "&" if "?" in path else "?"
    response = caller.get(f"{path}{joiner}limit={limit}")
    while True:
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_json()
        yield page
        if page["next_cursor"] is None:
            return
        response = caller.get(f"{path}{joiner}limit={limit}&cursor={page['next_cursor']}")


def events_of(caller: Caller, ref: str, *types: str) -> list[dict[str, Any]]:
    """Return the dispute's timeline as the caller sees it, only the events of these types."""
    response = caller.get(f"/disputes/{ref}/events")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [event for event in response.get_json()["items"] if event["type"] in types]
