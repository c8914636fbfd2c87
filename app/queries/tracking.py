"""Tracking: a search over the cases a user may see, or, with no search, the ones they watch."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Dispute, User, Watch
from app.queries.access import visible_disputes
from app.queries.queues import search_clause

RESULTS = 50


def tracked_cases(user: User, q: str) -> Sequence[Dispute]:
    """Return the newest visible cases matching `q`, or the ones the user watches."""
    query = visible_disputes(user).options(
        joinedload(Dispute.advertiser),
        joinedload(Dispute.invoice),
        joinedload(Dispute.assignee),
        selectinload(Dispute.sla_clocks),  # the expected resolution date
    )
    if q:
        query = query.where(search_clause(q))
    else:
        query = query.where(
            Dispute.id.in_(select(Watch.dispute_id).where(Watch.user_id == user.id))
        )
    return db.session.scalars(query.order_by(Dispute.id.desc()).limit(RESULTS)).all()
