"""The comparison of a dispute's lines with contract and delivery, in the JSON API."""

from flask import Response, g, jsonify

from app.api.blueprint import bp
from app.queries.comparison import compare_dispute
from app.queries.listing import load_dispute
from workflows.money import format_amount


@bp.get("/disputes/<ref>/comparison")
def dispute_comparison(ref: str) -> Response:
    dispute = load_dispute(ref, g.user)
    invoice = dispute.invoice
    lines = [
        row.comparison.as_dict()
        | {"disputed_amount": None if row.disputed_amount is None
           else format_amount(row.disputed_amount)}
        for row in compare_dispute(dispute)
    ]  # fmt: skip
    return jsonify(
        dispute=dispute.ref,
        invoice_number=invoice.number,
        currency=invoice.currency,
        period_start=invoice.period_start.isoformat(),
        period_end=invoice.period_end.isoformat(),
        basis="live",
        lines=lines,
    )
