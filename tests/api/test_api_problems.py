"""Root-cause problems over the API: every route × every person, and a linked case's money."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingException, Dispute, Problem
from disputedesk.app.services.problems import open_problem
from tests.api.helpers import assert_problem
from tests.assurance_support import push, with_terms

PEOPLE = ("analyst", "lead", "approver", "viewer", "admin", "integration", "other_analyst")
READ = dict.fromkeys(PEOPLE, 200) | {"viewer": 403, "integration": 403}
MANAGE = dict.fromkeys(PEOPLE, 403) | {"lead": 200, "approver": 200}
LINK = dict.fromkeys(PEOPLE, 403) | {"analyst": 200, "lead": 200, "other_analyst": 404}
ROUTES = {
    "list": ("GET", "/problems", None, READ),
    "read": ("GET", "/problems/{pid}", None, READ),
    "open": ("POST", "/problems", {"title": "IVT lag", "cause_code": "ivt_filtering_lag",
                                   "owning_team": "ad_operations"},
             MANAGE | {"lead": 201, "approver": 201}),
    "change": ("POST", "/problems/{pid}", {"status": "fix_in_progress"}, MANAGE),
    "link a dispute": ("POST", "/disputes/{ref}/problem", {"problem_id": "{pid}"}, LINK),
    "link an exception": ("POST", "/exceptions/{exc}/problem", {"problem_id": "{pid}"}, LINK),
}  # fmt: skip


@pytest.fixture
def scene(make, cast):
    problem = open_problem(cast.lead, "Amendments not loaded", "contract_setup_error",
                           "contract_policy")  # fmt: skip
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst, amount=150_000)
    with_terms(cast)
    push(cast)
    return problem, dispute, db.session.scalar(select(BillingException))


def _state(problem, dispute, found):
    db.session.expire_all()
    get = db.session.get
    return (get(Problem, problem.id).version, get(Dispute, dispute.id).version,
            get(BillingException, found.id).version, db.session.query(Problem).count())  # fmt: skip


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("route", ROUTES)
def test_each_person_gets_the_answer_the_table_gives(api, cast, scene, route, who):
    problem, dispute, found = scene
    method, path, body, answers = ROUTES[route]
    url = path.format(pid=problem.id, ref=dispute.ref, exc=found.ref)
    if body and body.get("problem_id") == "{pid}":
        body = {"problem_id": problem.id}
    before = _state(*scene)
    response = api(getattr(cast, who)).request(method, url, json=body)
    assert response.status_code == answers[who]
    if response.status_code >= 400:
        assert_problem(response, response.status_code)
        assert _state(*scene) == before
    elif method == "POST":
        assert _state(*scene) != before


def test_a_problem_reads_with_its_cases_money_and_trail(api, cast, scene):
    problem, dispute, found = scene
    api(cast.analyst).post(f"/disputes/{dispute.ref}/problem", {"problem_id": problem.id})
    api(cast.analyst).post(f"/exceptions/{found.ref}/problem", {"problem_id": problem.id})
    doc = api(cast.approver).get(f"/problems/{problem.id}").get_json()
    assert (doc["cases"], doc["found"], doc["money"]) == ([dispute.ref], [found.ref], "2300.00")
    assert [e["type"] for e in doc["events"]] == ["opened", "case_linked", "case_linked"]
    fixed = api(cast.lead).post(f"/problems/{problem.id}", {"status": "fixed"})
    assert_problem(fixed, 422)
