"""Business-hours SLA clocks for disputes.

Pure Python: no Flask or SQLAlchemy, so the rules can be used from web handlers, jobs and tests
alike. All instants returned are aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

import holidays

from disputedesk.workflows.codes import CREDIT_OUTCOMES
from disputedesk.workflows.dispute import TRANSITIONS

Window = tuple[time, time]

NINE_TO_FIVE: Window = (time(9), time(17))
WEEKDAYS_NINE_TO_FIVE: tuple[Window | None, ...] = (NINE_TO_FIVE,) * 5 + (None, None)


@lru_cache(maxsize=256)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    # A frozenset keeps the cached value immutable and membership checks cheap.
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


@dataclass(frozen=True)
class Calendar:
    """A team's business calendar: local working windows per weekday, minus public holidays."""

    timezone: str = "America/Chicago"
    hours: tuple[Window | None, ...] = WEEKDAYS_NINE_TO_FIVE
    holiday_country: str = "US"
    holiday_subdivision: str | None = None

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # fail fast on an unknown zone name
        if len(self.hours) != 7:
            raise ValueError("hours needs one entry per weekday, Monday first")
        if all(window is None for window in self.hours):
            raise ValueError("a calendar needs at least one working day")
        for window in self.hours:
            if window is not None and not window[0] < window[1]:
                raise ValueError(f"working window must open before it closes: {window}")

    @property
    def zone(self) -> ZoneInfo:
        """Return the calendar's time zone."""
        return ZoneInfo(self.timezone)

    def is_holiday(self, day: date) -> bool:
        """Return whether a local date is a public holiday in this calendar."""
        return day in _holiday_dates(self.holiday_country, self.holiday_subdivision, day.year)

    def working_window(self, day: date) -> tuple[datetime, datetime] | None:
        """Return the UTC open and close instants of a local date, or None if it is not worked."""
        return _working_window(self, day)


@lru_cache(maxsize=100_000)
def _working_window(calendar: Calendar, day: date) -> tuple[datetime, datetime] | None:
    # Cached: walking a clock's days was most of a list request's time (zone maths per day).
    window = calendar.hours[day.weekday()]
    if window is None or calendar.is_holiday(day):
        return None
    # Resolving each local bound to an instant separately makes DST days come out right.
    opens, closes = (
        datetime.combine(day, bound, tzinfo=calendar.zone).astimezone(UTC) for bound in window
    )
    return (opens, closes) if opens < closes else None


DEFAULT_CALENDAR = Calendar()


def _as_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return moment.astimezone(UTC)


