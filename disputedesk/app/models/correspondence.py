"""Advertisers' billing contacts, and the e-mail that comes back from them."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from disputedesk.app.extensions import db
from disputedesk.app.models.types import UtcDateTime, utcnow


class BillingContact(db.Model):
    __tablename__ = "billing_contacts"
    __table_args__ = (UniqueConstraint("advertiser_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advertiser_id: Mapped[int] = mapped_column(ForeignKey("advertisers.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class InboundEmail(db.Model):
    """One message received from outside: threaded onto its case, or waiting in triage."""

    __tablename__ = "inbound_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    from_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[Any]] = mapped_column(
        JSON, default=list
    )  # names, and what became of each
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10))  # threaded, triage
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")  # why it is in triage
