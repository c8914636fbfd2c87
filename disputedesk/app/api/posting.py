"""ERP posting: issued memos and reversals not yet posted, and the acknowledgement of each."""

from datetime import datetime
from typing import Annotated

from flask import Response, g
from pydantic import Field

from disputedesk.app.api.fields import Answer, Currency, GlReason, Id, Request, ShownAmount, line
from disputedesk.app.api.params import cursor_after, encode_cursor, id_param, id_rule
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.api.schemas import Page
from disputedesk.app.models import CreditMemo, Reversal
from disputedesk.app.services.posting import (
    MAX_EXTERNAL_REF,
    post_memo,
    post_reversal,
    unposted_memos,
    unposted_reversals,
)
from disputedesk.workflows.money import format_amount


class Posting(Request):
    external_ref: line(MAX_EXTERNAL_REF)
    posted_at: Annotated[
        str, Field(max_length=40, description="an instant with its offset: 2026-11-20T14:05:00Z")
    ]


class PostedMemo(Answer):
    id: Id
    number: str | None
    external_ref: str | None
    posted_at: datetime | None


class UnpostedMemo(Answer):
    id: Id
    number: str | None
    dispute: str
    advertiser_ref: str
    invoice_number: str
    amount: ShownAmount
    currency: Currency
    gl_reason: GlReason
    issued_at: datetime | None


class UnpostedPage(Answer):
    items: list[UnpostedMemo]
    next_cursor: str | None


def posting_document(memo: CreditMemo) -> PostedMemo:
    return PostedMemo(
        id=memo.id, number=memo.number, external_ref=memo.external_ref, posted_at=memo.posted_at
    )


@operation(
    "GET", "/credit-memos/unposted", summary="Issued memos the ERP has not posted yet",
    scope="integration", query=Page, answers={200: UnpostedPage}, refusals=(403,),
)  # fmt: skip
def credit_memos_unposted(query: Page) -> Response:
    found = unposted_memos(g.user, cursor_after(query.cursor), query.limit + 1)
    page = found[: query.limit]
    items = [
        UnpostedMemo(
            id=memo.id, number=memo.number, dispute=dispute.ref,
            advertiser_ref=dispute.advertiser.ref, invoice_number=dispute.invoice.number,
            amount=format_amount(memo.amount), currency=memo.currency,
            gl_reason=memo.gl_reason, issued_at=memo.issued_at,
        )
        for memo, dispute in page
    ]  # fmt: skip
    more = len(found) > query.limit
    return reply(
        UnpostedPage(items=items, next_cursor=encode_cursor(page[-1][0].id) if more else None)
    )


@operation(
    "POST", f"/credit-memos/{id_rule('memo_id')}/posting", scope="integration",
    summary="Acknowledge that the ERP posted an issued memo; the same reference again is 200",
    path_params=id_param("memo_id", "the credit memo's id"), body=Posting,
    answers={201: PostedMemo, 200: PostedMemo}, refusals=(403, 404, 409),
)  # fmt: skip
def credit_memo_posting(memo_id: int, body: Posting) -> Response:
    memo, recorded = post_memo(memo_id, g.user, body.external_ref, body.posted_at)
    return reply(posting_document(memo), 201 if recorded else 200)


class PostedReversal(Answer):
    id: Id
    number: str
    memo_number: str | None
    external_ref: str | None
    posted_at: datetime | None


class UnpostedReversal(Answer):
    id: Id
    number: str
    memo_id: Id
    memo_number: str | None
    dispute: str
    advertiser_ref: str
    invoice_number: str
    amount: ShownAmount = Field(description="the amount reversed, negative: -400.00")
    currency: Currency
    gl_reason: GlReason
    reversed_at: datetime


class UnpostedReversalPage(Answer):
    items: list[UnpostedReversal]
    next_cursor: str | None


def reversal_posting_document(r: Reversal) -> PostedReversal:
    return PostedReversal(id=r.id, number=r.number, memo_number=r.memo.number,
                          external_ref=r.external_ref, posted_at=r.posted_at)  # fmt: skip


@operation(
    "GET", "/reversals/unposted", summary="Reversals the ERP has not posted yet",
    scope="integration", query=Page, answers={200: UnpostedReversalPage}, refusals=(403,),
)  # fmt: skip
def reversals_unposted(query: Page) -> Response:
    found = unposted_reversals(g.user, cursor_after(query.cursor), query.limit + 1)
    page = found[: query.limit]
    items = [
        UnpostedReversal(
            id=r.id, number=r.number, memo_id=r.memo_id, memo_number=r.memo.number,
            dispute=dispute.ref, advertiser_ref=dispute.advertiser.ref,
            invoice_number=dispute.invoice.number, amount=format_amount(-r.amount),
            currency=r.currency, gl_reason=r.memo.gl_reason, reversed_at=r.reversed_at,
        )
        for r, dispute in page
    ]  # fmt: skip
    more = len(found) > query.limit
    return reply(UnpostedReversalPage(
        items=items, next_cursor=encode_cursor(page[-1][0].id) if more else None
    ))  # fmt: skip


@operation(
    "POST", f"/reversals/{id_rule('reversal_id')}/posting", scope="integration",
    summary="Acknowledge that the ERP posted a reversal; the same reference again is 200",
    path_params=id_param("reversal_id", "the reversal's id"), body=Posting,
    answers={201: PostedReversal, 200: PostedReversal}, refusals=(403, 404, 409),
)  # fmt: skip
def reversal_posting(reversal_id: int, body: Posting) -> Response:
    reversal, recorded = post_reversal(reversal_id, g.user, body.external_ref, body.posted_at)
    return reply(reversal_posting_document(reversal), 201 if recorded else 200)
