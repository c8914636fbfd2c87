"""Advertiser and invoice routes of the JSON API."""

from flask import Response, g, url_for

from disputedesk.app.api import answers
from disputedesk.app.api.documents import advertiser_document, invoice_document
from disputedesk.app.api.params import INVOICE_NUMBER, cursor_after, encode_cursor
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.api.schemas import NewInvoice, Page
from disputedesk.app.queries.listing import list_advertisers, load_invoice
from disputedesk.app.services.invoices import InvoiceLineInput, create_invoice


@operation(
    "GET", "/advertisers", summary="List advertisers you may see", scope="read", query=Page,
    answers={200: answers.AdvertiserPage},
)  # fmt: skip
def advertisers_index(query: Page) -> Response:
    found = list_advertisers(g.user, cursor_after(query.cursor), query.limit + 1)
    page = found[: query.limit]
    more = len(found) > query.limit
    return reply(
        answers.AdvertiserPage(
            items=[advertiser_document(a) for a in page],
            next_cursor=encode_cursor(page[-1].id) if more else None,
        )
    )


@operation(
    "POST", "/invoices", scope="integration",
    summary="Record an invoice (the billing system); the same invoice again answers 200",
    body=NewInvoice, answers={201: answers.Invoice, 200: answers.Invoice}, refusals=(403, 409),
)  # fmt: skip
def invoices_create(body: NewInvoice) -> Response:
    invoice, created = create_invoice(
        g.user,
        number=body.number,
        advertiser_ref=body.advertiser_ref,
        currency=body.currency,
        period_start=body.period_start,
        period_end=body.period_end,
        lines=[InvoiceLineInput(**line.model_dump()) for line in body.lines],
    )
    location = url_for("api.invoices_show", number=invoice.number)
    return reply(invoice_document(invoice, []), 201 if created else 200, Location=location)


@operation(
    "GET", "/invoices/<path:number>", summary="Read an invoice with its open disputes",
    scope="read", path_params=INVOICE_NUMBER, answers={200: answers.Invoice}, refusals=(404,),
)  # fmt: skip
def invoices_show(number: str) -> Response:
    invoice, open_disputes = load_invoice(number, g.user)
    return reply(invoice_document(invoice, list(open_disputes)))
