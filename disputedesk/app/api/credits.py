"""Credit memo routes of the JSON API."""

from flask import Response, g

from disputedesk.app.api import answers
from disputedesk.app.api.adjudication import decided_lines
from disputedesk.app.api.params import REF, id_param, id_rule
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.api.schemas import Decision
from disputedesk.app.models import CreditMemo, Dispute
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.queries.listing import load_dispute
from disputedesk.app.queries.memos import current_memo, memo_summary
from disputedesk.app.services.approvals import decide
from disputedesk.workflows.errors import NotFound
from disputedesk.workflows.money import format_amount, format_rate
from disputedesk.workflows.permissions import reads_internal_comments


def memo_document(memo: CreditMemo, dispute: Dispute) -> answers.Memo:
    summary = memo_summary(memo, dispute)
    shows_comments = reads_internal_comments(g.user.as_actor())
    return answers.Memo(
        id=memo.id,
        dispute=dispute.ref,
        status=memo.status,
        number=memo.number,
        amount=format_amount(memo.amount),
        currency=memo.currency,
        reporting_amount=format_amount(memo.reporting_amount),
        fx_rate=memo.fx_rate and format_rate(memo.fx_rate),
        fx_rate_on=memo.fx_rate_on,
        split_total=format_amount(memo.split_total) if memo.split_total else None,
        gl_reason=memo.gl_reason,
        rule=summary.tier.rule,
        preparer=memo.preparer.email,
        approvals=[
            answers.ApprovalRecord(
                approver=a.approver.email,
                decision=a.decision,
                comment=a.comment if shows_comments else None,
                rule=a.rule,
                at=a.at,
            )  # fmt: skip
            for a in memo.approvals
        ],
        missing=summary.missing,
        may_approve=[u.email for u in summary.approvers],
        issued_by=memo.issued_by,
        issued_at=memo.issued_at,
        rebill=memo.rebill,
        rebill_invoice=memo.rebill_invoice,
        rebilled_at=memo.rebilled_at,
        **decided_lines(memo, dispute),
    )


@operation(
    "GET", "/disputes/<ref>/credit-memo", scope="read", path_params=REF,
    summary="The dispute's credit memo: status, approvals, what is missing, who may approve",
    answers={200: answers.Memo}, refusals=(404,),
)  # fmt: skip
def credit_memo_show(ref: str) -> Response:
    dispute = load_dispute(ref, g.user)
    memo = current_memo(dispute)
    if memo is None:
        raise NotFound(f"{dispute.ref} has no credit memo")
    return reply(memo_document(memo, dispute))


@operation(
    "POST", f"/credit-memos/{id_rule('memo_id')}/approvals", scope="approve",
    summary="Approve or reject a credit memo", body=Decision,
    path_params=id_param("memo_id", "the credit memo's id"),
    answers={201: answers.Memo}, refusals=(403, 404, 409),
)  # fmt: skip
def credit_memo_decide(memo_id: int, body: Decision) -> Response:
    memo = decide(memo_id, g.user, body.decision, body.comment)
    dispute = load_dispute(format_ref(memo.dispute_id), g.user)
    return reply(memo_document(memo, dispute), 201)
