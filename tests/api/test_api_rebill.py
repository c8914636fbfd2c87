"""Credit and rebill: a credited resolution asks the billing system for a corrected invoice
when its memo is issued (a webhook), lists it until the billing system reports the corrected
invoice's number, and keeps that number on the memo and the timeline."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Event, Outbox
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.triggers import fire_trigger
from tests.api.helpers import assert_problem, stored_counts
from tests.api.test_api_posting import CREDIT, PEOPLE


def _rebill_memo(make, cast, *, issue: bool = True) -> CreditMemo:
    case = make.dispute(cast, "investigating", amount=100_000)
    fire_trigger(case.ref, cast.analyst, "resolve", CREDIT | {"rebill": True})
    memo = db.session.scalar(select(CreditMemo).where(CreditMemo.dispute_id == case.id))
    decide(memo.id, cast.lead, "approve", "matches the IO")
    if issue:
        fire_trigger(case.ref, cast.approver, "issue_credit", {})
    db.session.refresh(memo)
    return memo


@pytest.fixture
def memo(make, cast) -> CreditMemo:
    return _rebill_memo(make, cast)


def _kinds(dispute_id: int) -> list[str]:
    rows = select(Outbox.kind).where(Outbox.dispute_id == dispute_id).order_by(Outbox.id)
    return list(db.session.scalars(rows))


def test_issuing_a_rebill_memo_asks_the_billing_system_and_lists_it(api, cast, memo):
    assert memo.rebill and memo.rebill_invoice is None
    assert "credit_memo.rebill_requested" in _kinds(memo.dispute_id)
    asked = db.session.scalar(select(Outbox).where(Outbox.kind == "credit_memo.rebill_requested"))
    assert asked.payload["number"] == memo.number and asked.payload["amount"] == "400.00"
    invoice = asked.payload["invoice"]
    listed = api(cast.integration).get("/rebills/pending").get_json()["items"]
    assert [(m["number"], m["invoice_number"], m["amount"]) for m in listed] == [
        (memo.number, invoice, "400.00")
    ]
    assert (
        api(cast.approver)
        .get(f"/disputes/DSP-{memo.dispute_id:06d}/credit-memo")
        .get_json()["rebill"]
        is True
    )


def test_the_corrected_invoice_is_recorded_once_and_shown(api, cast, memo):
    billing = api(cast.integration)
    answer = billing.post(f"/credit-memos/{memo.id}/rebill", {"invoice_number": "INV-R-1"})
    assert answer.status_code == 201 and answer.get_json()["invoice_number"] == "INV-R-1"
    assert billing.get("/rebills/pending").get_json()["items"] == []
    event = db.session.scalar(select(Event).where(Event.type == "rebilled"))
    assert event.data["corrected_invoice"] == "INV-R-1"
    assert _kinds(memo.dispute_id)[-1] == "credit_memo.rebilled"
    shown = api(cast.approver).get(f"/disputes/DSP-{memo.dispute_id:06d}/credit-memo").get_json()
    assert shown["rebill_invoice"] == "INV-R-1" and shown["rebilled_at"]
    before = stored_counts()
    again = billing.post(f"/credit-memos/{memo.id}/rebill", {"invoice_number": "INV-R-1"})
    assert again.status_code == 200 and stored_counts() == before
    other = billing.post(f"/credit-memos/{memo.id}/rebill", {"invoice_number": "INV-R-2"})
    assert "was rebilled as INV-R-1" in assert_problem(other, 409)["detail"]


def test_a_memo_without_rebill_or_not_issued_is_refused(api, make, cast):
    from tests.api.test_api_posting import issued_memo

    plain = issued_memo(make, cast)
    body = {"invoice_number": "INV-R-9"}
    refused = api(cast.integration).post(f"/credit-memos/{plain.id}/rebill", body)
    assert "did not ask for a corrected invoice" in assert_problem(refused, 409)["detail"]
    waiting = _rebill_memo(make, cast, issue=False)
    assert_problem(api(cast.integration).post(f"/credit-memos/{waiting.id}/rebill", body), 409)
    assert api(cast.integration).get("/rebills/pending").get_json()["items"] == []  # not issued
    assert_problem(api(cast.integration).post("/credit-memos/999999/rebill", body), 404)


def test_the_corrected_invoice_cannot_be_the_original_or_another_advertisers(api, make, cast, memo):
    original = memo.invoice_id
    from disputedesk.app.models import Invoice

    number = db.session.get(Invoice, original).number
    same = api(cast.integration).post(f"/credit-memos/{memo.id}/rebill", {"invoice_number": number})
    assert "number of its own" in assert_problem(same, 422)["errors"]["invoice_number"]
    theirs = make.invoice(cast.other_advertiser, amounts=(1_000,))
    answer = api(cast.integration).post(
        f"/credit-memos/{memo.id}/rebill", {"invoice_number": theirs.number}
    )
    assert "another advertiser" in assert_problem(answer, 422)["errors"]["invoice_number"]
    db.session.refresh(memo)
    assert memo.rebill_invoice is None


@pytest.mark.parametrize(
    "resolve",
    [
        {"outcome": "no_credit", "root_cause": "no_error_found", "note": "fine", "rebill": True},
        CREDIT | {"rebill": "yes"},
    ],
    ids=["without a credit", "not a yes or no"],
)
def test_a_rebill_without_a_credit_is_refused_and_changes_nothing(api, make, cast, resolve):
    case = make.dispute(cast, "investigating", amount=100_000)
    before = stored_counts()
    answer = api(cast.analyst).post(
        f"/disputes/{case.ref}/events", {"trigger": "resolve", **resolve}
    )
    assert answer.status_code in (400, 422)
    assert stored_counts() == before


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_billing_system_lists_and_reports_rebills(api, cast, memo, who):
    before = stored_counts()
    listed = api(getattr(cast, who)).get("/rebills/pending")
    reported = api(getattr(cast, who)).post(
        f"/credit-memos/{memo.id}/rebill", {"invoice_number": "X-1"}
    )
    if who == "integration":
        assert (listed.status_code, reported.status_code) == (200, 201)
    else:
        assert_problem(listed, 403)
        assert_problem(reported, 403)
        assert stored_counts() == before
