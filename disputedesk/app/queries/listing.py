"""Read-side queries: lists of disputes, advertisers and invoices that a user may see."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload, selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import (
    Advertiser,
    Comment,
    Dispute,
    DisputedLine,
    Event,
    Invoice,
    InvoiceLine,
    User,
)
from disputedesk.app.queries.access import get_visible_dispute, visible_clause, visible_disputes
from disputedesk.app.queries.trail_view import readable_events
from disputedesk.workflows.dispute import OPEN_STATES, STATES
from disputedesk.workflows.errors import InvalidInput, NotFound
from disputedesk.workflows.permissions import reads_internal_comments

DISPUTE_LOADS = (
    joinedload(Dispute.advertiser),
    joinedload(Dispute.invoice),
    joinedload(Dispute.team),
    joinedload(Dispute.assignee),
    selectinload(Dispute.lines).joinedload(DisputedLine.invoice_line),
    selectinload(Dispute.sla_clocks),
    selectinload(Dispute.evidence),  # the workflow's facts: allowed triggers without N+1
    selectinload(Dispute.credit_memos),
)


@dataclass(frozen=True)
class DisputeFilters:
    state: str | None = None
    assignee_email: str | None = None
    advertiser_ref: str | None = None


def list_disputes(
    user: User, filters: DisputeFilters, after: int | None, limit: int
) -> Sequence[Dispute]:
    """Return up to `limit` visible disputes, newest first, after the cursor's id."""
    query = visible_disputes(user).options(*DISPUTE_LOADS).order_by(Dispute.id.desc())
    if filters.state:
        if filters.state not in STATES:
            raise InvalidInput({"state": "one of " + ", ".join(STATES)})
        query = query.where(Dispute.state == filters.state)
    if filters.assignee_email:
        query = query.join(User, User.id == Dispute.assignee_id).where(
            User.email == filters.assignee_email.lower()
        )
    if filters.advertiser_ref:
        query = query.join(Advertiser, Advertiser.id == Dispute.advertiser_id).where(
            Advertiser.ref == filters.advertiser_ref
        )
    if after is not None:
        query = query.where(Dispute.id < after)
    return db.session.scalars(query.limit(limit)).unique().all()


def load_dispute(ref: str, user: User) -> Dispute:
    """Load one visible dispute with what its document shows."""
    return get_visible_dispute(ref, user, options=DISPUTE_LOADS)


def dispute_events(dispute: Dispute, user: User) -> Sequence[Event]:
    """Return the dispute's audit trail as the user may read it (less of it for Sales/CS)."""
    events = db.session.scalars(
        select(Event).where(Event.dispute_id == dispute.id).order_by(Event.seq)
    ).all()
    return readable_events(dispute, user, events)


def dispute_comments(dispute: Dispute, user: User) -> Sequence[Comment]:
    query = (
        select(Comment).where(Comment.dispute_id == dispute.id).options(joinedload(Comment.author))
    )
    if not reads_internal_comments(user.as_actor()):
        query = query.where(Comment.visibility == "account_team")
    return db.session.scalars(query.order_by(Comment.id)).all()


def visible_advertisers(user: User) -> Select[tuple[Advertiser]]:
    """Select the advertisers the user may see: viewers only the accounts they own."""
    query = select(Advertiser)
    if user.can("see_account_cases"):
        query = query.where(
            or_(Advertiser.sales_owner_id == user.id, Advertiser.cs_owner_id == user.id)
        )
    return query


def list_advertisers(user: User, after: int | None, limit: int) -> Sequence[Advertiser]:
    query = visible_advertisers(user).options(
        joinedload(Advertiser.sales_owner), joinedload(Advertiser.cs_owner)
    )
    if after is not None:
        query = query.where(Advertiser.id > after)
    return db.session.scalars(query.order_by(Advertiser.id).limit(limit)).all()


def load_invoice(number: str, user: User) -> tuple[Invoice, Sequence[Dispute]]:
    """Load a visible invoice with its lines and the open disputes the user may see."""
    visible = visible_advertisers(user).with_only_columns(Advertiser.id)
    invoice = db.session.scalar(
        select(Invoice)
        .where(Invoice.number == number, Invoice.advertiser_id.in_(visible))
        .options(selectinload(Invoice.lines), joinedload(Invoice.advertiser))
    )
    if invoice is None:
        raise NotFound(f"no invoice {number} that you can see")
    open_disputes = db.session.scalars(
        select(Dispute)
        .where(
            or_(Dispute.invoice_id == invoice.id, Dispute.id.in_(spanning(invoice.id))),
            Dispute.state.in_(OPEN_STATES),
            visible_clause(user),
        )
        .order_by(Dispute.id)
    ).all()
    return invoice, open_disputes


def spanning(invoice_id: int) -> Select:
    """The ids of cases with a line on the invoice: its own, and those over several invoices."""
    return (
        select(DisputedLine.dispute_id)
        .join(InvoiceLine, InvoiceLine.id == DisputedLine.invoice_line_id)
        .where(InvoiceLine.invoice_id == invoice_id)
    )
