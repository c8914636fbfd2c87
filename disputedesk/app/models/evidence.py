"""Evidence attached to a dispute; the file itself lives in the evidence store."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disputedesk.app.extensions import db
from disputedesk.app.models.people import User
from disputedesk.app.models.types import UtcDateTime, utcnow


class Evidence(db.Model):
    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_dispute_sha256", "dispute_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"))
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))  # for display only, never a path
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])
