"""A line comparison written as JSON-safe data: for the API and for freezing a decision."""

from fractions import Fraction
from typing import Any

from disputedesk.workflows.money import exact_decimal, format_amount, format_rate


def _number(value: Fraction | None) -> str | None:
    return None if value is None else exact_decimal(value, places=6)


def _amount(value: int | None) -> str | None:
    return None if value is None else format_amount(value)


def comparison_dict(c: Any) -> dict[str, Any]:  # a LineComparison (whose module imports this)
    """Write a comparison as JSON-safe data; amounts as decimal strings, rates and units exact."""
    return {
        "line_no": c.line.line_no,
        "line_id": c.line.line_id,
        "kind": c.line.kind,
        "product": c.line.product,
        "campaign_ref": c.line.campaign_ref,
        "unit_kind": c.line.unit_kind,
        "billed_units": c.line.billed_units,
        "billed_rate": format_rate(c.line.billed_rate_micros),
        "billed_amount": format_amount(c.line.amount),
        "invoice_amount_computed": _amount(c.invoice_amount_computed),
        "contract": None
        if c.contract is None
        else {
            "id": c.contract.id,
            "reference": c.contract.reference,
            "version": c.contract.version,
            "rate": format_rate(c.contract.rate_micros),
            "discount_bp": c.contract.discount_bp,
            "tolerance_bp": c.contract.tolerance_bp,
            "cap_units": c.contract.cap_units,
            "cap_amount": _amount(c.contract.cap_amount),
            "makegood_units": c.contract.makegood_units,
            "delivery_source": c.contract.delivery_source,
            "currency": c.contract.currency,
        },
        "segments": [
            {
                "contract_id": s.contract.id,
                "label": s.contract.label,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "billable_units": _number(s.billable_units),
                "priced_units": _number(s.priced_units),
                "rate": format_rate(s.rate_micros),
                "amount": _number(s.amount / 100),
            }
            for s in c.segments
        ],
        "candidate_contracts": [
            {"id": x.id, "reference": x.reference, "version": x.version} for x in c.candidates
        ],
        "ambiguous": c.ambiguous,
        "contracted_rate": None
        if c.contracted_rate_micros is None
        else format_rate(c.contracted_rate_micros),
        "delivery_rows": [
            {
                "id": u.row.id,
                "source": u.row.source,
                "period_start": u.row.period_start.isoformat(),
                "period_end": u.row.period_end.isoformat(),
                "delivered_units": u.row.delivered_units,
                "invalid_units": u.row.invalid_units,
                "counted_units": _number(u.counted_units),
                "prorated": u.prorated,
                "overlap_days": u.overlap_days,
                "row_days": u.row_days,
            }
            for u in c.deliveries
        ],
        "billable_units": _number(c.billable_units),
        "priced_units": _number(c.priced_units),
        "expected_amount": _amount(c.expected_amount),
        "variance": _amount(c.variance),
        "tolerance_amount": _number(
            None if c.tolerance_amount is None else c.tolerance_amount / 100
        ),
        "proposed_credit": format_amount(c.proposed_credit),
        "flags": [{"code": f.code, "message": f.message} for f in c.flags],
        "missing": list(c.missing),
    }
