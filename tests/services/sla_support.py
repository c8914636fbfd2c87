"""Helpers for the SLA tests: file and move disputes at chosen instants, read their clocks."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event, Outbox, SlaClock
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.money import format_amount
from tests.factories import Cast, Factory

CHICAGO = ZoneInfo("America/Chicago")
RESOLVE = {"outcome": "no_credit", "root_cause": "no_error_found", "note": "billing upheld"}


def chicago(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


def file_at(make: Factory, cast: Cast, when: datetime, amount: int = 100_000) -> Dispute:
    """File a dispute at `when`; the default amount (1,000.00 USD) makes it P3."""
    invoice = make.invoice(cast.advertiser, amounts=(max(amount, 500_000), 300_000))
    filing = Filing(
        invoice_number=invoice.number,
        reason_code="other",  # needs no evidence to resolve
        description="billed above the contracted rate",
        disputed_amount=format_amount(amount),
        currency=invoice.currency,
    )
    return file_dispute(cast.integration, filing, now=when)


def investigating_at(make: Factory, cast: Cast, when: datetime, **kwargs: int) -> Dispute:
    """File, assign to the analyst and start a dispute, all at `when`."""
    dispute = file_at(make, cast, when, **kwargs)
    assign(dispute.ref, cast.lead, cast.analyst.email, now=when)
    fire_trigger(dispute.ref, cast.analyst, "start", {}, now=when)
    return dispute


def clock(dispute: Dispute, name: str) -> SlaClock:
    """Return the dispute's latest clock of that name, fresh from the database."""
    db.session.expire_all()
    return db.session.scalars(
        select(SlaClock)
        .where(SlaClock.dispute_id == dispute.id, SlaClock.name == name)
        .order_by(SlaClock.id.desc())
    ).first()


def clock_events(dispute: Dispute) -> list[dict]:
    """Return the data of the dispute's sla_clock audit events, in order."""
    return [
        e.data
        for e in db.session.scalars(
            select(Event)
            .where(Event.dispute_id == dispute.id, Event.type == "sla_clock")
            .order_by(Event.seq)
        )
    ]


def escalations(dispute: Dispute) -> int:
    return db.session.scalar(
        select(func.count()).where(Event.dispute_id == dispute.id, Event.trigger == "escalate")
    )


def outbox(kind: str) -> list[Outbox]:
    return list(db.session.scalars(select(Outbox).where(Outbox.kind == kind).order_by(Outbox.id)))
