"""A team's business hours as an admin writes them ("09:00-17:00", working days Mon–Fri)."""

import re
from datetime import time

from disputedesk.workflows.sla import Window

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_HOURS = "09:00-17:00"
DEFAULT_WORKDAYS = "1111100"  # one flag per weekday, Monday first
_HOURS = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]|24):([0-5][0-9])")


class BadHours(ValueError):
    """Hours or working days that cannot be a business calendar."""


def parse_hours(text: str) -> Window:
    """Read "08:30-17:00" into a window; the end must come after the start, on the same day."""
    found = _HOURS.fullmatch(text.strip()) if text.isascii() else None
    if not found:
        raise BadHours("hours such as 09:00-17:00")
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    if h2 == 24 and m2:
        raise BadHours("hours end at 24:00 at the latest")
    start, end = time(h1, m1), time(23, 59, 59) if h2 == 24 else time(h2, m2)
    if end <= start:
        raise BadHours("the day must end after it starts")
    return start, end


def check_workdays(flags: str) -> str:
    """Return seven 0/1 flags, Monday first, with at least one working day."""
    if len(flags) != 7 or set(flags) - {"0", "1"} or "1" not in flags:
        raise BadHours("choose at least one working day")
    return flags


def week(hours: str, workdays: str) -> tuple[Window | None, ...]:
    """Return the seven windows (None on a day off) a Calendar takes."""
    window = parse_hours(hours)
    return tuple(window if flag == "1" else None for flag in check_workdays(workdays))


def describe(hours: str, workdays: str) -> str:
    """Say the hours in words: "Mon, Tue, Wed, Thu, Fri 09:00–17:00"."""
    days = ", ".join(day for day, flag in zip(DAYS, workdays, strict=True) if flag == "1")
    return f"{days} {hours.replace('-', '–')}"
