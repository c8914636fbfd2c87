"""Billed against contracted against delivered, line by line, with the reasons for each number.

The rules (README, "Adjudication rules"):
- A contract line applies to an invoice line when it is the advertiser's, for the same product,
  for every campaign ("") or this one, and its effective dates overlap the billing period.
  Within one reference only the highest version counts (an amendment supersedes). If lines of
  several references remain, the choice is ambiguous and said so; the one chosen is the most
  specific: campaign-specific first, then covering the whole period, then the latest
  effective_from, then the highest version, then the highest id.
- Billable units are delivered less invalid units summed over the rows of the contract's
  delivery source that overlap the period; a row crossing a period edge counts the share of
  its days inside the period (pro-rated, and said so). Flat lines with no rows price the
  units billed.
- Priced units = min(billable, billed) less the contract's make-good units, within its unit
  cap; expected = line_amount(priced, rate after discount), within its amount cap. The rate is
  never rounded; the line amount is rounded once (workflows.money.line_amount).
- Proposed credit = the variance (billed less expected) when above the contract's tolerance
  (tolerance_bp of the expected amount), else 0; never below 0 nor above the billed amount.
"""

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from workflows.comparison_types import (
    BilledLine,
    ContractTerms,
    DeliveryRow,
    DeliveryUse,
    Flag,
    LineComparison,
)
from workflows.matching import applicable_contract, delivered_units
from workflows.money import format_amount, format_rate, line_amount

BP = 10_000  # basis points in a whole

__all__ = [
    "BilledLine",
    "ContractTerms",
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
) -> LineComparison:
    """Compare one invoice line with the contract and delivery data that apply to it."""
    period = (period_start, period_end)
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
    contract, candidates, contract_flags = applicable_contract(line, period, contracts)
    flags += contract_flags
    rate = uses = billable = priced = expected = tolerance = None
    uses = ()
    if contract is None:
        missing.append(
            f"No contract for {line.product} in effect during {period_start} – {period_end}."
        )
    elif contract.unit_kind and contract.unit_kind != line.unit_kind:
        flags.append(
            Flag(
                "unit_kind_mismatch",
                f"{contract.label} prices {contract.unit_kind}, "
                f"the invoice bills {line.unit_kind}.",
            )
        )
        missing.append("The contract and the invoice count different units.")
    else:
        rate = Fraction(contract.rate_micros * (BP - contract.discount_bp), BP)
    if contract is not None:
        uses, delivery_flags, others = delivered_units(
            line, period, contract.delivery_source, deliveries
        )
        flags += delivery_flags
        if uses:
            billable = sum((u.counted_units for u in uses), Fraction(0))
        elif line.unit_kind == "flat":
            billable = Fraction(line.billed_units)
        else:
            also = f" ({len(others)} {others[0].source} rows exist)" if others else ""
            missing.append(
                f"No {contract.delivery_source} delivery rows for {line.campaign_ref} "
                f"overlapping {period_start} – {period_end}{also}."
            )
    if line.kind != "charge":
        missing.append(f"A {line.kind.replace('_', '-')} line is not priced against the contract.")
    elif rate is not None and billable is not None:
        priced, expected = _price(line, contract, rate, billable, flags)
        tolerance = Fraction(expected * contract.tolerance_bp, BP)
    variance = None if expected is None else line.amount - expected
    proposed = 0
    if variance is not None and tolerance is not None:
        if variance > tolerance:
            proposed = min(variance, line.amount)
        elif variance > 0:
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
        contracted_rate_micros=rate,
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
    )


def _price(
    line: BilledLine, contract: ContractTerms, rate: Fraction, billable: Fraction, flags: list
) -> tuple[Fraction, int]:
    priced = min(billable, Fraction(line.billed_units))
    if billable > line.billed_units:
        flags.append(
            Flag(
                "delivery_exceeds_billed",
                "More was delivered than billed; the units billed are priced.",
            )
        )
    if contract.makegood_units:
        priced = max(priced - contract.makegood_units, Fraction(0))
        flags.append(
            Flag(
                "makegood_units",
                f"{contract.makegood_units:,} make-good units "
                f"owed under {contract.label} are free.",
            )
        )
    if contract.cap_units is not None and priced > contract.cap_units:
        priced = Fraction(contract.cap_units)
        flags.append(Flag("capped_units", f"Capped at {contract.cap_units:,} units a period."))
    expected = line_amount(priced, rate, line.unit_kind)
    if contract.cap_amount is not None and expected > contract.cap_amount:
        expected = contract.cap_amount
        flags.append(
            Flag("capped_amount", f"Capped at {format_amount(contract.cap_amount)} a period.")
        )
    return priced, expected


def compare_invoice(
    lines: Sequence[BilledLine],
    period_start: date,
    period_end: date,
    contracts: Sequence[ContractTerms],
    deliveries: Sequence[DeliveryRow],
) -> list[LineComparison]:
    """Compare every given line of one invoice, in line order."""
    return [
        compare_line(line, period_start, period_end, contracts, deliveries)
        for line in sorted(lines, key=lambda x: x.line_no)
    ]
