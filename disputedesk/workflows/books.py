"""The books' calendar: months and days are cut in the books' time zone, not in UTC."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_BOOKS_TIMEZONE = "America/Chicago"


class BadMonth(ValueError):
    """A month that is not written YYYY-MM."""


def parse_month(month: str) -> date:
    """Return the first day of a month written "2026-11"; raise BadMonth otherwise."""
    text = month.strip() if isinstance(month, str) else ""
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isascii():
        raise BadMonth("a month such as 2026-11")
    try:
        first = date.fromisoformat(f"{text}-01")
    except ValueError:
        raise BadMonth("a month such as 2026-11") from None
    if not 1900 <= first.year <= 9998:  # the month before and after must be dates too
        raise BadMonth("a month between 1900-01 and 9998-12")
    return first


def next_month(first: date) -> date:
    """Return the first day of the month after the one starting on `first`."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    """Return the first day of the month before the one starting on `first`."""
    return (first - timedelta(days=1)).replace(day=1)


def local_midnight(day: date, zone: str) -> datetime:
    """Return the UTC instant at which `day` starts in the zone."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def month_bounds(month: str, zone: str = DEFAULT_BOOKS_TIMEZONE) -> tuple[datetime, datetime]:
    """Return the UTC instants at which the month starts and the next one starts, in the zone."""
    first = parse_month(month)
    return local_midnight(first, zone), local_midnight(next_month(first), zone)


def books_day(instant: datetime, zone: str = DEFAULT_BOOKS_TIMEZONE) -> date:
    """Return the date an instant falls on in the books' zone."""
    return instant.astimezone(ZoneInfo(zone)).date()


def books_year(instant: datetime, zone: str = DEFAULT_BOOKS_TIMEZONE) -> int:
    """Return the books' year an instant falls in: a memo's number carries it."""
    return books_day(instant, zone).year


def month_of(instant: datetime, zone: str = DEFAULT_BOOKS_TIMEZONE) -> str:
    """Return the books' month ("2026-11") an instant falls in."""
    return f"{books_day(instant, zone):%Y-%m}"
