"""In-app notices and each person's choice of how they hear about each kind."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from disputedesk.app.extensions import db
from disputedesk.app.models.types import UtcDateTime, utcnow


class Notification(db.Model):
    """One notice shown under the bell; made once from its outbox row."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_read_at_id", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    digest_pending: Mapped[bool] = mapped_column(default=False)  # waits for the daily e-mail


class NotificationPreference(db.Model):
    """How one person wants e-mail about one kind of notice: immediate, digest or off."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(10))
