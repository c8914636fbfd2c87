"""The bell: a person's in-app notices, what is unread, marking them read."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from disputedesk.app.extensions import db
from disputedesk.app.models import Notification, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.counting import Count, capped_count
from disputedesk.app.services.transactions import LOST_RACE, transaction
from disputedesk.workflows.errors import NotFound

PAGE = 50


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


@dataclass(frozen=True)
class NoticePage:
    rows: Sequence[Notification]
    count: Count  # every notice the list holds, on all pages
    next_before: int | None  # the id older notices are listed from, if there are more


def notices_for(user: User, unread_only: bool = False, before: int | None = None) -> NoticePage:
    """Return a page of the person's notices, newest first, from before the given id."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    count = capped_count(query, key=Notification.id)
    if before is not None:
        query = query.where(Notification.id < before)
    rows = db.session.scalars(query.order_by(Notification.id.desc()).limit(PAGE + 1)).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return NoticePage(rows, count, rows[-1].id if more else None)


def mark_read(user: User, notice_id: int | None, now: datetime | None = None) -> Notification:
    """Mark one of the person's notices read; someone else's is not found."""
    notice = db.session.get(Notification, notice_id) if notice_id else None
    if notice is None or notice.user_id != user.id:
        raise NotFound("no such notice of yours")
    if notice.read_at is None:
        with transaction(lost_race=LOST_RACE):
            notice.read_at = now or utcnow()
    return notice


def mark_all_read(user: User, now: datetime | None = None) -> int:
    """Mark every unread notice of the person read; count them."""
    with transaction(lost_race=LOST_RACE):
        done = db.session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=now or utcnow())
        ).rowcount
    return done
