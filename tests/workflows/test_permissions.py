"""Who may fire each transition, and who may file, claim, assign, take a case and comment."""

import pytest

from disputedesk.workflows import guards
from disputedesk.workflows.codes import ROLES
from disputedesk.workflows.dispute import BY_TRIGGER, SYSTEM, Actor, Facts, may_fire
from disputedesk.workflows.permissions import (
    can_take_assignment,
    comment_visibilities,
    may_assign,
    may_claim,
    may_file,
    reads_internal_comments,
)

TEAM, OTHER_TEAM = 1, 2
CASE = Facts(state="investigating", team_id=TEAM, assignee_id=10)
# Who may fire is about the person, never about the memo, the evidence or the state.
CREDIT_CASE = Facts(
    state="resolved",
    team_id=TEAM,
    assignee_id=10,
    outcome="credit_partial",
    reason_code="invalid_traffic",
    evidence_kinds=("delivery_report", "ivt_report"),
    disputed_amount=1_500_00,
    memo_status="approved",
)
ACTORS = {
    "assignee": Actor(user_id=10, role="analyst", team_id=TEAM),
    "other analyst": Actor(user_id=11, role="analyst", team_id=TEAM),
    "assigned lead of another team": Actor(user_id=10, role="lead", team_id=OTHER_TEAM),
    "lead": Actor(user_id=20, role="lead", team_id=TEAM),
    "other lead": Actor(user_id=21, role="lead", team_id=OTHER_TEAM),
    "approver": Actor(user_id=30, role="approver"),
    "system": SYSTEM,
    "viewer": Actor(user_id=40, role="viewer", team_id=TEAM),
    "assigned viewer": Actor(user_id=10, role="viewer", team_id=TEAM),
    "admin": Actor(user_id=50, role="admin", team_id=TEAM),
    "integration": Actor(user_id=60, role="integration", team_id=TEAM),
}
ASSIGNEES = {"assignee", "assigned lead of another team"}
# The "who" column of DESIGN §3, spelled out per actor.
MAY_FIRE = {
    "start": ASSIGNEES | {"lead"},
    "escalate": ASSIGNEES | {"lead", "system"},
    "deescalate": {"lead"},
    "resolve": ASSIGNEES | {"lead"},
    "withdraw": ASSIGNEES | {"lead"},
    "return_for_rework": {"approver", "lead"},
    "reopen": {"lead"},
    "issue_credit": {"approver", "system"},
    "reverse_credit": {"approver", "lead"},
    "request_info": ASSIGNEES | {"lead"},
    "info_received": ASSIGNEES | {"lead", "system"},  # system: the advertiser's reply came in
}


def test_every_trigger_has_a_permission_row():
    assert set(MAY_FIRE) == set(BY_TRIGGER)


@pytest.mark.parametrize("case", [CASE, CREDIT_CASE], ids=["open", "credit"])
@pytest.mark.parametrize("name", ACTORS)
@pytest.mark.parametrize("trigger", MAY_FIRE)
def test_may_fire_follows_the_who_column_of_the_table(trigger, name, case):
    assert may_fire(ACTORS[name], BY_TRIGGER[trigger], case) is (name in MAY_FIRE[trigger])


def test_the_workflow_and_its_guards_speak_of_the_same_facts():
    assert Facts is guards.Facts


@pytest.mark.parametrize("team_id", [TEAM, OTHER_TEAM, None])
@pytest.mark.parametrize("trigger", ["issue_credit", "return_for_rework"])
def test_an_approver_acts_on_credits_whatever_team_they_sit_in(trigger, team_id):
    approver = Actor(user_id=31, role="approver", team_id=team_id)
    assert may_fire(approver, BY_TRIGGER[trigger], CREDIT_CASE)


def test_a_lead_sends_a_credit_back_but_never_issues_it():
    lead = ACTORS["lead"]
    assert may_fire(lead, BY_TRIGGER["return_for_rework"], CREDIT_CASE)
    assert not may_fire(lead, BY_TRIGGER["issue_credit"], CREDIT_CASE)


@pytest.mark.parametrize("name", sorted(ASSIGNEES))
@pytest.mark.parametrize("trigger", ["issue_credit", "return_for_rework"])
def test_the_assignee_neither_issues_nor_sends_back_the_credit_of_their_own_case(trigger, name):
    assert not may_fire(ACTORS[name], BY_TRIGGER[trigger], CREDIT_CASE)


