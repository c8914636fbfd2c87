"""Credit memos, their approvals, and the gapless memo-number sequence per year."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disputedesk.app.extensions import db
from disputedesk.app.models.people import User
from disputedesk.app.models.types import UtcDateTime, utcnow
from disputedesk.workflows.approvals import MEMO_START


class CreditMemo(db.Model):
    __tablename__ = "credit_memos"
    __table_args__ = (
        Index("ix_credit_memos_invoice_created", "invoice_id", "created_at"),
        # A month's memos (the credits report, the close, the journal) by their issue time.
        Index("ix_credit_memos_issued_at", "issued_at"),
        # The approvals inbox: the pending memos oldest first, a page at a time.
        Index(
            "ix_credit_memos_pending_created",
            "created_at",
            "id",
            postgresql_where=text("status = 'pending_approval'"),
            sqlite_where=text("status = 'pending_approval'"),
        ),
        # The billing system's to-do list: memos still waiting for their corrected invoice.
        Index(
            "ix_credit_memos_rebill_pending",
            "id",
            postgresql_where=text("rebill AND rebill_invoice IS NULL"),
            sqlite_where=text("rebill AND rebill_invoice IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units of `currency`
    currency: Mapped[str] = mapped_column(String(3))
    reporting_amount: Mapped[int] = mapped_column(BigInteger)  # in the reporting currency
    fx_rate: Mapped[int | None] = mapped_column(BigInteger)  # the rate frozen at preparation
    fx_rate_on: Mapped[date | None] = mapped_column(Date)
    split_total: Mapped[int] = mapped_column(BigInteger, default=0)  # with recent memos
    gl_reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=MEMO_START, index=True)
    matrix_version: Mapped[str] = mapped_column(String(20))
    preparer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    issued_by: Mapped[str | None] = mapped_column(String(254))  # an email, or "system"
    issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    external_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    posted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    justification: Mapped[str | None] = mapped_column(Text)
    above_proposal: Mapped[bool] = mapped_column(default=False)
    comparison: Mapped[dict | None] = mapped_column(JSON)
    # Credit and rebill: the billing system is asked for a corrected invoice when the memo is
    # issued, and reports its number back.
    rebill: Mapped[bool] = mapped_column(default=False, server_default=false())
    rebill_invoice: Mapped[str | None] = mapped_column(String(40))
    rebilled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    preparer: Mapped[User] = relationship(foreign_keys=[preparer_id])
    approvals: Mapped[list["Approval"]] = relationship(
        back_populates="memo", order_by="Approval.id", cascade="all, delete-orphan"
    )


class Approval(db.Model):
    __tablename__ = "approvals"
    # One decision per person per memo: a double click or two tabs count once.
    __table_args__ = (UniqueConstraint("memo_id", "approver_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(ForeignKey("credit_memos.id"))
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(10))  # approve or reject
    comment: Mapped[str] = mapped_column(Text, default="")
    rule: Mapped[str] = mapped_column(String(200))  # the matrix version and tier it satisfied
    approver_limit: Mapped[int] = mapped_column(BigInteger)  # the limit at the time
    as_top: Mapped[bool] = mapped_column(default=False, server_default=false())  # top approver then
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    memo: Mapped[CreditMemo] = relationship(back_populates="approvals")
    approver: Mapped[User] = relationship()


class MemoSequence(db.Model):
    """The last memo number used in a year; incremented under a row lock, never skipped."""

    __tablename__ = "memo_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)
