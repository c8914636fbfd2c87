from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disputedesk.workflows.sla import (
    DEFAULT_CALENDAR,
    TARGETS,
    Calendar,
    add_business_time,
    business_seconds_between,
    due_at,
    target_seconds,
)

CHICAGO = ZoneInfo("America/Chicago")
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600
DAY = 8 * HOUR
GERMAN_CALENDAR = Calendar(timezone="Europe/Berlin", holiday_country="DE")


def chicago(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


def test_p3_triage_filed_friday_afternoon_before_a_monday_holiday_is_due_tuesday_afternoon():
    filed = chicago(2026, 1, 16, 16)
    assert DEFAULT_CALENDAR.is_holiday(date(2026, 1, 19))
    assert due_at(DEFAULT_CALENDAR, "triage", "P3", filed) == chicago(2026, 1, 20, 16)


def test_result_is_in_utc():
    due = add_business_time(DEFAULT_CALENDAR, chicago(2026, 1, 13, 10), HOUR)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 1, 13, 17, tzinfo=UTC)


def test_start_on_a_saturday_begins_counting_monday_at_nine():
    assert add_business_time(DEFAULT_CALENDAR, chicago(2026, 1, 10, 11), HOUR) == chicago(
        2026, 1, 12, 10
    )


def test_start_before_opening_begins_counting_at_nine():
    assert add_business_time(DEFAULT_CALENDAR, chicago(2026, 1, 13, 7), HOUR) == chicago(
        2026, 1, 13, 10
    )


def test_start_after_closing_begins_counting_the_next_working_day():
    assert add_business_time(DEFAULT_CALENDAR, chicago(2026, 1, 13, 18), HOUR) == chicago(
        2026, 1, 14, 10
    )
    assert add_business_time(DEFAULT_CALENDAR, chicago(2026, 1, 23, 18), HOUR) == chicago(
        2026, 1, 26, 10
    )


