"""Which disputes a user may see: one rule for lists and single reads alike."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm.interfaces import ORMOption

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, Dispute, User
from disputedesk.app.models.disputes import parse_ref
from disputedesk.workflows.errors import NotFound


def visible_clause(user: User) -> ColumnElement[bool]:
    """Return the SQL condition that selects the disputes this user may see."""
    if user.can("see_all_cases"):
        return true()
    if user.can("see_team_cases"):  # their team's cases, and any case they filed themselves
        return or_(Dispute.team_id == user.team_id, Dispute.filed_by_id == user.id)
    if user.can("see_account_cases"):
        return Dispute.advertiser_id.in_(select(Advertiser.id).where(account_clause(user)))
    return false()


def account_clause(user: User) -> ColumnElement[bool] | None:
    """The advertisers whose cases the user sees by account (Sales, CS); None: not by account."""
    if user.can("see_all_cases") or user.can("see_team_cases"):
        return None
    if user.can("see_account_cases"):
        return or_(Advertiser.sales_owner_id == user.id, Advertiser.cs_owner_id == user.id)
    return false()


def visible_disputes(user: User) -> Select[tuple[Dispute]]:
    """Select the disputes this user may see."""
    return select(Dispute).where(visible_clause(user))


def get_visible_dispute(
    ref: str, user: User, *, lock: bool = False, options: Sequence[ORMOption] = ()
) -> Dispute:
    """Load one dispute by reference, or raise NotFound when it is missing or not theirs."""
    dispute_id = parse_ref(ref)
    query = visible_disputes(user).where(Dispute.id == dispute_id).options(*options)
    if lock:
        query = query.with_for_update(of=Dispute)
    dispute = db.session.scalars(query).first() if dispute_id else None
    if dispute is None:
        raise NotFound(f"no dispute {ref} that you can see")
    return dispute


def sees(user: User, dispute: Dispute) -> bool:
    """Tell whether the user may see this dispute: the rule of visible_clause, for one row."""
    if user.can("see_all_cases"):
        return True
    if user.can("see_team_cases"):
        return dispute.team_id == user.team_id or dispute.filed_by_id == user.id
    if user.can("see_account_cases"):
        owners = (dispute.advertiser.sales_owner_id, dispute.advertiser.cs_owner_id)
        return user.id in owners
    return False
