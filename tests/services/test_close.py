"""Month-end close: the roll-forward reconciles to the cent, cut in Chicago, sealed for good."""

import pytest
from sqlalchemy import delete, func, select, update

from disputedesk.app.extensions import db
from disputedesk.app.models import CloseMovement, Dispute, DisputeFactState
from disputedesk.app.queries.close import ALL, closing_from_facts, roll_forward
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.services.close import seal_month, verify_seal
from disputedesk.app.services.facts import stored_facts
from disputedesk.app.services.facts_rebuild import rebuild, recompute
from disputedesk.app.services.reversals import reverse_memo
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.errors import Conflict
from disputedesk.workflows.money import to_reporting
from tests.close_books import UPHELD, _file, at
from tests.ledger_reference import assert_close_matches_the_trail


@pytest.fixture
def cast(make):  # noqa: ANN001,ANN201
    return make.cast()


def test_the_roll_forward_reconciles_to_the_cent_per_currency_and_in_usd(books):
    report = roll_forward("2026-11")["currencies"]
    assert report["USD"] == {
        "opening": 400_000, "filed": 300_033, "credited": 100_011 + 100,
        "upheld": (300_033 - 100_011) + (400_000 - 100), "withdrawn": 0, "reopened": 0,
        "reversals": 0, "adjustments": 0, "closing": 0,
    }  # fmt: skip
    assert report["CAD"] == {
        "opening": 0, "filed": 250_000 + 77_777 + 12_345, "credited": 33_333,
        "upheld": 250_000 - 33_333, "withdrawn": 77_777, "reopened": 0, "reversals": 0,
        "adjustments": 0, "closing": 12_345,
    }  # fmt: skip
    assert report[ALL]["closing"] == to_reporting(12_345, "CAD")
    for currency, line in report.items():
        moved = line["filed"] - line["credited"] - line["upheld"] - line["withdrawn"]
        back = line["reopened"] + line["reversals"] + line["adjustments"]
        assert line["opening"] + moved + back == line["closing"]
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


def test_reopening_after_the_seal_posts_into_the_open_month_and_leaves_the_seal_alone(books, cast):
    seal = seal_month("2026-10", cast.approver, now=at("2026-11-01", 9))
    sealed = roll_forward("2026-10")
    # In November the case upheld in October is reopened: a November movement, not an edit.
    fire_trigger(books["upheld_in_oct"].ref, cast.lead, "reopen", {"reason": "new IO"},
                 now=at("2026-11-15"))  # fmt: skip
    db.session.expire_all()
    assert roll_forward("2026-10") == sealed and verify_seal(seal)
    november = roll_forward("2026-11")["currencies"]["USD"]
    assert november["opening"] == sealed["currencies"]["USD"]["closing"] == 400_000
    assert (november["reopened"], november["adjustments"]) == (150_000, 0)
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
    seal_month("2026-10", cast.approver, now=at("2026-12-01", 9))
    seal = seal_month("2026-11", cast.approver, now=at("2026-12-01", 9))
    assert len(seal.content["credits"]) == 3  # credited, late (30 Nov evening) and carried
    assert seal.content["audit_chain"]["disputes"] == db.session.query(Dispute).count()
    assert len(seal.digest) == 64 and verify_seal(seal)
    seal.content = {**seal.content, "credits": []}
    assert not verify_seal(seal)


def test_reopening_in_december_a_case_upheld_in_november_leaves_november_as_it_was(books, cast):
    upheld = _file(books["make"], cast, at("2026-11-06"), 50_000)
    fire_trigger(upheld.ref, cast.lead, "resolve", UPHELD, now=at("2026-11-16"))
    november = roll_forward("2026-11")  # not sealed
    fire_trigger(upheld.ref, cast.lead, "reopen", {"reason": "new IO"}, now=at("2026-12-02"))
    db.session.expire_all()
    assert roll_forward("2026-11") == november
    december = roll_forward("2026-12")["currencies"]["USD"]
    assert december["reopened"] == 50_000 and december["opening"] == 0
    assert december["closing"] == closing_from_facts("2026-12")["USD"] == 50_000


def test_months_seal_in_order(books, cast):
    with pytest.raises(Conflict, match="seal 2026-10 first"):
        seal_month("2026-11", cast.approver, now=at("2026-12-01", 9))
    seal_month("2026-09", cast.approver, now=at("2026-12-01", 9))  # before the books began
    seal_month("2026-10", cast.approver, now=at("2026-12-01", 9))
    assert seal_month("2026-11", cast.approver, now=at("2026-12-01", 9)).month == "2026-11"


def test_a_change_dated_inside_a_sealed_month_is_a_reasoned_adjustment_of_the_open_month(
    books, cast
):
    sealed = roll_forward("2026-10")
    seal_month("2026-10", cast.approver, now=at("2026-11-01", 9))
    late = _file(books["make"], cast, at("2026-10-30"), 8_000)  # the feed carried October's time
    db.session.expire_all()
    assert roll_forward("2026-10")["currencies"] == sealed["currencies"]
    november = roll_forward("2026-11")["currencies"]["USD"]
    assert (november["filed"], november["adjustments"]) == (300_033, 8_000)
    moved = db.session.scalars(select(CloseMovement).where(CloseMovement.dispute_id == late.id))
    (adjusted,) = moved
    assert adjusted.kind == "adjusted" and "filed of 2026-10-30 after 2026-10 was sealed" in (
        adjusted.reason
    )


def test_the_close_agrees_with_a_roll_forward_read_from_the_audit_trail(books, cast):
    reverse_memo(current_memo(books["credited"]).id, cast.approver, "twice", now=at("2026-12-03"))
    fire_trigger(books["upheld_in_oct"].ref, cast.lead, "reopen", {"reason": "IO"},
                 now=at("2026-12-04"))  # fmt: skip
    db.session.expire_all()
    assert_close_matches_the_trail(("2026-10", "2026-11", "2026-12"))


def test_backfill_posts_cases_from_before_the_ledger_and_a_facts_rebuild_keeps_what_was_posted(
    books, cast, app
):
    months = [roll_forward(m) for m in ("2026-10", "2026-11")]
    db.session.execute(delete(CloseMovement))
    db.session.execute(update(DisputeFactState).values(ledger=None))
    db.session.commit()
    assert roll_forward("2026-11")["currencies"] == {}
    result = app.test_cli_runner().invoke(args=["close", "backfill"])
    assert result.exit_code == 0 and "posted 6 cases" in result.output
    assert [roll_forward(m) for m in ("2026-10", "2026-11")] == months
    rebuild()
    count = db.session.scalar(select(func.count()).select_from(CloseMovement))
    fire_trigger(books["upheld_in_oct"].ref, cast.lead, "reopen", {"reason": "IO"},
                 now=at("2026-11-15"))  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(CloseMovement)) == count + 1
