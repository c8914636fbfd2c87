"""Recompute the dashboard facts from the raw rows: `flask insight rebuild` and `check`.

Cases are read in batches, a few statements each, and a batch's contributions are summed
into one upsert; the write path's `settle_facts` adds the same contributions case by case.
"""

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Dispute,
    DisputedLine,
    DisputeFact,
    DisputeFactState,
    FactRollup,
    Invoice,
    InvoiceLine,
)
from app.services.facts import Facts, add_facts, billed_facts, contribution_of, fold_facts


def products_of(dispute_ids: list[int]) -> dict[int, str]:
    """`product_of` for a batch of cases, in two statements."""
    disputed = (
        select(DisputedLine.dispute_id, InvoiceLine.product)
        .join(InvoiceLine, DisputedLine.invoice_line_id == InvoiceLine.id)
        .where(DisputedLine.dispute_id.in_(dispute_ids))
        .order_by(DisputedLine.dispute_id, DisputedLine.amount.desc(), InvoiceLine.line_no)
    )
    whole = (
        select(Dispute.id, InvoiceLine.product)
        .join(InvoiceLine, Dispute.invoice_id == InvoiceLine.invoice_id)
        .where(Dispute.id.in_(dispute_ids))
        .order_by(Dispute.id, InvoiceLine.amount.desc(), InvoiceLine.line_no)
    )
    first: dict[int, str | None] = {}
    for dispute_id, product in db.session.execute(disputed):
        first.setdefault(dispute_id, product)
    fallback: dict[int, str | None] = {}
    for dispute_id, product in db.session.execute(whole):
        fallback.setdefault(dispute_id, product)
    return {i: first.get(i) or fallback.get(i) or "" for i in dispute_ids}


# What a case's contribution reads, for a batch of cases.
DISPUTES_WITH_FACTS = select(Dispute).options(
    selectinload(Dispute.credit_memos), selectinload(Dispute.sla_clocks),
    selectinload(Dispute.advertiser), selectinload(Dispute.team),
).order_by(Dispute.id)  # fmt: skip


def recompute(batch: int = 2000) -> Facts:
    """Derive the whole facts table from the raw rows (disputes, memos, clocks, invoices)."""
    total: dict = {}
    ids = db.session.scalars(select(Dispute.id).order_by(Dispute.id)).all()
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        products = products_of(chunk)
        for dispute in db.session.scalars(DISPUTES_WITH_FACTS.where(Dispute.id.in_(chunk))):
            fold_facts(total, contribution_of(dispute, products[dispute.id]))
    invoices = select(Invoice).options(
        selectinload(Invoice.lines), selectinload(Invoice.advertiser)
    )
    for invoice in db.session.scalars(invoices.execution_options(yield_per=batch)):
        fold_facts(
            total, billed_facts(invoice, invoice.advertiser.team_id, invoice.advertiser.tier)
        )
    return {k: v for k, v in total.items() if v != (0, 0, 0)}


def rebuild(batch: int = 500) -> int:
    """Replace the facts with a recomputation from the raw rows; return how many rows.

    A batch of cases is read in a few statements and its contributions go in as one upsert.
    """
    db.session.execute(delete(DisputeFact))
    db.session.execute(delete(FactRollup))
    db.session.execute(delete(DisputeFactState))
    ids = db.session.scalars(select(Dispute.id).order_by(Dispute.id)).all()
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        products = products_of(chunk)
        total: dict = {}
        for dispute in db.session.scalars(DISPUTES_WITH_FACTS.where(Dispute.id.in_(chunk))):
            product = products[dispute.id]
            new = contribution_of(dispute, product)
            rows = [[*key, *value] for key, value in sorted(new.items())]
            db.session.add(
                DisputeFactState(dispute_id=dispute.id, product=product, contributions=rows)
            )
            fold_facts(total, new)
        add_facts(total)
        db.session.flush()  # the batch's objects, clean now, are let go as it goes out of scope
    invoices = select(Invoice).options(
        selectinload(Invoice.lines), selectinload(Invoice.advertiser)
    )
    billed: dict = {}
    for invoice in db.session.scalars(invoices.execution_options(yield_per=batch)):
        fold_facts(
            billed, billed_facts(invoice, invoice.advertiser.team_id, invoice.advertiser.tier)
        )
    add_facts(billed)
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(DisputeFact))
