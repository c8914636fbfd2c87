"""Tracking for Sales and Client Services: find a case of your accounts, follow it, read it."""

import pytest

from disputedesk.app.services.watching import set_watching
from tests.factories import Cast, Factory
from tests.web.helpers import HX, Web, case_refs, section, show_more_url, text, triggers_offered


@pytest.fixture
def mine(make: Factory, cast: Cast):
    return make.dispute(cast, "investigating", assignee=cast.analyst)


@pytest.fixture
def theirs(make: Factory, cast: Cast):
    return make.dispute(
        cast, "investigating", assignee=cast.analyst, advertiser=cast.other_advertiser
    )


@pytest.mark.parametrize("by", ["advertiser name", "advertiser ref", "invoice number", "reference"])
def test_a_viewer_finds_a_case_of_their_account(web: Web, cast, mine, theirs, by):
    q = {
        "advertiser name": cast.advertiser.name,
        "advertiser ref": cast.advertiser.ref,
        "invoice number": mine.invoice.number,
        "reference": mine.ref,
    }[by]
    assert case_refs(text(web(cast.viewer).get("/track", query_string={"q": q}))) == [mine.ref]


@pytest.mark.parametrize("by", ["invoice", "reference"])
def test_a_case_of_another_account_is_never_found(web: Web, cast, mine, theirs, by):
    q = theirs.invoice.number if by == "invoice" else theirs.ref
    body = text(web(cast.viewer).get("/track", query_string={"q": q}))
    assert case_refs(body) == []
    assert "No case of your accounts matches." in body


def test_a_broad_search_lists_only_the_viewers_accounts(web: Web, cast, mine, theirs):
    body = text(web(cast.viewer).get("/track", query_string={"q": "Advertiser"}))
    assert case_refs(body) == [mine.ref]


def test_sales_land_on_their_accounts_open_disputes(web: Web, make, cast, mine, theirs):
    make.dispute(cast, "resolved", assignee=cast.analyst)  # theirs, but closed
    body = text(web(cast.viewer).get("/track"))
    assert "Open disputes of your accounts" in body and case_refs(body) == [mine.ref]
    assert "1 case" in section(body, "results")


def test_the_watched_cases_are_one_click_away(web: Web, make, cast, mine):
    make.dispute(cast, "filed")  # of their account, not watched
    client = web(cast.viewer)
    assert "Search for a case, then watch it" in text(client.get("/track?show=watched"))
    set_watching(mine.ref, cast.viewer, True)
    assert case_refs(text(client.get("/track?show=watched"))) == [mine.ref]
    assert case_refs(text(web(cast.analyst).get("/track"))) == []  # others start on watches


@pytest.mark.parametrize("how", ["full reference", "lower case", "its number", "DSP", "DSP-0000"])
def test_a_case_is_found_by_its_reference_or_part_of_it(web: Web, cast, mine, how):
    q = {"full reference": mine.ref, "lower case": mine.ref.lower(), "its number": str(mine.id),
         "DSP": "DSP", "DSP-0000": mine.ref[:8]}[how]  # fmt: skip
    assert case_refs(text(web(cast.viewer).get("/track", query_string={"q": q}))) == [mine.ref]


def test_track_counts_every_match_and_pages_through_all(web: Web, make, cast, monkeypatch):
    monkeypatch.setattr("disputedesk.app.queries.tracking.PAGE_SIZE", 2)
    cases = [make.dispute(cast, "filed") for _ in range(5)]
    client = web(cast.viewer)
    body = text(client.get("/track", query_string={"q": "DSP"}))
    assert "5 cases" in section(body, "results")
    assert case_refs(body) == [c.ref for c in reversed(cases)][:2]
    seen = case_refs(body)
    while url := show_more_url(body):
        body = text(client.get(url, headers=HX))
        seen += case_refs(body)
    assert seen == [c.ref for c in reversed(cases)]


def test_a_count_past_the_cap_says_more_than(web: Web, make, cast, monkeypatch):
    monkeypatch.setattr("disputedesk.app.queries.counting.COUNT_CAP", 2)
    monkeypatch.setattr("disputedesk.app.queries.tracking.capped_count.__defaults__", (2,))
    for _ in range(3):
        make.dispute(cast, "filed")
    body = text(web(cast.viewer).get("/track", query_string={"q": "DSP"}))
    assert "more than 2 cases" in section(body, "results")


def test_results_show_state_outcome_and_amount(web: Web, make, cast):
    resolved = make.dispute(cast, "resolved", assignee=cast.analyst, amount=250_000)
    body = text(web(cast.viewer).get("/track", query_string={"q": resolved.ref}))
    results = section(body, "results")
    assert "resolved" in results and "no credit" in results and "USD 2,500.00" in results


def test_the_case_page_is_read_only_for_a_viewer(web: Web, cast, mine):
    body = text(web(cast.viewer).get(f"/disputes/{mine.ref}"))
    assert triggers_offered(body) == set()
    for form in ("trigger", "assign"):
        assert f"/disputes/{mine.ref}/{form}" not in body
    header = section(body, "case-header")
    assert "investigating" in header and cast.advertiser.name in header


def test_analysts_and_leads_search_their_teams_cases(web: Web, make, cast, mine):
    elsewhere = make.dispute(cast, "filed", advertiser=make.advertiser(cast.other_team))
    for user in (cast.analyst, cast.lead):
        found = case_refs(text(web(user).get("/track", query_string={"q": "Advertiser"})))
        assert found == [mine.ref], user.role
    assert elsewhere.ref in case_refs(
        text(web(cast.other_lead).get("/track", query_string={"q": "Advertiser"}))
    )
