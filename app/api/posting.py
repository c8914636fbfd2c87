"""Memo posting for the ERP: issued memos not yet posted, and the acknowledgement of each."""

from flask import Response, g, jsonify

from app.api.blueprint import bp
from app.api.documents import instant
from app.api.requests import cursor_arg, encode_cursor, json_body, limit_arg
from app.models import CreditMemo
from app.models.types import MAX_ID
from app.services.posting import post_memo, unposted_memos
from workflows.money import format_amount


def posting_document(memo: CreditMemo) -> dict:
    return {
        "id": memo.id,
        "number": memo.number,
        "external_ref": memo.external_ref,
        "posted_at": instant(memo.posted_at),
    }


@bp.get("/credit-memos/unposted")
def credit_memos_unposted() -> Response:
    limit = limit_arg()
    found = unposted_memos(g.user, cursor_arg(), limit + 1)
    page = found[:limit]
    items = [
        {
            "id": memo.id, "number": memo.number, "dispute": dispute.ref,
            "advertiser_ref": dispute.advertiser.ref, "invoice_number": dispute.invoice.number,
            "amount": format_amount(memo.amount), "currency": memo.currency,
            "gl_reason": memo.gl_reason, "issued_at": instant(memo.issued_at),
        }
        for memo, dispute in page
    ]  # fmt: skip
    more = len(found) > limit
    return jsonify(items=items, next_cursor=encode_cursor(page[-1][0].id) if more else None)


@bp.post(f"/credit-memos/<int(min=1, max={MAX_ID}):memo_id>/posting")
def credit_memo_posting(memo_id: int) -> Response:
    body = json_body()
    memo, recorded = post_memo(memo_id, g.user, body.get("external_ref"), body.get("posted_at"))
    response = jsonify(posting_document(memo))
    response.status_code = 201 if recorded else 200
    return response
