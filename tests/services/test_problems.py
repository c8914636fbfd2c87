"""Root-cause problems: opened by leads and managers, cases linked, money and recurrence."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingException, Event, ProblemEvent
from disputedesk.app.queries.problems import problem_list, problem_view
from disputedesk.app.services.exceptions import link_problem
from disputedesk.app.services.problems import change_problem, link_dispute, open_problem
from disputedesk.workflows.errors import InvalidInput, NotFound, NotPermitted
from tests.assurance_support import push, with_terms


@pytest.fixture
def cast(make):
    return make.cast()


@pytest.fixture
def problem(cast):
    return open_problem(cast.lead, "Amendments not loaded into billing", "contract_setup_error",
                        "contract_policy")  # fmt: skip


def test_only_leads_and_managers_open_problems_and_bad_fields_are_named(cast):
    for who in (cast.analyst, cast.viewer, cast.admin, cast.integration):
        with pytest.raises(NotPermitted):
            open_problem(who, "x", "contract_setup_error", "contract_policy")
    with pytest.raises(InvalidInput) as refused:
        open_problem(cast.approver, " ", "nonsense", "marketing")
    assert set(refused.value.errors) == {"title", "cause_code", "owning_team"}


def test_a_problem_links_disputes_and_exceptions_and_sums_their_money(make, cast, problem):
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst, amount=150_000)
    link_dispute(cast.analyst, dispute.ref, problem.id)
    with_terms(cast)
    push(cast)
    found = db.session.scalar(select(BillingException))
    link_problem(cast.analyst, found.ref, problem.id)
    view = problem_view(cast.lead, problem.id)
    assert [d.ref for d in view.cases] == [dispute.ref] and view.found == [found]
    assert (view.disputes, view.exceptions, view.money) == (1, 1, 150_000 + 80_000)
    assert [x.type for x in view.trail] == ["opened", "case_linked", "case_linked"]
    on_case = db.session.scalar(select(Event).where(Event.dispute_id == dispute.id,
                                                    Event.type == "problem_linked"))  # fmt: skip
    assert on_case.data == {"from": None, "to": problem.ref}


def test_cases_arriving_after_the_fix_shipped_mark_the_problem_recurring(make, cast, problem):
    old = make.dispute(cast, "investigating", assignee=cast.analyst)
    old.filed_at = datetime(2026, 9, 1, 15, tzinfo=UTC)
    db.session.commit()
    link_dispute(cast.analyst, old.ref, problem.id)
    with pytest.raises(InvalidInput):  # fixed says when
        change_problem(cast.lead, problem.id, status="fixed")
    change_problem(cast.lead, problem.id, status="fixed", fix="Load amendments nightly",
                   fix_shipped_on=date(2026, 10, 1))  # fmt: skip
    assert not problem_list(cast.lead)[0].recurring
    late = make.dispute(cast, "investigating", assignee=cast.analyst)
    link_dispute(cast.analyst, late.ref, problem.id)
    figures = problem_list(cast.lead)[0]
    assert figures.recurring and figures.after_fix == 1
    changed = db.session.scalars(select(ProblemEvent).where(ProblemEvent.type == "changed")).one()
    assert changed.data["after"] == {"status": "fixed", "fix": "Load amendments nightly",
                                     "fix_shipped_on": "2026-10-01"}  # fmt: skip


def test_linking_is_for_those_who_work_the_case(make, cast, problem):
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst)
    for who in (cast.viewer, cast.approver, cast.admin):
        with pytest.raises(NotPermitted):
            link_dispute(who, dispute.ref, problem.id)
    with pytest.raises(NotFound):
        link_dispute(cast.other_analyst, dispute.ref, problem.id)
    with pytest.raises(InvalidInput):
        link_dispute(cast.analyst, dispute.ref, 999_999)
    assert db.session.get(type(dispute), dispute.id).problem_id is None
