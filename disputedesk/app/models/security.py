"""The security log: sign-ins, lockouts, sign-outs and administrative changes (not disputes)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from disputedesk.app.extensions import db
from disputedesk.app.models.types import UtcDateTime, utcnow


class SecurityEvent(db.Model):
    """Who did what to an account or a setting, when, from where; rows are only appended."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_subject_at", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    email: Mapped[str] = mapped_column(String(254), default="")  # as typed, for failed sign-ins
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class WebSession(db.Model):
    """One signed-in browser; the cookie holds a random id whose hash is kept here."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class ChainHead(db.Model):
    """The last seq and hash of a dispute's audit chain, kept in the transaction that appends."""

    __tablename__ = "chain_heads"

    dispute_id: Mapped[int] = mapped_column(
        ForeignKey("disputes.id"), primary_key=True, autoincrement=False
    )
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))  # keyed: a truncated chain cannot forge it


class LedgerEntry(db.Model):
    """One checkpoint of every chain head; entries are chained and keyed, only appended."""

    __tablename__ = "audit_ledger"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    chains: Mapped[int]
    events: Mapped[int]
    last_event_id: Mapped[int]
    heads_digest: Mapped[str] = mapped_column(String(64))  # keyed, over every (dispute, seq, hash)
    prev_mac: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


class PasswordLink(db.Model):
    """A one-time link to set a password (an invitation); only its hash is kept."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
