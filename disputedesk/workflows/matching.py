"""Which contract line applies to an invoice line on each day, and which delivery rows count.

The rule (README, "Adjudication rules"): a contract line is a candidate for an invoice line
when it is the advertiser's, in the invoice's currency or not (a mismatch is said), for the
same product, for every campaign ("") or this one, and in effect on some day of the billing
period. On each day the most specific line in effect wins: a campaign-specific line over a
line for every campaign; then, within one insertion order, the newest version (an amendment
supersedes); then, across orders (ambiguous, and said so), the one covering the whole period,
the latest effective_from, the highest version, the highest id. Days when nothing is in
effect take the neighbouring line (earlier, else later) and are said. Consecutive days with
one winner form a segment; a period with an amendment inside it is split by days.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from disputedesk.workflows.comparison_types import (
    BilledLine,
    ContractTerms,
    DeliveryRow,
    DeliveryUse,
    Flag,
)

DAY = timedelta(days=1)


def days(start: date, end: date) -> int:
    return (end - start).days + 1


def _overlaps(start: date, end: date, period: tuple[date, date]) -> bool:
    return start <= period[1] and end >= period[0]


@dataclass(frozen=True)
class Segment:
    contract: ContractTerms
    start: date
    end: date

    @property
    def days(self) -> int:
        return days(self.start, self.end)


_Rank = tuple[bool, date, int, int]


def _rank(period: tuple[date, date]) -> Callable[[ContractTerms], _Rank]:
    def key(c: ContractTerms) -> _Rank:
        covers = c.effective_from <= period[0] and c.effective_to >= period[1]
        return (covers, c.effective_from, c.version, c.id)

    return key


def winner_on(
    day: date, period: tuple[date, date], lines: Iterable[ContractTerms]
) -> tuple[ContractTerms | None, list[ContractTerms], list[ContractTerms]]:
    """The line that prices a day, the lines it beat for the same order, and its rivals."""
    in_effect = [c for c in lines if c.effective_from <= day <= c.effective_to]
    if not in_effect:
        return None, [], []
    specific = [c for c in in_effect if c.campaign_ref]
    tier = specific or in_effect
    newest: dict[str, ContractTerms] = {}
    for c in tier:
        best = newest.get(c.reference)
        if best is None or (c.version, c.id) > (best.version, best.id):
            newest[c.reference] = c
    ranked = sorted(newest.values(), key=_rank(period), reverse=True)
    beaten = [c for c in in_effect if c not in ranked]
    return ranked[0], beaten, ranked[1:]


def _change_points(period: tuple[date, date], lines: Sequence[ContractTerms]) -> list[date]:
    points = {period[0]}
    for c in lines:
        if period[0] < c.effective_from <= period[1]:
            points.add(c.effective_from)
        if period[0] <= c.effective_to < period[1]:
            points.add(c.effective_to + DAY)
    return sorted(points)


def contract_segments(
    line: BilledLine, period: tuple[date, date], contracts: Iterable[ContractTerms]
) -> tuple[tuple[Segment, ...], tuple[ContractTerms, ...], list[Flag]]:
    """Split the period into runs of days each priced by one contract line, with what it saw."""
    matching = tuple(
        c
        for c in contracts
        if c.product == line.product
        and c.campaign_ref in ("", line.campaign_ref)
        and _overlaps(c.effective_from, c.effective_to, period)
    )
    points = _change_points(period, matching)
    runs: list[list[Any]] = []  # [contract or None, start, end]
    beaten: dict[int, tuple[ContractTerms, ContractTerms]] = {}
    rivals: dict[int, tuple[ContractTerms, ContractTerms]] = {}
    for start, nxt in zip(points, points[1:] + [period[1] + DAY], strict=True):
        won, lost, close = winner_on(start, period, matching)
        if won is not None:  # no line in effect: none lost, no rivals
            for c in lost:
                beaten.setdefault(c.id, (won, c))
            for c in close:
                rivals.setdefault(c.id, (won, c))
        if runs and runs[-1][0] is won:
            runs[-1][2] = nxt - DAY
        else:
            runs.append([won, start, nxt - DAY])
    flags = _matching_flags(beaten, rivals)
    gaps = [(s, e) for c, s, e in runs if c is None]
    if all(c is None for c, _, _ in runs):
        return (), matching, flags
    if gaps:
        flags.append(_gap_flag(gaps, period))
        runs = _fill_gaps(runs)
    return tuple(Segment(c, s, e) for c, s, e in runs), matching, flags


def _fill_gaps(runs: list[list[Any]]) -> list[list[Any]]:
    filled: list[list[Any]] = []
    for run in runs:
        if run[0] is None and filled:
            filled[-1][2] = run[2]
        elif filled and filled[-1][0] is None:
            filled[-1] = [run[0], filled[-1][1], run[2]]
        elif filled and filled[-1][0] is run[0]:
            filled[-1][2] = run[2]
        else:
            filled.append(list(run))
    return filled


def _matching_flags(
    beaten: dict[int, tuple[ContractTerms, ContractTerms]],
    rivals: dict[int, tuple[ContractTerms, ContractTerms]],
) -> list[Flag]:
    flags: list[Flag] = []
    superseded = [
        (w, c)
        for w, c in beaten.values()
        if (w.reference, w.campaign_ref) == (c.reference, c.campaign_ref) and w.version > c.version
    ]
    if superseded:
        flags.append(
            Flag(
                "superseded_version",
                "Amended: "
                + ", ".join(f"{w.label} supersedes {c.label}" for w, c in superseded)
                + ".",
            )
        )
    general = [(w, c) for w, c in beaten.values() if w.campaign_ref and not c.campaign_ref]
    if general:
        flags.append(
            Flag(
                "campaign_specific",
                "Most specific: "
                + ", ".join(
                    f"{w.label}'s line for {w.campaign_ref} applies over "
                    f"{c.label}'s line for every campaign"
                    for w, c in general
                )
                + ".",
            )
        )
    if rivals:
        chosen = {w.label for w, _ in rivals.values()}
        others = ", ".join(sorted({c.label for _, c in rivals.values()}))
        flags.append(
            Flag(
                "ambiguous_contract",
                f"Several contracts match: {', '.join(sorted(chosen))} chosen "
                f"(most specific, then latest) over {others}.",
            )
        )
    return flags


def _gap_flag(gaps: list[tuple[date, date]], period: tuple[date, date]) -> Flag:
    uncovered = sum(days(s, e) for s, e in gaps)
    spans = ", ".join(f"{s} – {e}" for s, e in gaps)
    return Flag(
        "partial_contract_cover",
        f"No contract line is in effect {spans} ({uncovered} of {days(*period)} days); "
        "those days are priced by the neighbouring line.",
    )


def delivered_units(
    line: BilledLine, period: tuple[date, date], source: str, rows: Iterable[DeliveryRow]
) -> tuple[tuple[DeliveryUse, ...], list[Flag], list[DeliveryRow]]:
    """Sum valid units over every row of the source overlapping the period, pro-rating edges."""
    uses, flags, others = [], [], []
    for row in sorted(rows, key=lambda r: (r.period_start, r.id)):
        if row.campaign_ref != line.campaign_ref:
            continue
        if not _overlaps(row.period_start, row.period_end, period):
            continue
        if row.source != source:
            others.append(row)
            continue
        inside = days(max(row.period_start, period[0]), min(row.period_end, period[1]))
        whole = days(row.period_start, row.period_end)
        valid = max(row.delivered_units - row.invalid_units, 0)
        uses.append(DeliveryUse(row, Fraction(valid * inside, whole), inside, whole))
    prorated = [u for u in uses if u.prorated]
    if prorated:
        flags.append(
            Flag(
                "prorated_delivery",
                "Pro-rated: "
                + "; ".join(
                    f"row {u.row.id} ({u.row.period_start} – {u.row.period_end}) counts "
                    f"{u.overlap_days} of its {u.row_days} days"
                    for u in prorated
                )
                + ".",
            )
        )
    for a, b in zip(uses, uses[1:], strict=False):
        if b.row.period_start <= a.row.period_end:
            flags.append(
                Flag(
                    "overlapping_delivery",
                    f"Delivery rows {a.row.id} and {b.row.id} "
                    "cover some of the same days; both are counted.",
                )
            )
            break
    return tuple(uses), flags, others
