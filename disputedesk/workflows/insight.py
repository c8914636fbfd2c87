"""What one dispute adds to the dashboard's daily facts: a pure function of its current state.

The facts are the sum of every dispute's contributions, so the write path keeps them exact by
adding (new contributions − old) in the change's own transaction, and a recomputation from the
raw rows must give the same table. Days are books' days (the books' time zone).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from disputedesk.workflows.books import books_day
from disputedesk.workflows.codes import CREDIT_OUTCOMES
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.sla import BUSINESS_DAY, Calendar, business_seconds_between

NO_DAY = date(1970, 1, 1)  # the day of facts that describe now, not a day (open by advertiser)
KINDS = (
    "filed", "open", "open_adv", "awaiting_credit", "resolved", "credited", "upheld",
    "withdrawn", "reversals", "credit_reversed", "ttr_cal", "ttr_bus", "ttc_cal", "ttc_bus",
    "sla_met", "sla_breached", "billed", "cohort_filed", "cohort_credited",
)  # fmt: skip
SETTLED_OUTCOMES = ("no_credit", "withdrawn")


@dataclass(frozen=True)
class Memo:
    amount: int
    reporting_amount: int
    gl_reason: str
    status: str
    issued_at: datetime | None


@dataclass(frozen=True)
class Reversed:
    """An issued memo that was reversed: the credit stands in its month, the reversal in its own."""

    amount: int
    reporting_amount: int
    gl_reason: str
    issued_at: datetime
    reversed_at: datetime


@dataclass(frozen=True)
class Case:
    """What the facts need to know about one dispute."""

    advertiser_id: int
    team_id: int
    reason_code: str
    product: str
    currency: str
    tier: str
    state: str
    outcome: str | None
    root_cause: str | None
    disputed_amount: int
    reporting_amount: int
    filed_at: datetime
    resolved_at: datetime | None
    memo: Memo | None
    stopped_clocks: tuple[tuple[str, str, datetime], ...]  # (name, met|breached, stopped at)
    reversed: tuple[Reversed, ...] = ()
    billed_from: date | None = None  # its invoice's billing period start: accuracy's cohort


# (kind, day, team, reason, product, currency, tier, root_cause, label, bucket)
Key = tuple[str, str, int, str, str, str, str, str, str, int]


def contributions(case: Case, zone: str, calendar: Calendar) -> dict[Key, tuple[int, int, int]]:
    """Return the case's facts as {key: (count, amount, amount in the reporting currency)}."""
    out: dict[Key, tuple[int, int, int]] = {}
    dims = (case.team_id, case.reason_code, case.product, case.currency, case.tier)
    cause = case.root_cause or ""

    def add(
        kind: str,
        day: date,
        n: int,
        amount: int,
        rep: int,
        root: str = "",
        label: str = "",
        bucket: int = 0,
    ) -> None:
        key = (kind, day.isoformat(), *dims, root, label, bucket)
        was = out.get(key, (0, 0, 0))
        out[key] = (was[0] + n, was[1] + amount, was[2] + rep)

    amount, rep = case.disputed_amount, case.reporting_amount
    filed = books_day(case.filed_at, zone)
    add("filed", filed, 1, amount, rep)
    if case.state in OPEN_STATES:
        add("open", filed, 1, amount, rep)
        add("open_adv", NO_DAY, 1, amount, rep, bucket=case.advertiser_id)
    if case.resolved_at is not None and case.state in ("resolved", "credited"):
        day = books_day(case.resolved_at, zone)
        add("resolved", day, 1, amount, rep, root=cause)
        add("ttr_cal", day, 1, 0, 0, bucket=(day - filed).days)
        business = _business_days(calendar, case.filed_at, case.resolved_at)
        add("ttr_bus", day, 1, 0, 0, bucket=business)
        if case.outcome == "no_credit":
            add("upheld", day, 1, amount, rep, root=cause)
        elif case.outcome == "withdrawn":
            add("withdrawn", day, 1, amount, rep)
    memo = case.memo
    if case.state == "resolved" and case.outcome in CREDIT_OUTCOMES and memo:
        assert case.resolved_at is not None  # resolving stamps it
        day = books_day(case.resolved_at, zone)
        add("awaiting_credit", day, 1, memo.amount, memo.reporting_amount, root=cause)
    if case.state == "credited" and memo and memo.issued_at:
        day = books_day(memo.issued_at, zone)
        add("credited", day, 1, memo.amount, memo.reporting_amount, cause, memo.gl_reason)
        # The part of the disputed amount not credited was upheld; in the reporting currency
        # it is the difference, so a settled case always adds up to exactly what was filed.
        add("upheld", day, 0, amount - memo.amount, rep - memo.reporting_amount, root=cause)
        add("ttc_cal", day, 1, 0, 0, bucket=(day - filed).days)
        business = _business_days(calendar, case.filed_at, memo.issued_at)
        add("ttc_bus", day, 1, 0, 0, bucket=business)
    for gone in case.reversed:
        # The credit was issued and settled the case in its month; the reversal reopens the
        # whole disputed amount in the month it is made, so no closed month is rewritten.
        day = books_day(gone.issued_at, zone)
        add("credited", day, 1, gone.amount, gone.reporting_amount, cause, gone.gl_reason)
        add("upheld", day, 0, amount - gone.amount, rep - gone.reporting_amount, root=cause)
        add("reversals", books_day(gone.reversed_at, zone), 1, amount, rep)
        # The credit taken back, by GL reason, so credit KPIs can be read net of reversals.
        add("credit_reversed", books_day(gone.reversed_at, zone), 1, gone.amount,
            gone.reporting_amount, cause, gone.gl_reason)  # fmt: skip
    if case.billed_from is not None:
        # Billing accuracy's cohort: what was disputed, and is credited now (net of any
        # reversal), on the invoices of a billing period, dated by that period like `billed`.
        add("cohort_filed", case.billed_from, 1, amount, rep)
        if case.state == "credited" and memo and memo.issued_at:
            add("cohort_credited", case.billed_from, 1, memo.amount, memo.reporting_amount)
    for name, status, stopped in case.stopped_clocks:
        add(f"sla_{status}", books_day(stopped, zone), 1, 0, 0, label=name)
    return out


