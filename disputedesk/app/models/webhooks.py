"""Webhook subscriptions: where the billing system, the CRM and chat tools hear of events."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from disputedesk.app.extensions import db
from disputedesk.app.models.types import UtcDateTime, utcnow


class WebhookSubscription(db.Model):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[Any]] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(128))  # kept readable: it signs each delivery
    # After a rotation the secret before it signs too, beside the new one, until this instant,
    # so a receiver can switch keys without refusing a delivery.
    previous_secret: Mapped[str | None] = mapped_column(String(128))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
