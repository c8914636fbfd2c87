"""Bad input gets a 4xx problem document and changes nothing."""

import base64
import json
from typing import Any

import pytest

from tests.api.helpers import Api, assert_problem, case_snapshot, filing, stored_counts
from tests.factories import Cast, Factory

# Changes to a valid filing on a USD invoice of 8,000.00; None removes the field.
BAD_FILINGS: dict[str, dict[str, Any]] = {
    "unknown invoice": {"invoice_number": "INV-DOES-NOT-EXIST"},
    "no invoice": {"invoice_number": None},
    "negative amount": {"disputed_amount": "-10.00"},
    "zero amount": {"disputed_amount": "0.00"},
    "decimal comma": {"disputed_amount": "12,50"},
    "words for an amount": {"disputed_amount": "abc"},
    "amount as a JSON number": {"disputed_amount": 12.5},
    "amount as a JSON integer": {"disputed_amount": 12},
    "three decimals": {"disputed_amount": "12.505"},
    "no amount": {"disputed_amount": None},
    "not a number": {"disputed_amount": "NaN"},
    "infinite amount": {"disputed_amount": "Infinity"},
    "exponent notation": {"disputed_amount": "1e3"},
    "digit grouping underscores": {"disputed_amount": "1_000.00"},
    "non-ASCII digits": {"disputed_amount": "١٢"},
    "wrong currency": {"currency": "CAD"},
    "unknown currency": {"currency": "XXX"},
    "no currency": {"currency": None},
    "unknown reason code": {"reason_code": "too_expensive"},
    "no reason code": {"reason_code": None},
    "no description": {"description": None},
    "blank description": {"description": "   "},
    "unknown intake channel": {"intake_channel": "fax"},
}


@pytest.mark.parametrize("change", BAD_FILINGS.values(), ids=BAD_FILINGS.keys())
def test_a_bad_filing_is_refused_and_nothing_is_stored(
    api: Api, make: Factory, cast: Cast, change: dict[str, Any]
) -> None:
    invoice = make.invoice(cast.advertiser)
    body = {k: v for k, v in (filing(invoice) | change).items() if v is not None}
    before = stored_counts()

    response = api(cast.analyst).post("/disputes", body)

    assert 400 <= response.status_code < 500
    problem = assert_problem(response, response.status_code)
    assert set(problem.get("errors", {})) & set(change), "the problem names the bad field"
    assert stored_counts() == before


def test_a_filing_lists_every_bad_field_at_once(api: Api, make: Factory, cast: Cast) -> None:
    body = filing(make.invoice(cast.advertiser), "abc", reason_code="nope", description="")

    problem = assert_problem(api(cast.analyst).post("/disputes", body), 422)

    assert {"disputed_amount", "reason_code", "description"} <= set(problem["errors"])


# Bodies that are not a JSON object: (raw data, content type).
NOT_AN_OBJECT = {
    "malformed JSON": ('{"invoice_number": "INV-1",', "application/json"),
    "a JSON array": ('[{"invoice_number": "INV-1"}]', "application/json"),
    "a JSON string": ('"file a dispute"', "application/json"),
    "JSON null": ("null", "application/json"),
    "an empty body": ("", "application/json"),
}
# Bodies sent as something other than JSON: refused as an unsupported media type.
NOT_JSON = {
    "a form post": ("invoice_number=INV-1", "application/x-www-form-urlencoded"),
    "JSON labelled as text": ('{"invoice_number": "INV-1"}', "text/plain"),
    "no content type": ('{"invoice_number": "INV-1"}', ""),
}
POSTS = (
    "/disputes",
    "/disputes/{ref}/events",
    "/disputes/{ref}/assign",
    "/disputes/{ref}/comments",
)


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize(("data", "content_type"), NOT_AN_OBJECT.values(), ids=NOT_AN_OBJECT.keys())
def test_a_body_that_is_not_a_json_object_is_a_400_that_changes_nothing(
    api: Api, make: Factory, cast: Cast, path: str, data: str, content_type: str
) -> None:
    case = make.dispute(cast, "investigating")
    before = stored_counts(), case_snapshot(case.ref)

    response = api(cast.lead).post(path.format(ref=case.ref), data=data, content_type=content_type)

    assert_problem(response, 400)
    assert (stored_counts(), case_snapshot(case.ref)) == before


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize(("data", "content_type"), NOT_JSON.values(), ids=NOT_JSON.keys())
def test_a_body_that_is_not_json_is_a_415_that_changes_nothing(
    api: Api, make: Factory, cast: Cast, path: str, data: str, content_type: str
) -> None:
    case = make.dispute(cast, "investigating")
    before = stored_counts(), case_snapshot(case.ref)

    response = api(cast.lead).post(path.format(ref=case.ref), data=data, content_type=content_type)

    assert "application/json" in assert_problem(response, 415)["detail"]
    assert (stored_counts(), case_snapshot(case.ref)) == before


def test_a_malformed_invoice_push_is_a_400(api: Api, cast: Cast) -> None:
    response = api(cast.integration).post("/invoices", data="{", content_type="application/json")

    assert_problem(response, 400)
    assert stored_counts()["invoices"] == 0


TRIGGER_BODIES = {
    "unknown trigger": ({"trigger": "approve"}, 422),
    "unknown root cause": ({"trigger": "resolve", "root_cause": "gremlins"}, 422),
    "no trigger": ({"note": "please"}, 422),
    "empty trigger": ({"trigger": ""}, 422),
    "trigger as a list": ({"trigger": ["start"]}, 422),
}


