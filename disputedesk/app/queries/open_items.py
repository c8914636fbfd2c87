"""The collections feed: each invoice with money held from dunning while a dispute is open.

Per invoice: billed, credited by issued memos (net of reversals), held (the disputed amount
of its open disputes, never more than is left), and what is left to collect. An invoice is on
the feed while anything is held; the webhooks collections.hold and collections.released tell
the billing system when that changes.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Dispute, Invoice, InvoiceLine, User
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.errors import NotPermitted


@dataclass(frozen=True)
class OpenItem:
    invoice: Invoice
    billed: int
    credited: int
    held: int
    open_disputes: int

    @property
    def to_collect(self) -> int:
        return max(self.billed - self.credited - self.held, 0)


def open_items(user: User, after_id: int | None, limit: int) -> Sequence[OpenItem]:
    """Invoices with an open dispute, oldest invoice first, with what is held and left."""
    if not user.can("read_open_items"):
        raise NotPermitted("the collections feed is for the billing system's integration user")
    held = (
        select(Dispute.invoice_id, func.sum(Dispute.disputed_amount).label("held"),
               func.count().label("n"))
        .where(Dispute.state.in_(OPEN_STATES))
        .group_by(Dispute.invoice_id)
        .subquery()
    )  # fmt: skip
    billed = (
        select(func.coalesce(func.sum(InvoiceLine.amount), 0))
        .where(InvoiceLine.invoice_id == Invoice.id)
        .scalar_subquery()
    )
    credited = (
        select(func.coalesce(func.sum(CreditMemo.amount), 0))
        .where(CreditMemo.invoice_id == Invoice.id, CreditMemo.status == "issued")
        .scalar_subquery()
    )
    query = (
        select(Invoice, billed, credited, held.c.held, held.c.n)
        .join(held, held.c.invoice_id == Invoice.id)
        .options(joinedload(Invoice.advertiser))
        .order_by(Invoice.id)
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(Invoice.id > after_id)
    items = []
    for invoice, total, credit, hold, n in db.session.execute(query):
        hold = min(int(hold), max(int(total) - int(credit), 0))
        items.append(OpenItem(invoice, int(total), int(credit), hold, int(n)))
    return items
