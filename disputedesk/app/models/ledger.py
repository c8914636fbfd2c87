"""The books' reference data: GL accounts per GL reason, dated FX rates, the reserve policy."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from disputedesk.app.extensions import db
from disputedesk.app.models.types import UtcDateTime, utcnow


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


class FxRate(db.Model):
    """Units of the reporting currency (micros) per unit of a currency, from a day on, as a
    source gave it. Append-only: a day's rate is never rewritten once on file; a dispute and
    a memo freeze the rate in force on their day."""

    __tablename__ = "fx_rates"
    __table_args__ = (UniqueConstraint("currency", "effective_on", name="uq_fx_rates_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    effective_on: Mapped[date] = mapped_column(Date)
    rate_micros: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReserveBand(db.Model):
    """One band of the reserve policy: cases of `reason` ("*": every reason) aged `from_days`
    or more at a month's end are reserved at `rate_bp` basis points (workflows/reserve.py)."""

    __tablename__ = "reserve_bands"
    __table_args__ = (UniqueConstraint("reason", "from_days", name="uq_reserve_bands_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))
    from_days: Mapped[int]
    rate_bp: Mapped[int]
    set_by: Mapped[str] = mapped_column(String(254), default="seeded default")
    set_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
