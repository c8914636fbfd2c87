"""The capability table: who may do what outside the transitions, as DESIGN §1 and §7 say."""

import pytest

from disputedesk.workflows.codes import ROLES
from disputedesk.workflows.dispute import SYSTEM, Actor
from disputedesk.workflows.permissions import CAPABILITIES, KNOWN, TEAM_SCOPED, can, roles_with

WORKERS = {"analyst", "lead"}
# Each capability, spelled out as the set of roles that hold it.
WHO = {
    "sign_in": set(ROLES) - {"integration"},
    "use_workspace": set(ROLES) - {"integration", "advertiser"},
    "use_portal": {"advertiser"},
    "invite_portal_users": {"lead", "integration"},
    "file_disputes": WORKERS | {"integration"},
    "work_cases": WORKERS,
    "lead_team": {"lead"},
    "assign_cases": {"lead"},
    "add_evidence": WORKERS,
    "remove_team_evidence": {"lead"},
    "see_removed_evidence": set(ROLES) - {"viewer", "advertiser"},
    "read_internal_comments": WORKERS | {"approver", "admin"},
    "comment_internal": WORKERS | {"approver"},
    "comment_account_team": WORKERS | {"approver", "viewer"},
    "watch_cases": WORKERS | {"approver", "viewer"},
    "track_cases": set(ROLES) - {"integration", "advertiser"},
    "approve_credits": {"lead", "approver"},
    "read_reports": {"lead", "approver", "admin"},
    "see_all_cases": {"admin", "approver", "integration"},
    "see_team_cases": WORKERS,
    "see_account_cases": {"viewer"},
    "push_invoices": {"integration"},
    "send_feeds": {"integration"},
    "post_memos": {"integration"},
    "read_open_items": {"integration"},
    "be_top_approver": {"approver"},
    "read_notices": set(ROLES) - {"integration", "advertiser"},
    "manage_webhooks": {"admin"},
    "watch_outbox": {"admin"},
    "keep_billing_contacts": {"lead", "integration"},
    "triage_inbound_email": {"lead"},
    "deliver_inbound_email": {"integration"},
    "administer": {"admin"},
    "read_dashboard": {"lead", "approver", "admin"},
    "read_close": {"approver", "admin"},
    "read_journal": {"approver", "admin", "integration"},
    "map_gl_accounts": {"admin"},
    "set_reserve_policy": {"admin"},
    "seal_months": {"approver"},
    "download_audit_packets": WORKERS | {"approver", "admin"},
    "read_exceptions": WORKERS | {"approver", "admin"},  # internal: Sales/CS see disputes only
    "work_exceptions": WORKERS,
    "manage_problems": {"lead", "approver"},  # the team's lead and the billing manager
}


def test_every_role_has_a_row_and_every_capability_is_spelled_out_here():
    assert set(CAPABILITIES) == set(ROLES)
    assert set(WHO) == KNOWN


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("capability", sorted(WHO))
def test_each_role_holds_exactly_the_capabilities_of_the_table(capability, role):
    actor = Actor(user_id=1, role=role, team_id=7)
    assert can(actor, capability, team_id=7) is (role in WHO[capability])
    assert (role in roles_with(capability)) is (role in WHO[capability])


@pytest.mark.parametrize("capability", sorted(TEAM_SCOPED))
@pytest.mark.parametrize("team_id", [8, None])
def test_a_team_scoped_capability_holds_only_on_the_actors_own_team(capability, team_id):
    assert not can(Actor(user_id=1, role="lead", team_id=7), capability, team_id=team_id)
    assert not can(Actor(user_id=1, role="lead", team_id=None), capability, team_id=team_id)


@pytest.mark.parametrize("capability", sorted(WHO))
def test_the_system_holds_no_capability_of_a_person(capability):
    assert not can(SYSTEM, capability)


def test_asking_for_a_capability_nobody_declared_is_a_mistake_not_a_no():
    with pytest.raises(KeyError):
        can(Actor(user_id=1, role="admin"), "approve_everything")
