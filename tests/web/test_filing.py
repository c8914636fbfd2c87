"""Filing a dispute on behalf of an advertiser: advertiser, then invoice, then lines."""

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute
from disputedesk.workflows.money import format_amount
from tests.factories import Cast, Factory
from tests.web.helpers import HX, Web, text


def disputes_stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Dispute))


@pytest.fixture
def invoice(make: Factory, cast: Cast):  # two lines: 5,000.00 and 3,000.00
    return make.invoice(cast.advertiser)


def filing(invoice, **changes: object) -> dict[str, object]:
    return {
        "advertiser": str(invoice.advertiser_id),
        "invoice_number": invoice.number,
        "disputed_amount": "1,250.00",
        "reason_code": "rate_mismatch",
        "intake_channel": "email",
        "description": "Billed at the rate card, not the IO rate.",
        **changes,
    }


def test_the_form_offers_every_advertiser(web: Web, cast):
    body = text(web(cast.analyst).get("/disputes/new"))
    assert cast.advertiser.name in body and cast.other_advertiser.name in body


def test_choosing_an_advertiser_offers_its_invoices_only(web: Web, make, cast, invoice):
    elsewhere = make.invoice(cast.other_advertiser)
    answer = web(cast.analyst).get(
        f"/disputes/new/invoices?advertiser={cast.advertiser.id}", headers=HX
    )
    assert invoice.number in text(answer) and elsewhere.number not in text(answer)


def test_choosing_an_invoice_lists_its_lines(web: Web, cast, invoice):
    answer = web(cast.analyst).get(
        f"/disputes/new/lines?invoice_number={invoice.number}", headers=HX
    )
    assert 'name="amount_1"' in text(answer) and 'name="amount_2"' in text(answer)
    assert "USD 8,000.00" in text(answer)  # ticking none disputes the whole invoice


def test_missing_fields_are_named_inline_and_nothing_is_saved(web: Web, cast):
    answer = web(cast.analyst).post("/disputes/new", data={"description": "  "})
    body = text(answer)
    assert answer.status_code == 422
    assert "Please fix the highlighted fields. Nothing was saved." in body
    for field, message in {
        "invoice_number": "Choose an invoice",
        "reason_code": "Choose a reason",
        "disputed_amount": "Enter the amount in dispute",
        "description": "Describe what the advertiser disputes",
    }.items():
        assert f'<span class="field-error" id="{field}-error">{message}</span>' in body
    assert 'name="description" rows="4" aria-invalid="true"' in body  # highlighted
    assert disputes_stored() == 0


def test_a_refused_filing_keeps_what_was_typed(web: Web, cast, invoice):
    answer = web(cast.analyst).post(
        "/disputes/new", data=filing(invoice, disputed_amount="9000.00")
    )
    body = text(answer)
    assert answer.status_code == 422
    assert f"Cannot exceed the invoice total, USD {format_amount(invoice.total)}" in body
    assert "Billed at the rate card, not the IO rate." in body
    assert f'<option value="{invoice.number}" selected>' in body
    assert '<option value="rate_mismatch" selected>' in body
    assert disputes_stored() == 0


def test_a_line_amount_above_what_was_billed_is_refused(web: Web, cast, invoice):
    data = filing(invoice, lines=["2"], amount_2="3500.00", disputed_amount="3500.00")
    answer = web(cast.analyst).post("/disputes/new", data=data)
    assert answer.status_code == 422
    assert "Line 2: cannot exceed its billed 3000.00" in text(answer)
    assert 'value="2" checked' in text(answer)
    assert disputes_stored() == 0


def test_a_duplicate_open_dispute_is_named_with_a_link(web: Web, make, cast):
    existing = make.dispute(cast, "investigating", assignee=cast.analyst)
    answer = web(cast.analyst).post("/disputes/new", data=filing(existing.invoice))
    assert answer.status_code == 409
    body = text(answer)
    assert f"{existing.ref} is already open on invoice {existing.invoice.number}" in body
    assert f'<a href="/disputes/{existing.ref}">Open {existing.ref}</a>' in body
    assert disputes_stored() == 1


def test_a_valid_filing_lands_on_the_new_case(web: Web, cast, invoice):
    client = web(cast.lead)
    answer = client.post("/disputes/new", data=filing(invoice, lines=["1"], amount_1="1250.00"))

    assert answer.status_code == 302
    dispute = db.session.scalars(select(Dispute)).one()
    assert answer.headers["Location"] == f"/disputes/{dispute.ref}"
    assert (dispute.disputed_amount, dispute.intake_channel, dispute.filed_by_id) == (
        125_000,
        "email",
        cast.lead.id,
    )
    assert [(line.invoice_line.line_no, line.amount) for line in dispute.lines] == [(1, 125_000)]
    page = text(client.get(answer.headers["Location"]))
    assert f"Filed {dispute.ref}." in page and "USD 1,250.00" in page
