"""Who may do what: one table of role → capabilities, asked through `can`.

Transitions name their own roles in workflows/dispute.py and credit approvals follow the
matrix in workflows/approvals.py; everything else a person may do is in this table.
"""

from disputedesk.workflows.codes import COMMENT_VISIBILITIES, ROLES
from disputedesk.workflows.dispute import Actor, Facts

# Capabilities that hold only on the actor's own team's cases (`can(..., team_id=...)`).
TEAM_SCOPED = frozenset({"assign_cases", "remove_team_evidence"})

_WORKER = {
    "sign_in", "use_workspace", "read_notices", "file_disputes", "work_cases", "add_evidence",
    "see_removed_evidence", "read_internal_comments", "comment_internal",
    "comment_account_team", "watch_cases", "track_cases", "see_team_cases",
    "download_audit_packets", "read_exceptions", "work_exceptions",
}  # fmt: skip
CAPABILITIES: dict[str, frozenset[str]] = {
    "analyst": frozenset(_WORKER),
    "lead": frozenset(
        _WORKER
        | {
            "lead_team",
            "assign_cases",
            "invite_portal_users",
            "keep_billing_contacts",
            "triage_inbound_email",
            "remove_team_evidence",
            "approve_credits",
            "read_reports",
            "read_dashboard",
            "manage_problems",
        }
    ),  # fmt: skip
    "approver": frozenset(
        {
            "sign_in",
            "use_workspace",
            "be_top_approver",  # an admin may name one for memos beyond every limit
            "read_exceptions",
            "manage_problems",
            "read_notices",
            "approve_credits",
            "read_reports",
            "read_dashboard",
            "read_close",
            "read_journal",
            "seal_months",
            "download_audit_packets",
            "see_all_cases",
            "see_removed_evidence",
            "read_internal_comments",
            "comment_internal",
            "comment_account_team",
            "watch_cases",
            "track_cases",
        }
    ),  # fmt: skip
    "viewer": frozenset(
        {
            "sign_in",
            "use_workspace",
            "read_notices",
            "comment_account_team",
            "watch_cases",
            "track_cases",
            "see_account_cases",
        }
    ),  # fmt: skip
    "admin": frozenset(
        {
            "sign_in",
            "use_workspace",
            "administer",
            "read_notices",
            "read_exceptions",
            "manage_webhooks",
            "watch_outbox",
            "read_reports",
            "read_dashboard",
            "read_close",
            "read_journal",
            "map_gl_accounts",
            "set_reserve_policy",
            "download_audit_packets",
            "see_all_cases",
            "see_removed_evidence",
            "read_internal_comments",
            "track_cases",
        }
    ),  # fmt: skip
    # The billing system and the CRM: API tokens only, never a web session.
    "integration": frozenset(
        {
            "file_disputes",
            "see_all_cases",
            "see_removed_evidence",
            "push_invoices",
            "send_feeds",
            "post_memos",
            "read_open_items",  # collections: what is held from dunning while disputed
            "read_journal",  # the ERP takes the month's GL journal
            "keep_billing_contacts",
            "invite_portal_users",
            "deliver_inbound_email",
        }
    ),  # fmt: skip
    # An advertiser's or agency's people: the portal, for the advertisers they were invited to,
    # and nothing of the workspace (no internal page, no API token).
    "advertiser": frozenset({"sign_in", "use_portal"}),
}
KNOWN = frozenset().union(*CAPABILITIES.values())


def can(actor: Actor, capability: str, *, team_id: int | None = None) -> bool:
    """Tell whether the actor's role has the capability (on `team_id`'s cases when scoped)."""
    if capability not in KNOWN:
        raise KeyError(f"no capability {capability!r}")
    if capability not in CAPABILITIES.get(actor.role, ()):
        return False
    if capability in TEAM_SCOPED:
        return actor.team_id is not None and actor.team_id == team_id
    return True


def roles_with(capability: str) -> tuple[str, ...]:
    """List the roles that hold a capability (for SQL filters over users)."""
    if capability not in KNOWN:
        raise KeyError(f"no capability {capability!r}")
    return tuple(role for role in ROLES if capability in CAPABILITIES[role])


def may_file(actor: Actor) -> bool:
    """Tell whether the actor may file disputes."""
    return can(actor, "file_disputes")


def may_claim(actor: Actor) -> bool:
    """Tell whether the actor may claim cases from their team's queue."""
    return can(actor, "work_cases") and actor.team_id is not None


def may_take(actor: Actor, facts: Facts) -> bool:
    """Tell whether the actor may take this unassigned case: one of its own team's workers."""
    return may_claim(actor) and facts.team_id == actor.team_id and facts.assignee_id is None


def may_assign(actor: Actor, facts: Facts) -> bool:
    """Tell whether the actor may assign or reassign this case: its team's lead."""
    return can(actor, "assign_cases", team_id=facts.team_id)


def can_take_assignment(role: str, team_id: int | None, active: bool, facts: Facts) -> bool:
    """Tell whether a user can be the assignee of this case."""
    return active and role in roles_with("work_cases") and team_id == facts.team_id


def comment_visibilities(actor: Actor) -> tuple[str, ...]:
    """Return the comment visibilities the actor may write."""
    return tuple(v for v in COMMENT_VISIBILITIES if can(actor, f"comment_{v}"))


def reads_internal_comments(actor: Actor) -> bool:
    """Tell whether the actor may read comments meant for the billing team only."""
    return can(actor, "read_internal_comments")


def may_remove_evidence(actor: Actor, team_id: int | None, uploader_id: int) -> bool:
    """Tell whether the actor may take evidence off a case: its uploader or the team's lead."""
    return can(actor, "remove_team_evidence", team_id=team_id) or actor.user_id == uploader_id


# Insight (issue 11): the dashboard is for leads (their team) and finance; the close spans every
# team, so finance alone reads it, and approvers (finance controllers) alone seal a month.
INSIGHT_READERS = roles_with("read_dashboard")
CLOSE_READERS = roles_with("read_close")
MONTH_SEALERS = roles_with("seal_months")
PACKET_READERS = roles_with("download_audit_packets")  # of the cases they may see