def test_start_in_another_zone_is_treated_as_the_same_instant():
    tokyo_early_saturday = datetime(2026, 1, 10, 1, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert add_business_time(DEFAULT_CALENDAR, tokyo_early_saturday, HOUR) == chicago(
        2026, 1, 9, 11
    )


def test_clock_running_over_the_spring_dst_change_is_due_monday_at_ten_local():
    started = chicago(2026, 3, 6, 16)
    due = add_business_time(DEFAULT_CALENDAR, started, 2 * HOUR)
    assert due == chicago(2026, 3, 9, 10)
    assert due == datetime(2026, 3, 9, 15, tzinfo=UTC)
    assert started.utcoffset() == timedelta(hours=-6)
    assert due.astimezone(CHICAGO).utcoffset() == timedelta(hours=-5)


def test_working_windows_are_eight_real_hours_either_side_of_dst():
    before = DEFAULT_CALENDAR.working_window(date(2026, 3, 6))
    after = DEFAULT_CALENDAR.working_window(date(2026, 3, 9))
    assert before == (datetime(2026, 3, 6, 15, tzinfo=UTC), datetime(2026, 3, 6, 23, tzinfo=UTC))
    assert after == (datetime(2026, 3, 9, 14, tzinfo=UTC), datetime(2026, 3, 9, 22, tzinfo=UTC))


def test_weekends_and_holidays_have_no_working_window():
    assert DEFAULT_CALENDAR.working_window(date(2026, 1, 17)) is None
    assert DEFAULT_CALENDAR.working_window(date(2026, 1, 19)) is None


def test_amount_used_up_exactly_at_closing_ends_at_five_not_next_morning():
    assert add_business_time(DEFAULT_CALENDAR, chicago(2026, 1, 13, 9), DAY) == chicago(
        2026, 1, 13, 17
    )
    assert add_business_time(DEFAULT_CALENDAR, chicago(2026, 1, 16, 13), 4 * HOUR) == chicago(
        2026, 1, 16, 17
    )


def test_zero_seconds_returns_the_start_unchanged_even_outside_hours():
    saturday = chicago(2026, 1, 10, 3, 15)
    assert add_business_time(DEFAULT_CALENDAR, saturday, 0) == saturday
    assert add_business_time(DEFAULT_CALENDAR, saturday, 0).tzinfo is UTC


def test_business_seconds_over_a_holiday_weekend_count_only_working_time():
    friday, tuesday = chicago(2026, 1, 16, 16), chicago(2026, 1, 20, 10)
    assert business_seconds_between(DEFAULT_CALENDAR, friday, tuesday) == 2 * HOUR


def test_business_seconds_over_a_full_working_week_are_five_days():
    monday, next_monday = chicago(2026, 2, 2), chicago(2026, 2, 9)
    assert business_seconds_between(DEFAULT_CALENDAR, monday, next_monday) == 5 * DAY


def test_business_seconds_are_zero_when_end_is_not_after_start():
    moment = chicago(2026, 1, 13, 10)
    assert business_seconds_between(DEFAULT_CALENDAR, moment, moment) == 0
    assert business_seconds_between(DEFAULT_CALENDAR, moment, moment - timedelta(hours=1)) == 0


def test_german_calendar_skips_easter_holidays_in_berlin_time():
    maundy_thursday = datetime(2026, 4, 2, 16, tzinfo=BERLIN)
    due = add_business_time(GERMAN_CALENDAR, maundy_thursday, 2 * HOUR)
    assert due == datetime(2026, 4, 7, 10, tzinfo=BERLIN)
    assert due == datetime(2026, 4, 7, 8, tzinfo=UTC)


def test_holiday_subdivision_adds_regional_holidays():
    bavaria = Calendar(timezone="Europe/Berlin", holiday_country="DE", holiday_subdivision="BY")
    corpus_christi = date(2026, 6, 4)
    assert bavaria.is_holiday(corpus_christi)
    assert not GERMAN_CALENDAR.is_holiday(corpus_christi)


def test_custom_hours_are_respected():
    saturday_mornings = Calendar(hours=(None,) * 5 + ((time(9), time(12)), None))
    monday = chicago(2026, 1, 12, 10)
    assert add_business_time(saturday_mornings, monday, 4 * HOUR) == chicago(2026, 1, 24, 10)


def test_calendar_rejects_malformed_hours():
    with pytest.raises(ValueError):
        Calendar(hours=((time(9), time(17)),) * 6)
    with pytest.raises(ValueError):
        Calendar(hours=(None,) * 7)
    with pytest.raises(ValueError):
        Calendar(hours=((time(17), time(9)),) * 7)


def test_naive_datetimes_are_rejected():
    naive = datetime(2026, 1, 13, 10)
    with pytest.raises(ValueError):
        add_business_time(DEFAULT_CALENDAR, naive, HOUR)
    with pytest.raises(ValueError):
        business_seconds_between(DEFAULT_CALENDAR, naive, chicago(2026, 1, 14))
    with pytest.raises(ValueError):
        business_seconds_between(DEFAULT_CALENDAR, chicago(2026, 1, 12), naive)


def test_negative_seconds_are_rejected():
    with pytest.raises(ValueError):
        add_business_time(DEFAULT_CALENDAR, chicago(2026, 1, 13, 10), -1)


def test_unknown_clock_or_priority_is_rejected():
    with pytest.raises(ValueError):
        target_seconds("billing", "P1")
    with pytest.raises(ValueError):
        target_seconds("triage", "P5")


# Started Monday 2026-03-02 09:00 Chicago; no US holiday falls in the following three weeks.
SLA_TABLE = [
    ("triage", "P1", 4 * HOUR, chicago(2026, 3, 2, 13)),
    ("triage", "P2", 8 * HOUR, chicago(2026, 3, 2, 17)),
    ("triage", "P3", DAY, chicago(2026, 3, 2, 17)),
    ("triage", "P4", 2 * DAY, chicago(2026, 3, 3, 17)),
    ("resolution", "P1", 2 * DAY, chicago(2026, 3, 3, 17)),
    ("resolution", "P2", 5 * DAY, chicago(2026, 3, 6, 17)),
    ("resolution", "P3", 10 * DAY, chicago(2026, 3, 13, 17)),
    ("resolution", "P4", 15 * DAY, chicago(2026, 3, 20, 17)),
    ("escalation", "P1", 4 * HOUR, chicago(2026, 3, 2, 13)),
    ("escalation", "P2", DAY, chicago(2026, 3, 2, 17)),
    ("escalation", "P3", DAY, chicago(2026, 3, 2, 17)),
    ("escalation", "P4", 2 * DAY, chicago(2026, 3, 3, 17)),
    ("credit", "P1", DAY, chicago(2026, 3, 2, 17)),
    ("credit", "P2", 2 * DAY, chicago(2026, 3, 3, 17)),
    ("credit", "P3", 3 * DAY, chicago(2026, 3, 4, 17)),
    ("credit", "P4", 3 * DAY, chicago(2026, 3, 4, 17)),
]


def test_sla_table_covers_every_clock_and_priority_exactly():
    assert {(clock, priority) for clock, priority, _, _ in SLA_TABLE} == {
        (clock, priority) for clock, targets in TARGETS.items() for priority in targets
    }


@pytest.mark.parametrize(("clock", "priority", "seconds", "due"), SLA_TABLE)
def test_target_and_due_time_match_the_sla_table(clock, priority, seconds, due):
    assert target_seconds(clock, priority) == seconds
    assert due_at(DEFAULT_CALENDAR, clock, priority, chicago(2026, 3, 2, 9)) == due


ZONES = [UTC, CHICAGO, BERLIN, ZoneInfo("Asia/Kolkata"), ZoneInfo("Pacific/Auckland")]
instants = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31, 23, 59, 59),
    timezones=st.sampled_from(ZONES),
)
amounts = st.integers(min_value=0, max_value=60 * DAY)
calendars = st.sampled_from([DEFAULT_CALENDAR, GERMAN_CALENDAR])


