"""Credit memos: prepare at resolve, approve or reject under the matrix, issue exactly once."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Approval, CreditMemo, Dispute, MemoSequence, User
from app.models.disputes import format_ref
from app.services.access import visible_clause
from app.services.write_path import CaseChange, change_case, load_for_change
from workflows import approvals as matrix
from workflows.errors import Conflict, InvalidInput, NotFound, NotPermitted
from workflows.money import format_amount, parse_amount, to_reporting

LIVE = ("pending_approval", "approved", "issued")  # memos that count towards a split credit
DECISIONS = ("approve", "reject")
DECISION_EVENTS = {"approve": "credit_memo_approved", "reject": "credit_memo_rejected"}


def current_memo(dispute: Dispute) -> CreditMemo | None:
    """Return the dispute's latest memo, if it has one."""
    return dispute.credit_memos[-1] if dispute.credit_memos else None


def credit_amount(dispute: Dispute, data: Mapping[str, Any]) -> int:
    """Return the memo amount a resolve asks for: the disputed amount for a full credit."""
    if data.get("outcome") == "credit_full" and not data.get("credit_amount"):
        return dispute.disputed_amount
    return parse_amount(data.get("credit_amount"))


def prepare_memo(change: CaseChange, data: Mapping[str, Any]) -> CreditMemo:
    """Create the memo a credit resolve asks for and submit it for approval."""
    dispute = change.dispute
    amount = credit_amount(dispute, data)
    reporting = to_reporting(amount, dispute.currency)
    earlier = db.session.scalar(
        select(func.coalesce(func.sum(CreditMemo.reporting_amount), 0)).where(
            CreditMemo.invoice_id == dispute.invoice_id,
            CreditMemo.status.in_(LIVE),
            CreditMemo.created_at >= change.now - matrix.SPLIT_WINDOW,
        )
    )
    memo = CreditMemo(
        dispute_id=dispute.id, invoice_id=dispute.invoice_id, amount=amount,
        currency=dispute.currency, reporting_amount=reporting,
        split_total=reporting + earlier if earlier else 0, gl_reason=data["gl_reason"],
        matrix_version=matrix.MATRIX_VERSION, preparer_id=change.user.id, created_at=change.now,
    )  # fmt: skip
    dispute.credit_memos.append(memo)
    db.session.flush()
    tier = matrix.tier_for(memo_facts(memo, dispute).gated_amount)
    change.record("credit_memo_prepared", data={
        "memo_id": memo.id, "amount": format_amount(amount), "currency": dispute.currency,
        "gl_reason": memo.gl_reason, "rule": tier.rule,
        "split_total": format_amount(memo.split_total) if memo.split_total else None,
    })  # fmt: skip
    return memo


def memo_facts(memo: CreditMemo, dispute: Dispute) -> matrix.Memo:
    """Return what the approval matrix needs to know about this memo."""
    approved = tuple(
        matrix.Person(a.approver_id, a.approver.role, a.approver_limit)
        for a in memo.approvals
        if a.decision == "approve"
    )
    return matrix.Memo(
        amount=memo.reporting_amount,
        preparer_id=memo.preparer_id,
        assignee_id=dispute.assignee_id,
        approvers=approved,
        split_total=memo.split_total,
    )


def person(user: User) -> matrix.Person:
    return matrix.Person(user.id, user.role, user.approval_limit)


