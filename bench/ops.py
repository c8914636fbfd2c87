"""The operations the harness times, each beside its floor: the same rows by hand-written SQL.

An operation is one request as a user makes it (a page, an API call, a write) or one sweep.
Its floor runs, through the same driver, the fewest statements that fetch or change the
same rows, so the ratio says what the app's layers cost over the database itself.
"""

import contextvars
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bench.floors import FLOORS
from bench.seed import PASSWORD
from disputedesk.app.extensions import db
from disputedesk.app.models import (
    Advertiser,
    CreditMemo,
    Dispute,
    DisputeFactState,
    Invoice,
    InvoiceLine,
    User,
)
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.facts_rebuild import contributions, record_states
from disputedesk.app.services.sla_sweep import sweep
from disputedesk.app.services.users import create_token
from disputedesk.workflows.dispute import OPEN_STATES

OPEN = ("filed", "investigating", "escalated")


@dataclass
class Op:
    name: str
    call: Callable[[], Any]
    floor: Callable[[Any], Any] | None = None
    limit: int | None = None  # the most times it can run (writes use up their data)
    prepare: Callable[[], Any] | None = None  # untimed set-up before each run


@dataclass(frozen=True)
class Person:
    """A user as plain values, so the sample outlives every session."""

    id: int
    email: str
    team_id: int | None

    @classmethod
    def of(cls, user: User) -> "Person":
        return cls(user.id, user.email, user.team_id)


@dataclass
class Sample:
    """Who calls and on what: picked from the data once, before anything is timed."""

    analyst: Person
    lead: Person
    viewer: Person
    approver: Person
    integration: Person
    case_ref: str
    advertiser_name: str
    invoice_number: str
    month: str
    fresh_invoices: list[str] = field(default_factory=list)
    investigating: list[str] = field(default_factory=list)


def pick_sample() -> Sample:
    busiest = db.session.execute(
        select(Dispute.assignee_id, func.count())
        .where(Dispute.state.in_(OPEN), Dispute.assignee_id.is_not(None))
        .group_by(Dispute.assignee_id).order_by(func.count().desc()).limit(1)
    ).first()  # fmt: skip
    analyst = db.session.get(User, busiest[0])
    lead = db.session.scalar(select(User).where(User.role == "lead",
                                                User.team_id == analyst.team_id))  # fmt: skip
    viewer = db.session.scalar(select(User).where(User.role == "viewer").order_by(User.id))
    approver = db.session.scalar(
        select(User).where(User.role == "approver").order_by(User.approval_limit.desc())
    )
    integration = db.session.scalar(select(User).where(User.role == "integration"))
    case = db.session.scalar(
        select(Dispute).where(Dispute.team_id == lead.team_id, Dispute.state == "investigating")
        .order_by(Dispute.id.desc()).limit(1)
    )  # fmt: skip
    advertiser = db.session.get(Advertiser, case.advertiser_id)
    issued = db.session.scalar(select(func.max(CreditMemo.issued_at)))
    investigating = db.session.scalars(
        select(Dispute.id).where(Dispute.state == "investigating", Dispute.awaiting_info_since
                                 .is_(None), Dispute.team_id == analyst.team_id)
        .order_by(Dispute.id.desc()).limit(2000)
    ).all()  # fmt: skip
    claimable = db.session.scalars(
        select(Dispute.id).where(Dispute.team_id == analyst.team_id, Dispute.assignee_id.is_(None),
                                 Dispute.state.in_(OPEN_STATES))
        .order_by(Dispute.priority, Dispute.filed_at, Dispute.id).limit(2000)
    ).all()  # what claim-next takes, in its order  # fmt: skip
    record_contributions([*investigating, *claimable])
    db.session.commit()
    people = [Person.of(u) for u in (analyst, lead, viewer, approver, integration)]
    return Sample(
        *people,
        case.ref,
        advertiser.name,
        db.session.get(Invoice, case.invoice_id).number,
        issued.strftime("%Y-%m") if issued else utcnow().strftime("%Y-%m"),
        investigating=[format_ref(i) for i in investigating],
    )


def record_contributions(dispute_ids: Sequence[int]) -> None:
    """The bulk fill summed these cases' facts set-based; record what each contributes, as
    `insight rebuild` would, so a benchmarked change adds its difference, not the whole case
    (and reads no product for it, as no case of a real database would)."""
    known = select(DisputeFactState.dispute_id).where(DisputeFactState.dispute_id.in_(dispute_ids))
    todo = sorted(set(dispute_ids) - set(db.session.scalars(known)))
    for found in contributions(todo, 500):
        record_states(found)


def unassigned(team_id: int) -> int:
    waiting = (Dispute.team_id == team_id, Dispute.state == "filed", Dispute.assignee_id.is_(None))
    return db.session.scalar(select(func.count()).where(*waiting))


def add_fresh_invoices(sample: Sample, count: int) -> None:
    """Invoices with no dispute yet, for the filing operation to contest one each."""
    team_advertiser = select(Advertiser.id).where(Advertiser.team_id == sample.analyst.team_id)
    advertiser_id = db.session.scalar(team_advertiser.limit(1))
    first = db.session.scalar(select(func.max(Invoice.id))) + 1
    for n in range(first, first + count):
        line = InvoiceLine(
            line_no=1,
            product="display",
            campaign_ref=f"CMP-BENCH-{n}",
            unit_kind="cpm",
            billed_units=100_000,
            billed_rate_micros=8_500_000,
            amount=85_000,
        )
        db.session.add(Invoice(number=f"BENCH-{n}", advertiser_id=advertiser_id, currency="USD",
                               period_start=date(2026, 10, 1), period_end=date(2026, 10, 31),
                               lines=[line]))  # fmt: skip
        sample.fresh_invoices.append(f"BENCH-{n}")
    db.session.commit()


