"""Credit memo routes of the JSON API."""

from flask import Response, g, jsonify

from app.api.blueprint import bp
from app.api.documents import instant
from app.api.requests import json_body
from app.models import CreditMemo, Dispute
from app.models.disputes import format_ref
from app.models.types import MAX_ID
from app.queries.listing import load_dispute
from app.queries.memos import current_memo, memo_summary
from app.services.approvals import decide
from workflows.errors import NotFound
from workflows.money import format_amount


def memo_document(memo: CreditMemo, dispute: Dispute) -> dict:
    summary = memo_summary(memo, dispute)
    return {
        "id": memo.id,
        "dispute": dispute.ref,
        "status": memo.status,
        "number": memo.number,
        "amount": format_amount(memo.amount),
        "currency": memo.currency,
        "reporting_amount": format_amount(memo.reporting_amount),
        "split_total": format_amount(memo.split_total) if memo.split_total else None,
        "gl_reason": memo.gl_reason,
        "rule": summary.tier.rule,
        "preparer": memo.preparer.email,
        "approvals": [
            {
                "approver": a.approver.email,
                "decision": a.decision,
                "comment": a.comment,
                "rule": a.rule,
                "at": instant(a.at),
            }
            for a in memo.approvals
        ],
        "missing": summary.missing,
        "may_approve": [u.email for u in summary.approvers],
        "issued_by": memo.issued_by,
        "issued_at": instant(memo.issued_at),
    }


@bp.get("/disputes/<ref>/credit-memo")
def credit_memo_show(ref: str) -> Response:
    dispute = load_dispute(ref, g.user)
    memo = current_memo(dispute)
    if memo is None:
        raise NotFound(f"{dispute.ref} has no credit memo")
    return jsonify(memo_document(memo, dispute))


@bp.post(f"/credit-memos/<int(min=1, max={MAX_ID}):memo_id>/approvals")
def credit_memo_decide(memo_id: int) -> Response:
    body = json_body()
    memo = decide(memo_id, g.user, body.get("decision"), body.get("comment"))
    dispute = load_dispute(format_ref(memo.dispute_id), g.user)
    response = jsonify(memo_document(memo, dispute))
    response.status_code = 201
    return response
