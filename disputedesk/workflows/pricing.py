"""Price a line's days under each contract line, with make-goods and caps shared across lines.

A contract line's make-good units and its unit and amount caps are owed per billing period,
not per invoice line: every line it prices in that period, on this invoice or an earlier one
of the same period, draws on them in order (invoice, then line number). ContractUse is the
running account of what each contract line has already given.
"""

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from disputedesk.workflows.comparison_types import BilledLine, Flag, PricedSegment
from disputedesk.workflows.matching import Segment
from disputedesk.workflows.money import exact_amount, format_amount

BP = 10_000  # basis points in a whole

Key = tuple[int, date, date]  # contract line, billing period


@dataclass
class ContractUse:
    """What each contract line has given so far in a billing period."""

    makegood: dict[Key, Fraction] = field(default_factory=dict)
    units: dict[Key, Fraction] = field(default_factory=dict)
    amount: dict[Key, Fraction] = field(default_factory=dict)


def discounted_rate(segment: Segment) -> Fraction:
    c = segment.contract
    return Fraction(c.rate_micros * (BP - c.discount_bp), BP)


def price_segments(
    line: BilledLine,
    period: tuple[date, date],
    billable: list[tuple[Segment, Fraction]],
    use: ContractUse,
    flags: list[Flag],
) -> tuple[Fraction, int, tuple[PricedSegment, ...]]:
    """Price billable units per segment; return priced units, the expected amount, the parts."""
    total = sum((units for _, units in billable), Fraction(0))
    cut = Fraction(1) if total <= line.billed_units else Fraction(line.billed_units) / total
    if total > line.billed_units:
        flags.append(
            Flag(
                "delivery_exceeds_billed",
                "More was delivered than billed; the units billed are priced.",
            )
        )
    parts = []
    for segment, units in billable:
        c, key = segment.contract, (segment.contract.id, *period)
        priced = units * cut
        if c.makegood_units:
            owed = c.makegood_units - use.makegood.get(key, Fraction(0))
            free = min(priced, max(owed, Fraction(0)))
            use.makegood[key] = use.makegood.get(key, Fraction(0)) + free
            priced -= free
            flags.append(_makegood_flag(c.label, c.makegood_units, free))
        if c.cap_units is not None:
            room = max(c.cap_units - use.units.get(key, Fraction(0)), Fraction(0))
            if priced > room:
                priced = room
                flags.append(_cap_flag(c.label, f"{c.cap_units:,} units", c.cap_units - room))
            use.units[key] = use.units.get(key, Fraction(0)) + priced
        rate = discounted_rate(segment)
        amount = exact_amount(priced, rate, line.unit_kind)
        if c.cap_amount is not None:
            room = max(c.cap_amount - use.amount.get(key, Fraction(0)), Fraction(0))
            if amount > room:
                amount = room
                given = c.cap_amount - room
                flags.append(
                    Flag(
                        "capped_amount",
                        f"Capped at {format_amount(c.cap_amount)} a period under {c.label}"
                        + (f" ({format_amount(round(given))} on earlier lines)." if given else "."),
                    )
                )
            use.amount[key] = use.amount.get(key, Fraction(0)) + amount
        parts.append(PricedSegment(c, segment.start, segment.end, units, priced, rate, amount))
    priced_total = sum((p.priced_units for p in parts), Fraction(0))
    expected = round(sum((p.amount for p in parts), Fraction(0)))  # once, half-even
    return priced_total, expected, tuple(parts)


def _makegood_flag(label: str, owed: int, free: Fraction) -> Flag:
    if free == owed:
        text = f"{owed:,} make-good units owed under {label} are free."
    elif free:
        text = (
            f"{free.numerator // free.denominator:,} of the {owed:,} make-good units owed under "
            f"{label} are free on this line; the rest went to other lines."
        )
    else:
        text = f"The {owed:,} make-good units owed under {label} were given on other lines."
    return Flag("makegood_units", text)


def _cap_flag(label: str, cap: str, given: Fraction) -> Flag:
    earlier = f" ({round(given):,} on earlier lines)" if given else ""
    return Flag("capped_units", f"Capped at {cap} a period under {label}{earlier}.")
