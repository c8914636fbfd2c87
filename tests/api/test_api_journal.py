"""The GL journal: balanced lines per memo and reversal, on the accounts kept as data, and
reconciled to the close's credited line to the cent; the mapping is the admin's."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import GlAccount, SecurityEvent
from disputedesk.app.queries.close import roll_forward
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.services.reversals import reverse_memo
from tests.api.helpers import assert_problem
from tests.api.test_api_posting import PEOPLE
from tests.close_books import at

RECEIVABLES = "1200 Accounts receivable"  # what the `chart` fixture maps every reason to


def _sum(lines, side, currency):
    return sum(int(line[side].replace(".", "")) for line in lines if line["currency"] == currency)


def test_the_months_journal_balances_and_agrees_with_the_close_to_the_cent(api, cast, books, chart):
    body = api(cast.integration).get("/journal?month=2026-11").get_json()
    lines = body["lines"]
    assert len(lines) == 2 * 3  # three memos issued in November, two lines each
    for currency in ("USD", "CAD"):
        debits, credits = _sum(lines, "debit", currency), _sum(lines, "credit", currency)
        assert debits == credits == roll_forward("2026-11")["currencies"][currency]["credited"]
    assert {c: r["difference"] for c, r in body["reconciliation"].items()} == {
        "USD": "0.00", "CAD": "0.00", "ALL": "0.00"
    }  # fmt: skip
    assert body["totals"]["ALL"]["debit"] == body["totals"]["ALL"]["credit"]
    late = [line for line in lines if line["currency"] == "CAD"]
    assert [(line["account"], line["debit"], line["credit"]) for line in late] == [
        ("4910 rate_correction", "333.33", "0.00"), (RECEIVABLES, "0.00", "333.33"),
    ]  # fmt: skip
    assert {line["date"] for line in late} == {"2026-11-30"}  # the evening of the 30th, Chicago


def test_a_reversal_posts_the_opposite_in_its_own_month_and_leaves_the_past_month(
    api,
    cast,
    books,
    chart,
):
    november = api(cast.approver).get("/journal?month=2026-11").get_json()
    memo = current_memo(books["credited"])
    reverse_memo(memo.id, cast.approver, "credited twice", now=at("2026-12-03"))
    assert api(cast.approver).get("/journal?month=2026-11").get_json() == november
    december = api(cast.approver).get("/journal?month=2026-12").get_json()
    shown = [(x["account"], x["debit"], x["credit"], x["memo"]) for x in december["lines"]]
    assert shown == [
        (RECEIVABLES, "1000.11", "0.00", memo.number),
        ("4910 rate_correction", "0.00", "1000.11", memo.number),
    ]
    assert december["lines"][0]["description"] == f"reversal of {memo.number}"


def test_a_gl_reason_without_accounts_is_refused_by_name(api, cast, books):
    body = assert_problem(api(cast.approver).get("/journal?month=2026-11"), 409)
    assert "rate_correction" in body["detail"]


@pytest.mark.parametrize("who", PEOPLE)
def test_finance_and_the_erp_read_the_journal_and_only_the_admin_maps_accounts(api, cast, who):
    user = getattr(cast, who)
    reads = api(user).get("/journal?month=2026-11")
    listed = api(user).get("/gl-accounts")
    accounts = {"debit_account": "4999 X", "credit_account": "1299 Y"}
    mapped = api(user).post("/gl-accounts/makegood", json=accounts)
    may_read = who in ("approver", "admin", "integration")
    assert (reads.status_code, listed.status_code) == ((200, 200) if may_read else (403, 403))
    assert mapped.status_code == (200 if who == "admin" else 403)
    kept = db.session.get(GlAccount, "makegood")
    assert (kept is not None) == (who == "admin")


@pytest.mark.parametrize(
    "body",
    [{"debit_account": "", "credit_account": "1200"}, {"debit_account": "1200",
     "credit_account": "1200"}, {"debit_account": "49\x00", "credit_account": "1200"}],
)  # fmt: skip
def test_a_bad_mapping_is_refused_and_changes_nothing(api, cast, chart, body):
    before = [(a.gl_reason, a.debit_account, a.credit_account) for a in
              db.session.scalars(select(GlAccount).order_by(GlAccount.gl_reason))]  # fmt: skip
    answer = api(cast.admin).post("/gl-accounts/makegood", json=body)
    assert answer.status_code in (400, 422)
    db.session.expire_all()
    after = [(a.gl_reason, a.debit_account, a.credit_account) for a in
             db.session.scalars(select(GlAccount).order_by(GlAccount.gl_reason))]  # fmt: skip
    assert after == before


def test_a_mapping_change_is_logged_and_used_by_the_next_journal(api, cast, books, chart):
    accounts = {"debit_account": "4111 Rates", "credit_account": "1201 AR"}
    answer = api(cast.admin).post("/gl-accounts/rate_correction", json=accounts)
    assert answer.status_code == 200
    logged = db.session.scalars(select(SecurityEvent).where(
        SecurityEvent.kind == "gl_account_mapped").order_by(SecurityEvent.id)).all()  # fmt: skip
    assert logged[-1].data["now"] == ["4111 Rates", "1201 AR"]
    lines = api(cast.approver).get("/journal?month=2026-11").get_json()["lines"]
    assert {x["account"] for x in lines} == {"4111 Rates", "1201 AR"}
    assert api(cast.admin).post("/gl-accounts/nonsense", json={"debit_account": "1",
                                  "credit_account": "2"}).status_code in (404, 422)  # fmt: skip


@pytest.mark.parametrize("month", ["2026-13", "9999-12", "0001-01"])
def test_a_month_outside_the_calendar_is_refused_not_a_crash(api, cast, month):
    assert_problem(api(cast.approver).get(f"/journal?month={month}"), 422)
    assert_problem(api(cast.approver).get(f"/reports/close?month={month}"), 422)
