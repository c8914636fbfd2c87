"""What a credit decided per invoice line, and reversals of issued memos with their own numbers."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disputedesk.app.extensions import db
from disputedesk.app.models.billing import InvoiceLine
from disputedesk.app.models.credits import CreditMemo
from disputedesk.app.models.people import User
from disputedesk.app.models.types import UtcDateTime, utcnow


class CreditLine(db.Model):
    """The amount a memo credits on one invoice line; the caps add these up per line."""

    __tablename__ = "credit_lines"
    __table_args__ = (UniqueConstraint("memo_id", "invoice_line_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(ForeignKey("credit_memos.id"))
    invoice_line_id: Mapped[int] = mapped_column(ForeignKey("invoice_lines.id"), index=True)
    disputed_amount: Mapped[int] = mapped_column(BigInteger)  # minor units, as filed
    proposed_amount: Mapped[int | None] = mapped_column(BigInteger)  # the comparison's proposal
    amount: Mapped[int] = mapped_column(BigInteger)  # approved credit, minor units

    memo: Mapped[CreditMemo] = relationship(
        backref=db.backref("lines", order_by="CreditLine.id", cascade="all, delete-orphan")
    )
    invoice_line: Mapped[InvoiceLine] = relationship()


class Reversal(db.Model):
    """The document that reverses one issued memo; numbered RV-YYYY-NNNNNN, gapless per year."""

    __tablename__ = "reversals"
    __table_args__ = (
        Index("ix_reversals_reversed_at", "reversed_at"),
        Index("ix_reversals_external_ref", "external_ref", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(ForeignKey("credit_memos.id"), unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units reversed (the memo's amount)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    reversed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reversed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    rule: Mapped[str] = mapped_column(String(200))  # the matrix tier the reverser satisfied
    external_ref: Mapped[str | None] = mapped_column(String(80))  # the ERP's document, once posted
    posted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    memo: Mapped[CreditMemo] = relationship(backref=db.backref("reversal", uselist=False))
    reversed_by: Mapped[User] = relationship()


class ReversalSequence(db.Model):
    """The last reversal number used in a year; incremented under a row lock, never skipped."""

    __tablename__ = "reversal_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)
