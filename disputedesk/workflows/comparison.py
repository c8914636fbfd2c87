"""Billed against contracted against delivered, line by line, with the reasons for each number.

The rules (README, "Adjudication rules"):
- Which contract line prices which days of the billing period: workflows.matching (the most
  specific line in effect each day wins; an amendment inside the period splits it by days).
  A contract in another currency than the invoice is never priced, and said so.
- Billable units are delivered less invalid units summed over the rows of the contract's
  delivery source that overlap each segment's days; a row crossing an edge counts the share of
  its days inside (pro-rated, and said so). Flat lines with no rows price the units billed,
  shared among segments by days.
- Priced units = billable, scaled down to the units billed when more was delivered, less the
  contract line's make-good units, within its unit cap; each segment's exact amount is priced
  units × rate after discount, within its amount cap. Make-goods and caps are per contract line
  per billing period, shared across lines and invoices (workflows.pricing). The rate is never
  rounded; the line amount is the sum of the segments rounded once, half-even.
- Proposed credit = the variance (billed less expected) when above the contract's tolerance
  (tolerance_bp of the expected amount), else 0; never below 0 nor above the billed amount.
"""

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from disputedesk.workflows.comparison_types import (
    BilledLine,
    ContractTerms,
    DeliveryRow,
    DeliveryUse,
    Flag,
    LineComparison,
    PricedSegment,
)
from disputedesk.workflows.matching import Segment, contract_segments, days, delivered_units
from disputedesk.workflows.money import format_amount, format_rate, line_amount
from disputedesk.workflows.pricing import BP, ContractUse, discounted_rate, price_segments

__all__ = [
    "BilledLine",
    "ContractTerms",
    "ContractUse",
    "DeliveryRow",
    "DeliveryUse",
    "LineComparison",
    "compare_line",
]


def compare_line(
    line: BilledLine,
    period_start: date,
    period_end: date,
    contracts: Sequence[ContractTerms],
    deliveries: Sequence[DeliveryRow],
    use: ContractUse | None = None,
) -> LineComparison:
    """Compare one invoice line with the contract and delivery data that apply to it."""
    period = (period_start, period_end)
    use = ContractUse() if use is None else use
    flags: list[Flag] = []
    missing: list[str] = []
    computed = None
    if line.kind == "charge":
        computed = line_amount(line.billed_units, line.billed_rate_micros, line.unit_kind)
        if computed != line.amount:
            flags.append(
                Flag(
                    "invoice_arithmetic",
                    f"The invoice's arithmetic is off: "
                    f"{line.billed_units:,} × {format_rate(line.billed_rate_micros)} "
                    f"= {format_amount(computed)}, "
                    f"billed {format_amount(line.amount)}.",
                )
            )
    segments, candidates, contract_flags = contract_segments(line, period, contracts)
    flags += contract_flags
    contract = _principal(segments)
    if len(segments) > 1:
        flags.append(_split_flag(segments))
    priceable = contract is not None and _priceable(line, segments, flags, missing)
    uses: tuple[DeliveryUse, ...] = ()
    billable = None
    split: list[tuple[Segment, Fraction]] = []
    if contract is not None:
        uses, delivery_flags, others = delivered_units(
            line, period, contract.delivery_source, deliveries
        )
        flags += delivery_flags
        if uses:
            split = [
                (s, _units(delivered_units(line, (s.start, s.end), contract.delivery_source,
                                           deliveries)[0]))
                for s in segments
            ]  # fmt: skip
        elif line.unit_kind == "flat":
            whole = days(*period)
            split = [(s, Fraction(line.billed_units * s.days, whole)) for s in segments]
        else:
            also = f" ({len(others)} {others[0].source} rows exist)" if others else ""
            missing.append(
                f"No {contract.delivery_source} delivery rows for {line.campaign_ref} "
                f"overlapping {period_start} – {period_end}{also}."
            )
        if split:
            billable = sum((units for _, units in split), Fraction(0))
    else:
        missing.append(
            f"No contract for {line.product} in effect during {period_start} – {period_end}."
        )
    priced = expected = tolerance = None
    parts: tuple[PricedSegment, ...] = ()
    if line.kind != "charge":
        missing.append(f"A {line.kind.replace('_', '-')} line is not priced against the contract.")
    elif priceable and split:
        assert contract is not None  # priceable: there is one
        priced, expected, parts = price_segments(line, period, split, use, flags)
        tolerance = Fraction(expected * contract.tolerance_bp, BP)
    variance = None if expected is None else line.amount - expected
    proposed = 0
    if variance is not None and tolerance is not None:
        if variance > tolerance:
            proposed = min(variance, line.amount)
        elif variance > 0:
            assert contract is not None  # a tolerance is the contract's
            flags.append(
                Flag(
                    "within_tolerance",
                    f"Over by {format_amount(variance)}, within the "
                    f"contract's {contract.tolerance_bp / 100:g}% "
                    "tolerance.",
                )
            )
    return LineComparison(
        line=line,
        contract=contract,
        candidates=candidates,
        ambiguous=any(f.code == "ambiguous_contract" for f in flags),
        contracted_rate_micros=_line_rate(segments, parts) if priceable else None,
        invoice_amount_computed=computed,
        deliveries=uses,
        billable_units=billable,
        priced_units=priced,
        expected_amount=expected,
        variance=variance,
        tolerance_amount=tolerance,
        proposed_credit=proposed,
        flags=tuple(flags),
        missing=tuple(missing),
        segments=parts,
    )


