"""The dashboard: each number against a hand-computed month, its drill-down list, who sees what."""

import csv
import html
import io
import re
from datetime import timedelta

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.dashboard import WIDGETS, dashboard
from disputedesk.app.queries.drilldown import drill_down, parse_drill
from disputedesk.app.queries.insight_filters import parse_filters
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.reversals import reverse_memo
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.books import books_day
from disputedesk.workflows.money import format_amount, parse_amount
from tests.web.helpers import Web, case_refs, text

NOW = utcnow().replace(hour=17, minute=0, second=0, microsecond=0)  # 11:00 or noon in Chicago
TODAY = books_day(NOW)
START = (TODAY - timedelta(days=1000)).isoformat()  # takes in the factories' October 2026 invoices
PERIOD = {"from": START, "to": TODAY.isoformat(), "currency": "USD"}
RATE_CARD = {"outcome": "credit_partial", "root_cause": "rate_card_error", "note": "late IO",
             "gl_reason": "rate_correction"}  # fmt: skip


def _case(make, cast, days_ago: int, amount: int, advertiser=None) -> Dispute:  # noqa: ANN001
    invoice = make.invoice(advertiser or cast.advertiser, amounts=(500_000, 300_000))
    filing = Filing(invoice.number, "other", "overbilled", format_amount(amount), "USD")
    dispute = file_dispute(cast.integration, filing, now=NOW - timedelta(days=days_ago))
    lead = cast.lead if dispute.team_id == cast.team.id else cast.other_lead
    analyst = cast.analyst if dispute.team_id == cast.team.id else cast.other_analyst
    assign(dispute.ref, lead, analyst.email, now=NOW - timedelta(days=days_ago))
    fire_trigger(dispute.ref, lead, "start", {}, now=NOW - timedelta(days=days_ago))
    return dispute


@pytest.fixture
def month(make, cast):  # noqa: ANN001,ANN201
    """Five disputes with hand-known dates and amounts (USD), one of them the other team's.

    A  filed 10 days ago, 1,000.00, open.
    B  filed 40 days ago, 2,000.00, upheld (no credit) 30 days ago, no error found.
    C  filed 20 days ago, 3,000.00, credit 1,200.00 resolved 15 and issued 14 days ago.
    D  filed  5 days ago,   500.00, open, the other team's advertiser.
    E  filed  3 days ago,   800.00, credit 300.00 resolved 2 days ago, awaiting approval.
    """
    a = _case(make, cast, 10, 100_000)
    b = _case(make, cast, 40, 200_000)
    upheld = {"outcome": "no_credit", "root_cause": "no_error_found", "note": "as contracted"}
    fire_trigger(b.ref, cast.lead, "resolve", upheld, now=NOW - timedelta(days=30))
    c = _case(make, cast, 20, 300_000)
    fire_trigger(c.ref, cast.analyst, "resolve", {**RATE_CARD, "credit_amount": "1200.00"},
                 now=NOW - timedelta(days=15))  # fmt: skip
    decide(
        current_memo(c).id, cast.approver, "approve", "ok", now=NOW - timedelta(days=14, hours=1)
    )
    fire_trigger(c.ref, cast.approver, "issue_credit", {}, now=NOW - timedelta(days=14))
    d = _case(make, cast, 5, 50_000, advertiser=make.advertiser(cast.other_team))
    e = _case(make, cast, 3, 80_000)
    fire_trigger(e.ref, cast.analyst, "resolve", {**RATE_CARD, "credit_amount": "300.00"},
                 now=NOW - timedelta(days=2))  # fmt: skip
    db.session.expire_all()
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


def _numbers(user, **args) -> dict:  # noqa: ANN001
    filters = parse_filters({**PERIOD, **args}, user, TODAY)
    return {w.name: [[c.text for c in row] for row in w.rows] for w in dashboard(filters)}


def test_revenue_at_risk_counts_open_and_awaiting_credit_by_age(cast, month):
    rows = _numbers(cast.approver)["revenue_at_risk"]
    assert rows == [
        ["0–7", "1", "500.00", "1", "300.00"],  # D open; E's 300.00 not yet issued
        ["8–30", "1", "1,000.00", "0", "0.00"],  # A
        ["31–60", "0", "0.00", "0", "0.00"],
        ["61–90", "0", "0.00", "0", "0.00"],
        [">90", "0", "0.00", "0", "0.00"],
        ["Found by the scan, not disputed", "0", "0.00", "0", "0.00"],  # nothing was scanned
    ]


def test_the_pareto_ranks_root_causes_with_their_cumulative_share_and_credits(cast, month):
    assert _numbers(cast.approver)["pareto"] == [
        ["rate card error", "2", "66.7%", "1,200.00"],  # C and E resolved; C credited
        ["no error found", "1", "100.0%", "0.00"],  # B
    ]


def test_credits_issued_by_gl_reason_and_root_cause(cast, month):
    assert _numbers(cast.approver)["credits"] == [
        ["rate correction", "rate card error", "1", "1,200.00", "0.00", "1,200.00"]
    ]


def test_credits_and_billing_accuracy_are_net_of_the_periods_reversals(cast, month):
    memo = current_memo(month["C"])
    reverse_memo(memo.id, cast.approver, "credited twice", now=NOW - timedelta(days=1))
    db.session.expire_all()
    numbers = _numbers(cast.approver)
    # A reversal reopens the case, whose root cause is decided again: the credit shows without.
    assert numbers["credits"] == [["rate correction", "", "1", "1,200.00", "1,200.00", "0.00"]]
    assert numbers["accuracy"][0][2:5] == ["0.00", "7,300.00", "100.0%"]