@pytest.mark.parametrize("team_id", [TEAM, None])
@pytest.mark.parametrize("trigger", ["issue_credit", "return_for_rework"])
def test_an_admin_is_no_approver_and_touches_no_credit(trigger, team_id):
    admin = Actor(user_id=50, role="admin", team_id=team_id)
    assert not may_fire(admin, BY_TRIGGER[trigger], CREDIT_CASE)


def test_assignee_cannot_deescalate_their_own_case():
    assert not may_fire(ACTORS["assignee"], BY_TRIGGER["deescalate"], CASE)


def test_an_analyst_who_is_not_the_assignee_cannot_start():
    assert not may_fire(ACTORS["other analyst"], BY_TRIGGER["start"], CASE)


def test_a_lead_of_another_team_cannot_touch_the_case():
    other_lead = ACTORS["other lead"]
    assert not any(may_fire(other_lead, t, CASE) for t in BY_TRIGGER.values())


@pytest.mark.parametrize("role", ["viewer", "admin", "integration"])
def test_viewers_admins_and_integrations_never_fire_triggers_even_when_named_assignee(role):
    actor = Actor(user_id=CASE.assignee_id, role=role, team_id=TEAM)
    assert not any(may_fire(actor, t, CASE) for t in BY_TRIGGER.values())


def test_the_system_is_not_the_assignee_of_an_unassigned_case():
    unassigned = Facts(state="filed", team_id=TEAM, assignee_id=None)
    assert not may_fire(SYSTEM, BY_TRIGGER["start"], unassigned)


@pytest.mark.parametrize("role", ROLES)
def test_only_analysts_leads_and_integrations_may_file(role):
    assert may_file(Actor(user_id=1, role=role, team_id=TEAM)) is (
        role in ("analyst", "lead", "integration")
    )


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (Actor(user_id=1, role="analyst", team_id=TEAM), True),
        (Actor(user_id=1, role="lead", team_id=TEAM), True),
        (Actor(user_id=1, role="analyst", team_id=None), False),
        (Actor(user_id=1, role="approver", team_id=TEAM), False),
        (Actor(user_id=1, role="viewer", team_id=TEAM), False),
        (Actor(user_id=1, role="admin", team_id=TEAM), False),
        (Actor(user_id=1, role="integration", team_id=TEAM), False),
        (SYSTEM, False),
    ],
)
def test_only_analysts_and_leads_with_a_team_may_claim(actor, expected):
    assert may_claim(actor) is expected


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (ACTORS["lead"], True),
        (ACTORS["other lead"], False),
        (ACTORS["assignee"], False),
        (ACTORS["approver"], False),
        (ACTORS["admin"], False),
        (SYSTEM, False),
    ],
)
def test_only_the_lead_of_the_case_team_may_assign(actor, expected):
    assert may_assign(actor, CASE) is expected


@pytest.mark.parametrize(
    ("role", "team_id", "active", "expected"),
    [
        ("analyst", TEAM, True, True),
        ("lead", TEAM, True, True),
        ("analyst", TEAM, False, False),
        ("analyst", OTHER_TEAM, True, False),
        ("analyst", None, True, False),
        ("approver", TEAM, True, False),
        ("viewer", TEAM, True, False),
        ("admin", TEAM, True, False),
        ("integration", TEAM, True, False),
    ],
)
def test_only_active_analysts_and_leads_of_the_case_team_can_be_assigned(
    role, team_id, active, expected
):
    assert can_take_assignment(role, team_id, active, CASE) is expected


@pytest.mark.parametrize(
    ("role", "writes", "reads_internal"),
    [
        ("analyst", ("internal", "account_team"), True),
        ("lead", ("internal", "account_team"), True),
        ("approver", ("internal", "account_team"), True),
        ("viewer", ("account_team",), False),
        ("admin", (), True),
        ("integration", (), False),
        ("system", (), False),
    ],
)
def test_comment_visibilities_follow_the_role(role, writes, reads_internal):
    actor = Actor(user_id=1, role=role, team_id=TEAM)
    assert comment_visibilities(actor) == writes
    assert reads_internal_comments(actor) is reads_internal
