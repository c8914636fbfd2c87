"""Dated FX rates: which rate was in force for a currency on a books' day."""

from datetime import date
from typing import NamedTuple

from sqlalchemy import select

from app.extensions import db
from app.models import FxRate
from workflows.errors import Conflict
from workflows.money import RATE_DIGITS, REPORTING_CURRENCY


class Rate(NamedTuple):
    micros: int  # units of the reporting currency per unit, in micros
    effective_on: date | None  # None for the reporting currency itself
    source: str


PAR = Rate(10**RATE_DIGITS, None, "the reporting currency")


def rate_on(currency: str, day: date) -> Rate:
    """The rate in force on the day: the latest on file from that day or before; a currency
    without one is refused (the FX feed sends it), never converted at a guess."""
    if currency == REPORTING_CURRENCY:
        return PAR
    found = db.session.execute(
        select(FxRate.rate_micros, FxRate.effective_on, FxRate.source)
        .where(FxRate.currency == currency, FxRate.effective_on <= day)
        .order_by(FxRate.effective_on.desc())
        .limit(1)
    ).first()
    if found is None:
        raise Conflict(f"no {currency} rate on file for {day}: send it by the FX feed first")
    return Rate(*found)


def rates(currency: str | None = None, limit: int = 500) -> list[FxRate]:
    query = select(FxRate).order_by(FxRate.currency, FxRate.effective_on.desc()).limit(limit)
    if currency:
        query = query.where(FxRate.currency == currency)
    return list(db.session.scalars(query))
