"""Month-end close: the roll-forward reconciles to the cent, cut in Chicago, sealed for good."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import Dispute
from app.queries.close import ALL, closing_from_facts, roll_forward
from app.queries.memos import current_memo
from app.services.approvals import decide
from app.services.assignment import assign
from app.services.close import seal_month, verify_seal
from app.services.facts import stored_facts
from app.services.facts_rebuild import recompute
from app.services.filing import Filing, file_dispute
from app.services.reversals import reverse_memo
from app.services.triggers import fire_trigger
from workflows.dispute import OPEN_STATES
from workflows.errors import Conflict
from workflows.money import format_amount, to_reporting

CHICAGO = ZoneInfo("America/Chicago")
CREDIT = {"outcome": "credit_partial", "root_cause": "rate_card_error", "note": "late IO",
          "gl_reason": "rate_correction"}  # fmt: skip
UPHELD = {"outcome": "no_credit", "root_cause": "no_error_found", "note": "as contracted"}


def at(day: str, hour: int = 10) -> datetime:
    """An instant on a Chicago day (the books' zone)."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=CHICAGO).astimezone(UTC)


def _file(make, cast, when: datetime, amount: int, currency: str = "USD") -> Dispute:  # noqa: ANN001
    invoice = make.invoice(cast.advertiser, amounts=(900_000, 300_000), currency=currency)
    dispute = file_dispute(cast.integration, Filing(invoice.number, "other", "overbilled",
                           format_amount(amount), currency), now=when)  # fmt: skip
    assign(dispute.ref, cast.lead, cast.analyst.email, now=when)
    fire_trigger(dispute.ref, cast.lead, "start", {}, now=when)
    return dispute


def _credit(cast, dispute: Dispute, credit: str, resolved: datetime, issued: datetime) -> None:  # noqa: ANN001
    fire_trigger(dispute.ref, cast.analyst, "resolve", {**CREDIT, "credit_amount": credit},
                 now=resolved)  # fmt: skip
    decide(current_memo(dispute).id, cast.approver, "approve", "ok", now=issued)
    fire_trigger(dispute.ref, cast.approver, "issue_credit", {}, now=issued)


@pytest.fixture
def cast(make):  # noqa: ANN001,ANN201
    return make.cast()


@pytest.fixture
def books(make, cast):  # noqa: ANN001,ANN201
    """October and November 2026 of activity in USD and CAD (all amounts in cents)."""
    carried = _file(make, cast, at("2026-10-05"), 400_000)  # open at the end of October
    upheld_in_oct = _file(make, cast, at("2026-10-06"), 150_000)
    fire_trigger(upheld_in_oct.ref, cast.lead, "resolve", UPHELD, now=at("2026-10-20"))
    credited = _file(make, cast, at("2026-11-02"), 300_033)
    _credit(cast, credited, "1000.11", at("2026-11-10"), at("2026-11-12"))
    # Issued on the evening of 30 November in Chicago: 1 December in UTC, November in the books.
    late = _file(make, cast, at("2026-11-03"), 250_000, "CAD")
    _credit(cast, late, "333.33", at("2026-11-25"), at("2026-11-30", 21))
    withdrawn = _file(make, cast, at("2026-11-04"), 77_777, "CAD")
    fire_trigger(withdrawn.ref, cast.lead, "withdraw", {"note": "paid"}, now=at("2026-11-05"))
    _credit(cast, carried, "1.00", at("2026-11-20"), at("2026-11-21"))
    _file(make, cast, at("2026-11-28"), 12_345, "CAD")  # still open
    db.session.expire_all()
    return {"upheld_in_oct": upheld_in_oct, "credited": credited, "late": late}


def test_the_roll_forward_reconciles_to_the_cent_per_currency_and_in_usd(books):
    report = roll_forward("2026-11")["currencies"]
    assert report["USD"] == {
        "opening": 400_000, "filed": 300_033, "credited": 100_011 + 100,
        "upheld": (300_033 - 100_011) + (400_000 - 100), "withdrawn": 0, "reversals": 0,
        "adjustments": 0, "closing": 0,
    }  # fmt: skip
    assert report["CAD"] == {
        "opening": 0, "filed": 250_000 + 77_777 + 12_345, "credited": 33_333,
        "upheld": 250_000 - 33_333, "withdrawn": 77_777, "reversals": 0, "adjustments": 0,
        "closing": 12_345,
    }  # fmt: skip
    assert report[ALL]["closing"] == to_reporting(12_345, "CAD")
    for currency, line in report.items():
        moved = line["filed"] - line["credited"] - line["upheld"] - line["withdrawn"]
        assert line["opening"] + moved + line["reversals"] + line["adjustments"] == line["closing"]
        assert closing_from_facts("2026-11")[currency] == line["closing"], currency


def test_the_closing_amount_is_what_the_open_cases_add_up_to(books):
    disputes = db.session.scalars(db.select(Dispute)).all()
    pending = [d for d in disputes if d.state == "resolved" and d.outcome == "credit_partial"]
    unsettled = [d for d in disputes if d.state in OPEN_STATES] + pending
    closing = roll_forward("2026-11")["currencies"]
    by_currency = {
        c: sum(d.disputed_amount for d in unsettled if d.currency == c) for c in ("USD", "CAD")
    }
    assert {c: closing[c]["closing"] for c in by_currency} == by_currency


def test_one_months_closing_is_the_next_months_opening(books):
    for month, following in (
        ("2026-09", "2026-10"),
        ("2026-10", "2026-11"),
        ("2026-11", "2026-12"),
    ):
        closing = {c: v["closing"] for c, v in roll_forward(month)["currencies"].items()}
        opening = {c: v["opening"] for c, v in roll_forward(following)["currencies"].items()}
        assert opening == {c: closing.get(c, 0) for c in opening}


def test_a_reversal_reopens_the_case_in_its_own_month_and_leaves_the_credit_where_it_was(
    books, cast
):
    november = roll_forward("2026-11")
    memo = current_memo(books["credited"])
    reverse_memo(memo.id, cast.approver, "credited twice", now=at("2026-12-03"))
    db.session.expire_all()
    assert roll_forward("2026-11") == november  # the credit stays in November
    december = roll_forward("2026-12")["currencies"]["USD"]
    assert december["reversals"] == 300_033  # the whole disputed amount is open again
    assert (
        december["closing"] == december["opening"] + 300_033 == closing_from_facts("2026-12")["USD"]
    )
    assert stored_facts() == recompute()


def test_a_memo_issued_on_the_evening_of_30_november_in_chicago_closes_november(books):
    assert roll_forward("2026-11")["currencies"]["CAD"]["credited"] == 33_333
    assert roll_forward("2026-12")["currencies"]["CAD"]["credited"] == 0


def test_a_sealed_month_never_changes_and_a_late_change_adjusts_the_next_month(books, cast):
    seal = seal_month("2026-10", cast.approver, now=at("2026-11-01", 9))
    sealed = roll_forward("2026-10")
    # In November the case upheld in October is reopened: October's numbers moved underneath.
    fire_trigger(books["upheld_in_oct"].ref, cast.lead, "reopen", {"reason": "new IO"},
                 now=at("2026-11-15"))  # fmt: skip
    db.session.expire_all()
    assert roll_forward("2026-10") == sealed and verify_seal(seal)
    november = roll_forward("2026-11")["currencies"]["USD"]
    assert november["opening"] == sealed["currencies"]["USD"]["closing"] == 400_000
    assert november["adjustments"] == 150_000
    assert november["closing"] == closing_from_facts("2026-11")["USD"] == 150_000


@pytest.mark.parametrize(
    ("month", "now", "why"),
    [("2026-11", at("2026-11-30", 23), "has not ended"), ("2026-10", at("2026-12-01"), "already")],
)
def test_a_month_is_sealed_once_and_only_after_it_ends(books, cast, month, now, why):
    seal_month("2026-10", cast.approver, now=at("2026-11-02"))
    with pytest.raises(Conflict, match=why):
        seal_month(month, cast.approver, now=now)


def test_the_seal_holds_the_credits_export_and_the_audit_chain_heads(books, cast):
    seal = seal_month("2026-11", cast.approver, now=at("2026-12-01", 9))
    assert len(seal.content["credits"]) == 3  # credited, late (30 Nov evening) and carried
    assert seal.content["audit_chain"]["disputes"] == db.session.query(Dispute).count()
    assert len(seal.digest) == 64 and verify_seal(seal)
    seal.content = {**seal.content, "credits": []}
    assert not verify_seal(seal)
