"""The month-end credit export lists every memo issued in the month, totals intact."""

import csv
import io
import json
from decimal import Decimal

from app.extensions import db
from app.models import CreditMemo
from app.models.types import utcnow
from app.queries.memos import current_memo
from app.services.approvals import decide
from app.services.triggers import fire_trigger


def _issue(make, cast, amount: str):
    case = make.dispute(cast, "investigating", amount=150_000)
    data = {"outcome": "credit_partial", "root_cause": "rate_card_error", "note": "wrong rate",
            "credit_amount": amount, "gl_reason": "rate_correction"}  # fmt: skip
    fire_trigger(case.ref, cast.analyst, "resolve", data)
    memo = current_memo(case)
    decide(memo.id, cast.lead, "approve")
    fire_trigger(case.ref, cast.approver, "issue_credit", {})
    return memo


def test_the_export_totals_equal_the_sum_of_the_issued_memos(app, make):
    cast = make.cast()
    memos = [_issue(make, cast, amount) for amount in ("100.00", "250.50", "999.99")]
    pending = make.dispute(cast, "investigating", amount=150_000)
    fire_trigger(pending.ref, cast.analyst, "resolve", {
        "outcome": "credit_partial", "root_cause": "rate_card_error", "note": "x",
        "credit_amount": "10.00", "gl_reason": "rate_correction"})  # fmt: skip
    month = utcnow().strftime("%Y-%m")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["credits", "export", "--month", month])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["number"] for r in rows] == sorted(m.number for m in memos)
    expected = sum(m.amount for m in db.session.scalars(db.select(CreditMemo).where(
        CreditMemo.status == "issued")))  # fmt: skip
    assert sum(Decimal(r["amount"]) for r in rows) * 100 == expected == 135049
    assert all(r["approvers"] == cast.lead.email and r["issued_by"] for r in rows)
    as_json = json.loads(runner.invoke(args=["credits", "export", "--month", month,
                                             "--format", "json"]).output)  # fmt: skip
    assert [r["number"] for r in as_json] == [r["number"] for r in rows]


def test_another_month_is_empty_and_a_bad_month_is_refused(app, make):
    cast = make.cast()
    _issue(make, cast, "100.00")
    runner = app.test_cli_runner()
    empty = runner.invoke(args=["credits", "export", "--month", "2001-01"])
    assert empty.output.strip().count("\n") == 0  # the header alone
    bad = runner.invoke(args=["credits", "export", "--month", "November"])
    assert bad.exit_code != 0 and "2026-11" in bad.output
