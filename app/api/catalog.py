"""Advertiser and invoice routes of the JSON API."""

from flask import Response, g, jsonify, url_for

from app.api.blueprint import bp
from app.api.documents import advertiser_document, invoice_document
from app.api.requests import cursor_arg, encode_cursor, json_body, limit_arg
from app.queries.listing import list_advertisers, load_invoice
from app.services.invoices import create_invoice


@bp.get("/advertisers")
def advertisers_index() -> Response:
    limit = limit_arg()
    found = list_advertisers(g.user, cursor_arg(), limit + 1)
    page = found[:limit]
    return jsonify(
        items=[advertiser_document(a) for a in page],
        next_cursor=encode_cursor(page[-1].id) if len(found) > limit else None,
    )


@bp.post("/invoices")
def invoices_create() -> Response:
    body = json_body()
    invoice, created = create_invoice(
        g.user,
        number=body.get("number"),
        advertiser_ref=body.get("advertiser_ref"),
        currency=body.get("currency"),
        period_start=body.get("period_start"),
        period_end=body.get("period_end"),
        lines=body.get("lines"),
    )
    response = jsonify(invoice_document(invoice, []))
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.invoices_show", number=invoice.number)
    return response


@bp.get("/invoices/<path:number>")  # some billing systems number "INV/2026/42"
def invoices_show(number: str) -> Response:
    invoice, open_disputes = load_invoice(number, g.user)
    return jsonify(invoice_document(invoice, list(open_disputes)))
