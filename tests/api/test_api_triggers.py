"""Firing workflow triggers through POST /api/v1/disputes/<ref>/events."""

from datetime import datetime
from typing import Any

import pytest

from disputedesk.workflows.dispute import BY_TRIGGER
from tests.api.helpers import Api, assert_problem, case_snapshot, filing, stored_counts
from tests.factories import ROUTES, Cast, Factory

RESOLUTION = {"outcome": "no_credit", "root_cause": "no_error_found", "note": "billing upheld"}
# Every field any trigger asks for, filled in well.
EVERY_FIELD = RESOLUTION | {"reason": "advertiser sent delivery logs"}

# (state of the case, steps the lead takes first, trigger, fields sent, guards that fail)
GUARD_FAILURES = {
    "start without an assignee": ("unassigned", [], "start", {}, {"has_assignee"}),
    "escalate without a reason": ("investigating", [], "escalate", {}, {"reason_given"}),
    "escalate with a blank reason": (
        "investigating", [], "escalate", {"reason": "  "}, {"reason_given"},
    ),
    "deescalate without a note": ("escalated", [], "deescalate", {}, {"note_given"}),
    "resolve with nothing": (
        "investigating", [], "resolve", {}, {"outcome_given", "root_cause_given", "note_given"},
    ),
    "resolve without a root cause": (
        "investigating", [], "resolve", {"outcome": "no_credit", "note": "upheld"},
        {"root_cause_given"},
    ),
    "resolve without a note": (
        "escalated", [], "resolve", {"outcome": "no_credit", "root_cause": "no_error_found"},
        {"note_given"},
    ),
    "resolve as withdrawn": (
        "investigating", [], "resolve", RESOLUTION | {"outcome": "withdrawn"}, {"outcome_given"},
    ),
    "withdraw without a note": ("filed", [], "withdraw", {}, {"note_given"}),
    "reopen without a reason": ("resolved", [], "reopen", {}, {"reason_given"}),
    "request info without a note": ("investigating", [], "request_info", {}, {"note_given"}),
    "request info twice": (
        "investigating", [("request_info", {"note": "send logs"})], "request_info",
        {"note": "again"}, {"not_awaiting_info"},
    ),
    "info received when none was asked": (
        "investigating", [], "info_received", {}, {"awaiting_info"},
    ),
}  # fmt: skip


def _case_in(make: Factory, cast: Cast, state: str):  # noqa: ANN202
    if state == "unassigned":
        return make.dispute(cast, "filed")
    return make.dispute(cast, state, assignee=cast.analyst)


@pytest.mark.parametrize(
    ("state", "before", "trigger", "fields", "guards"),
    GUARD_FAILURES.values(),
    ids=GUARD_FAILURES.keys(),
)
def test_a_guard_that_fails_is_a_422_naming_it(
    api: Api,
    make: Factory,
    cast: Cast,
    state: str,
    before: list,
    trigger: str,
    fields: dict,
    guards: set,
) -> None:
    case = _case_in(make, cast, state)
    for step, data in before:
        assert api(cast.lead).fire(case.ref, step, **data).status_code == 200
    unchanged = stored_counts(), case_snapshot(case.ref)

    response = api(cast.lead).fire(case.ref, trigger, **fields)

    problem = assert_problem(response, 422)
    assert set(problem["guards"]) == guards
    assert (stored_counts(), case_snapshot(case.ref)) == unchanged


NOT_TEXT = {
    "a reason that is false": ("escalate", {"reason": False}),
    "a reason that is an object": ("escalate", {"reason": {"text": "contract unclear"}}),
    "a reason that is a list": ("escalate", {"reason": ["contract unclear"]}),
    "a note that is a list": ("withdraw", {"note": ["advertiser withdrew"]}),
}


@pytest.mark.parametrize(("trigger", "fields"), NOT_TEXT.values(), ids=NOT_TEXT.keys())
def test_a_reason_or_note_that_is_not_text_is_refused(
    api: Api, make: Factory, cast: Cast, trigger: str, fields: dict
) -> None:
    case = make.dispute(cast, "investigating")
    unchanged = stored_counts(), case_snapshot(case.ref)

    response = api(cast.lead).fire(case.ref, trigger, **fields)

    assert_problem(response, 422)
    assert (stored_counts(), case_snapshot(case.ref)) == unchanged


# (state of the case, trigger) pairs that the workflow table does not allow.
WRONG_STATES = [
    ("investigating", "start"),
    ("filed", "escalate"),
    ("escalated", "escalate"),
    ("resolved", "escalate"),
    ("investigating", "deescalate"),
    ("filed", "resolve"),
    ("resolved", "resolve"),
    ("investigating", "reopen"),
    ("filed", "reopen"),
    ("resolved", "withdraw"),
    ("filed", "request_info"),
]


