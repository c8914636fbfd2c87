"""The bell: a person's in-app notices, what is unread, marking them read."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Notification, User
from app.models.types import utcnow
from workflows.errors import NotFound

PAGE = 50


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def notices_for(user: User, unread_only: bool = False, limit: int = PAGE) -> Sequence[Notification]:
    """Return the person's notices, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return db.session.scalars(query.order_by(Notification.id.desc()).limit(limit)).all()


def mark_read(user: User, notice_id: int | None, now: datetime | None = None) -> Notification:
    """Mark one of the person's notices read; someone else's is not found."""
    notice = db.session.get(Notification, notice_id) if notice_id else None
    if notice is None or notice.user_id != user.id:
        raise NotFound("no such notice of yours")
    if notice.read_at is None:
        notice.read_at = now or utcnow()
        db.session.commit()
    return notice


def mark_all_read(user: User, now: datetime | None = None) -> int:
    """Mark every unread notice of the person read; count them."""
    done = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    ).rowcount
    db.session.commit()
    return done
