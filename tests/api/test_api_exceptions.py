"""Billing exceptions over the API: every route × every person, and the answers' contents."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingException, Outbox
from tests.api.helpers import assert_problem
from tests.assurance_support import push, with_terms

PEOPLE = ("analyst", "analyst2", "lead", "approver", "viewer", "admin", "integration",
          "other_lead", "other_analyst")  # fmt: skip
WORK = dict.fromkeys(PEOPLE, 403) | {"analyst": 200, "analyst2": 200, "lead": 200,
                                     "other_lead": 404, "other_analyst": 404}  # fmt: skip
ROUTES = {
    "list": ("GET", "/exceptions", None,
             dict.fromkeys(PEOPLE, 200) | {"viewer": 403, "integration": 403}),
    "read": ("GET", "/exceptions/{ref}", None,
             dict.fromkeys(PEOPLE, 200) | {"viewer": 403, "integration": 403,
                                           "other_lead": 404, "other_analyst": 404}),
    "claim": ("POST", "/exceptions/{ref}/claim", {}, WORK),
    "resolve": ("POST", "/exceptions/{ref}/resolution",
                {"resolution": "billed_correctly", "note": "agreed make-good"}, WORK),
    "rebill": ("POST", "/exceptions/{ref}/resolution",
               {"resolution": "rebill_requested", "note": "reprice at 4.00"}, WORK),
    "dispute": ("POST", "/exceptions/{ref}/dispute", {}, WORK | {"analyst": 201,
                                                               "analyst2": 201, "lead": 201}),
}  # fmt: skip


@pytest.fixture
def found(cast):
    with_terms(cast)
    push(cast)
    return db.session.scalar(select(BillingException))


def _state(e):
    db.session.expire_all()
    e = db.session.get(BillingException, e.id)
    return (e.status, e.assignee_id, e.resolution, e.dispute_id, e.version)


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("route", ROUTES)
def test_each_person_gets_the_answer_the_table_gives(api, cast, found, route, who):
    method, path, body, answers = ROUTES[route]
    before = _state(found)
    response = api(getattr(cast, who)).request(method, path.format(ref=found.ref), json=body)
    assert response.status_code == answers[who]
    if response.status_code >= 400:
        assert_problem(response, response.status_code)
        assert _state(found) == before
    elif method == "POST":
        assert _state(found) != before


def test_an_exception_reads_with_its_numbers_contract_and_trail(api, cast, found):
    listed = api(cast.analyst).get("/exceptions").get_json()
    assert listed["total"] == 1 and [x["ref"] for x in listed["items"]] == [found.ref]
    doc = api(cast.analyst).get(f"/exceptions/{found.ref}").get_json()
    assert (doc["billed"], doc["expected"], doc["variance"], doc["kind"]) == (
        "4000.00", "3200.00", "800.00", "overbilled")  # fmt: skip
    assert doc["contract"] == "IO-9 v1" and doc["line_no"] == 2
    assert [e["type"] for e in doc["events"]] == ["found"]
    assert doc["comparison"]["billable_units"] == "800000"


def test_filters_narrow_the_queue(api, cast, found):
    assert api(cast.analyst).get("/exceptions?assignee=me").get_json()["total"] == 0
    api(cast.analyst).post(f"/exceptions/{found.ref}/claim", {})
    assert api(cast.analyst).get("/exceptions?assignee=me").get_json()["total"] == 1
    assert api(cast.analyst).get("/exceptions?kind=underbilled").get_json()["total"] == 0
    bad = api(cast.analyst).get("/exceptions?kind=nonsense")
    assert_problem(bad, 422)


def test_a_stale_version_changes_nothing(api, cast, found):
    answer = api(cast.analyst).post(f"/exceptions/{found.ref}/resolution",
                                    {"resolution": "billed_correctly", "note": "x",
                                     "version": found.version + 5})  # fmt: skip
    assert answer.status_code == 409 and _state(found)[0] == "open"


def test_turning_it_into_a_dispute_answers_both_references(api, cast, found):
    answer = api(cast.lead).post(f"/exceptions/{found.ref}/dispute", {})
    assert answer.status_code == 201
    made = answer.get_json()
    assert made["exception"] == found.ref and made["dispute"].startswith("DSP-")
    case = api(cast.lead).get(f"/disputes/{made['dispute']}").get_json()
    assert case["intake_channel"] == "assurance" and case["disputed_amount"] == "800.00"


def test_a_rebill_through_the_api_asks_the_billing_system_and_closes_the_exception(
    api, cast, found
):
    rebill = {"resolution": "rebill_requested", "note": "reprice"}
    answer = api(cast.analyst).post(f"/exceptions/{found.ref}/resolution", rebill)
    assert answer.status_code == 200, answer.get_json()
    assert (answer.get_json()["status"], answer.get_json()["resolution"]) == (
        "resolved", "rebill_requested")  # fmt: skip
    row = db.session.scalar(
        select(Outbox).where(Outbox.kind == "billing_exception.rebill_requested")
    )
    assert row.payload["exception"] == found.ref and row.payload["expected"] == "3200.00"


def test_billed_correctly_through_the_api_needs_a_note(api, cast, found):
    answer = api(cast.analyst).post(f"/exceptions/{found.ref}/resolution",
                                    {"resolution": "billed_correctly"})  # fmt: skip
    assert answer.status_code == 422 and _state(found)[0] == "open"
