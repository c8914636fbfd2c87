"""Collections: an open dispute holds its amount of the invoice from dunning, its settlement
releases it; the feed says what is held and left to collect, and webhooks say when."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Outbox
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.triggers import fire_trigger
from tests.api.helpers import assert_problem
from tests.api.test_api_posting import PEOPLE
from tests.close_books import UPHELD


@pytest.fixture
def held(make, cast):
    """Invoice of 9,000.00 + 3,000.00 with an open dispute of 1,500.00 on it."""
    invoice = make.invoice(cast.advertiser, amounts=(900_000, 300_000))
    filing = Filing(invoice.number, "other", "overbilled", "1500.00", "USD")
    case = file_dispute(cast.integration, filing)
    return invoice, case


def _events(name):
    return [o.payload for o in db.session.scalars(
        select(Outbox).where(Outbox.kind == name).order_by(Outbox.id))]  # fmt: skip


def test_the_feed_holds_the_disputed_amount_until_the_case_is_settled(api, cast, held):
    invoice, case = held
    erp = api(cast.integration)
    [item] = erp.get("/open-items").get_json()["items"]
    shown = [item[k] for k in ("invoice_number", "billed", "held", "to_collect", "open_disputes")]
    assert shown == [invoice.number, "12000.00", "1500.00", "10500.00", 1]
    assert [(e["invoice"], e["amount"]) for e in _events("collections.hold")] == [
        (invoice.number, "1500.00")
    ]  # fmt: skip

    assign(case.ref, cast.lead, cast.analyst.email)
    fire_trigger(case.ref, cast.lead, "start", {})
    fire_trigger(case.ref, cast.analyst, "resolve", UPHELD)

    assert erp.get("/open-items").get_json()["items"] == []
    released = _events("collections.released")
    assert [(e["invoice"], e["amount"], e["outcome"]) for e in released] == [
        (invoice.number, "1500.00", "no_credit")
    ]  # fmt: skip


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_integration_user_reads_the_feed(api, cast, held, who):
    answer = api(getattr(cast, who)).get("/open-items")
    if who == "integration":
        assert answer.status_code == 200
    else:
        assert_problem(answer, 403)
