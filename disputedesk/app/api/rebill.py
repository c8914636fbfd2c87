"""Credit and rebill for the billing system: memos waiting for a corrected invoice, and the
corrected invoice's number reported back."""

from datetime import datetime

from flask import Response, g

from disputedesk.app.api.fields import Answer, Currency, Id, Request, ShownAmount, line
from disputedesk.app.api.params import cursor_after, encode_cursor, id_param, id_rule
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.api.schemas import Page
from disputedesk.app.models import CreditMemo
from disputedesk.app.services.rebill import MAX_INVOICE_NUMBER, pending_rebills, record_rebill
from disputedesk.workflows.money import format_amount


class Rebilled(Request):
    invoice_number: line(MAX_INVOICE_NUMBER)


class RebillDoc(Answer):
    id: Id
    number: str | None
    invoice_number: str | None = None
    rebilled_at: datetime | None


class PendingRebill(Answer):
    id: Id
    number: str | None
    dispute: str
    advertiser_ref: str
    invoice_number: str  # the invoice to correct
    amount: ShownAmount  # what the memo credits on it
    currency: Currency
    issued_at: datetime | None


class PendingRebillPage(Answer):
    items: list[PendingRebill]
    next_cursor: str | None


def rebill_document(memo: CreditMemo) -> RebillDoc:
    return RebillDoc(id=memo.id, number=memo.number, invoice_number=memo.rebill_invoice,
                     rebilled_at=memo.rebilled_at)  # fmt: skip


@operation(
    "GET", "/rebills/pending", scope="integration", query=Page, answers={200: PendingRebillPage},
    summary="Issued memos that asked for a corrected invoice the billing system has not "
    "reported yet", description="The webhook credit_memo.rebill_requested announces each.",
    refusals=(403,),
)  # fmt: skip
def rebills_pending(query: Page) -> Response:
    found = pending_rebills(g.user, cursor_after(query.cursor), query.limit + 1)
    page = found[: query.limit]
    items = [
        PendingRebill(
            id=memo.id, number=memo.number, dispute=dispute.ref,
            advertiser_ref=dispute.advertiser.ref, invoice_number=dispute.invoice.number,
            amount=format_amount(memo.amount), currency=memo.currency, issued_at=memo.issued_at,
        )
        for memo, dispute in page
    ]  # fmt: skip
    more = len(found) > query.limit
    cursor = encode_cursor(page[-1][0].id) if more else None
    return reply(PendingRebillPage(items=items, next_cursor=cursor))


@operation(
    "POST", f"/credit-memos/{id_rule('memo_id')}/rebill", scope="integration",
    summary="Report the corrected invoice of a credit-and-rebill memo; the same number again "
    "is 200", path_params=id_param("memo_id", "the credit memo's id"), body=Rebilled,
    answers={201: RebillDoc, 200: RebillDoc}, refusals=(403, 404, 409),
)  # fmt: skip
def credit_memo_rebill(memo_id: int, body: Rebilled) -> Response:
    memo, recorded = record_rebill(memo_id, g.user, body.invoice_number)
    return reply(rebill_document(memo), 201 if recorded else 200)
