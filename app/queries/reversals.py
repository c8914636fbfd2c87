"""Reversal reads: who may reverse a memo, and the reversals of a month for the export."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import CreditMemo, Dispute, Reversal, User
from app.queries.access import visible_clause
from workflows import approvals as matrix
from workflows.money import REPORTING_CURRENCY, format_amount


def reversal_facts(memo: CreditMemo, dispute: Dispute) -> matrix.Memo:
    """What the matrix judges a reversal by: the memo as it was approved, with no one yet."""
    return matrix.Memo(
        amount=memo.reporting_amount, preparer_id=memo.preparer_id,
        assignee_id=dispute.assignee_id, split_total=memo.split_total,
        above_proposal=memo.above_proposal,
    )  # fmt: skip


def reversal_refusal(memo: CreditMemo, dispute: Dispute, user: User) -> str | None:
    """Say which rule stops this user reversing the memo, or None when they may."""
    return matrix.refusal(
        reversal_facts(memo, dispute), matrix.Person(user.id, user.role, user.approval_limit)
    )


def reversed_in_month(start: datetime, end: datetime, user: User | None) -> Sequence[Reversal]:
    """Return the reversals made in [start, end) on cases the user may see (all for the CLI)."""
    query = (
        select(Reversal)
        .join(CreditMemo, CreditMemo.id == Reversal.memo_id)
        .where(Reversal.reversed_at >= start, Reversal.reversed_at < end)
        .options(joinedload(Reversal.memo), joinedload(Reversal.reversed_by))
        .order_by(Reversal.number)
    )
    if user is not None:
        query = query.join(Dispute, Dispute.id == CreditMemo.dispute_id).where(visible_clause(user))
    return db.session.scalars(query).all()


def reversal_rows(start: datetime, end: datetime, user: User | None) -> list[dict[str, str]]:
    """Return the month-end export rows of the reversals made in [start, end): negative lines."""
    rows = []
    for reversal in reversed_in_month(start, end, user):
        memo = reversal.memo
        dispute, at = db.session.get(Dispute, memo.dispute_id), reversal.reversed_at.isoformat()
        rows.append({
            "number": reversal.number, "dispute": dispute.ref,
            "advertiser": dispute.advertiser.name, "invoice": dispute.invoice.number,
            "amount": format_amount(-reversal.amount), "currency": reversal.currency,
            "reporting_amount": format_amount(-memo.reporting_amount),
            "reporting_currency": REPORTING_CURRENCY, "gl_reason": memo.gl_reason,
            "approvers": reversal.reversed_by.email, "approved_at": at,
            "issued_by": reversal.reversed_by.email, "issued_at": at,
            "reverses": memo.number,
        })  # fmt: skip
    return rows