def _business_days(calendar: Calendar, start: datetime, end: datetime) -> int:
    return business_seconds_between(calendar, start, end) // BUSINESS_DAY


def difference(
    new: dict[Key, tuple[int, int, int]], old: dict[Key, tuple[int, int, int]]
) -> dict[Key, tuple[int, int, int]]:
    """Return new − old per key, leaving out keys whose difference is nothing."""
    out = {}
    for key in new.keys() | old.keys():
        a, b = new.get(key, (0, 0, 0)), old.get(key, (0, 0, 0))
        delta = (a[0] - b[0], a[1] - b[1], a[2] - b[2])
        if delta != (0, 0, 0):
            out[key] = delta
    return out


# The rollups: the facts summed by week and over the filter dimensions a cuboid does not keep,
# each cuboid with and without the team, so the dashboard's cost follows weeks, not cases. A
# cuboid keeps one dimension, or (across teams) product and reason, for billing accuracy per
# product under a reason filter. It is named by what it keeps ("team_id+reason_code", "" for
# nothing), and what it drops reads "" (the team, 0). Kinds whose widget needs the day (an age
# in days) keep their day; every other kind is summed into the Monday of its week.
_DIMENSIONS = {"reason_code": 3, "product": 4, "currency": 5, "tier": 6}  # places in a Key
_ONE = ((), ("reason_code",), ("product",), ("currency",), ("tier",))
_KEPT = {True: _ONE, False: (*_ONE, ("reason_code", "product"))}  # with the team / without
CUBOIDS = tuple(
    "+".join(("team_id",) * team + kept) for team in (True, False) for kept in _KEPT[team]
)
DAY_GRAIN = frozenset({"open", "awaiting_credit"})

# (cuboid, kind, day or week, team, reason, product, currency, tier, root_cause, label, bucket)
RollupKey = tuple[str, str, str, int, str, str, str, str, str, str, int]


def grain_of(kind: str, day: date) -> date:
    """The day a fact of this kind is summed into: its week's Monday, or the day itself."""
    if kind in DAY_GRAIN or day == NO_DAY:
        return day
    return day - timedelta(days=day.weekday())


def rolled_up(facts: dict[Key, tuple[int, int, int]]) -> dict[RollupKey, tuple[int, int, int]]:
    """Sum daily facts (or their deltas) into every cuboid's weekly rows."""
    out: dict[RollupKey, tuple[int, int, int]] = {}
    for key, (n, amount, rep) in facts.items():
        kind, tail = key[0], key[7:]
        when = grain_of(kind, date.fromisoformat(key[1])).isoformat()
        for cuboid in CUBOIDS:
            kept = cuboid.split("+")
            reason, product, currency, tier = (  # a Key's places 3 to 6, as _DIMENSIONS says
                value if name in kept else ""
                for name, value in zip(_DIMENSIONS, key[3:7], strict=True)
            )
            team = key[2] if "team_id" in kept else 0
            rolled = (cuboid, kind, when, team, reason, product, currency, tier, *tail)
            was = out.get(rolled, (0, 0, 0))
            out[rolled] = (was[0] + n, was[1] + amount, was[2] + rep)
    return out


def cuboid_for(dimensions: set[str]) -> str | None:
    """The smallest cuboid that can answer a question cut or grouped by these dimensions."""
    wanted, team = dimensions & _DIMENSIONS.keys(), "team_id" in dimensions
    kept = next((k for k in _KEPT[team] if wanted <= set(k)), None)
    if kept is None:
        return None  # a pair no cuboid keeps: only the daily facts hold both
    return "+".join(("team_id",) * team + kept)
