"""Reverse an issued credit memo as a person: one change of the case, through the write path."""

from datetime import datetime

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Dispute, Reversal, User
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.queries.access import visible_clause
from disputedesk.app.services.triggers import fire_on
from disputedesk.app.services.write_path import load_for_change
from disputedesk.workflows.errors import Conflict, NotFound


def reverse_memo(
    memo_id: int, user: User, reason: object, *, expected_version: int | None = None,
    now: datetime | None = None,
) -> Reversal:  # fmt: skip
    """Reverse an issued memo as `user`: the dispute goes back to investigating, in one change."""
    memo = db.session.scalar(
        select(CreditMemo)
        .join(Dispute, Dispute.id == CreditMemo.dispute_id)
        .where(CreditMemo.id == memo_id, visible_clause(user))
    )
    if memo is None:
        raise NotFound(f"no credit memo {memo_id} that you can see")
    dispute = load_for_change(format_ref(memo.dispute_id), user, expected_version)
    memo = db.session.scalars(
        select(CreditMemo)
        .where(CreditMemo.id == memo_id)
        .with_for_update(of=CreditMemo)
        .execution_options(populate_existing=True)
    ).one()  # locked and re-read: a reversal racing this one waits and then sees it
    if memo.status == "reversed":
        raise Conflict(f"{memo.number} was already reversed by {memo.reversal.number}")
    if memo.status != "issued" or dispute.credit_memos[-1].id != memo.id:
        raise Conflict(f"only the case's issued memo can be reversed; this one is {memo.status}")
    fire_on(dispute, user, "reverse_credit", {"reason": reason}, now=now)
    return memo.reversal
