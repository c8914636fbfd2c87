"""Credit memo reads: the current memo, what the matrix knows of it, who may approve, the inbox."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import Approval, CreditMemo, Dispute, Evidence, User
from disputedesk.app.queries.access import sees, visible_clause
from disputedesk.app.queries.inbox import InboxPage, inbox_page
from disputedesk.workflows import approvals as matrix
from disputedesk.workflows.errors import NotFound, NotPermitted
from disputedesk.workflows.permissions import roles_with


def current_memo(dispute: Dispute) -> CreditMemo | None:
    """Return the dispute's latest memo, if it has one."""
    return dispute.credit_memos[-1] if dispute.credit_memos else None


def memo_facts(memo: CreditMemo, dispute: Dispute) -> matrix.Memo:
    """Return what the approval matrix needs to know about this memo."""
    approved = tuple(
        matrix.Person(a.approver_id, a.approver.role, a.approver_limit, top=a.as_top)
        for a in memo.approvals
        if a.decision == "approve"
    )
    return matrix.Memo(
        amount=memo.reporting_amount,
        preparer_id=memo.preparer_id,
        assignee_id=dispute.assignee_id,
        approvers=approved,
        split_total=memo.split_total,
        above_proposal=memo.above_proposal,
    )


def person(user: User) -> matrix.Person:
    """Return the user as the approval matrix sees them."""
    return matrix.Person(user.id, user.role, user.approval_limit, top=user.top_approver)


def visible_memo(memo_id: int, user: User, *, lock: bool = False) -> CreditMemo:
    """Load a memo with its approvals, or raise NotFound when its case is not the user's.

    With lock, the memo row is locked (PostgreSQL) and re-read, approvals included, so what
    another transaction committed while this one waited is what it sees.
    """
    query = (
        select(CreditMemo)
        .join(Dispute, Dispute.id == CreditMemo.dispute_id)
        .where(CreditMemo.id == memo_id, visible_clause(user))
        .options(
            joinedload(CreditMemo.preparer),
            selectinload(CreditMemo.approvals).joinedload(Approval.approver),
        )
    )
    if lock:
        query = query.with_for_update(of=CreditMemo).execution_options(populate_existing=True)
    memo = db.session.scalar(query)
    if memo is None:
        raise NotFound(f"no credit memo {memo_id} that you can see")
    return memo


def memo_with_approvals(memo_id: int) -> CreditMemo | None:
    """Load a memo afresh with its approvals, their approvers and its preparer."""
    return db.session.scalars(
        select(CreditMemo)
        .where(CreditMemo.id == memo_id)
        .options(
            selectinload(CreditMemo.approvals).joinedload(Approval.approver),
            joinedload(CreditMemo.preparer),
        )
        .execution_options(populate_existing=True)
    ).first()


@dataclass(frozen=True)
class MemoSummary:
    """Where a memo stands under the matrix: the one answer for the page and the API."""

    memo: CreditMemo
    tier: matrix.Tier  # the tier of the amount the matrix gates (with a split credit's total)
    missing: list[str]  # what it still needs while it awaits approval
    approvers: list[User]  # who may approve it now
    refusal: str | None  # why the asking user may not approve it now (None: they may, or moot)

    @property
    def pending(self) -> bool:
        return self.memo.status == matrix.MEMO_START

    @property
    def needs(self) -> str:
        """What the tier asks for, without its name: "up to 25,000 needs 1 approver …"."""
        return self.tier.rule.partition(": ")[2]


def memo_summary(memo: CreditMemo, dispute: Dispute, user: User | None = None) -> MemoSummary:
    """Work out the memo's tier, what is missing, who may approve, and why `user` may not."""
    facts = memo_facts(memo, dispute)
    pending = memo.status == matrix.MEMO_START
    approvers = approvers_now(memo, dispute)
    missing = matrix.missing(facts) if pending else []
    if missing and (note := _routing(facts, approvers)):
        missing.append(note)
    return MemoSummary(
        memo=memo,
        tier=matrix.tier_of(facts),
        missing=missing,
        approvers=approvers,
        refusal=matrix.refusal(facts, person(user)) if pending and user else None,
    )


def _routing(facts: matrix.Memo, approvers: list[User]) -> str | None:
    """Say where a memo beyond every approver's limit goes: to the top approver, or nowhere."""
    highest = db.session.scalar(
        select(func.max(User.approval_limit)).where(
            User.role.in_(roles_with("approve_credits")), User.active.is_(True),
            User.top_approver.is_(False),
        )
    )  # fmt: skip
    if (highest or 0) >= facts.gated_amount:
        return None
    top = next((u for u in approvers if u.top_approver), None)
    if top is not None:
        who = top.name or top.email
        return f"no approver's limit covers it: it goes to the top approver, {who}"
    return (
        "no approver's limit covers it and no top approver may take it: an admin names one "
        "(Admin → Users) or raises a limit"
    )


def approvers_now(memo: CreditMemo, dispute: Dispute) -> list[User]:
    """Return the people who may approve the memo now (for the page and the API)."""
    if memo.status != matrix.MEMO_START:
        return []
    facts = memo_facts(memo, dispute)
    candidates = db.session.scalars(
        select(User).where(User.role.in_(roles_with("approve_credits")), User.active.is_(True))
    ).all()
    return [u for u in candidates if sees(u, dispute) and matrix.refusal(facts, person(u)) is None]


def inbox(user: User, after: str | None = None) -> InboxPage:
    """Return a page of the memos this user may approve now, oldest first."""
    if not user.can("approve_credits"):
        raise NotPermitted("only leads and approvers approve credit memos")
    page = inbox_page(user, after)
    me = person(user)  # the matrix has the last word on each row the SQL condition found
    rows = [(m, d) for m, d in page.rows if matrix.refusal(memo_facts(m, d), me) is None]
    return InboxPage(rows, page.next_after, page.count)


def evidence_counts(dispute_ids: Sequence[int]) -> dict[int, int]:
    """Count the files still on each of these cases."""
    return dict(
        db.session.execute(
            select(Evidence.dispute_id, func.count())
            .where(Evidence.dispute_id.in_(dispute_ids), Evidence.removed_at.is_(None))
            .group_by(Evidence.dispute_id)
        ).all()
    )


def issued_in_month(
    start: datetime, end: datetime, user: User | None, window: tuple[int, int] | None = None
) -> Sequence[CreditMemo]:
    """Return the memos issued in [start, end) on cases the user may see (all for the CLI);
    `window` (offset, limit): one page of them."""
    query = (
        select(CreditMemo)
        .where(
            CreditMemo.status.in_(("issued", "reversed")),  # a reversal does not unissue
            CreditMemo.issued_at >= start,
            CreditMemo.issued_at < end,
        )
        .options(
            joinedload(CreditMemo.preparer),
            selectinload(CreditMemo.approvals).joinedload(Approval.approver),
        )
        .order_by(CreditMemo.number)
    )
    if user is not None:
        query = query.join(Dispute, Dispute.id == CreditMemo.dispute_id).where(visible_clause(user))
    if window is not None:
        query = query.offset(window[0]).limit(window[1])
    return db.session.scalars(query).all()