class Callers:
    """Signed-in web clients and API tokens of the sample's users."""

    def __init__(self, app: Flask, sample: Sample) -> None:
        self.app = app
        self.web: dict[int, FlaskClient] = {}
        self.tokens: dict[int, str] = {}
        self.sample = sample

    def page(self, user: Person, path: str) -> Callable[[], Any]:
        if user.id not in self.web:
            client = self.app.test_client()
            answer = isolated(
                client.post, "/login", data={"email": user.email, "password": PASSWORD}
            )
            assert answer.status_code in (302, 303), (
                f"{user.email} could not sign in ({answer.status_code})"
            )
            self.web[user.id] = client
        client = self.web[user.id]
        return lambda: expect(isolated(client.get, path), 200)

    def api(self, user: Person, method: str, path: str, body: Any = None, status: int = 200):  # noqa: ANN201
        if user.id not in self.tokens:
            self.tokens[user.id] = create_token(db.session.get(User, user.id))
        headers = {"Authorization": f"Bearer {self.tokens[user.id]}"}
        client = self.app.test_client()
        return lambda: expect(isolated(client.open, "/api/v1" + path, method=method, json=body,
                                       headers=headers), status)  # fmt: skip


def isolated(send: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Send one request in a context of its own, as production would: no shared `g`."""
    return contextvars.Context().run(send, *args, **kwargs)


def filing(invoice_number: str) -> dict:
    """The body of an API filing that contests line 1 of the invoice."""
    return {"invoice_number": invoice_number, "reason_code": "rate_mismatch",
            "description": "bench", "disputed_amount": "100.00", "currency": "USD",
            "lines": [{"line_no": 1, "amount": "100.00"}]}  # fmt: skip


def expect(answer: Any, status: int) -> Any:
    if answer.status_code != status:
        raise AssertionError(f"answered {answer.status_code}, not {status}: {answer.data[:300]}")
    return answer


def operations(app: Flask, sample: Sample) -> list[Op]:
    """Every operation, in the order the results table lists them."""
    c, s = Callers(app, sample), sample
    triggers = iter(s.investigating)

    def file_one(invoice: str | None = None) -> Any:
        return c.api(s.analyst, "POST", "/disputes", filing(invoice or next(filings)), 201)()

    def trigger_one() -> Any:
        body = {"trigger": "request_info", "note": "Please send the delivery report."}
        return c.api(s.analyst, "POST", f"/disputes/{next(triggers)}/events", body, 200)()

    claim = c.api(s.analyst, "POST", "/disputes/claim-next", None, 200)
    spare = iter(s.fresh_invoices[len(s.fresh_invoices) // 2 :])
    filings = iter(s.fresh_invoices[: len(s.fresh_invoices) // 2])

    def one_to_claim() -> None:
        """File a case for the claim to take when the team's unassigned backlog runs dry."""
        if unassigned(s.analyst.team_id) == 0:
            file_one(next(spare))

    search = f"/team?q={s.advertiser_name.replace(' ', '+')}"
    rows = [
        Op("my queue", c.page(s.analyst, "/queue")),
        Op("team queue", c.page(s.lead, "/team")),
        Op("team queue search, advertiser name", c.page(s.lead, search)),
        Op("team queue search, invoice number", c.page(s.lead, f"/team?q={s.invoice_number}")),
        Op("team queue search, reference", c.page(s.lead, f"/team?q={s.case_ref}")),
        Op("Track, viewer search", c.page(s.viewer, f"/track?q={s.advertiser_name[:6]}")),
        Op("approvals inbox", c.page(s.approver, "/approvals")),
        Op("case page", c.page(s.lead, f"/disputes/{s.case_ref}")),
        Op("month-end report", c.page(s.approver, f"/reports?month={s.month}")),
        Op("dashboard, all teams", c.page(s.approver, "/dashboard")),
        Op("dashboard, a lead's team", c.page(s.lead, "/dashboard")),
        Op("close report", c.page(s.approver, f"/reports/close?month={s.month}")),
        Op("notifications", c.page(s.analyst, "/notifications")),
        Op("API list, first page", c.api(s.integration, "GET", "/disputes")),
        Op("API get one dispute", c.api(s.integration, "GET", f"/disputes/{s.case_ref}")),
        Op("file a dispute (API)", file_one, limit=len(s.fresh_invoices) // 2),
        Op("one trigger (API)", trigger_one, limit=len(s.investigating)),
        Op("claim-next (API)", claim, limit=len(s.fresh_invoices) // 2, prepare=one_to_claim),
        Op("SLA sweep, nothing due", lambda: sweep(utcnow())),
    ]
    for op in rows:
        op.floor = FLOORS.get(op.name)
    return rows


def file_for_claims(app: Flask, sample: Sample) -> int:
    """File cases (untimed) on the spare invoices, so claimers have a backlog to take."""
    file = Callers(app, sample)
    for number in sample.fresh_invoices:
        file.api(sample.analyst, "POST", "/disputes", filing(number), 201)()
    return unassigned(sample.analyst.team_id)
