"""The reports page: credit memos issued in a month, their totals, and the CSV / JSON downloads."""

import csv
import io
import json
from dataclasses import replace

import pytest

from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.queries.report_totals import month_totals
from disputedesk.app.queries.reports import credit_rows, render
from disputedesk.app.services.reversals import reverse_memo
from disputedesk.workflows.books import month_of
from disputedesk.workflows.money import parse_amount
from tests.factories import Cast
from tests.web.helpers import HX, Web, case_with_memo, csv_body, is_full_page, table_rows, text
from tests.web.test_queue_queries import queries_for

ROLES = ("analyst", "lead", "approver", "viewer", "admin")
READERS = frozenset({"lead", "approver", "admin"})
PATHS = ("/reports", "/reports/credits.csv", "/reports/credits.json", "/reports/credits.xlsx")


def this_month() -> str:
    return month_of(utcnow())


def role(cast: Cast, name: str):  # noqa: ANN201
    return cast.by_role()[name]


@pytest.fixture
def issued(make, cast):  # noqa: ANN001,ANN201
    """Three memos issued this month: two of the first team, one of the other team."""
    other = replace(cast, lead=cast.other_lead, analyst=cast.other_analyst)
    ours = [case_with_memo(make, cast, "issued", credit=c) for c in ("400.00", "125.50")]
    theirs = case_with_memo(make, other, "issued", credit="300.00",
                            advertiser=make.advertiser(cast.other_team))  # fmt: skip
    return ours, theirs


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("path", PATHS)
def test_reports_open_for_leads_approvers_and_admins(web: Web, cast, path, who):
    answer = web(role(cast, who)).get(f"{path}?month=2026-11")
    assert answer.status_code == (200 if who in READERS else 403)


@pytest.mark.parametrize("path", PATHS)
def test_someone_signed_out_is_sent_to_the_login_page(web: Web, path):
    answer = web(None).get(f"{path}?month=2026-11")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("who", ROLES)
def test_the_navigation_shows_reports_to_who_may_read_them(web: Web, cast, who):
    page = text(web(role(cast, who)).get("/workflow"))
    assert ('href="/reports"' in page) == (who in READERS)


def test_the_page_lists_the_month_with_totals(web: Web, cast, issued):
    page = text(web(cast.approver).get(f"/reports?month={this_month()}"))
    numbers = [row[0] for row in table_rows(page)[1:4]]
    assert numbers == sorted(r["number"] for r in credit_rows(this_month()))
    assert "USD 825.50" in page  # 400.00 + 125.50 + 300.00
    assert f'value="{this_month()}"' in page


def test_the_month_defaults_to_this_one(web: Web, cast, issued):
    page = text(web(cast.admin).get("/reports"))
    assert f'value="{this_month()}"' in page and "CM-" in page


def test_another_month_has_nothing(web: Web, cast, issued):
    page = text(web(cast.approver).get("/reports?month=2001-01"))
    assert "No credit memo was issued in 2001-01." in page and "USD 0.00" in page


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_downloads_are_the_rows_of_the_export_command(web: Web, cast, issued, fmt):
    month = this_month()
    answer = web(cast.approver).get(f"/reports/credits.{fmt}?month={month}")
    assert answer.status_code == 200
    expected = render(credit_rows(month), fmt)
    if fmt == "csv":  # the same rows; the download adds Excel's BOM and CRLF line ends
        assert list(csv.reader(io.StringIO(csv_body(answer)))) == list(
            csv.reader(io.StringIO(expected))
        )
    else:
        assert answer.get_data(as_text=True) == expected
    assert answer.headers["Content-Disposition"] == f'attachment; filename="credits-{month}.{fmt}"'
    assert answer.mimetype == {"csv": "text/csv", "json": "application/json"}[fmt]


def test_the_csv_totals_equal_the_page_totals(web: Web, cast, issued):
    body = csv_body(web(cast.admin).get(f"/reports/credits.csv?month={this_month()}"))
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 3
    assert sum(float(r["reporting_amount"]) * 100 for r in rows) == 82_550


