"""What the filing form offers: advertisers, an advertiser's invoices, an invoice's lines."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, Invoice


def advertisers() -> Sequence[Advertiser]:
    """Return every advertiser by name (a filer files for any account)."""
    return db.session.scalars(select(Advertiser).order_by(Advertiser.name)).all()


def invoices_of(advertiser_id: int | None) -> Sequence[Invoice]:
    """Return an advertiser's invoices, newest period first (none without an advertiser)."""
    if advertiser_id is None:
        return []
    return db.session.scalars(
        select(Invoice)
        .where(Invoice.advertiser_id == advertiser_id)
        .order_by(Invoice.period_start.desc())
    ).all()


def invoice_with_lines(number: str) -> Invoice | None:
    """Return the invoice with this number and its lines, if there is one."""
    return db.session.scalar(
        select(Invoice).where(Invoice.number == number).options(selectinload(Invoice.lines))
    )
