"""The reserve for revenue at risk: a rate by reason and age kept as data, the reserve at each
month's end from the close's ledger, its change booked as a balanced journal entry, and a
sealed month's reserve kept as it was sealed."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import ReserveBand, SecurityEvent
from disputedesk.app.services.close import seal_month
from disputedesk.app.services.gl_accounts import map_gl_account
from disputedesk.app.services.reserve_policy import set_reserve_policy
from tests.api.helpers import assert_problem
from tests.api.test_api_posting import PEOPLE
from tests.close_books import at

# "other" cases (the books' reason) fall back to every reason's bands before day 30.
POLICY = [{"reason": "*", "from_days": 0, "rate_bp": 1000},
          {"reason": "*", "from_days": 25, "rate_bp": 5000},
          {"reason": "other", "from_days": 30, "rate_bp": 9000}]  # fmt: skip
EXPENSE, ALLOWANCE = "4990 Reserve expense", "1290 Allowance"


@pytest.fixture
def policy(cast) -> None:  # noqa: ANN001
    set_reserve_policy(POLICY, cast.admin)
    map_gl_account("revenue_at_risk_reserve", EXPENSE, ALLOWANCE, cast.admin)


def test_the_reserve_holds_each_open_case_at_its_reasons_rate_for_its_age(api, cast, books, policy):
    october = api(cast.approver).get("/reserve?month=2026-10").get_json()
    # Open at 31 October: the 4,000.00 USD filed on the 5th, 26 days old: 50 % (*, from 25).
    assert october["currencies"]["USD"] == {"cases": 1, "open": "4000.00", "reserve": "2000.00",
                                            "reporting_reserve": "2000.00"}  # fmt: skip
    assert [(b["label"], b["cases"], b["reserve"]) for b in october["buckets"]] == [
        ("0–24 days", 0, "0.00"), ("25–29 days", 1, "2000.00"), ("30+ days", 0, "0.00"),
    ]  # fmt: skip
    november = api(cast.approver).get("/reserve?month=2026-11").get_json()
    # Open at 30 November: only the 123.45 CAD filed on the 28th: 10 %, rounded half up.
    assert set(november["currencies"]) == {"CAD", "ALL"}
    assert november["currencies"]["CAD"]["reserve"] == "12.35"
    assert november["change"]["USD"] == {
        "previous": "2000.00", "reserve": "0.00", "change": "-2000.00",
        "reporting_change": "-2000.00",
    }  # fmt: skip
    assert november["change"]["CAD"]["change"] == "12.35"


def test_the_reserve_journal_books_the_change_balanced_per_currency(api, cast, books, policy):
    body = api(cast.integration).get("/reserve/journal?month=2026-11").get_json()
    shown = [
        (x["entry"], x["currency"], x["account"], x["debit"], x["credit"]) for x in body["lines"]
    ]
    assert shown == [
        ("RSV-2026-11", "CAD", EXPENSE, "12.35", "0.00"),
        ("RSV-2026-11", "CAD", ALLOWANCE, "0.00", "12.35"),
        ("RSV-2026-11", "USD", ALLOWANCE, "2000.00", "0.00"),  # the reserve came down
        ("RSV-2026-11", "USD", EXPENSE, "0.00", "2000.00"),
    ]
    assert {x["date"] for x in body["lines"]} == {"2026-11-30"}
    for sides in body["totals"].values():
        assert sides["debit"] == sides["credit"]
    reporting = body["reserve"]["change"]["ALL"]["change"]
    net = sum((1 if x["account"] == EXPENSE else -1) * int(x["reporting_debit"].replace(".", ""))
              for x in body["lines"])  # fmt: skip
    assert f"{net / 100:.2f}" == reporting  # the entry's reporting side is the reserve's change


def test_a_sealed_month_keeps_its_reserve_when_the_policy_changes(api, cast, books, policy):
    seal_month("2026-10", cast.approver, now=at("2026-11-02"))
    before = api(cast.approver).get("/reserve?month=2026-10").get_json()
    set_reserve_policy([{"reason": "*", "from_days": 0, "rate_bp": 10_000}], cast.admin)
    after = api(cast.approver).get("/reserve?month=2026-10").get_json()
    assert after["sealed"] and after["currencies"] == before["currencies"]
    assert (
        after["policy"] == before["policy"] != [{"reason": "*", "from_days": 0, "rate_bp": 10000}]
    )
    november = api(cast.approver).get("/reserve?month=2026-11").get_json()
    assert november["change"]["USD"]["previous"] == "2000.00"  # what October booked
    assert november["currencies"]["CAD"]["reserve"] == "123.45"  # the new policy: 100 %


@pytest.mark.parametrize(
    "bands, field",
    [
        (
            [{"reason": "other", "from_days": 0, "rate_bp": 100}],
            "bands",
        ),  # no band for every reason
        ([*POLICY, {"reason": "*", "from_days": 0, "rate_bp": 200}], "bands.3"),
        ([*POLICY[:2], {"reason": "nonsense", "from_days": 3, "rate_bp": 1}], None),
        ([{"reason": "*", "from_days": 0, "rate_bp": 10_001}], None),
        ([{"reason": "*", "from_days": -1, "rate_bp": 1}], None),
        ([], None),
    ],
)
def test_a_bad_policy_is_refused_whole_and_changes_nothing(api, cast, policy, bands, field):
    answer = api(cast.admin).post("/reserve-policy", json={"bands": bands})
    body = assert_problem(answer, answer.status_code)
    assert answer.status_code in (400, 422)
    if field:
        assert field in body.get("errors", {})
    kept = db.session.scalars(select(ReserveBand).order_by(ReserveBand.id)).all()
    assert [(b.reason, b.from_days, b.rate_bp) for b in kept] == [
        (p["reason"], p["from_days"], p["rate_bp"]) for p in POLICY
    ]


def test_a_policy_change_is_logged_with_what_it_replaced(api, cast, policy):
    answer = api(cast.admin).post("/reserve-policy", json={"bands": POLICY[:1]})
    assert answer.get_json()["bands"] == POLICY[:1]
    logged = db.session.scalars(select(SecurityEvent).where(
        SecurityEvent.kind == "reserve_policy_set").order_by(SecurityEvent.id)).all()  # fmt: skip
    assert logged[-1].data["was"] == [["*", 0, 1000], ["*", 25, 5000], ["other", 30, 9000]]
    assert logged[-1].data["now"] == [["*", 0, 1000]]


def test_the_reserve_journal_without_its_accounts_is_refused_by_name(api, cast, books):
    set_reserve_policy(POLICY, cast.admin)
    body = assert_problem(api(cast.approver).get("/reserve/journal?month=2026-11"), 409)
    assert "revenue_at_risk_reserve" in body["detail"]


@pytest.mark.parametrize("who", PEOPLE)
def test_finance_reads_the_reserve_and_only_the_admin_sets_its_policy(api, cast, policy, who):
    user = getattr(cast, who)
    reads = api(user).get("/reserve?month=2026-11").status_code
    policy_read = api(user).get("/reserve-policy").status_code
    journal = api(user).get("/reserve/journal?month=2026-11").status_code
    changed = api(user).post("/reserve-policy", json={"bands": POLICY[:1]}).status_code
    close_readers, journal_readers = ("approver", "admin"), ("approver", "admin", "integration")
    assert (reads, policy_read) == ((200, 200) if who in close_readers else (403, 403))
    assert journal == (200 if who in journal_readers else 403)
    assert changed == (200 if who == "admin" else 403)
    assert db.session.scalar(select(db.func.count(ReserveBand.id))) == (1 if who == "admin" else 3)
