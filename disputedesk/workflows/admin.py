"""Administering accounts, asked of the capability table (workflows/permissions.py)."""

from disputedesk.workflows.permissions import CAPABILITIES

SET_PASSWORD_HOURS = 72  # an invitation's one-time link lasts this long


def may_administer(role: str) -> bool:
    return "administer" in CAPABILITIES.get(role, frozenset())


def is_role(name: str) -> bool:
    """Tell whether a name is one of the roles."""
    from disputedesk.workflows.codes import ROLES

    return name in ROLES


def role_changes(before: str, after: str) -> bool:
    """Tell whether an account's role moves (which ends its sessions)."""
    return before != after