def decide(
    memo_id: int, user: User, decision: str, comment: str = "", now: datetime | None = None
) -> CreditMemo:
    """Approve or reject a memo as `user`; a rejection sends the dispute back for rework."""
    from app.services.triggers import apply_trigger  # the one place that moves state

    if decision not in DECISIONS:
        raise InvalidInput({"decision": "approve or reject"})
    comment = (comment or "").strip() if isinstance(comment, str) else ""
    if decision == "reject" and not comment:
        raise InvalidInput({"comment": "say why the memo is rejected"})
    memo = _visible_memo(memo_id, user)
    dispute = load_for_change(format_ref(memo.dispute_id), user, None)
    if memo.status != "pending_approval":
        raise Conflict(f"the memo is {memo.status.replace('_', ' ')}, not awaiting approval")
    facts = memo_facts(memo, dispute)
    if refused := matrix.refusal(facts, person(user)):
        raise NotPermitted(refused, rule=refused)
    tier = matrix.tier_for(facts.gated_amount)
    with change_case(dispute, user, now) as change:
        memo.approvals.append(
            Approval(
                approver_id=user.id, decision=decision, comment=comment, rule=tier.rule,
                approver_limit=user.approval_limit, at=change.now,
            )
        )  # fmt: skip
        db.session.flush()
        data = {"memo_id": memo.id, "decision": decision, "comment": comment, "rule": tier.rule}
        change.record(DECISION_EVENTS[decision], data=data)
        if decision == "reject":
            memo.status = "rejected"
            apply_trigger(change, "return_for_rework", {"reason": comment})
        elif not matrix.missing(memo_facts(memo, dispute)):
            memo.status = "approved"
    return memo


def issue_memo(change: CaseChange) -> CreditMemo:
    """Give the approved memo the next gapless number of the year and mark it issued."""
    memo = current_memo(change.dispute)
    year = change.now.year
    _ensure_sequence(year)
    number = db.session.execute(
        update(MemoSequence)
        .where(MemoSequence.year == year)
        .values(last_number=MemoSequence.last_number + 1)
        .returning(MemoSequence.last_number)
    ).scalar_one()
    memo.number = f"CM-{year}-{number:06d}"
    memo.status = "issued"
    memo.issued_by = change.user.email if change.user else "system"
    memo.issued_at = change.now
    change.record("credit_memo_issued", data={"memo_id": memo.id, "number": memo.number})
    return memo


def _ensure_sequence(year: int) -> None:
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(MemoSequence).values(year=year, last_number=0).on_conflict_do_nothing()
    )


def _visible_memo(memo_id: int, user: User) -> CreditMemo:
    memo = db.session.scalar(
        select(CreditMemo)
        .join(Dispute, Dispute.id == CreditMemo.dispute_id)
        .where(CreditMemo.id == memo_id, visible_clause(user))
        .options(selectinload(CreditMemo.approvals).joinedload(Approval.approver))
    )
    if memo is None:
        raise NotFound(f"no credit memo {memo_id} that you can see")
    return memo


def approvers_now(memo: CreditMemo, dispute: Dispute) -> list[User]:
    """Return the people who may approve the memo now (for the page and the API)."""
    if memo.status != "pending_approval":
        return []
    facts = memo_facts(memo, dispute)
    candidates = db.session.scalars(
        select(User).where(User.role.in_(("lead", "approver")), User.active.is_(True))
    ).all()
    return [u for u in candidates if matrix.refusal(facts, person(u)) is None]


def inbox(user: User) -> Sequence[tuple[CreditMemo, Dispute]]:
    """Return the memos this user may approve now, oldest first."""
    if user.role not in ("lead", "approver"):
        raise NotPermitted("only leads and approvers approve credit memos")
    rows = db.session.execute(
        select(CreditMemo, Dispute)
        .join(Dispute, Dispute.id == CreditMemo.dispute_id)
        .where(CreditMemo.status == "pending_approval", visible_clause(user))
        .options(
            selectinload(CreditMemo.approvals).joinedload(Approval.approver),
            joinedload(Dispute.advertiser),
        )
        .order_by(CreditMemo.created_at, CreditMemo.id)
    ).all()
    me = person(user)
    return [(m, d) for m, d in rows if matrix.refusal(memo_facts(m, d), me) is None]


def issued_in_month(start: datetime, end: datetime, user: User | None) -> Sequence[CreditMemo]:
    """Return the memos issued in [start, end) on cases the user may see (all for the CLI)."""
    query = (
        select(CreditMemo)
        .where(
            CreditMemo.status == "issued",
            CreditMemo.issued_at >= start,
            CreditMemo.issued_at < end,
        )
        .options(selectinload(CreditMemo.approvals).joinedload(Approval.approver))
        .order_by(CreditMemo.number)
    )
    if user is not None:
        query = query.join(Dispute, Dispute.id == CreditMemo.dispute_id).where(visible_clause(user))
    return db.session.scalars(query).all()
