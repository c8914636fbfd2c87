"""The collections feed: each invoice with money held from dunning while a dispute is open.

Per invoice: billed, credited by issued memos (net of reversals), held (the disputed amount
of its open disputes, never more than is left), and what is left to collect. An invoice is on
the feed while anything is held; the webhooks collections.hold and collections.released tell
the billing system when that changes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, distinct, func, select, union_all
from sqlalchemy.orm import joinedload

from disputedesk.app.extensions import db
from disputedesk.app.models import (
    CreditLine,
    CreditMemo,
    Dispute,
    DisputedLine,
    Invoice,
    InvoiceLine,
    User,
)
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
    held = _held().subquery()
    billed = (
        select(func.coalesce(func.sum(InvoiceLine.amount), 0))
        .where(InvoiceLine.invoice_id == Invoice.id)
        .scalar_subquery()
    )
    credited = _credited()
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


def _elsewhere(parent: Any, lines: Any, link: Any, *where: Any) -> Select:
    """Per case (or memo) and invoice, the amounts on its lines on invoices other than its own:
    a case over several invoices holds (and its memo credits) each its lines' share."""
    return (
        select(parent.id.label("owner"), InvoiceLine.invoice_id, lines.amount.label("amount"))
        .select_from(parent)
        .join(lines, link)
        .join(InvoiceLine, InvoiceLine.id == lines.invoice_line_id)
        .where(InvoiceLine.invoice_id != parent.invoice_id, *where)
    )


def _held() -> Select:
    """Per invoice: what its open cases hold and how many hold it."""
    spread = _elsewhere(
        Dispute, DisputedLine, DisputedLine.dispute_id == Dispute.id,
        Dispute.state.in_(OPEN_STATES),
    ).subquery()  # fmt: skip
    spread_total = (
        select(func.coalesce(func.sum(spread.c.amount), 0))
        .where(spread.c.owner == Dispute.id)
        .scalar_subquery()
    )
    own = select(
        Dispute.id.label("owner"), Dispute.invoice_id, (Dispute.disputed_amount - spread_total)
    ).where(Dispute.state.in_(OPEN_STATES))
    parts = union_all(own, select(spread.c.owner, spread.c.invoice_id, spread.c.amount))
    rows = parts.subquery()
    return select(
        rows.c.invoice_id, func.sum(rows.c[2]).label("held"),
        func.count(distinct(rows.c.owner)).label("n"),
    ).group_by(rows.c.invoice_id)  # fmt: skip


def _credited() -> Any:
    """What issued memos credit on the invoice: its own memos, less their lines on other
    invoices, plus the lines on it of memos of cases over several invoices."""
    issued = CreditMemo.status == "issued"

    def lines_where(*where: Any) -> Any:
        return (
            select(func.coalesce(func.sum(CreditLine.amount), 0))
            .join(CreditMemo, CreditMemo.id == CreditLine.memo_id)
            .join(InvoiceLine, InvoiceLine.id == CreditLine.invoice_line_id)
            .where(issued, *where)
            .scalar_subquery()
        )

    own = (
        select(func.coalesce(func.sum(CreditMemo.amount), 0))
        .where(CreditMemo.invoice_id == Invoice.id, issued)
        .scalar_subquery()
    )
    away = lines_where(CreditMemo.invoice_id == Invoice.id, InvoiceLine.invoice_id != Invoice.id)
    here = lines_where(InvoiceLine.invoice_id == Invoice.id, CreditMemo.invoice_id != Invoice.id)
    return own - away + here
