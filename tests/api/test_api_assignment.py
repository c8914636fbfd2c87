"""Assigning, reassigning and claiming cases through the API."""

import pytest

from disputedesk.app.extensions import db
from tests.api.helpers import (
    Api,
    assert_problem,
    case_snapshot,
    events_of,
    filing,
    stored_counts,
)
from tests.factories import Cast, Factory


def test_a_lead_assigns_a_case_to_an_analyst_of_the_team(
    api: Api, make: Factory, cast: Cast
) -> None:
    case = make.dispute(cast)

    response = api(cast.lead).post(f"/disputes/{case.ref}/assign", {"assignee": cast.analyst.email})

    assert response.status_code == 200
    assert response.get_json()["assignee"] == cast.analyst.email
    assert "start" in api(cast.analyst).get(f"/disputes/{case.ref}").get_json()["allowed_triggers"]


def test_the_assignees_email_is_matched_whatever_its_case(
    api: Api, make: Factory, cast: Cast
) -> None:
    case = make.dispute(cast)

    response = api(cast.lead).post(
        f"/disputes/{case.ref}/assign", {"assignee": f"  {cast.analyst.email.upper()} "}
    )

    assert response.status_code == 200
    assert response.get_json()["assignee"] == cast.analyst.email


def test_reassigning_records_who_had_the_case_and_who_has_it_now(
    api: Api, make: Factory, cast: Cast
) -> None:
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    caller = api(cast.lead)

    response = caller.post(f"/disputes/{case.ref}/assign", {"assignee": cast.analyst2.email})

    assert response.get_json()["assignee"] == cast.analyst2.email
    (last,) = events_of(caller, case.ref, "reassigned")
    assert last["actor"] == cast.lead.email
    assert last["data"] == {"from": cast.analyst.email, "to": cast.analyst2.email}
    assert response.get_json()["state"] == "investigating"


BAD_ASSIGNEES = {
    "an analyst of another team": "other_analyst",
    "a lead of another team": "other_lead",
    "a viewer": "viewer",
    "an approver": "approver",
    "the integration user": "integration",
    "the current assignee": "analyst",
}


@pytest.mark.parametrize("who", BAD_ASSIGNEES.values(), ids=BAD_ASSIGNEES.keys())
def test_a_case_is_only_assigned_to_another_worker_of_its_team(
    api: Api, make: Factory, cast: Cast, who: str
) -> None:
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    unchanged = stored_counts(), case_snapshot(case.ref)

    response = api(cast.lead).post(
        f"/disputes/{case.ref}/assign", {"assignee": getattr(cast, who).email}
    )

    problem = assert_problem(response, 422)
    assert "assignee" in problem["errors"]
    assert (stored_counts(), case_snapshot(case.ref)) == unchanged


@pytest.mark.parametrize("assignee", ["nobody@test.example", "", None, 42])
def test_assigning_to_someone_who_is_not_a_user_is_a_422(
    api: Api, make: Factory, cast: Cast, assignee: object
) -> None:
    case = make.dispute(cast)
    unchanged = case_snapshot(case.ref)

    response = api(cast.lead).post(f"/disputes/{case.ref}/assign", {"assignee": assignee})

    assert_problem(response, 422)
    assert case_snapshot(case.ref) == unchanged


def test_an_inactive_analyst_cannot_be_assigned(api: Api, make: Factory, cast: Cast) -> None:
    case = make.dispute(cast)
    cast.analyst2.active = False
    db.session.commit()

    response = api(cast.lead).post(
        f"/disputes/{case.ref}/assign", {"assignee": cast.analyst2.email}
    )

    assert_problem(response, 422)


def test_a_resolved_case_cannot_be_assigned(api: Api, make: Factory, cast: Cast) -> None:
    case = make.dispute(cast, "resolved", assignee=cast.analyst)
    unchanged = case_snapshot(case.ref)

    response = api(cast.lead).post(
        f"/disputes/{case.ref}/assign", {"assignee": cast.analyst2.email}
    )

    assert_problem(response, 409)
    assert case_snapshot(case.ref) == unchanged


def _queue(api: Api, make: Factory, cast: Cast) -> dict[str, str]:
    """File cases of both teams, oldest first; return the first team's refs by name."""
    strategic = make.advertiser(cast.team, tier="strategic")
    other_teams = make.advertiser(cast.other_team, tier="strategic")
    refs = {
        "older P3": make.dispute(cast, amount=150_000).ref,
        "newer P3": make.dispute(cast, amount=150_000).ref,
        "P4": make.dispute(cast, amount=50_000).ref,
        "P1": make.dispute(cast, advertiser=strategic).ref,
    }
    make.dispute(cast, advertiser=other_teams)  # the other team's P1: never ours to claim
    make.dispute(cast, "investigating", assignee=cast.analyst2)  # taken already
    withdrawn = make.dispute(cast)  # unassigned, but closed: not in the queue
    assert api(cast.lead).fire(withdrawn.ref, "withdraw", note="withdrawn").status_code == 200
    return refs


def test_claim_next_hands_out_the_most_urgent_then_the_oldest_case_of_the_team(
    api: Api, make: Factory, cast: Cast
) -> None:
    refs = _queue(api, make, cast)
    caller = api(cast.analyst)

    claimed = [caller.post("/disputes/claim-next") for _ in range(4)]

    assert [r.status_code for r in claimed] == [200] * 4
    assert [r.get_json()["ref"] for r in claimed] == [
        refs["P1"], refs["older P3"], refs["newer P3"], refs["P4"],
    ]  # fmt: skip
    assert all(r.get_json()["assignee"] == cast.analyst.email for r in claimed)
    assert caller.post("/disputes/claim-next").status_code == 204


def test_claim_next_records_the_claim_on_the_timeline(api: Api, make: Factory, cast: Cast) -> None:
    case = make.dispute(cast)
    api(cast.analyst2).post("/disputes/claim-next")

    (claim,) = events_of(api(cast.lead), case.ref, "claimed")

    assert (claim["actor"], claim["data"]["to"]) == (cast.analyst2.email, cast.analyst2.email)


def test_two_analysts_claiming_one_after_the_other_get_different_cases(
    api: Api, make: Factory, cast: Cast
) -> None:
    make.dispute(cast)
    make.dispute(cast)

    first = api(cast.analyst).post("/disputes/claim-next")
    second = api(cast.analyst2).post("/disputes/claim-next")
    third = api(cast.lead).post("/disputes/claim-next")

    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 204)
    assert first.get_json()["ref"] != second.get_json()["ref"]
    assert second.get_json()["assignee"] == cast.analyst2.email


def test_claim_next_never_hands_out_another_teams_case(api: Api, make: Factory, cast: Cast) -> None:
    other_teams = make.advertiser(cast.other_team)
    make.dispute(cast, advertiser=other_teams)
    before = stored_counts()

    response = api(cast.analyst).post("/disputes/claim-next")

    assert response.status_code == 204
    assert response.get_data() == b""
    assert stored_counts() == before


def test_a_case_filed_through_the_api_is_claimable(api: Api, make: Factory, cast: Cast) -> None:
    invoice = make.invoice(cast.advertiser)
    ref = api(cast.integration).post("/disputes", filing(invoice)).get_json()["ref"]

    response = api(cast.analyst).post("/disputes/claim-next")

    assert response.get_json()["ref"] == ref