def _principal(segments: Sequence[Segment]) -> ContractTerms | None:
    """The line pricing the most days (then the latest): its delivery source and tolerance."""
    held: dict[ContractTerms, tuple[int, date]] = {}
    for s in segments:
        held[s.contract] = (held.get(s.contract, (0, s.end))[0] + s.days, s.end)
    return max(held, key=lambda c: held[c]) if held else None


def _units(uses: Sequence[DeliveryUse]) -> Fraction:
    return sum((u.counted_units for u in uses), Fraction(0))


def _priceable(
    line: BilledLine, segments: Sequence[Segment], flags: list[Flag], missing: list[str]
) -> bool:
    ok = True
    for c in {s.contract for s in segments}:
        if c.unit_kind and c.unit_kind != line.unit_kind:
            flags.append(
                Flag(
                    "unit_kind_mismatch",
                    f"{c.label} prices {c.unit_kind}, the invoice bills {line.unit_kind}.",
                )
            )
            missing.append("The contract and the invoice count different units.")
            ok = False
        if c.currency != line.currency:
            flags.append(
                Flag(
                    "currency_mismatch",
                    f"{c.label} is priced in {c.currency}, the invoice bills {line.currency}.",
                )
            )
            missing.append("The contract and the invoice are in different currencies.")
            ok = False
    return ok


def _line_rate(segments: Sequence[Segment], parts: Sequence[PricedSegment]) -> Fraction:
    """The contracted rate: the segment's, or the day-weighted rate when split."""
    if len(segments) == 1:
        return discounted_rate(segments[0])
    total = sum(s.days for s in segments)
    return sum((discounted_rate(s) * s.days for s in segments), Fraction(0)) / total


def _split_flag(segments: Sequence[Segment]) -> Flag:
    return Flag(
        "split_period",
        "Split by days: "
        + "; ".join(f"{s.contract.label} {s.start} – {s.end} ({s.days} days)" for s in segments)
        + ".",
    )


def compare_invoice(
    lines: Sequence[BilledLine],
    period_start: date,
    period_end: date,
    contracts: Sequence[ContractTerms],
    deliveries: Sequence[DeliveryRow],
    use: ContractUse | None = None,
) -> list[LineComparison]:
    """Compare every given line of one invoice, in line order, sharing make-goods and caps."""
    use = ContractUse() if use is None else use
    return [
        compare_line(line, period_start, period_end, contracts, deliveries, use)
        for line in sorted(lines, key=lambda x: x.line_no)
    ]
