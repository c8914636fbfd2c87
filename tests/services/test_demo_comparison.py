"""On the demo data, every compared line matches a Decimal reference computation to the cent."""

from collections import Counter
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from unittest.mock import patch

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contract, DeliveryRecord, Invoice
from app.queries.comparison import compare_lines
from app.seed import seed_demo

PER = {"cpm": 1000, "cpc": 1, "flat": 1}
NOW = datetime.fromisoformat("2026-11-20T15:00:00+00:00")


def reference_expected(invoice, line, contracts, rows) -> int | None:
    """Decimal arithmetic, written apart from the engine, on the rules the README states."""
    start, end = invoice.period_start, invoice.period_end
    matching = [
        c for c in contracts
        if c.advertiser_id == invoice.advertiser_id and c.product == line.product
        and c.campaign_ref in ("", line.campaign_ref)
        and c.effective_from <= end and c.effective_to >= start
    ]  # fmt: skip
    newest = {}
    for c in matching:
        newest[c.reference] = max(newest.get(c.reference, c), c, key=lambda x: x.version)
    if not newest:
        return None
    contract = max(newest.values(), key=lambda c: (
        c.campaign_ref != "", c.effective_from <= start and c.effective_to >= end,
        c.effective_from, c.version, c.id,
    ))  # fmt: skip
    with localcontext() as ctx:
        ctx.prec = 60
        units = Decimal(0)
        used = [r for r in rows if r.campaign_ref == line.campaign_ref
                and r.source == contract.delivery_source
                and r.period_start <= end and r.period_end >= start]  # fmt: skip
        for r in used:
            inside = (min(r.period_end, end) - max(r.period_start, start)).days + 1
            whole = (r.period_end - r.period_start).days + 1
            units += Decimal(max(r.delivered_units - r.invalid_units, 0)) * inside / whole
        if not used:
            if line.unit_kind != "flat":
                return None
            units = Decimal(line.billed_units)
        units = max(min(units, Decimal(line.billed_units)) - contract.makegood_units, Decimal(0))
        if contract.cap_units is not None:
            units = min(units, Decimal(contract.cap_units))
        rate = Decimal(contract.rate_micros) / 10**6 * (1 - Decimal(contract.discount_bp) / 10**4)
        cents = (units * rate / PER[line.unit_kind] * 100).quantize(1, rounding=ROUND_HALF_EVEN)
        if contract.cap_amount is not None:
            cents = min(cents, contract.cap_amount)
        return int(cents)


@pytest.fixture(scope="module")
def demo(app):
    # seed-demo's billing data exactly; its disputes only read invoices, so they are skipped
    with patch("app.seed.seed_disputes", return_value=0):
        seed_demo(NOW)
    invoices = list(db.session.scalars(select(Invoice).order_by(Invoice.id)))
    yield (
        invoices,
        list(db.session.scalars(select(Contract))),
        list(db.session.scalars(select(DeliveryRecord))),
    )


def test_every_compared_demo_line_matches_the_decimal_reference(demo):
    invoices, contracts, rows = demo
    compared, flags = 0, Counter()
    for invoice in invoices:
        for result in compare_lines(invoice, invoice.lines):
            line = next(x for x in invoice.lines if x.id == result.line.line_id)
            assert result.expected_amount == reference_expected(invoice, line, contracts, rows), (
                f"{invoice.number} line {line.line_no}"
            )
            compared += 1
            flags.update(f.code for f in result.flags)
    assert compared == sum(len(i.lines) for i in invoices) > 1_000
    # the demo exercises every rule the page explains
    for code in ("superseded_version", "ambiguous_contract", "prorated_delivery",
                 "capped_amount", "makegood_units"):  # fmt: skip
        assert flags[code] > 0, code
