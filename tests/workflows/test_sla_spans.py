"""Business time over a span is summed per year, and agrees with walking the span's days."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from disputedesk.workflows.sla import DEFAULT_CALENDAR, Calendar, business_seconds_between

CALENDARS = [
    DEFAULT_CALENDAR,
    Calendar("Europe/London", holiday_country="GB"),  # other DST dates and holidays
    Calendar("Asia/Tokyo", hours=((None,) * 5 + ((datetime.min.time().replace(hour=10),
             datetime.min.time().replace(hour=14)),) * 2), holiday_country="JP"),  # weekends only
]  # fmt: skip


def walked(calendar: Calendar, start: datetime, end: datetime) -> int:
    """The business seconds in [start, end), one local day at a time."""
    total, day = timedelta(), start.astimezone(calendar.zone).date()
    while day <= end.astimezone(calendar.zone).date():
        if window := calendar.working_window(day):
            total += max(timedelta(), min(window[1], end) - max(window[0], start))
        day += timedelta(days=1)
    return max(total, timedelta()) // timedelta(seconds=1)


@pytest.mark.parametrize("calendar", CALENDARS, ids=lambda c: c.timezone)
def test_spans_of_minutes_to_years_count_what_a_walk_of_their_days_counts(calendar):
    pick = random.Random(15)
    origin = datetime(2025, 10, 1, tzinfo=UTC)
    for _ in range(300):
        start = origin + timedelta(
            seconds=pick.randrange(0, 500 * 86400), microseconds=pick.randrange(10**6)
        )
        end = start + timedelta(
            seconds=pick.choice([59, 3600, 86400, 40 * 86400, 400 * 86400]) * pick.random()
        )
        assert business_seconds_between(calendar, start, end) == walked(calendar, start, end)


def test_a_span_over_new_year_counts_both_sides_and_not_the_holiday():
    last_working = datetime(2026, 12, 31, 22, tzinfo=UTC)  # 16:00 in Chicago, an hour before close
    first_working = datetime(2027, 1, 4, 16, tzinfo=UTC)  # Monday 10:00; Friday the 1st a holiday
    assert business_seconds_between(DEFAULT_CALENDAR, last_working, first_working) == 2 * 3600
