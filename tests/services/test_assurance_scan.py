"""The assurance scan finds billing errors as invoices and feeds arrive, and keeps them true."""

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingException, Event, ExceptionEvent, Invoice
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.assurance_scan import scan_everything
from disputedesk.app.services.exceptions import (
    assign_exceptions,
    claim_exception,
    dispute_exception,
    resolve_billed_correctly,
)
from disputedesk.app.services.feeds import import_contracts, import_delivery
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.workflows.errors import Conflict, InvalidInput, NotFound, NotPermitted
from tests.assurance_support import contract, delivery, push, with_terms


@pytest.fixture
def cast(make):
    return with_terms(make.cast())


def _exceptions():
    return list(db.session.scalars(select(BillingException).order_by(BillingException.id)))


def _trail(e):
    return [x.type for x in db.session.scalars(
        select(ExceptionEvent).where(ExceptionEvent.exception_id == e.id)
        .order_by(ExceptionEvent.seq))]  # fmt: skip


def test_a_pushed_invoice_billing_more_than_was_delivered_is_an_exception_at_once(cast):
    invoice = push(cast)
    [found] = _exceptions()
    assert found.invoice_id == invoice.id and found.line.line_no == 2  # line 1 is right
    assert (found.kind, found.billed, found.expected, found.variance) == (
        "overbilled", 400_000, 320_000, 80_000)  # fmt: skip
    assert found.contract_label == "IO-9 v1" and found.status == "open"
    assert found.comparison["expected_amount"] == "3200.00"
    assert _trail(found) == ["found"] and invoice.scanned_at is not None


def test_a_restated_delivery_clears_the_exception_and_a_later_one_raises_it_again(cast):
    push(cast)
    import_delivery(cast.integration, [delivery("D-2", "CMP-B", 1_000_000)])
    [found] = _exceptions()
    assert found.status == "cleared" and _trail(found) == ["found", "cleared"]
    import_delivery(cast.integration, [delivery("D-2", "CMP-B", 900_000)])
    db.session.refresh(found)
    assert (found.status, found.expected, found.variance) == ("open", 360_000, 40_000)
    assert _trail(found) == ["found", "cleared", "found_again"]


def test_an_amended_contract_rescans_the_invoices_it_covers(cast):
    push(cast)
    import_contracts(cast.integration, [contract(cast, "3.00", version=2)])
    rows = _exceptions()
    assert [(e.line.line_no, e.expected, e.contract_label) for e in rows] == [
        (2, 240_000, "IO-9 v2"), (1, 300_000, "IO-9 v2")]  # fmt: skip
    assert _trail(rows[0]) == ["found", "rescanned"]


def test_an_invoice_in_another_currency_than_its_contract_is_an_exception_not_a_price(cast):
    push(cast, currency="CAD")
    rows = _exceptions()
    assert [(e.kind, e.expected) for e in rows] == [("currency_mismatch", None)] * 2
    assert "IO-9 v1 is priced in USD, the invoice bills CAD." in rows[0].why


def test_a_dispute_filed_on_the_line_closes_the_exception_into_it_and_both_know(cast):
    invoice = push(cast)
    dispute = file_dispute(cast.integration, Filing(invoice.number, "delivery_shortfall",
                           "short", "800.00", "USD", lines=((2, "800.00"),)))  # fmt: skip
    [found] = _exceptions()
    assert (found.dispute_id, found.status, found.resolution) == (dispute.id, "resolved",
                                                                  "disputed")  # fmt: skip
    linked = db.session.scalar(select(Event).where(Event.dispute_id == dispute.id,
                                                   Event.type == "exceptions_linked"))  # fmt: skip
    assert linked.data["exceptions"] == [found.ref]


def test_an_analyst_turns_an_exception_into_a_dispute_on_its_line(cast):
    push(cast)
    [found] = _exceptions()
    dispute = dispute_exception(cast.analyst, found.ref)
    assert dispute.intake_channel == "assurance" and dispute.disputed_amount == 80_000
    assert [line.invoice_line_id for line in dispute.lines] == [found.invoice_line_id]
    db.session.refresh(found)
    assert found.resolution == "disputed" and found.dispute_id == dispute.id
    with pytest.raises(Conflict):
        dispute_exception(cast.analyst, found.ref)


def test_billed_correctly_needs_a_note_and_changes_nothing_without_one(cast):
    push(cast)
    [found] = _exceptions()
    with pytest.raises(InvalidInput):
        resolve_billed_correctly(cast.analyst, found.ref, "  ")
    db.session.refresh(found)
    assert found.status == "open" and _trail(found) == ["found"]
    resolve_billed_correctly(cast.analyst, found.ref, "make-good agreed by phone", found.version)
    assert (found.status, found.resolution) == ("resolved", "billed_correctly")
    assert found.resolution_note == "make-good agreed by phone"


def test_claim_assign_and_who_may_work_an_exception(cast):
    push(cast)
    [found] = _exceptions()
    claim_exception(cast.analyst, found.ref)
    with pytest.raises(Conflict):
        claim_exception(cast.analyst2, found.ref)
    with pytest.raises(NotPermitted):
        assign_exceptions(cast.analyst, [found.ref], cast.analyst2.id)
    assign_exceptions(cast.lead, [found.ref], cast.analyst2.id)
    assert found.assignee_id == cast.analyst2.id
    assert _trail(found) == ["found", "claimed", "assigned"]
    for outsider in (cast.other_analyst, cast.other_lead):
        with pytest.raises(NotFound):
            claim_exception(outsider, found.ref)
    for role in (cast.viewer, cast.approver, cast.admin, cast.integration):
        with pytest.raises(NotPermitted):
            claim_exception(role, found.ref)


def test_the_backfill_scans_what_is_there_and_twice_finds_nothing_new(cast, make, app):
    make.invoice(cast.advertiser)  # written directly, never pushed: not scanned yet
    runner = app.test_cli_runner()
    first = runner.invoke(args=["assurance", "scan", "--quiet"])
    assert first.exit_code == 0 and "scanned 1 invoices (2 lines)" in first.output
    again = runner.invoke(args=["assurance", "scan", "--quiet"])
    assert "0 exceptions found, 0 updated, 0 cleared" in again.output
    assert db.session.scalar(select(func.count()).select_from(Invoice)
                             .where(Invoice.scanned_at.is_(None))) == 0  # fmt: skip


@pytest.mark.parametrize("batch", [1, 2, 50])
def test_the_backfill_walks_periods_whole_and_agrees_with_the_scans_at_push(cast, batch):
    """Invoices of one period draw on the same caps: however the batches fall, the backfill
    compares each invoice once per batch it is in and finds what the pushes found."""
    import_delivery(cast.integration, [delivery("D-1", "CMP-A", 500_000)])  # restated: CMP-A
    for number in ("INV-P1", "INV-P2", "INV-P3"):
        push(cast, number)
    found = [(e.invoice_line_id, e.kind, e.expected, e.status) for e in _exceptions()]
    assert len(found) == 6  # both lines of each invoice are over-billed now
    result = scan_everything(utcnow(), batch=batch)
    assert (result.invoices, result.lines) == (3, 6)
    assert (result.found, result.updated, result.cleared) == (0, 0, 0)
    assert [(e.invoice_line_id, e.kind, e.expected, e.status) for e in _exceptions()] == found
