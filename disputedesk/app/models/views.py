"""A person's saved views of a queue: a name and the filters it opens with."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from disputedesk.app.extensions import db
from disputedesk.app.models.types import UtcDateTime, utcnow


class SavedView(db.Model):
    """One named set of team-queue filters, kept for the person who saved it."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(60))
    query: Mapped[str] = mapped_column(Text)  # the filters as a query string, parsed on opening
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
