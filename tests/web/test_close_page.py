"""The month-end close page: the roll-forward on screen, and sealing a month from it."""

import csv
import io

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import SealedMonth
from tests.web.helpers import Web, csv_body, table_rows, text

ROLES = ("analyst", "lead", "approver", "viewer", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_only_an_approver_can_seal_a_month(web: Web, cast, role):
    answer = web(cast.by_role()[role]).post("/reports/close/seal", data={"month": "2026-10"})
    sealed = db.session.get(SealedMonth, "2026-10")
    assert (answer.status_code, sealed is not None) == (
        (302, True) if role == "approver" else (403, False)
    )


def test_the_page_shows_the_roll_forward_and_then_the_seal(web: Web, cast, make):
    make.dispute(cast, "filed", amount=12_345)
    client = web(cast.approver)
    page = text(client.get("/reports/close?month=2026-10"))
    assert [row[0] for row in table_rows(page)][1:10] == [
        "Opening open amount", "+ Filed", "− Credited", "− Upheld (no credit)", "− Withdrawn",
        "+ Reopened", "+ Reversals of credit", "± Adjustments (after a seal)",
        "Closing open amount",
    ]  # fmt: skip
    assert "Seal 2026-10" in page
    client.post("/reports/close/seal", data={"month": "2026-10"})
    after = text(client.get("/reports/close?month=2026-10"))
    assert "Sealed" in after and "Seal 2026-10" not in after


@pytest.mark.parametrize("month", ["2026-13", "November", "２０２６-11", "9999-12", "0001-01"])
def test_a_bad_month_is_refused(web: Web, cast, month):
    assert web(cast.approver).get(f"/reports/close?month={month}").status_code == 422


def test_sealing_a_month_that_has_not_ended_is_refused_with_a_message(web: Web, cast):
    answer = web(cast.approver).post("/reports/close/seal", data={"month": "2999-01"})
    assert answer.status_code == 302 and db.session.get(SealedMonth, "2999-01") is None
    page = text(web(cast.approver).get("/reports/close?month=2999-01"))
    assert "has not ended yet" in page


def test_the_close_page_downloads_the_journal_as_csv(web, cast, books, chart):
    answer = web(cast.approver).get("/reports/close/journal.csv?month=2026-11")
    assert answer.status_code == 200 and "gl-journal-2026-11.csv" in answer.headers[
        "Content-Disposition"]  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(csv_body(answer))))
    assert len(rows) == 6 and rows[0]["reporting_currency"] == "USD"
    assert sum(int(r["debit"].replace(".", "")) for r in rows) == sum(
        int(r["credit"].replace(".", "")) for r in rows
    )


def test_the_page_shows_the_reserve_by_age_and_its_journal(web: Web, cast, books):
    from disputedesk.app.services.gl_accounts import map_gl_account
    from disputedesk.app.services.reserve_policy import set_reserve_policy
    from tests.api.test_api_reserve import POLICY

    set_reserve_policy(POLICY, cast.admin)
    map_gl_account("revenue_at_risk_reserve", "4990 Reserve expense", "1290 Allowance", cast.admin)
    client = web(cast.approver)
    page = text(client.get("/reports/close?month=2026-10"))
    assert "Reserve for revenue at risk, 2026-10-31" in page
    assert ["25–29 days", "1", "4,000.00", "2,000.00"] in table_rows(page)
    assert ["Change to book", "2,000.00", "2,000.00"] in table_rows(page)
    assert "every reason from day 25 at 50.00 %" in page
    download = client.get("/reports/close/reserve-journal.csv?month=2026-10")
    rows = list(csv.DictReader(io.StringIO(csv_body(download))))
    assert [(r["account"], r["debit"], r["credit"]) for r in rows] == [
        ("4990 Reserve expense", "2000.00", "0.00"), ("1290 Allowance", "0.00", "2000.00"),
    ]  # fmt: skip