@pytest.mark.parametrize(("body", "status"), TRIGGER_BODIES.values(), ids=TRIGGER_BODIES.keys())
def test_a_bad_trigger_request_is_refused_and_the_case_is_unchanged(
    api: Api, make: Factory, cast: Cast, body: dict, status: int
) -> None:
    case = make.dispute(cast, "investigating")
    before = stored_counts(), case_snapshot(case.ref)

    response = api(cast.lead).post(f"/disputes/{case.ref}/events", body)

    problem = assert_problem(response, status)
    assert set(problem["errors"]) & {"trigger", "root_cause"}
    assert (stored_counts(), case_snapshot(case.ref)) == before


UNKNOWN_REFS = ("DSP-999999", "DSP-99999999999", "DSP-abc", "42", "DSP-", "DSP-²")
READS_AND_WRITES = {
    "read": ("GET", "/disputes/{ref}", None),
    "read events": ("GET", "/disputes/{ref}/events", None),
    "fire": ("POST", "/disputes/{ref}/events", {"trigger": "escalate", "reason": "x"}),
    "assign": ("POST", "/disputes/{ref}/assign", {"assignee": "nobody@test.example"}),
    "read comments": ("GET", "/disputes/{ref}/comments", None),
    "comment": ("POST", "/disputes/{ref}/comments", {"body": "hello"}),
}


@pytest.mark.parametrize(
    ("method", "path", "body"), READS_AND_WRITES.values(), ids=READS_AND_WRITES
)
@pytest.mark.parametrize("ref", UNKNOWN_REFS)
def test_an_unknown_reference_is_a_404(
    api: Api, cast: Cast, method: str, path: str, body: dict | None, ref: str
) -> None:
    response = api(cast.lead).request(method, path.format(ref=ref), json=body)

    assert_problem(response, 404)


@pytest.mark.parametrize(
    ("method", "path", "body"), READS_AND_WRITES.values(), ids=READS_AND_WRITES
)
def test_another_teams_case_answers_exactly_like_an_unknown_one(
    api: Api, make: Factory, cast: Cast, method: str, path: str, body: dict | None
) -> None:
    foreign = make.dispute(cast, "investigating")
    before = stored_counts(), case_snapshot(foreign.ref)
    caller = api(cast.other_lead)

    theirs = caller.request(method, path.format(ref=foreign.ref), json=body)
    missing = caller.request(method, path.format(ref="DSP-999999"), json=body)

    foreign_problem, missing_problem = assert_problem(theirs, 404), assert_problem(missing, 404)
    assert foreign_problem["title"] == missing_problem["title"]
    assert foreign_problem["detail"].replace(foreign.ref, "DSP-999999") == missing_problem["detail"]
    assert (stored_counts(), case_snapshot(foreign.ref)) == before


LISTS = ("/disputes", "/advertisers")
BAD_LIMITS = ("0", "501", "x", "-1", "2.5", "", "²")


@pytest.mark.parametrize("limit", BAD_LIMITS)
@pytest.mark.parametrize("path", LISTS)
def test_a_limit_outside_1_to_500_is_a_422(api: Api, cast: Cast, path: str, limit: str) -> None:
    response = api(cast.lead).get(path, query_string={"limit": limit})

    problem = assert_problem(response, 422)
    assert "limit" in problem["errors"]


@pytest.mark.parametrize("limit", ("1", "500"))
@pytest.mark.parametrize("path", LISTS)
def test_the_limits_of_the_limit_are_accepted(api: Api, cast: Cast, path: str, limit: str) -> None:
    assert api(cast.lead).get(path, query_string={"limit": limit}).status_code == 200


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


BAD_CURSORS = {
    "not base64": "!!!",
    "not JSON": base64.urlsafe_b64encode(b"after 3").decode(),
    "a JSON list": _cursor([3]),
    "no position": _cursor({"before": 3}),
    "a text position": _cursor({"after": "3"}),
    "a boolean position": _cursor({"after": True}),
    "a position past any id": _cursor({"after": 10**30}),
}


@pytest.mark.parametrize("cursor", BAD_CURSORS.values(), ids=BAD_CURSORS.keys())
@pytest.mark.parametrize("path", LISTS)
def test_a_cursor_the_api_did_not_issue_is_a_422(
    api: Api, cast: Cast, path: str, cursor: str
) -> None:
    response = api(cast.lead).get(path, query_string={"cursor": cursor})

    problem = assert_problem(response, 422)
    assert "cursor" in problem["errors"]


def test_an_unknown_state_filter_is_a_422(api: Api, cast: Cast) -> None:
    problem = assert_problem(api(cast.lead).get("/disputes?state=lost"), 422)

    assert "state" in problem["errors"]


@pytest.mark.parametrize("if_match", ['"abc"', '"²"', ""])
def test_an_unreadable_if_match_is_refused_and_changes_nothing(
    api: Api, make: Factory, cast: Cast, if_match: str
) -> None:
    case = make.dispute(cast, "investigating")
    before = case_snapshot(case.ref)

    response = api(cast.lead).fire(
        case.ref, "escalate", reason="contract unclear", headers={"If-Match": if_match}
    )

    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)
    assert case_snapshot(case.ref) == before


def test_an_unknown_api_path_answers_with_a_problem_document(api: Api, cast: Cast) -> None:
    assert_problem(api(cast.lead).get("/disputez"), 404)


def test_a_method_the_route_does_not_take_answers_with_a_problem_document(
    api: Api, make: Factory, cast: Cast
) -> None:
    case = make.dispute(cast)

    response = api(cast.lead).request("DELETE", f"/disputes/{case.ref}")

    assert_problem(response, 405)
    assert api(cast.lead).get(f"/disputes/{case.ref}").status_code == 200