def test_billing_accuracy_is_one_minus_credited_over_billed(cast, month):
    # Five invoices of 5,000.00 + 3,000.00 display lines = 40,000.00 billed, 7,300.00 disputed.
    overall = _numbers(cast.approver)["accuracy"][0]
    assert overall == ["All products", "40,000.00", "1,200.00", "7,300.00", "97.0%", "18.3%"]


def test_billing_accuracy_counts_the_billing_periods_invoices_whenever_they_were_disputed(
    cast, month
):
    # Every invoice's period starts on 1 October 2026; its disputes were filed weeks later.
    october = {"from": "2026-10-01", "to": "2026-10-31"}
    overall = _numbers(cast.approver, **october)["accuracy"][0]
    assert overall == ["All products", "40,000.00", "1,200.00", "7,300.00", "97.0%", "18.3%"]
    # A period holding the filings but no billing period start divides nothing by nothing.
    later = {"from": "2026-11-01", "to": TODAY.isoformat()}
    assert _numbers(cast.approver, **later)["accuracy"][0][1:4] == ["0.00", "0.00", "0.00"]


def test_top_advertisers_rank_by_open_amount(cast, month):
    rows = _numbers(cast.approver)["top_advertisers"]
    assert rows == [
        [cast.advertiser.name, "1", "1,000.00"],
        [month["D"].advertiser.name, "1", "500.00"],
    ]


def test_flow_and_turnaround_count_each_case_in_its_week(cast, month):
    numbers = _numbers(cast.approver)
    assert sum(int(r[1]) for r in numbers["flow"]) == 5
    assert sum(int(r[2]) for r in numbers["flow"]) == 3
    assert numbers["flow"][-1][3] == "2"  # A and D are open at the end of the period
    resolved = {r[0]: r[1:4] for r in numbers["turnaround"] if r[1] != "0"}
    assert sum(int(v[0]) for v in resolved.values()) == 3
    # B, resolved 30 days ago, is alone in the earliest week: 10 calendar days, median and p90.
    assert resolved[min(resolved)] == ["1", "10", "10"]


def test_a_lead_sees_only_their_team_even_when_asking_for_another(cast, month):
    asked = _numbers(cast.lead, team=str(cast.other_team.id))
    assert asked["revenue_at_risk"][0] == ["0–7", "0", "0.00", "1", "300.00"]  # not D
    assert [r[0] for r in asked["top_advertisers"]] == [cast.advertiser.name]


@pytest.mark.parametrize("who", ["approver", "lead"])
def test_every_number_opens_a_list_of_exactly_the_cases_behind_it(cast, month, who):
    user = cast.by_role()[who]
    filters = parse_filters(PERIOD, user, TODAY)
    checked = 0
    for widget in dashboard(filters):
        for row in widget.rows:
            for cell in row:
                if not cell.link:
                    continue
                args = {**filters.as_args(), **cell.link}
                narrowed = parse_filters(args, user, TODAY)
                page = drill_down(narrowed, parse_drill(args), user, "America/Chicago")
                total, amount = page.count, page.amount
                expected = cell.value if isinstance(cell.value, int) else None
                assert (total if expected is not None else amount) == (
                    expected if expected is not None else parse_amount(cell.value)
                ), (widget.name, cell)
                checked += 1
    assert checked > 20


def test_the_dashboard_page_links_each_number_to_its_cases(web: Web, cast, month):
    page = web(cast.approver).get(f"/dashboard?from={START}&currency=USD").get_data(as_text=True)
    assert 'href="/dashboard/cases?' in page and "Revenue at risk" in page
    listing = web(cast.approver).get(
        f"/dashboard/cases?from={START}&currency=USD&measure=open&age=8–30"
    )
    body = listing.get_data(as_text=True)
    assert month["A"].ref in body and month["D"].ref not in body


def test_a_drill_down_pages_back_through_every_case_behind_the_number(
    web: Web, cast, month, monkeypatch
):
    monkeypatch.setattr("disputedesk.app.queries.drilldown.PAGE", 1)
    client, path, seen = web(cast.approver), f"/dashboard/cases?from={START}&measure=filed", []
    while path:
        body = text(client.get(path))
        total = int(re.search(r'id="drill-total">(\d+)<', body).group(1))
        seen += case_refs(body)
        older = re.search(r'<a href="([^"]+)">Older cases</a>', body)
        path = older and html.unescape(older.group(1))
    assert total > 1 and len(seen) == len(set(seen)) == total
    assert seen == sorted(seen, reverse=True)  # newest first, each once


@pytest.mark.parametrize("name", WIDGETS)
def test_each_widget_downloads_as_csv_with_its_table(web: Web, cast, month, name):
    answer = web(cast.approver).get(f"/dashboard/{name}.csv?from={START}&currency=USD")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert len(rows[0]) > 1 and all(len(r) == len(rows[0]) for r in rows)


@pytest.mark.parametrize("bad", ["from=yesterday", "currency=EUR", "team=x", "product=tv"])
def test_a_bad_filter_is_refused_with_a_message(web: Web, cast, bad):
    answer = web(cast.approver).get(f"/dashboard?{bad}")
    assert answer.status_code == 422 and 'role="alert"' in answer.get_data(as_text=True)
