"""The exceptions queue and page: who may open and work them, and what each shows."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingException, Outbox, Problem
from disputedesk.app.services.problems import open_problem
from tests.assurance_support import push, with_terms

ROLES = ("analyst", "lead", "approver", "viewer", "admin")
READERS = {"analyst", "lead", "approver", "admin"}
WORKERS = {"analyst", "lead"}


@pytest.fixture
def found(cast):
    with_terms(cast)
    push(cast)
    return db.session.scalar(select(BillingException))


def _state(e):
    db.session.expire_all()
    e = db.session.get(BillingException, e.id)
    return (e.status, e.assignee_id, e.resolution, e.dispute_id, e.version)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["/exceptions", "/exceptions/{ref}", "/exceptions?status=any"])
def test_each_page_opens_for_its_roles_and_refuses_the_rest(web, cast, found, page, role):
    answer = web(cast.by_role()[role]).get(page.format(ref=found.ref))
    assert answer.status_code == (200 if role in READERS else 403)


@pytest.mark.parametrize("outsider", ["other_lead", "other_analyst"])
def test_another_teams_exception_is_not_found(web, cast, found, outsider):
    assert web(getattr(cast, outsider)).get(f"/exceptions/{found.ref}").status_code == 404
    listed = web(getattr(cast, outsider)).get("/exceptions").get_data(as_text=True)
    assert found.ref not in listed


ACTIONS = {
    "claim": ("/exceptions/{ref}/claim", WORKERS, {}),
    "resolve": ("/exceptions/{ref}/resolve", WORKERS, {"note": "make-good agreed"}),
    "rebill": ("/exceptions/{ref}/rebill", WORKERS, {"note": "reprice at 4.00"}),
    "dispute": ("/exceptions/{ref}/dispute", WORKERS, {}),
    "assign": ("/exceptions/assign", {"lead"}, None),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_form_works_for_its_roles_and_changes_nothing_for_the_rest(
    web, cast, found, action, role
):
    path, allowed, data = ACTIONS[action]
    data = data if data is not None else {"refs": [found.ref], "assignee": cast.analyst2.id}
    before = _state(found)
    answer = web(cast.by_role()[role]).post(path.format(ref=found.ref), data=data)
    if role in allowed:
        assert answer.status_code == 302 and _state(found) != before
    else:
        assert answer.status_code == 403 and _state(found) == before


def test_the_page_shows_the_numbers_and_offers_only_what_the_kind_allows(web, cast, found):
    body = web(cast.analyst).get(f"/exceptions/{found.ref}").get_data(as_text=True)
    assert "4,000.00" in body and "3,200.00" in body and "+800.00" in body
    assert "IO-9 v1" in body and "Credit it proactively" in body
    assert "Ask the billing system to rebill" in body
    seen = web(cast.approver).get(f"/exceptions/{found.ref}").get_data(as_text=True)
    assert "3,200.00" in seen and "Claim" not in seen  # finance reads, does not work it


def test_a_rebill_request_queues_the_webhook_event_with_what_to_correct(web, cast, found):
    web(cast.analyst).post(f"/exceptions/{found.ref}/rebill", data={"note": "reprice"})
    row = db.session.scalar(
        select(Outbox).where(Outbox.kind == "billing_exception.rebill_requested")
    )
    assert row.channel == "event" and row.payload["exception"] == found.ref
    assert (row.payload["billed"], row.payload["expected"], row.payload["line_no"]) == (
        "4000.00", "3200.00", 2)  # fmt: skip
    assert _state(found)[:3] == ("resolved", None, "rebill_requested")


def test_a_note_is_needed_to_close_as_billed_correctly(web, cast, found):
    answer = web(cast.analyst).post(f"/exceptions/{found.ref}/resolve", data={"note": ""},
                                    follow_redirects=True)  # fmt: skip
    assert "say why the line was billed correctly" in answer.get_data(as_text=True)
    assert _state(found)[0] == "open"


def test_the_case_on_the_line_links_back_to_the_exception_for_the_team_only(web, cast, found):
    answer = web(cast.analyst).post(f"/exceptions/{found.ref}/dispute", data={})
    case_page = answer.headers["Location"]
    assert found.ref in web(cast.analyst).get(case_page).get_data(as_text=True)
    assert found.ref not in web(cast.viewer).get(case_page).get_data(as_text=True)


@pytest.fixture
def problem(cast):
    return open_problem(cast.lead, "Amendments not loaded", "contract_setup_error",
                        "contract_policy")  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["/problems", "/problems/{pid}"])
def test_each_problem_page_opens_for_its_roles(web, cast, problem, page, role):
    answer = web(cast.by_role()[role]).get(page.format(pid=problem.id))
    assert answer.status_code == (200 if role in READERS else 403)


PROBLEM_FORMS = {
    "open": ("/problems", {"lead", "approver"},
             {"title": "IVT lag", "cause_code": "ivt_filtering_lag",
              "owning_team": "ad_operations"}),
    "change": ("/problems/{pid}", {"lead", "approver"}, {"status": "fix_in_progress"}),
    "link": ("/problems/{pid}/cases", WORKERS, {"ref": "{exc}"}),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("form", PROBLEM_FORMS)
def test_each_problem_form_works_for_its_roles_only(web, cast, found, problem, form, role):
    path, allowed, data = PROBLEM_FORMS[form]
    data = {k: v.format(exc=found.ref) for k, v in data.items()}
    answer = web(cast.by_role()[role]).post(path.format(pid=problem.id), data=data)
    db.session.expire_all()
    changed = db.session.get(Problem, problem.id).version > 1 or (
        db.session.query(Problem).count() > 1
    )
    assert answer.status_code == (302 if role in allowed else 403)
    assert changed == (role in allowed)


def test_the_dashboard_drills_from_the_scans_numbers_to_the_exceptions(web, cast, found):
    page = web(cast.lead).get("/dashboard?from=2026-10-01").get_data(as_text=True)
    assert "/exceptions?status=open&amp;kind=overbilled" in page
    assert "Billing accuracy from the scan" in page and "Top problems" in page
