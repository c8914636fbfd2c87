"""Which contract line applies to an invoice line, and which delivery rows count for it."""

from collections.abc import Iterable
from datetime import date
from fractions import Fraction

from workflows.comparison_types import BilledLine, ContractTerms, DeliveryRow, DeliveryUse, Flag


def days(start: date, end: date) -> int:
    return (end - start).days + 1


def _overlaps(start: date, end: date, period: tuple[date, date]) -> bool:
    return start <= period[1] and end >= period[0]


def applicable_contract(
    line: BilledLine, period: tuple[date, date], contracts: Iterable[ContractTerms]
) -> tuple[ContractTerms | None, tuple[ContractTerms, ...], list[Flag]]:
    """Choose the contract line for an invoice line by the stated rule, with what it noticed."""
    matching = [
        c
        for c in contracts
        if c.product == line.product
        and c.campaign_ref in ("", line.campaign_ref)
        and _overlaps(c.effective_from, c.effective_to, period)
    ]
    flags: list[Flag] = []
    latest: dict[str, ContractTerms] = {}
    for c in matching:
        if c.reference not in latest or c.version > latest[c.reference].version:
            latest[c.reference] = c
    superseded = [c for c in matching if latest[c.reference] is not c]
    if superseded:
        flags.append(
            Flag(
                "superseded_version",
                "Amended: "
                + ", ".join(f"{latest[c.reference].label} supersedes {c.label}" for c in superseded)
                + ".",
            )
        )
    if not latest:
        return None, tuple(matching), flags

    def specificity(c: ContractTerms) -> tuple:
        covers = c.effective_from <= period[0] and c.effective_to >= period[1]
        return (c.campaign_ref != "", covers, c.effective_from, c.version, c.id)

    ranked = sorted(latest.values(), key=specificity, reverse=True)
    chosen = ranked[0]
    if len(ranked) > 1:
        others = ", ".join(c.label for c in ranked[1:])
        flags.append(
            Flag(
                "ambiguous_contract",
                f"Several contracts match: {chosen.label} chosen "
                f"(most specific, then latest) over {others}.",
            )
        )
    if not (chosen.effective_from <= period[0] and chosen.effective_to >= period[1]):
        flags.append(
            Flag(
                "partial_contract_cover",
                f"{chosen.label} is in effect "
                f"{chosen.effective_from} – {chosen.effective_to}, "
                "only part of the period.",
            )
        )
    return chosen, tuple(matching), flags


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