@settings(max_examples=200, deadline=None)
@given(calendars, instants, amounts)
def test_business_time_between_start_and_result_is_the_amount_added(calendar, start, seconds):
    due = add_business_time(calendar, start, seconds)
    assert business_seconds_between(calendar, start, due) == seconds


@settings(max_examples=200, deadline=None)
@given(calendars, instants, amounts.filter(bool))
def test_due_instant_lies_within_working_hours_or_at_a_window_end(calendar, start, seconds):
    local = add_business_time(calendar, start, seconds).astimezone(calendar.zone)
    window = calendar.hours[local.weekday()]
    public = holidays.country_holidays(
        calendar.holiday_country, subdiv=calendar.holiday_subdivision, years=local.year
    )
    assert window is not None
    assert local.date() not in public
    assert window[0] < local.time() <= window[1]


@settings(max_examples=200, deadline=None)
@given(calendars, instants, instants, amounts)
def test_later_start_never_gives_an_earlier_due_instant(calendar, first, second, seconds):
    # Order as UTC instants: same-zone comparison ignores fold during the DST fall-back hour.
    early, late = sorted([first.astimezone(UTC), second.astimezone(UTC)])
    assert add_business_time(calendar, early, seconds) <= add_business_time(calendar, late, seconds)


@settings(max_examples=200, deadline=None)
@given(calendars, instants, amounts, amounts)
def test_adding_in_two_steps_equals_adding_the_sum(calendar, start, first, second):
    # Exact even when the first step ends at closing time: the next step skips the closed window.
    in_two_steps = add_business_time(calendar, add_business_time(calendar, start, first), second)
    assert in_two_steps == add_business_time(calendar, start, first + second)


@settings(max_examples=200, deadline=None)
@given(calendars, instants, instants)
def test_adding_the_measured_business_time_never_overshoots_the_end(calendar, first, second):
    start, end = sorted([first.astimezone(UTC), second.astimezone(UTC)])
    elapsed = business_seconds_between(calendar, start, end)
    assert start <= add_business_time(calendar, start, elapsed) <= end
