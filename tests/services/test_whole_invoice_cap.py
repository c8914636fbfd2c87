"""A whole-invoice dispute is capped at filing by what the invoice has left after the credits
its lines already carry, as a line dispute is by its line's."""

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.workflows.errors import InvalidInput
from tests.close_books import _credit, _file, at


def test_a_whole_invoice_dispute_cannot_ask_more_than_is_left_after_credits(make):
    cast = make.cast()
    first = _file(make, cast, at("2026-11-02"), 1_100_000)  # invoice 9,000.00 + 3,000.00
    _credit(cast, first, "10599.99", resolved=at("2026-11-03"), issued=at("2026-11-04"))
    invoice = first.invoice.number  # 12,000.00 billed, 10,599.99 credited: 1,400.01 left
    before = db.session.scalar(select(func.count()).select_from(Dispute))
    with pytest.raises(InvalidInput) as refused:
        file_dispute(cast.integration, Filing(invoice, "other", "the rest", "1950.00", "USD"))
    message = refused.value.errors["disputed_amount"]
    assert "USD 10599.99 credited" in message and message.endswith("USD 1400.01")
    assert db.session.scalar(select(func.count()).select_from(Dispute)) == before
    case = file_dispute(cast.integration, Filing(invoice, "other", "the rest", "1400.01", "USD"))
    assert case.disputed_amount == 140_001
