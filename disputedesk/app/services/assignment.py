"""Assign, reassign and claim cases."""

from datetime import datetime

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, User
from disputedesk.app.services.write_path import (
    CHANGE_LOADS,
    change_case,
    load_for_change,
    transaction,
)
from disputedesk.workflows import edge
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.errors import (
    Conflict,
    InvalidInput,
    NotPermitted,
    StaleCase,
    TransitionNotAllowed,
)
from disputedesk.workflows.permissions import can_take_assignment, may_assign, may_claim, may_take

CLAIM_ATTEMPTS = 5


def assign(
    ref: str,
    user: User,
    assignee_email: str,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Dispute:
    """Assign or reassign a dispute to an analyst or lead of its team."""
    dispute = load_for_change(ref, user, expected_version)
    if not _assign(dispute, user, _find(assignee_email), now, commit=True):
        raise InvalidInput({"assignee": "the case is already assigned to them"})
    return dispute


def take(
    ref: str, user: User, *, expected_version: int | None = None, now: datetime | None = None
) -> Dispute:
    """Assign an unassigned open case of the user's own team to the user (an analyst or lead)."""
    dispute = load_for_change(ref, user, expected_version)
    if dispute.state not in OPEN_STATES:
        raise TransitionNotAllowed(f"cannot take {dispute.ref}: it is {dispute.state}")
    if dispute.assignee_id is not None:  # taken meanwhile, or theirs already
        whose = "yours" if dispute.assignee_id == user.id else f"{dispute.assignee.name}'s"
        raise Conflict(f"{dispute.ref} is already {whose}")
    if not may_take(user.as_actor(), dispute.facts()):
        raise NotPermitted("only an analyst or lead of the case's team takes it")
    with change_case(dispute, user, now) as change:
        dispute.assignee, dispute.assignee_id = user, user.id
        change.record("claimed", data={"to": user.email})
    return dispute


def reassign_many(refs: list[str], user: User, assignee_email: str) -> list[Dispute]:
    """Reassign several cases to one person, all or none, in one transaction."""
    if not refs:
        raise InvalidInput({"disputes": "select at least one case"})
    assignee = _find(assignee_email)
    changed = []
    with transaction():
        for ref in dict.fromkeys(refs):
            dispute = load_for_change(ref, user, None)
            if _assign(dispute, user, assignee, None, commit=False):
                changed.append(dispute)
    return changed


def _find(email: str) -> User | None:
    email = edge.check_text(
        "assignee", (email or "").strip().lower(), edge.MAX_EMAIL, single_line=True
    )
    return db.session.scalar(select(User).where(User.email == email))


def _assign(
    dispute: Dispute, user: User, assignee: User | None, now: datetime | None, *, commit: bool
) -> bool:
    """Assign after checking who may; answer False when it is assigned to them already."""
    facts = dispute.facts()
    if not may_assign(user.as_actor(), facts):
        raise NotPermitted("only the lead of the case's team may assign it")
    if dispute.state not in OPEN_STATES:
        raise TransitionNotAllowed(f"cannot assign {dispute.ref}: it is {dispute.state}")
    if assignee is None or not can_take_assignment(
        assignee.role, assignee.team_id, assignee.active, facts
    ):
        raise InvalidInput({"assignee": "must be an active analyst or lead of the case's team"})
    if assignee.id == dispute.assignee_id:
        return False
    previous = dispute.assignee.email if dispute.assignee else None
    with change_case(dispute, user, now, commit=commit) as change:
        dispute.assignee, dispute.assignee_id = assignee, assignee.id
        change.record(
            "reassigned" if previous else "assigned",
            data={"from": previous, "to": assignee.email},
        )
    return True


def claim_next(user: User) -> Dispute | None:
    """Give the user the most urgent unassigned open case of their team, or None."""
    if not may_claim(user.as_actor()):
        raise NotPermitted("only analysts and leads of a team claim cases")
    for _ in range(CLAIM_ATTEMPTS):
        try:
            return _claim_once(user)
        except StaleCase:
            continue  # someone else took that case between our read and our write
    return None


def _claim_once(user: User) -> Dispute | None:
    query = (
        select(Dispute)
        .where(
            Dispute.team_id == user.team_id,
            Dispute.assignee_id.is_(None),
            Dispute.state.in_(OPEN_STATES),
        )
        .order_by(Dispute.priority, Dispute.filed_at, Dispute.id)  # "P1" sorts first
        .limit(1)
        .options(*CHANGE_LOADS)
        .with_for_update(skip_locked=True, of=Dispute)
    )
    dispute = db.session.scalars(query).first()
    if dispute is None:
        db.session.rollback()
        return None
    with change_case(dispute, user) as change:
        dispute.assignee, dispute.assignee_id = user, user.id
        change.record("claimed", data={"to": user.email})
    return dispute
