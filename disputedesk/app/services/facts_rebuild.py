"""Recompute the dashboard facts from the raw rows: `flask insight rebuild` and `check`.

Cases are read in batches, a few statements each, and a batch's contributions are summed
into one upsert; the write path's `settle_facts` adds the same contributions case by case.
"""

from collections.abc import Iterator, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, DisputeFact, DisputeFactState, FactRollup, Invoice
from disputedesk.app.queries.fx import rates_in_force
from disputedesk.app.services.billed_facts import billed_facts
from disputedesk.app.services.facts import (
    Facts,
    add_facts,
    contribution_of,
    fact_states,
    fold_facts,
    products_of,
    settle_facts,
    stored_contribution,
)

Contribution = tuple[int, str, Facts]  # a case's id, product and contribution


# What a case's contribution reads, for a batch of cases.
DISPUTES_WITH_FACTS = select(Dispute).options(
    selectinload(Dispute.credit_memos), selectinload(Dispute.sla_clocks),
    selectinload(Dispute.advertiser), selectinload(Dispute.team), selectinload(Dispute.invoice),
).order_by(Dispute.id)  # fmt: skip


def contributions(dispute_ids: Sequence[int], batch: int) -> Iterator[list[Contribution]]:
    """Each case's product and contribution, a batch at a time (a few statements a batch)."""
    for start in range(0, len(dispute_ids), batch):
        chunk = list(dispute_ids[start : start + batch])
        products = products_of(chunk)
        found = db.session.scalars(DISPUTES_WITH_FACTS.where(Dispute.id.in_(chunk)))
        yield [(d.id, products[d.id], contribution_of(d, products[d.id])) for d in found]


def all_contributions(batch: int) -> Iterator[list[Contribution]]:
    yield from contributions(
        db.session.scalars(select(Dispute.id).order_by(Dispute.id)).all(), batch
    )


def billed(batch: int) -> Facts:
    """Every invoice's billed facts, summed."""
    invoices = select(Invoice).options(
        selectinload(Invoice.lines), selectinload(Invoice.advertiser)
    )
    total: dict = {}
    rate = rates_in_force()
    for invoice in db.session.scalars(invoices.execution_options(yield_per=batch)):
        advertiser, day = invoice.advertiser, invoice.period_start
        facts = billed_facts(invoice, advertiser.team_id, advertiser.tier,
                             rate(invoice.currency, day))  # fmt: skip
        fold_facts(total, facts)
    return total


def recompute(batch: int = 2000) -> Facts:
    """Derive the whole facts table from the raw rows (disputes, memos, clocks, invoices)."""
    total: dict = {}
    for found in all_contributions(batch):
        for _, _, contribution in found:
            fold_facts(total, contribution)
    fold_facts(total, billed(batch))
    return {k: v for k, v in total.items() if v != (0, 0, 0)}


def record_states(found: list[Contribution], posted: dict[int, dict] | None = None) -> None:
    """Keep what each case contributes, for its next change to add the difference.

    `posted`: what each case had posted to the close's ledger, kept across a rebuild (the
    ledger is history, not derived: a case that lost it would post its whole life again).
    """
    for dispute_id, product, contribution in found:
        db.session.add(
            DisputeFactState(
                dispute_id=dispute_id, product=product,
                contributions=stored_contribution(contribution),
                ledger=(posted or {}).get(dispute_id),
            )
        )  # fmt: skip


def post_unposted(batch: int = 500) -> int:
    """Post to the close's ledger every case that never posted (loaded before the ledger, or
    in bulk): its filing, reversed credits and settlement, each dated when it happened.

    Its facts are left as they are (`counted`); a case with no fact state at all is first
    given one by `flask insight rebuild`."""
    unposted = select(DisputeFactState.dispute_id).where(DisputeFactState.ledger.is_(None))
    ids = db.session.scalars(unposted.order_by(DisputeFactState.dispute_id)).all()
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        fact_states(chunk)  # one query: settle_facts then finds each state in the session
        for dispute in db.session.scalars(DISPUTES_WITH_FACTS.where(Dispute.id.in_(chunk))):
            settle_facts(dispute, counted=True)
        db.session.flush()
    db.session.commit()
    return len(ids)


def rebuild(batch: int = 500) -> int:
    """Replace the facts with a recomputation from the raw rows; return how many rows.

    A batch of cases is read in a few statements and its contributions go in as one upsert.
    """
    kept = select(DisputeFactState.dispute_id, DisputeFactState.ledger)
    posted = {i: p for i, p in db.session.execute(kept) if p is not None}
    db.session.execute(delete(DisputeFact))
    db.session.execute(delete(FactRollup))
    db.session.execute(delete(DisputeFactState))
    for found in all_contributions(batch):
        record_states(found, posted)
        total: dict = {}
        for _, _, contribution in found:
            fold_facts(total, contribution)
        add_facts(total)
        db.session.flush()  # the batch's objects, clean now, are let go as it goes out of scope
    add_facts(billed(batch))
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(DisputeFact))
