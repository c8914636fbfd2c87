"""Reversal reads: who may reverse a memo, and the reversals made in a month."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Dispute, Reversal, User
from disputedesk.app.queries.access import visible_clause
from disputedesk.workflows import approvals as matrix


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


def reversed_in_month(
    start: datetime, end: datetime, user: User | None, window: tuple[int, int] | None = None
) -> Sequence[Reversal]:
    """Return the reversals made in [start, end) on cases the user may see (all for the CLI);
    `window` (offset, limit): one page of them."""
    query = (
        select(Reversal)
        .join(CreditMemo, CreditMemo.id == Reversal.memo_id)
        .where(Reversal.reversed_at >= start, Reversal.reversed_at < end)
        .options(joinedload(Reversal.memo), joinedload(Reversal.reversed_by))
        .order_by(Reversal.number)
    )
    if user is not None:
        query = query.join(Dispute, Dispute.id == CreditMemo.dispute_id).where(visible_clause(user))
    if window is not None:
        query = query.offset(window[0]).limit(window[1])
    return db.session.scalars(query).all()
