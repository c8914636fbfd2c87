"""Each list page and search sends a fixed number of statements, at most ten, however many rows.

A page whose statements grew with its rows (a lazy load per row) or with the table (a search
that scans) is what makes a page slow at a million disputes; bench/ measures the time.
"""

from datetime import timedelta
from itertools import count, cycle

import pytest

from disputedesk.app.models import Dispute
from disputedesk.app.models.types import utcnow
from disputedesk.workflows.books import books_day
from tests.factories import Cast, Factory
from tests.web.helpers import Web
from tests.web.test_queue_queries import FEW, MANY, grow, queries_for

MOST = 10  # statements a page may send, whatever it shows
_names = count(1)


def team_case(make: Factory, cast: Cast, states) -> Dispute:  # noqa: ANN001
    state, assignee = next(states)
    advertiser = make.advertiser(cast.team, name=f"Northwind {next(_names)}")
    return make.dispute(cast, state, assignee=getattr(cast, assignee) if assignee else None,
                        advertiser=advertiser)  # fmt: skip


SEARCHES = {
    "advertiser name": "northwind",  # a part of each name, any case
    "invoice number": "inv-t",  # the start of each number
    "reference": "DSP-0",  # the start of each reference
}


@pytest.mark.parametrize("q", SEARCHES.values(), ids=SEARCHES.keys())
def test_a_team_queue_search_sends_as_many_statements_for_40_matches_as_for_3(
    web: Web, make: Factory, cast: Cast, q: str
):
    states = cycle([("filed", None), ("investigating", "analyst"), ("escalated", "analyst2")])
    rows: list[Dispute] = []
    grow(lambda: team_case(make, cast, states), rows, FEW)
    client = web(cast.lead)
    few = queries_for(client, f"/team?q={q}", expect_rows=FEW)
    grow(lambda: team_case(make, cast, states), rows, MANY)
    assert queries_for(client, f"/team?q={q}", expect_rows=MANY) == few <= MOST


@pytest.mark.parametrize("page", ["/team", "/queue", "/approvals"])
def test_a_list_page_sends_at_most_ten_statements(web: Web, make: Factory, cast: Cast, page):
    who = {"/team": cast.lead, "/queue": cast.analyst, "/approvals": cast.approver}[page]
    for state in ("filed", "investigating", "escalated"):
        make.dispute(cast, state, assignee=cast.analyst)
    assert queries_for(web(who), page) <= MOST


def test_a_dashboard_drill_down_sends_as_many_statements_for_40_cases_as_for_3(
    web: Web, make: Factory, cast: Cast
):
    rows: list[Dispute] = []
    filed = lambda: make.dispute(cast, "filed", advertiser=make.advertiser(cast.team))  # noqa: E731
    grow(filed, rows, FEW)
    today = books_day(utcnow())
    since = f"from={today - timedelta(days=7)}&to={today}"
    client, path = web(cast.approver), f"/dashboard/cases?measure=filed&{since}"
    few = queries_for(client, path, expect_rows=FEW)
    grow(filed, rows, MANY)
    assert queries_for(client, path, expect_rows=MANY) == few <= MOST