@pytest.mark.parametrize(("state", "trigger"), WRONG_STATES)
def test_a_trigger_the_state_does_not_allow_is_a_409(
    api: Api, make: Factory, cast: Cast, state: str, trigger: str
) -> None:
    case = make.dispute(cast, state, assignee=cast.analyst)
    unchanged = stored_counts(), case_snapshot(case.ref)

    response = api(cast.lead).fire(case.ref, trigger, **EVERY_FIELD)

    assert_problem(response, 409)
    assert (stored_counts(), case_snapshot(case.ref)) == unchanged


CREDIT_REQUESTS = {  # (state, who, trigger, fields, the guard that refuses)
    "a full credit without a GL reason": (
        "investigating", "lead", "resolve", {"outcome": "credit_full"}, "credit_memo_valid",
    ),
    "a partial credit of the whole amount": (
        "escalated", "lead", "resolve",
        {"outcome": "credit_partial", "credit_amount": "1000.00", "gl_reason": "rate_correction"},
        "credit_memo_valid",
    ),
    "issuing a credit with no approved memo": (
        "resolved", "approver", "issue_credit", {}, "credit_memo_approved",
    ),
    "rework with no rejected memo": (
        "resolved", "lead", "return_for_rework", {}, "credit_memo_rejected",
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("state", "who", "trigger", "fields", "guard"),
    CREDIT_REQUESTS.values(),
    ids=CREDIT_REQUESTS.keys(),
)
def test_credit_triggers_without_a_valid_memo_name_the_guard_and_change_nothing(
    api: Api, make: Factory, cast: Cast, state: str, who: str, trigger: str, fields: dict, guard
) -> None:
    case = make.dispute(cast, state, assignee=cast.analyst)
    unchanged = stored_counts(), case_snapshot(case.ref)

    response = api(getattr(cast, who)).fire(case.ref, trigger, **(EVERY_FIELD | fields))

    problem = assert_problem(response, 422)
    assert guard in problem["guards"]
    assert (stored_counts(), case_snapshot(case.ref)) == unchanged


@pytest.mark.parametrize("weak", [False, True], ids=["strong", "weak"])
def test_firing_with_the_current_etag_succeeds_and_gives_a_new_etag(
    api: Api, make: Factory, cast: Cast, weak: bool
) -> None:
    case = make.dispute(cast, "investigating")
    caller = api(cast.analyst)
    etag = caller.get(f"/disputes/{case.ref}").headers["ETag"]

    response = caller.fire(
        case.ref, "escalate", reason="contract unclear", headers={"If-Match": "W/" * weak + etag}
    )

    assert response.status_code == 200
    assert response.get_json()["state"] == "escalated"
    assert response.headers["ETag"] != etag
    assert response.headers["ETag"] == f'"{response.get_json()["version"]}"'
    assert caller.get(f"/disputes/{case.ref}").headers["ETag"] == response.headers["ETag"]


def test_if_match_star_matches_whatever_version_the_case_has(
    api: Api, make: Factory, cast: Cast
) -> None:
    case = make.dispute(cast, "investigating")

    response = api(cast.analyst).fire(
        case.ref, "escalate", reason="contract unclear", headers={"If-Match": "*"}
    )

    assert response.status_code == 200


# A stale version is refused on every write that honours If-Match.
STALE_WRITES = {
    "fire a trigger": ("/disputes/{ref}/events", {"trigger": "escalate", "reason": "unclear"}),
    "reassign": ("/disputes/{ref}/assign", {"assignee": "{analyst2}"}),
}


@pytest.mark.parametrize(("path", "body"), STALE_WRITES.values(), ids=STALE_WRITES.keys())
def test_a_stale_if_match_is_a_412_that_changes_nothing(
    api: Api, make: Factory, cast: Cast, path: str, body: dict
) -> None:
    case = make.dispute(cast, "investigating")
    caller = api(cast.lead)
    stale = caller.get(f"/disputes/{case.ref}").headers["ETag"]
    caller.post(f"/disputes/{case.ref}/comments", {"body": "someone else's change"})
    unchanged = stored_counts(), case_snapshot(case.ref)
    body = {k: v.format(analyst2=cast.analyst2.email) for k, v in body.items()}

    response = caller.post(path.format(ref=case.ref), body, headers={"If-Match": stale})

    assert_problem(response, 412)
    assert (stored_counts(), case_snapshot(case.ref)) == unchanged
    assert caller.get(f"/disputes/{case.ref}").headers["ETag"] != stale


# The whole life of one case: (who, trigger, fields, from state, to state).
LIFECYCLE = [
    ("analyst", "start", {}, "filed", "investigating"),
    ("analyst", "escalate", {"reason": "contract unclear"}, "investigating", "escalated"),
    ("lead", "deescalate", {"note": "contract found"}, "escalated", "investigating"),
    ("analyst", "resolve", RESOLUTION, "investigating", "resolved"),
    ("lead", "reopen", {"reason": "advertiser sent new logs"}, "resolved", "investigating"),
    ("analyst", "withdraw", {"note": "advertiser withdrew"}, "investigating", "resolved"),
]


def test_a_case_lives_its_whole_life_and_the_timeline_records_every_step(
    api: Api, make: Factory, cast: Cast
) -> None:
    invoice = make.invoice(cast.advertiser)
    filed = api(cast.integration).post("/disputes", filing(invoice, reason_code="other"))
    ref = filed.get_json()["ref"]
    assigned = api(cast.lead).post(f"/disputes/{ref}/assign", {"assignee": cast.analyst.email})
    assert assigned.status_code == 200
    version = assigned.get_json()["version"]

    for who, trigger, fields, _, to_state in LIFECYCLE:
        etag = f'"{version}"'
        response = api(getattr(cast, who)).fire(ref, trigger, **fields, headers={"If-Match": etag})
        assert response.status_code == 200, (trigger, response.get_json())
        assert response.get_json()["state"] == to_state
        assert response.get_json()["version"] > version
        version = response.get_json()["version"]
        assert response.headers["ETag"] == f'"{version}"'

    final = api(cast.viewer).get(f"/disputes/{ref}").get_json()
    assert (final["state"], final["outcome"]) == ("resolved", "withdrawn")
    timeline = api(cast.lead).get(f"/disputes/{ref}/events").get_json()["items"]
    steps = [e for e in timeline if e["type"] in ("filed", "assigned", "transition")]
    assert [
        (e["actor"], e["type"], e["trigger"], e["from_state"], e["to_state"]) for e in steps
    ] == [
        (cast.integration.email, "filed", None, None, "filed"),
        (cast.lead.email, "assigned", None, None, None),
    ] + [
        (getattr(cast, who).email, "transition", trigger, from_state, to_state)
        for who, trigger, _, from_state, to_state in LIFECYCLE
    ]
    assert steps[1]["data"] == {"from": None, "to": cast.analyst.email}
    assert steps[3]["data"]["reason"] == "contract unclear"
    assert steps[5]["data"] == RESOLUTION
    assert [e["seq"] for e in timeline] == list(range(1, len(timeline) + 1))
    assert [e["prev_hash"] for e in timeline[1:]] == [e["hash"] for e in timeline[:-1]]
    assert len({e["hash"] for e in timeline}) == len(timeline)
    moments = [datetime.fromisoformat(e["at"]) for e in timeline]
    assert moments == sorted(moments)


STATES = list(ROUTES)
ACTORS = ("analyst", "analyst2", "lead", "approver", "viewer", "admin", "integration")


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_allowed_triggers_are_exactly_the_triggers_the_caller_can_fire(
    api: Api, make: Factory, cast: Cast, state: str, who: str
) -> None:
    caller = api(getattr(cast, who))
    case = make.dispute(cast, state, assignee=cast.analyst)
    allowed = caller.get(f"/disputes/{case.ref}").get_json()["allowed_triggers"]
    fired: dict[str, Any] = {}

    for trigger in BY_TRIGGER:
        fired[trigger] = caller.fire(case.ref, trigger, **EVERY_FIELD).status_code
        if fired[trigger] == 200:  # the case moved on: take a fresh one for the next trigger
            case = make.dispute(cast, state, assignee=cast.analyst)

    assert sorted(t for t, status in fired.items() if status == 200) == sorted(allowed)


def test_a_read_with_the_current_etag_answers_304_without_a_body(
    api: Api, make: Factory, cast: Cast
) -> None:
    case = make.dispute(cast, "investigating")
    caller = api(cast.lead)
    etag = caller.get(f"/disputes/{case.ref}").headers["ETag"]

    same = caller.get(f"/disputes/{case.ref}", headers={"If-None-Match": etag})
    assert (same.status_code, same.get_data(), same.headers["ETag"]) == (304, b"", etag)
    assert (
        caller.get(f"/disputes/{case.ref}", headers={"If-None-Match": f"W/{etag}"}).status_code
        == 304
    )

    caller.post(f"/disputes/{case.ref}/comments", {"body": "a change"})
    changed = caller.get(f"/disputes/{case.ref}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    other = api(cast.other_lead).get(f"/disputes/{case.ref}", headers={"If-None-Match": etag})
    assert other.status_code == 404  # a 304 never tells an outsider the case exists
