"""Read billing exceptions as the user may see them: the queue, one exception, its trail."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingException, Dispute, ExceptionEvent, User
from disputedesk.workflows.assurance import exception_id
from disputedesk.workflows.errors import NotFound, NotPermitted

ASSIGNEE_FILTERS = ("anyone", "me", "nobody")


@dataclass(frozen=True)
class ExceptionFilter:
    status: str | None = "open"  # None: every status
    kind: str | None = None
    assignee: str = "anyone"  # anyone, me, nobody


def _visible(user: User) -> Select:
    if not user.can("read_exceptions"):
        raise NotPermitted("billing exceptions are for the billing-operations team and finance")
    query = select(BillingException)
    if not user.can("see_all_cases"):  # analysts and leads: their own team's
        query = query.where(BillingException.team_id == (user.team_id or -1))
    return query


def exception_page(
    user: User, want: ExceptionFilter, after: int | None = None, limit: int = 50
) -> tuple[list[BillingException], int]:
    """Return a page of exceptions (largest variance first is for reports; this is id order)."""
    query = _visible(user)
    if want.status:
        query = query.where(BillingException.status == want.status)
    if want.kind:
        query = query.where(BillingException.kind == want.kind)
    if want.assignee == "me":
        query = query.where(BillingException.assignee_id == user.id)
    elif want.assignee == "nobody":
        query = query.where(BillingException.assignee_id.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    if after is not None:
        query = query.where(BillingException.id > after)
    rows = db.session.scalars(
        query.options(
            joinedload(BillingException.invoice), joinedload(BillingException.advertiser),
            joinedload(BillingException.line), joinedload(BillingException.assignee),
            joinedload(BillingException.dispute),
        ).order_by(BillingException.id).limit(limit)
    ).unique().all()  # fmt: skip
    return list(rows), total or 0


def load_exception(ref: str, user: User) -> BillingException:
    """Return one exception the user may see, or NotFound as if it did not exist."""
    pk = exception_id(ref)
    found = db.session.scalar(_visible(user).where(BillingException.id == pk)) if pk else None
    if found is None:
        raise NotFound(f"no billing exception {ref}")
    return found


def exception_trail(e: BillingException) -> Sequence[ExceptionEvent]:
    return db.session.scalars(
        select(ExceptionEvent)
        .where(ExceptionEvent.exception_id == e.id)
        .options(joinedload(ExceptionEvent.actor))
        .order_by(ExceptionEvent.seq)
    ).all()


def exceptions_of_dispute(dispute: Dispute) -> Sequence[BillingException]:
    """The exceptions the scan found on a dispute's lines, for the case page."""
    return db.session.scalars(
        select(BillingException)
        .where(BillingException.dispute_id == dispute.id)
        .order_by(BillingException.id)
    ).all()
