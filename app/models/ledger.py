"""The general ledger's side of credits: which accounts each GL reason posts to."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UtcDateTime, utcnow


class GlAccount(db.Model):
    """A GL reason's accounts: a credit memo debits `debit_account` (contra-revenue) and
    credits `credit_account` (receivables); a reversal posts the opposite. Kept as data, set
    by an admin, so finance's chart of accounts is not in code."""

    __tablename__ = "gl_accounts"

    gl_reason: Mapped[str] = mapped_column(String(40), primary_key=True)
    debit_account: Mapped[str] = mapped_column(String(40))
    credit_account: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
