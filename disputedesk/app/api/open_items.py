"""The collections feed for the billing system: invoices with money held while disputed."""

from flask import Response, g

from disputedesk.app.api.fields import Answer, Currency, Id, ShownAmount
from disputedesk.app.api.params import cursor_after, encode_cursor
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.api.schemas import Page
from disputedesk.app.queries.open_items import open_items
from disputedesk.workflows.money import format_amount


class OpenItemDoc(Answer):
    invoice_id: Id
    invoice_number: str
    advertiser_ref: str
    currency: Currency
    billed: ShownAmount
    credited: ShownAmount  # by issued memos, net of reversals
    held: ShownAmount  # the disputed amount of its open disputes: not to be dunned
    to_collect: ShownAmount
    open_disputes: int


class OpenItemPage(Answer):
    items: list[OpenItemDoc]
    next_cursor: str | None


@operation(
    "GET", "/open-items", scope="integration", query=Page, answers={200: OpenItemPage},
    summary="Invoices with an open dispute: what is held from dunning and what is left to collect",
    description="Webhooks collections.hold and collections.released say when a hold changes.",
    refusals=(403,),
)  # fmt: skip
def list_open_items(query: Page) -> Response:
    found = open_items(g.user, cursor_after(query.cursor), query.limit + 1)
    page = found[: query.limit]
    items = [
        OpenItemDoc(
            invoice_id=i.invoice.id, invoice_number=i.invoice.number,
            advertiser_ref=i.invoice.advertiser.ref, currency=i.invoice.currency,
            billed=format_amount(i.billed), credited=format_amount(i.credited),
            held=format_amount(i.held), to_collect=format_amount(i.to_collect),
            open_disputes=i.open_disputes,
        )
        for i in page
    ]  # fmt: skip
    more = len(found) > query.limit
    cursor = encode_cursor(page[-1].invoice.id) if more else None
    return reply(OpenItemPage(items=items, next_cursor=cursor))
