"""The approvals inbox: a page of the memos a person may approve now, the matrix asked in SQL.

The approval matrix (workflows/approvals.py) is the authority; this module states its rules
for one person as a condition on the memo rows, so the database hands out one page of what
they may approve, oldest first, however many memos wait. Each row of the page is checked by
the matrix again, which a test holds equal to the condition for every tier and role.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import joinedload, selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import Approval, CreditMemo, Dispute, User
from disputedesk.app.models.types import as_id
from disputedesk.app.queries.access import visible_clause
from disputedesk.app.queries.counting import Count, capped_count
from disputedesk.workflows import approvals as matrix
from disputedesk.workflows.errors import InvalidInput

PAGE_SIZE = 50
# Written into the SQL, not bound, so the partial index of pending memos serves it also in a
# prepared statement's generic plan.
PENDING = literal(matrix.MEMO_START, literal_execute=True)


@dataclass(frozen=True)
class InboxPage:
    rows: Sequence[tuple[CreditMemo, Dispute]]
    next_after: int | None  # the last memo's id, for the next page
    count: Count  # every memo waiting for this person, on all pages


def gated_amount() -> ColumnElement[int]:
    """The amount the matrix gates: the memo's, or with recent memos on the invoice, more."""
    return case(
        (CreditMemo.split_total > CreditMemo.reporting_amount, CreditMemo.split_total),
        else_=CreditMemo.reporting_amount,
    )


def _qualifies(user: User, amount: int) -> bool:
    """Ask the matrix whether the user's role may approve a memo of this amount at all."""
    unlimited = matrix.Person(user.id, user.role, limit=2**63 - 1)
    memo = matrix.Memo(amount=amount, preparer_id=None, assignee_id=None)
    return matrix.refusal(memo, unlimited) is None


def may_approve(user: User) -> ColumnElement[bool]:
    """The matrix's `refusal(memo, person) is None`, as a condition on a pending memo row."""
    gated = gated_amount()
    approved = and_(Approval.memo_id == CreditMemo.id, Approval.decision == "approve")
    approvals_so_far = select(func.count()).where(approved).scalar_subquery()
    covered = exists().where(approved, or_(Approval.approver_limit >= gated, Approval.as_top))
    ranges, floor = [], None  # each tier's gated amounts: (above, up to and including)
    for tier in matrix.TIERS:
        ranges.append((floor, tier.up_to))
        floor = tier.up_to

    def within(bounds: tuple[int | None, int | None]) -> ColumnElement[bool]:
        above, up_to = bounds
        return and_(
            gated > above if above is not None else true(),
            gated <= up_to if up_to is not None else true(),
        )

    plain, raised = CreditMemo.above_proposal.is_(False), CreditMemo.above_proposal.is_(True)
    tiers, last = [], len(matrix.TIERS) - 1
    for i, tier in enumerate(matrix.TIERS):
        if not _qualifies(user, (ranges[i][0] or 0) + 1):
            continue
        # A memo that credits above the proposal counts one tier higher (the top tier stays).
        members = [and_(plain, within(ranges[i]))]
        if i > 0:
            members.append(and_(raised, within(ranges[i - 1])))
        if i == last:
            members.append(and_(raised, within(ranges[i])))
        limit_ok = [true() if user.top_approver else gated <= user.approval_limit, covered]
        if tier.approvals > 1:  # not the last approval needed: the limit does not matter yet
            limit_ok.append(approvals_so_far + 1 < tier.approvals)
        tiers.append(and_(or_(*members), or_(*limit_ok)))
    if not tiers:
        return false()
    return and_(
        or_(*tiers),
        CreditMemo.preparer_id != user.id,
        or_(Dispute.assignee_id.is_(None), Dispute.assignee_id != user.id),
        ~exists().where(approved, Approval.approver_id == user.id),
    )


def inbox_page(user: User, after: str | None = None) -> InboxPage:
    """Return a page of the memos this user may approve now, oldest first."""
    query = (
        select(CreditMemo, Dispute)
        .join(Dispute, Dispute.id == CreditMemo.dispute_id)
        .where(CreditMemo.status == PENDING, visible_clause(user), may_approve(user))
    )
    count = capped_count(query)
    if after:
        after_id = as_id(after)
        if after_id is None:
            raise InvalidInput({"after": "not a page this list gave out"})
        last = select(CreditMemo.created_at).where(CreditMemo.id == after_id).scalar_subquery()
        query = query.where(tuple_(CreditMemo.created_at, CreditMemo.id) > tuple_(last, after_id))
    rows = db.session.execute(
        query.options(
            selectinload(CreditMemo.approvals).joinedload(Approval.approver),
            joinedload(Dispute.advertiser),
        )
        .order_by(CreditMemo.created_at, CreditMemo.id)
        .limit(PAGE_SIZE + 1)
    ).all()
    more = len(rows) > PAGE_SIZE
    rows = [(memo, dispute) for memo, dispute in rows[:PAGE_SIZE]]
    return InboxPage(rows, rows[-1][0].id if more else None, count)
