"""On the demo data, every compared line matches a Decimal reference computation to the cent."""

from collections import Counter
from datetime import datetime
from unittest.mock import patch

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Contract, DeliveryRecord, Invoice
from disputedesk.app.queries.comparison import compare_lines
from disputedesk.app.seed import seed_demo
from tests.reference_pricing import reference_expected

NOW = datetime.fromisoformat("2026-11-20T15:00:00+00:00")


@pytest.fixture(scope="module")
def demo(app):
    # seed-demo's billing data exactly; its disputes only read invoices, so they are skipped
    with patch("disputedesk.app.seed.seed_disputes", return_value=0):
        seed_demo(NOW)
    invoices = list(db.session.scalars(select(Invoice).order_by(Invoice.id)))
    yield (
        invoices,
        list(db.session.scalars(select(Contract))),
        list(db.session.scalars(select(DeliveryRecord))),
    )


def test_every_compared_demo_line_matches_the_decimal_reference(demo):
    invoices, contracts, rows = demo
    compared, flags, given = 0, Counter(), {}
    for invoice in invoices:
        theirs = [c for c in contracts if c.advertiser_id == invoice.advertiser_id]
        for result in compare_lines(invoice, invoice.lines):
            line = next(x for x in invoice.lines if x.id == result.line.line_id)
            want = reference_expected(line, invoice.currency, invoice.period_start,
                                      invoice.period_end, theirs, rows, given)  # fmt: skip
            assert result.expected_amount == want, f"{invoice.number} line {line.line_no}"
            compared += 1
            flags.update(f.code for f in result.flags)
    assert compared == sum(len(i.lines) for i in invoices) > 1_000
    # the demo exercises every rule the page explains
    for code in ("superseded_version", "ambiguous_contract", "prorated_delivery",
                 "capped_amount", "makegood_units", "split_period", "campaign_specific",
                 "currency_mismatch"):  # fmt: skip
        assert flags[code] > 0, code
