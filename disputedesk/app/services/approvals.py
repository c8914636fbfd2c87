"""Approve or reject a credit memo under the matrix; a rejection sends the case back."""

from datetime import datetime

from disputedesk.app.extensions import db
from disputedesk.app.models import Approval, CreditMemo, User
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.queries.memos import memo_facts, person, visible_memo
from disputedesk.app.services.triggers import apply_trigger
from disputedesk.app.services.write_path import change_case, load_for_change
from disputedesk.workflows import approvals as matrix
from disputedesk.workflows import edge
from disputedesk.workflows.errors import Conflict, InvalidInput, NotPermitted
from disputedesk.workflows.money import format_amount

DECISIONS = ("approve", "reject")
DECISION_EVENTS = {"approve": "credit_memo_approved", "reject": "credit_memo_rejected"}


def decide(
    memo_id: int, user: User, decision: str, comment: str = "", now: datetime | None = None
) -> CreditMemo:
    """Approve or reject a memo as `user`; a rejection sends the dispute back for rework."""
    if decision not in DECISIONS:
        raise InvalidInput({"decision": "approve or reject"})
    comment = (comment or "").strip() if isinstance(comment, str) else ""
    edge.check_text("comment", comment, edge.MAX_TEXT)
    if decision == "reject" and not comment:
        raise InvalidInput({"comment": "say why the memo is rejected"})
    memo = visible_memo(memo_id, user)
    # Lock the case, then the memo, and only then read the memo's status and approvals: a
    # decision racing this one waits here and sees what the first one did.
    dispute = load_for_change(format_ref(memo.dispute_id), user, None)
    memo = visible_memo(memo_id, user, lock=True)
    if not matrix.may_move_memo(memo.status, decision):
        raise Conflict(f"the memo is {memo.status.replace('_', ' ')}, not awaiting approval")
    facts = memo_facts(memo, dispute)
    if refused := matrix.refusal(facts, person(user)):
        raise NotPermitted(refused, rule=refused)
    tier = matrix.tier_of(facts)
    with change_case(dispute, user, now) as change:
        memo.approvals.append(
            Approval(
                approver_id=user.id, decision=decision, comment=comment, rule=tier.rule,
                approver_limit=user.approval_limit, as_top=user.top_approver, at=change.now,
            )
        )  # fmt: skip
        db.session.flush()
        data = {"memo_id": memo.id, "decision": decision, "comment": comment, "rule": tier.rule,
                "approver_limit": format_amount(user.approval_limit),
                **({"as_top_approver": True} if user.top_approver else {})}  # fmt: skip
        change.record(DECISION_EVENTS[decision], data=data)
        if decision == "reject":
            matrix.move_memo(memo, "reject")
            apply_trigger(change, "return_for_rework", {"reason": comment})
        elif not matrix.missing(memo_facts(memo, dispute)):
            matrix.move_memo(memo, "approve")
    return memo
