"""Listing disputes: filters, cursor pagination, and who sees what."""

import pytest

from tests.api.helpers import Api, walk
from tests.factories import Cast, Factory


@pytest.fixture
def cases(make: Factory, cast: Cast) -> dict[str, str]:
    """File four cases of the first team and one of the other; return their refs by name."""
    other_teams = make.advertiser(cast.other_team, owner=cast.other_viewer)
    refs = {
        "filed": make.dispute(cast, "filed"),
        "mine investigating": make.dispute(cast, "investigating", assignee=cast.analyst),
        "other account investigating": make.dispute(
            cast, "investigating", assignee=cast.analyst2, advertiser=cast.other_advertiser
        ),
        "other account resolved": make.dispute(
            cast, "resolved", assignee=cast.analyst, advertiser=cast.other_advertiser
        ),
        "other team": make.dispute(cast, "filed", advertiser=other_teams),
    }
    return {name: case.ref for name, case in refs.items()}


# Query string (with {analyst}, {analyst2}, {advertiser}, {other_advertiser}) → cases listed.
FILTERS = {
    "state=filed": {"filed", "other team"},
    "state=investigating": {"mine investigating", "other account investigating"},
    "state=credited": set(),
    "assignee={analyst}": {"mine investigating", "other account resolved"},
    "assignee={analyst2}": {"other account investigating"},
    "assignee=nobody@test.example": set(),
    "advertiser={advertiser}": {"filed", "mine investigating"},
    "advertiser={other_advertiser}": {"other account investigating", "other account resolved"},
    "advertiser=ADV-NONE": set(),
    "state=investigating&assignee={analyst}": {"mine investigating"},
    "state=resolved&advertiser={other_advertiser}": {"other account resolved"},
}


@pytest.mark.parametrize(("query", "expected"), FILTERS.items(), ids=FILTERS.keys())
def test_the_list_filters_by_state_assignee_and_advertiser(
    api: Api, cast: Cast, cases: dict[str, str], query: str, expected: set[str]
) -> None:
    query = query.format(
        analyst=cast.analyst.email,
        analyst2=cast.analyst2.email,
        advertiser=cast.advertiser.ref,
        other_advertiser=cast.other_advertiser.ref,
    )

    response = api(cast.approver).get(f"/disputes?{query}")

    assert response.status_code == 200
    assert {item["ref"] for item in response.get_json()["items"]} == {cases[n] for n in expected}


@pytest.mark.parametrize("total", [4, 5])
def test_walking_the_cursor_lists_every_case_exactly_once_newest_first(
    api: Api, make: Factory, cast: Cast, total: int
) -> None:
    filed = [make.dispute(cast).ref for _ in range(total)]

    pages = list(walk(api(cast.lead), "/disputes", limit=2))

    assert [len(page["items"]) for page in pages] == [2] * (total // 2) + [1] * (total % 2)
    assert [item["ref"] for page in pages for item in page["items"]] == filed[::-1]
    assert pages[-1]["next_cursor"] is None


def test_the_cursor_keeps_the_filters(api: Api, make: Factory, cast: Cast) -> None:
    investigating = [make.dispute(cast, "investigating").ref for _ in range(3)]
    for _ in range(3):
        make.dispute(cast, "filed")

    pages = list(walk(api(cast.lead), "/disputes?state=investigating", limit=2))

    assert [item["ref"] for page in pages for item in page["items"]] == investigating[::-1]


def test_a_list_item_is_the_same_document_as_the_single_read(
    api: Api, make: Factory, cast: Cast
) -> None:
    case = make.dispute(cast, "investigating")
    caller = api(cast.analyst)

    (item,) = caller.get("/disputes").get_json()["items"]

    assert item == caller.get(f"/disputes/{case.ref}").get_json()


# other_viewer owns the other account and the other team's advertiser.
VIEWERS = {
    "viewer": {"filed", "mine investigating"},
    "other_viewer": {"other account investigating", "other account resolved", "other team"},
}


@pytest.mark.parametrize(("who", "expected"), VIEWERS.items(), ids=VIEWERS.keys())
def test_a_viewer_lists_only_the_cases_of_accounts_they_own(
    api: Api, cast: Cast, cases: dict[str, str], who: str, expected: set[str]
) -> None:
    listed = api(getattr(cast, who)).get("/disputes").get_json()["items"]

    assert {item["ref"] for item in listed} == {cases[n] for n in expected}


PEOPLE = (
    "analyst", "analyst2", "lead", "approver", "viewer", "other_viewer", "admin", "integration",
    "other_lead", "other_analyst",
)  # fmt: skip


@pytest.mark.parametrize("who", PEOPLE)
def test_the_list_and_the_single_read_agree_on_who_sees_each_case(
    api: Api, cast: Cast, cases: dict[str, str], who: str
) -> None:
    caller = api(getattr(cast, who))

    listed = {item["ref"] for item in caller.get("/disputes").get_json()["items"]}
    readable = {ref for ref in cases.values() if caller.get(f"/disputes/{ref}").status_code == 200}

    assert readable, "everyone in the cast can see at least one of these cases"
    assert listed == readable
    for ref in set(cases.values()) - readable:
        assert caller.get(f"/disputes/{ref}").status_code == 404