def test_a_lead_sees_their_teams_memos_only(web: Web, cast, issued):
    ours, theirs = issued
    answer = web(cast.lead).get(f"/reports/credits.json?month={this_month()}")
    assert {row["dispute"] for row in json.loads(answer.data)} == {c.ref for c in ours}
    page = text(web(cast.lead).get(f"/reports?month={this_month()}"))
    assert theirs.ref not in page and "USD 525.50" in page


@pytest.mark.parametrize("month", ["2026-13", "nonsense", "2026-W01"])
def test_a_bad_month_is_refused(web: Web, cast, month):
    page = web(cast.approver).get(f"/reports?month={month}")
    assert page.status_code == 422 and "Choose a month such as 2026-11." in text(page)
    assert web(cast.approver).get(f"/reports/credits.csv?month={month}").status_code == 400


def test_htmx_gets_the_report_alone(web: Web, cast, issued):
    client = web(cast.approver)
    partial = text(client.get(f"/reports?month={this_month()}", headers=HX))
    assert partial.lstrip().startswith('<section id="report"') and not is_full_page(partial)


def test_the_list_pages_through_every_memo_while_the_totals_cover_the_month(
    web: Web, cast, issued, monkeypatch
):
    monkeypatch.setattr("disputedesk.app.web.reports.PAGE_SIZE", 2)
    client = web(cast.approver)
    first = text(client.get(f"/reports?month={this_month()}"))
    assert "3 rows in number order, 2 at a time" in first and "Show more (1 more)" in first
    assert "USD 825.50" in first  # the total of all three, not of the two on screen
    numbers = [row[0] for row in table_rows(first) if row and row[0].startswith("CM-")]
    assert len(numbers) == 2
    more = client.get(f"/reports?month={this_month()}&from=2", headers=HX)
    rest = [row[0] for row in table_rows(f"<table>{text(more)}</table>") if row]
    assert len(rest) == 1 and rest[0] not in numbers and "Show more" not in text(more)
    assert sorted(numbers + rest) == sorted(r["number"] for r in credit_rows(this_month()))


@pytest.mark.parametrize("start", ["-1", "²", "x", "99999999999999999999"])
def test_a_bad_page_start_is_refused(web: Web, cast, issued, start):
    page = web(cast.approver).get(f"/reports?month={this_month()}&from={start}")
    assert page.status_code == 422 and "no such page of the report" in text(page)


def test_the_totals_on_screen_add_up_every_row_of_the_export_reversals_included(
    web: Web, cast, issued, monkeypatch
):
    ours, _ = issued
    reverse_memo(current_memo(ours[0]).id, cast.approver, "credited twice")
    monkeypatch.setattr("disputedesk.app.web.reports.PAGE_SIZE", 2)
    rows = credit_rows(this_month(), cast.approver)
    assert [r["reverses"] != "" for r in rows] == [False, False, False, True]
    totals = month_totals(this_month(), cast.approver)
    assert (totals.memos, totals.reversals, totals.reporting) == (3, 1, 82_550 - 40_000)
    signed = [
        -parse_amount(r["amount"][1:]) if r["reverses"] else parse_amount(r["amount"]) for r in rows
    ]
    assert totals.by_currency == [("USD", sum(signed))]
    client = web(cast.approver)
    first = text(client.get(f"/reports?month={this_month()}"))
    assert "4 rows in number order, 2 at a time" in first and "USD 425.50" in first
    more = text(client.get(f"/reports?month={this_month()}&from=2", headers=HX))
    shown = [row[0] for row in table_rows(f"<table>{more}</table>") if row and row[0]]
    assert shown == [rows[2]["number"], rows[3]["number"]]  # the last memo, then the reversal


def test_the_report_page_reads_as_many_statements_for_many_memos_as_for_few(
    web: Web, make, cast, issued
):
    client = web(cast.approver)
    path = f"/reports?month={this_month()}"
    client.get(path)
    few = queries_for(client, path)
    for credit in ("10.00", "20.00", "30.00", "40.00"):
        case_with_memo(make, cast, "issued", credit=credit, advertiser=make.advertiser(cast.team))
    assert queries_for(client, path) == few <= 10
