"""Tracking for Sales and Client Services: a page of the cases a search (or a default) finds."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, User, Watch
from disputedesk.app.models.disputes import CLOSED_BAND
from disputedesk.app.models.types import as_id
from disputedesk.app.queries.access import account_clause, visible_disputes
from disputedesk.app.queries.counting import Count, capped_count
from disputedesk.app.queries.search import search_clause
from disputedesk.workflows.errors import InvalidInput

PAGE_SIZE = 50


@dataclass(frozen=True)
class TrackPage:
    rows: Sequence[Dispute]
    count: Count
    next_after: int | None
    showing: str  # "search", "accounts" (open cases of my accounts) or "watched"


def default_view(user: User) -> str:
    """What Track shows before a search: Sales their accounts' open cases, others their watches.

    The account team (Sales/CS) is who reads no internal comments.
    """
    return "watched" if user.can("read_internal_comments") else "accounts"


def track(user: User, q: str, showing: str, after: str | None) -> TrackPage:
    """Return a page of the visible cases a search finds, newest first, with how many match."""
    query = visible_disputes(user)
    if q:
        showing, query = "search", query.where(search_clause(q, account_clause(user)))
    elif showing == "accounts":
        query = query.where(Dispute.queue_band < CLOSED_BAND)
    else:
        showing = "watched"
        query = query.where(
            Dispute.id.in_(select(Watch.dispute_id).where(Watch.user_id == user.id))
        )
    count = capped_count(query)
    if after:
        after_id = as_id(after)
        if after_id is None:
            raise InvalidInput({"after": "not a page this list gave out"})
        query = query.where(Dispute.id < after_id)
    rows = db.session.scalars(
        query.options(
            selectinload(Dispute.advertiser),
            selectinload(Dispute.invoice),
            selectinload(Dispute.assignee),
            selectinload(Dispute.sla_clocks),  # the expected resolution date
            selectinload(Dispute.credit_memos),  # a decided credit's amount and status
        )
        .order_by(Dispute.id.desc())
        .limit(PAGE_SIZE + 1)
    ).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return TrackPage(rows, count, rows[-1].id if more else None, showing)
