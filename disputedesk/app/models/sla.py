"""SLA clocks of disputes, and the outbox of notifications waiting to be delivered."""

from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from disputedesk.app.extensions import db
from disputedesk.app.models.types import UtcDateTime, utcnow


class SlaClock(db.Model):
    """One run of one clock on a dispute; restarting a clock adds a new row."""

    __tablename__ = "sla_clocks"
    __table_args__ = (
        # A dispute's clocks (its nearest due one first).
        Index("ix_sla_clocks_dispute_id_status_due_at", "dispute_id", "status", "due_at"),
        # The sweep's two range scans, on exactly its predicates: only running clocks not yet
        # warned (or not yet breached) are in them, so "nothing due" reads next to nothing
        # whatever the number of cases, and the planner has no wider index to misjudge.
        Index(
            "ix_sla_clocks_unwarned_at_risk_at",
            "at_risk_at",
            postgresql_where=text("status = 'running' AND warned_at IS NULL"),
            sqlite_where=text("status = 'running' AND warned_at IS NULL"),
        ),
        # "breached_at IS NULL" is true of every running clock; it is in the predicate so
        # that only the breach query (which says it) can use this index: the warning query
        # could, and the planner, misjudging due_at among running clocks, chose it over
        # the index above and read every running clock (300 ms at 1M).
        Index(
            "ix_sla_clocks_running_due_at",
            "due_at",
            postgresql_where=text("status = 'running' AND breached_at IS NULL"),
            sqlite_where=text("status = 'running' AND breached_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"))
    name: Mapped[str] = mapped_column(String(20))  # triage, resolution, escalation, credit
    priority: Mapped[str] = mapped_column(String(2))  # the dispute's priority when it started
    target_seconds: Mapped[int]  # business seconds
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    at_risk_at: Mapped[datetime] = mapped_column(UtcDateTime)  # when 75% of the target is used
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)  # both move later after a pause
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    paused_seconds: Mapped[int] = mapped_column(default=0)  # business seconds paused in all
    stopped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(10), default="running")
    warned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"<SlaClock {self.name} of dispute {self.dispute_id} {self.status}>"


class Outbox(db.Model):
    """A notification or webhook queued in the transaction that caused it, delivered later."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_delivered_at_id", "delivered_at", "id"),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # sla_warning, sla_breach, …
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    channel: Mapped[str] = mapped_column(String(10), default="notify")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    key: Mapped[str | None] = mapped_column(String(36), unique=True, default=lambda: str(uuid4()))
    last_error: Mapped[str | None] = mapped_column(Text)
    response_code: Mapped[int | None]
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_subscriptions.id"), index=True
    )
