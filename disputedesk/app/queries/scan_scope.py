"""Which invoices a feed's change touches: those whose expected amounts it may change."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, or_, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Invoice, InvoiceLine

CHUNK = 200  # conditions in one OR


def invoices_under_contracts(spans: Iterable[tuple[int, date, date]]) -> set[int]:
    """Invoices of these advertisers whose billing period overlaps these dates."""
    spans = list(spans)
    ids: set[int] = set()
    for i in range(0, len(spans), CHUNK):
        ids.update(db.session.scalars(select(Invoice.id).where(or_(*(
            and_(Invoice.advertiser_id == a, Invoice.period_start <= end,
                 Invoice.period_end >= start)
            for a, start, end in spans[i : i + CHUNK]
        )))))  # fmt: skip
    return ids


def invoices_under_delivery(spans: Iterable[tuple[str, date, date]]) -> set[int]:
    """Invoices with a line for these campaigns whose billing period overlaps these dates."""
    spans = sorted(set(spans))
    ids: set[int] = set()
    for i in range(0, len(spans), CHUNK):
        ids.update(db.session.scalars(
            select(Invoice.id).join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id).where(or_(*(
                and_(InvoiceLine.campaign_ref == ref, Invoice.period_start <= end,
                     Invoice.period_end >= start)
                for ref, start, end in spans[i : i + CHUNK]
            )))
        ))  # fmt: skip
    return ids
