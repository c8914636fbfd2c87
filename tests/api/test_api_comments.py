"""Comments through the API, and who reads the internal ones."""

import pytest

from tests.api.helpers import Api, assert_problem, case_snapshot, events_of, stored_counts
from tests.factories import Cast, Factory


def test_a_comment_is_answered_with_its_author_and_visibility(
    api: Api, make: Factory, cast: Cast
) -> None:
    case = make.dispute(cast, "investigating")

    response = api(cast.viewer).post(
        f"/disputes/{case.ref}/comments",
        {"body": "  The advertiser expects an answer Friday  ", "visibility": "account_team"},
    )

    assert response.status_code == 201
    comment = response.get_json()
    assert comment["author"] == cast.viewer.email
    assert comment["visibility"] == "account_team"
    assert comment["body"] == "The advertiser expects an answer Friday"
    assert api(cast.viewer).get(f"/disputes/{case.ref}/comments").get_json()["items"] == [comment]


DEFAULT_VISIBILITY = {"analyst": "internal", "lead": "internal", "viewer": "account_team"}


@pytest.mark.parametrize(("who", "visibility"), DEFAULT_VISIBILITY.items())
def test_a_comment_without_a_visibility_gets_the_narrowest_one_the_author_may_write(
    api: Api, make: Factory, cast: Cast, who: str, visibility: str
) -> None:
    case = make.dispute(cast)

    response = api(getattr(cast, who)).post(f"/disputes/{case.ref}/comments", {"body": "Noted"})

    assert response.status_code == 201
    assert response.get_json()["visibility"] == visibility


def test_a_comment_is_recorded_on_the_timeline(api: Api, make: Factory, cast: Cast) -> None:
    case = make.dispute(cast)
    caller = api(cast.analyst)
    caller.post(
        f"/disputes/{case.ref}/comments", {"body": "Checked the IO", "visibility": "internal"}
    )

    (event,) = events_of(caller, case.ref, "commented")

    assert event["actor"] == cast.analyst.email
    assert event["data"]["visibility"] == "internal"


READERS = {
    "analyst": True,
    "lead": True,
    "approver": True,
    "admin": True,
    "viewer": False,
    "integration": False,
}


@pytest.mark.parametrize(("who", "reads_internal"), READERS.items())
def test_only_the_billing_side_reads_internal_comments_in_comments_and_timeline(
    api: Api, make: Factory, cast: Cast, who: str, reads_internal: bool
) -> None:
    case = make.dispute(cast, "investigating")
    staff = api(cast.analyst)
    staff.post(f"/disputes/{case.ref}/comments", {"body": "margin note", "visibility": "internal"})
    staff.post(
        f"/disputes/{case.ref}/comments", {"body": "for sales", "visibility": "account_team"}
    )
    expected = ["margin note", "for sales"] if reads_internal else ["for sales"]
    caller = api(getattr(cast, who))

    comments = caller.get(f"/disputes/{case.ref}/comments").get_json()["items"]
    events = caller.get(f"/disputes/{case.ref}/events").get_json()["items"]

    assert [c["body"] for c in comments] == expected
    assert [e["data"]["body"] for e in events if e["type"] == "commented"] == expected
    assert ("margin note" in str(events)) is reads_internal


BAD_COMMENTS = {
    "no body": {"visibility": "account_team"},
    "an empty body": {"body": ""},
    "a blank body": {"body": "   \n "},
    "a body that is a number": {"body": 42},
    "a body too long": {"body": "x" * 10_001},
    "an unknown visibility": {"body": "hello", "visibility": "public"},
}


@pytest.mark.parametrize("body", BAD_COMMENTS.values(), ids=BAD_COMMENTS.keys())
def test_a_bad_comment_is_refused_and_nothing_is_stored(
    api: Api, make: Factory, cast: Cast, body: dict
) -> None:
    case = make.dispute(cast)
    unchanged = stored_counts(), case_snapshot(case.ref)

    response = api(cast.lead).post(f"/disputes/{case.ref}/comments", body)

    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)
    assert (stored_counts(), case_snapshot(case.ref)) == unchanged


def test_a_closed_case_can_still_be_commented(api: Api, make: Factory, cast: Cast) -> None:
    case = make.dispute(cast, "resolved")

    response = api(cast.viewer).post(f"/disputes/{case.ref}/comments", {"body": "Thanks, all"})

    assert response.status_code == 201
