"""The month-end credit export lists every memo issued in the month, totals intact."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Dispute
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.queries.reports import credit_rows, render
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.books import month_of
from disputedesk.workflows.spreadsheet import neutralise


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
    month = month_of(utcnow())
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


def _issue_at(make, cast, at, amount: str = "100.00", invoice_number: str | None = None):
    """Issue a memo at a given instant (resolution and approval a moment before)."""
    case = make.dispute(cast, "investigating", amount=150_000)
    if invoice_number:
        case.invoice.number = invoice_number
        db.session.commit()
    data = {"outcome": "credit_partial", "root_cause": "rate_card_error", "note": "wrong rate",
            "credit_amount": amount, "gl_reason": "rate_correction"}  # fmt: skip
    fire_trigger(case.ref, cast.analyst, "resolve", data, now=at - timedelta(hours=2))
    decide(current_memo(case).id, cast.lead, "approve", now=at - timedelta(hours=1))
    fire_trigger(case.ref, cast.approver, "issue_credit", {}, now=at)
    return current_memo(case)


CHICAGO = ZoneInfo("America/Chicago")
# November 2026 in Chicago starts in daylight time (CDT, UTC-5) and ends in standard time (CST,
# UTC-6): 1 November is the day the clocks go back.
MONTH_CUT = [
    ("the last evening of October in Chicago", datetime(2026, 10, 31, 23, 30), "2026-10"),
    ("the first minutes of November in Chicago", datetime(2026, 11, 1, 0, 30), "2026-11"),
    ("the evening of 30 November in Chicago", datetime(2026, 11, 30, 21, 0), "2026-11"),
    ("the first morning of December in Chicago", datetime(2026, 12, 1, 0, 15), "2026-12"),
]


@pytest.mark.parametrize(("when", "local", "month"), MONTH_CUT, ids=[m[0] for m in MONTH_CUT])
def test_a_memo_counts_in_the_month_of_the_books_time_zone_across_a_dst_change(
    app, make, when, local, month
):
    cast = make.cast()
    memo = _issue_at(make, cast, local.replace(tzinfo=CHICAGO).astimezone(UTC))
    found = {m: [r["number"] for r in credit_rows(m)] for m in ("2026-10", "2026-11", "2026-12")}
    assert found == {m: [memo.number] if m == month else [] for m in found}


def test_the_books_time_zone_is_configurable(app, make):
    cast = make.cast()
    _issue_at(make, cast, datetime(2026, 11, 30, 21, 0, tzinfo=CHICAGO))  # 03:00 UTC on 1 Dec
    app.config["BOOKS_TIMEZONE"] = "UTC"
    try:
        assert credit_rows("2026-11") == [] and len(credit_rows("2026-12")) == 1
    finally:
        app.config["BOOKS_TIMEZONE"] = "America/Chicago"


def test_the_export_names_reason_root_cause_preparer_lines_product_period_and_approvers(app, make):
    cast = make.cast()
    memo = _issue_at(make, cast, datetime(2026, 11, 10, 15, tzinfo=UTC))
    (row,) = credit_rows("2026-11")
    dispute = db.session.get(Dispute, memo.dispute_id)
    assert {k: row[k] for k in ("reason_code", "root_cause", "preparer", "advertiser_ref",
                                "invoice_lines", "product", "billing_period")} == {
        "reason_code": "other", "root_cause": "rate_card_error", "preparer": cast.analyst.email,
        "advertiser_ref": dispute.advertiser.ref, "invoice_lines": "1; 2",
        "product": "display", "billing_period": "2026-10-01..2026-10-31",
    }  # fmt: skip
    assert (row["approvers"], row["approved_at"]) == (cast.lead.email, "2026-11-10T14:00:00+00:00")


EVIL = '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_pushed_as_an_invoice_number_stays_text_in_the_export(app, make, fmt):
    cast = make.cast()
    _issue_at(make, cast, datetime(2026, 11, 10, 15, tzinfo=UTC), invoice_number=EVIL)
    output = render(credit_rows("2026-11"), fmt)
    if fmt == "csv":
        (row,) = csv.DictReader(io.StringIO(output))
        invoice, amount = row["invoice"], row["amount"]
    else:
        sheet = load_workbook(io.BytesIO(output)).active
        header = [c.value for c in sheet[1]]
        cells = {h: c for h, c in zip(header, sheet[2], strict=True)}
        assert cells["invoice"].data_type == "s" and cells["amount"].data_type == "n"
        invoice, amount = cells["invoice"].value, f"{cells['amount'].value:.2f}"
    assert invoice == "'" + EVIL and amount == "100.00"


@pytest.mark.parametrize(
    ("text", "safe"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("\r=1", "'\r=1"), ("\uff1d1+1", "'\uff1d1+1"), ("INV-1", "INV-1"),
     ("a=b", "a=b"), ("", "")],
)  # fmt: skip
def test_text_that_a_spreadsheet_would_run_is_quoted_and_other_text_kept(text, safe):
    assert neutralise(text) == safe


def test_the_workbook_types_amounts_rates_days_and_instants(app, make):
    from disputedesk.app.services.reversals import reverse_memo

    cast = make.cast()
    memo = _issue_at(make, cast, datetime(2026, 11, 10, 15, tzinfo=UTC))
    reverse_memo(
        memo.id, cast.approver, "credited twice", now=datetime(2026, 11, 12, 15, tzinfo=UTC)
    )
    sheet = load_workbook(io.BytesIO(render(credit_rows("2026-11"), "xlsx"))).active
    header = [c.value for c in sheet[1]]
    issued, reversed_ = (
        {h: c for h, c in zip(header, row, strict=True)} for row in sheet.iter_rows(min_row=2)
    )
    assert issued["amount"].value == 100 and issued["amount"].number_format == "#,##0.00"
    assert reversed_["amount"].value == -100  # a number, never a neutralised "'-100.00"
    assert issued["issued_at"].value == datetime(2026, 11, 10, 15)  # UTC, a date-time cell
    assert issued["issued_at"].is_date and issued["issued_at"].number_format.startswith("yyyy")
    # USD is the reporting currency: rate 1, and no day a rate took effect.
    assert issued["fx_rate"].value == 1 and issued["fx_rate_on"].value in (None, "")
    assert issued["reverses"].data_type in ("s", "inlineStr")  # text, never a formula