def _windows_from(calendar: Calendar, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
    # A window never outlives its local date, so the instant's local date is the first candidate.
    day = instant.astimezone(calendar.zone).date()
    while True:
        window = calendar.working_window(day)
        if window is not None and window[1] > instant:
            yield window
        day += timedelta(days=1)


def add_business_time(calendar: Calendar, start: datetime, seconds: int) -> datetime:
    """Return the UTC instant `seconds` business seconds after `start`."""
    current = _as_utc(start, "start")
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    remaining = timedelta(seconds=seconds)
    if not remaining:
        return current
    for opens, closes in _windows_from(calendar, current):
        begin = max(opens, current)
        # `<=` so that a budget used up exactly at closing time ends at the close, not next day.
        if remaining <= closes - begin:
            return begin + remaining
        remaining -= closes - begin
    raise AssertionError("unreachable: the window iterator is infinite")


def business_seconds_between(calendar: Calendar, start: datetime, end: datetime) -> int:
    """Return the whole business seconds in [start, end), or 0 if end is not after start."""
    start, end = _as_utc(start, "start"), _as_utc(end, "end")
    if end <= start:
        return 0
    first, last = (_local_date(calendar, moment) for moment in (start, end))
    whole_years = sum(_days_before(calendar, year)[-1] for year in range(first.year, last.year))
    total = timedelta(seconds=whole_years) + _since_new_year(calendar, last, end)
    return (total - _since_new_year(calendar, first, start)) // timedelta(seconds=1)


def _local_date(calendar: Calendar, moment: datetime) -> date:
    return moment.astimezone(calendar.zone).date()


@lru_cache(maxsize=1024)
def _days_before(calendar: Calendar, year: int) -> tuple[int, ...]:
    """Business seconds of the year before each of its local days; the last, the whole year.

    Sums once per calendar and year, so a span is two lookups, not a walk of its days.
    """
    totals, day = [0], date(year, 1, 1)
    while day.year == year:
        window = calendar.working_window(day)
        length = (window[1] - window[0]) // timedelta(seconds=1) if window else 0
        totals.append(totals[-1] + length)
        day += timedelta(days=1)
    return tuple(totals)


def _since_new_year(calendar: Calendar, day: date, moment: datetime) -> timedelta:
    """Business time from the start of `day`'s local year to `moment` (which falls on `day`)."""
    before = timedelta(seconds=_days_before(calendar, day.year)[day.timetuple().tm_yday - 1])
    window = calendar.working_window(day)  # a window never outlives its local date
    if window is None:
        return before
    return before + min(max(moment, window[0]), window[1]) - window[0]


HOUR = 60 * 60
BUSINESS_DAY = 8 * HOUR

CLOCKS = ("triage", "resolution", "escalation", "credit")

TARGETS: dict[str, dict[str, int]] = {
    "triage": {"P1": 4 * HOUR, "P2": 8 * HOUR, "P3": BUSINESS_DAY, "P4": 2 * BUSINESS_DAY},
    "resolution": {
        "P1": 2 * BUSINESS_DAY,
        "P2": 5 * BUSINESS_DAY,
        "P3": 10 * BUSINESS_DAY,
        "P4": 15 * BUSINESS_DAY,
    },
    "escalation": {"P1": 4 * HOUR, "P2": BUSINESS_DAY, "P3": BUSINESS_DAY, "P4": 2 * BUSINESS_DAY},
    "credit": {
        "P1": BUSINESS_DAY,
        "P2": 2 * BUSINESS_DAY,
        "P3": 3 * BUSINESS_DAY,
        "P4": 3 * BUSINESS_DAY,
    },
}

WARN_AT = 0.75  # fraction of a target at which the assignee is warned


def target_seconds(clock: str, priority: str) -> int:
    """Return the business-second target of a clock for a priority."""
    try:
        return TARGETS[clock][priority]
    except KeyError:
        raise ValueError(f"no SLA target for clock {clock!r} at priority {priority!r}") from None


def due_at(calendar: Calendar, clock: str, priority: str, started: datetime) -> datetime:
    """Return the UTC instant a clock started at `started` falls due."""
    return add_business_time(calendar, started, target_seconds(clock, priority))


def at_risk_at(calendar: Calendar, clock: str, priority: str, started: datetime) -> datetime:
    """Return the UTC instant a clock started at `started` has used WARN_AT of its target."""
    return add_business_time(calendar, started, int(target_seconds(clock, priority) * WARN_AT))


class ClockEffect(NamedTuple):
    """What a trigger does to one clock: start, stop, pause or resume it."""

    action: str
    clock: str


def _effects(*pairs: tuple[str, str]) -> tuple[ClockEffect, ...]:
    return tuple(ClockEffect(*pair) for pair in pairs)


# What each trigger does to the clocks ("file" is filing). Starting a clock that still runs
# replaces it: the old one stops first, so "start" also means "restart".
# Each transition names its clocks in its row of workflows/dispute.py; filing starts two.
CLOCK_EFFECTS: dict[str, tuple[ClockEffect, ...]] = {
    "file": _effects(("start", "triage"), ("start", "resolution")),
    **{t.trigger: _effects(*t.effects.clocks) for t in TRANSITIONS},
}
CREDIT_EFFECTS = {t.trigger: _effects(*t.effects.clocks_if_credit) for t in TRANSITIONS}


def clock_effects(trigger: str, outcome: str | None = None) -> tuple[ClockEffect, ...]:
    """Return what firing `trigger` (with the dispute's outcome after it) does to the clocks."""
    effects = CLOCK_EFFECTS.get(trigger, ())
    if outcome in CREDIT_OUTCOMES:
        effects += CREDIT_EFFECTS.get(trigger, ())
    return effects


class ClockLike(Protocol):
    """The stored facts of a clock that its view needs (an SlaClock row has them)."""

    name: str
    status: str  # running, paused, met, breached
    target_seconds: int
    due_at: datetime
    paused_at: datetime | None
    stopped_at: datetime | None


BADGES = ("on_track", "at_risk", "breached", "paused", "met")
CLOCK_STATUSES = ("running", "paused", "met", "breached")
TICKING = ("running", "breached")  # not stopped and not paused: still counting down


@dataclass(frozen=True)
class ClockView:
    """How a clock stands at one instant, for people: a badge and the business time left."""

    name: str
    badge: str  # one of BADGES
    due_at: datetime
    business_seconds_remaining: int  # negative once overdue; frozen while paused or stopped
    used: float  # share of the target used: 0.75 is at risk, above 1 is overdue

    @property
    def summary(self) -> str:
        """Say how the clock stands in a few words ("3h 20m left", "1d 0h 10m over")."""
        left = self.business_seconds_remaining
        if self.badge == "met":
            return "met in time"
        if self.badge == "paused":
            return f"paused, {format_business_time(max(left, 0))} left"
        if left < 0:
            return f"{format_business_time(-left)} over"
        return f"{format_business_time(left)} left"


def clock_view(clock: ClockLike, calendar: Calendar, now: datetime) -> ClockView:
    """Classify a clock for display as of `now` (or as of its pause or stop)."""
    as_of = clock.stopped_at or clock.paused_at or now
    if as_of <= clock.due_at:
        remaining = business_seconds_between(calendar, as_of, clock.due_at)
    else:
        remaining = -business_seconds_between(calendar, clock.due_at, as_of)
    used = (clock.target_seconds - remaining) / clock.target_seconds
    if clock.status in ("met", "breached", "paused"):
        badge = clock.status
    elif as_of > clock.due_at:  # overdue, and the sweep has not marked it yet
        badge = "breached"
    else:
        badge = "at_risk" if used >= WARN_AT else "on_track"
    return ClockView(clock.name, badge, clock.due_at, remaining, used)


def format_business_time(seconds: int) -> str:
    """Render business seconds as days of 8 hours, hours and minutes ("1d 2h 05m")."""
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, BUSINESS_DAY)
    hours, minutes = rest // HOUR, rest % HOUR // 60
    text = f"{days}d {hours}h {minutes:02d}m" if days else f"{hours}h {minutes:02d}m"
    return sign + text
