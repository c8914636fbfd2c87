"""The reserve for revenue at risk: the part of the open disputed amount the books expect to
credit, booked at each month's end.

The policy is data: bands of (reason, from an age in days, rate in basis points). A case's
rate is the band of its own reason with the highest start its age at the month's end has
reached, or, before its reason's first band, the band of every reason ("*") it has reached.
The month's reserve is the sum over the cases open at its end of open amount × rate, each
rounded half up to the minor unit; the journal books the change from the month before.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeGuard

from disputedesk.workflows.codes import REASON_CODES

ANY_REASON = "*"
MAX_RATE = 10_000  # basis points: 100 %
MAX_AGE = 3_650  # days; a band may not start later than ten years on
MAX_BANDS = 200


@dataclass(frozen=True)
class Band:
    reason: str  # a reason code, or ANY_REASON
    from_days: int
    rate_bp: int


def rate_for(bands: Sequence[Band], reason: str, age_days: int) -> int:
    """The rate (basis points) of a case of `reason` aged `age_days` at the month's end."""
    for wanted in (reason, ANY_REASON):
        reached = [b for b in bands if b.reason == wanted and b.from_days <= age_days]
        if reached:
            return max(reached, key=lambda b: b.from_days).rate_bp
    return 0


def reserve_of(amount: int, rate_bp: int) -> int:
    """amount × rate, rounded half up (away from zero) to the minor unit."""
    sign = -1 if amount < 0 else 1
    return sign * ((abs(amount) * rate_bp + MAX_RATE // 2) // MAX_RATE)


def age_buckets(bands: Iterable[Band]) -> list[tuple[int, int | None]]:
    """The policy's age buckets [from, to] in days, from every band's start (0 always first)."""
    starts = sorted({0, *(b.from_days for b in bands)})
    return [(s, (starts[i + 1] - 1) if i + 1 < len(starts) else None) for i, s in enumerate(starts)]


def bucket_label(bucket: tuple[int, int | None]) -> str:
    start, end = bucket
    return f"{start}+ days" if end is None else f"{start}–{end} days"


def policy_problems(rows: Sequence[Mapping[str, object]]) -> dict[str, str]:
    """Every problem of a proposed policy, keyed by row ("bands.2.rate_bp"); {} when sound."""
    problems: dict[str, str] = {}
    if not rows:
        return {"bands": "a policy needs at least one band"}
    if len(rows) > MAX_BANDS:
        return {"bands": f"at most {MAX_BANDS} bands"}
    seen: set[tuple[object, object]] = set()  # (reason, from_days) as the rows wrote them
    for i, row in enumerate(rows):
        reason, start, rate = row.get("reason"), row.get("from_days"), row.get("rate_bp")
        if reason != ANY_REASON and reason not in REASON_CODES:
            problems[f"bands.{i}.reason"] = "a reason code, or * for every reason"
        if not _whole(start) or not 0 <= start <= MAX_AGE:
            problems[f"bands.{i}.from_days"] = f"whole days from 0 to {MAX_AGE}"
        if not _whole(rate) or not 0 <= rate <= MAX_RATE:
            problems[f"bands.{i}.rate_bp"] = f"basis points from 0 to {MAX_RATE}"
        if (reason, start) in seen:
            problems[f"bands.{i}"] = f"a second band for {reason} from day {start}"
        seen.add((reason, start))
    if (ANY_REASON, 0) not in seen:
        problems["bands"] = "a band for every reason (*) from day 0, so every case has a rate"
    return problems


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
