"""`audit verify` holds the money columns to what the trail recorded when they were written:
an edit to a disputed amount, a memo's amount, a line credit or a reversal is named."""

import pytest
from sqlalchemy import update

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditLine, CreditMemo, Dispute, Reversal
from disputedesk.app.services.reversals import reverse_memo
from disputedesk.app.services.triggers import fire_trigger
from tests.api.test_api_line_credits import priced
from tests.api.test_api_posting import issued_memo
from tests.services.test_audit_chain import findings, findings_detail


@pytest.fixture
def books(make):
    cast = make.cast()
    memo = issued_memo(make, cast)
    reversed_memo = issued_memo(make, cast)
    reversal = reverse_memo(reversed_memo.id, cast.approver, "credited twice")
    db.session.commit()
    return memo, reversal


def tamper(statement) -> None:  # noqa: ANN001
    db.session.execute(statement)
    db.session.commit()


def test_untouched_books_verify(books):
    assert findings() == []


def test_a_memo_amount_multiplied_by_ten_is_named(books):
    memo, _ = books
    tamper(update(CreditMemo).where(CreditMemo.id == memo.id)
           .values(amount=CreditMemo.amount * 10))  # fmt: skip
    [(kind, dispute_id, seq)] = findings()
    assert (kind, dispute_id) == ("money", memo.dispute_id)
    assert seq is not None  # it names the event that recorded the amount


def test_a_changed_disputed_amount_is_named(books):
    memo, _ = books
    tamper(update(Dispute).where(Dispute.id == memo.dispute_id).values(disputed_amount=1))
    assert [f[:2] for f in findings()] == [("money", memo.dispute_id)]


@pytest.mark.parametrize(
    ("change", "said"),
    [({"fx_rate": 1}, "FX rate is 0.000001; filed at 1.00"),
     ({"reporting_amount": 1}, "USD amount is 0.01")],
)  # fmt: skip
def test_a_changed_fx_rate_or_usd_amount_is_named(books, change, said):
    memo, _ = books
    tamper(update(Dispute).where(Dispute.id == memo.dispute_id).values(**change))
    [(kind, dispute_id, _seq)] = findings()
    assert (kind, dispute_id) == ("money", memo.dispute_id)
    assert said in findings_detail()


def test_a_changed_line_credit_is_named(make):
    cast = make.cast()
    case = make.dispute(cast, "investigating", assignee=cast.analyst, amount=50_000,
                        reason="rate_mismatch")  # fmt: skip
    make.required_evidence(case, cast.analyst)
    priced(case.invoice, contract_rate=60)  # billed above the contract: credited per line
    fire_trigger(case.ref, cast.analyst, "resolve", {
        "outcome": "credit_partial", "root_cause": "rate_card_error", "note": "IO rate",
        "gl_reason": "rate_correction", "line_credits": [{"line_no": 1, "amount": "150.00"}],
    })  # fmt: skip
    db.session.commit()
    assert findings() == []
    tamper(update(CreditLine).values(amount=CreditLine.amount + 1))
    assert [f[:2] for f in findings()] == [("money", case.id)]


def test_a_changed_reversal_is_named(books):
    _, reversal = books
    tamper(update(Reversal).where(Reversal.id == reversal.id).values(amount=5))
    assert [f[0] for f in findings()] == ["money"]
