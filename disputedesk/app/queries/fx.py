"""Dated FX rates: which rate was in force for a currency on a books' day."""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import FxRate
from disputedesk.workflows.errors import Conflict
from disputedesk.workflows.money import RATE_DIGITS, REPORTING_CURRENCY, convert, to_reporting


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


def rates_in_force() -> Callable[[str, date], int | None]:
    """`rate_on` from every rate on file read once (a small table), for a report or a rebuild
    that converts many amounts: the rate (micros) of a currency on a day, None without one."""
    kept: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for currency, day, micros in db.session.execute(
        select(FxRate.currency, FxRate.effective_on, FxRate.rate_micros).order_by(
            FxRate.currency, FxRate.effective_on
        )
    ):
        kept[currency].append((day, micros))

    def rate(currency: str, day: date) -> int | None:
        if currency == REPORTING_CURRENCY:
            return 10**RATE_DIGITS
        found = kept.get(currency, [])
        at = bisect_right(found, (day, float("inf"))) - 1
        return found[at][1] if at >= 0 else None

    return rate


def converter() -> Callable[[int, str, date], int]:
    """Convert an amount of a currency at the rate in force on a day (the standing rate when
    none is on file), reading the rates once."""
    rate = rates_in_force()

    def to_usd(amount: int, currency: str, day: date) -> int:
        micros = rate(currency, day)
        return convert(amount, micros) if micros is not None else to_reporting(amount, currency)

    return to_usd
