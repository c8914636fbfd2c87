"""Who may do the actions that are not transitions: file, assign, claim, comment."""

from workflows.dispute import Actor, Facts

FILERS = ("analyst", "lead", "integration")
WORKERS = ("analyst", "lead")  # people a case can be assigned to
COMMENTERS = {
    "analyst": ("internal", "account_team"),
    "lead": ("internal", "account_team"),
    "approver": ("internal", "account_team"),
    "viewer": ("account_team",),
}


def may_file(actor: Actor) -> bool:
    """Tell whether the actor may file disputes."""
    return actor.role in FILERS


def may_claim(actor: Actor) -> bool:
    """Tell whether the actor may claim cases from their team's queue."""
    return actor.role in WORKERS and actor.team_id is not None


def may_assign(actor: Actor, facts: Facts) -> bool:
    """Tell whether the actor may assign or reassign this case: its team's lead."""
    return actor.role == "lead" and actor.team_id is not None and actor.team_id == facts.team_id


def can_take_assignment(role: str, team_id: int | None, active: bool, facts: Facts) -> bool:
    """Tell whether a user can be the assignee of this case."""
    return active and role in WORKERS and team_id == facts.team_id


def comment_visibilities(actor: Actor) -> tuple[str, ...]:
    """Return the comment visibilities the actor may write."""
    return COMMENTERS.get(actor.role, ())


def reads_internal_comments(actor: Actor) -> bool:
    """Tell whether the actor may read comments meant for the billing team only."""
    return actor.role in ("analyst", "lead", "approver", "admin")


def may_remove_evidence(actor: Actor, team_id: int | None, uploader_id: int) -> bool:
    """Tell whether the actor may take evidence off a case: its uploader or the team's lead."""
    is_lead = actor.role == "lead" and actor.team_id is not None and actor.team_id == team_id
    return is_lead or actor.user_id == uploader_id
