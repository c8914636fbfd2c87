"""Billed against contracted against delivered, for one invoice line."""

from dataclasses import dataclass

UNITS_PER_RATE = {"cpm": 1000, "cpc": 1, "flat": 1}  # a cpm rate prices a thousand impressions


@dataclass(frozen=True)
class LineComparison:
    billed_amount: int
    billable_units: int | None  # delivered less invalid, when delivery is known
    contracted_rate: int | None  # after discount, minor units per rate unit
    expected_amount: int | None  # what the contract and delivery justify
    rate_variance: int | None  # billed rate less contracted rate
    overbilled: int | None  # billed amount less expected amount


def compare_line(
    unit_kind: str,
    billed_units: int,
    billed_rate: int,
    billed_amount: int,
    contract_rate: int | None = None,
    discount_bp: int = 0,
    delivered_units: int | None = None,
    invalid_units: int = 0,
) -> LineComparison:
    """Compare what was billed with what the contract and the delivery data support."""
    rate = None
    if contract_rate is not None:
        rate = contract_rate * (10_000 - discount_bp) // 10_000
    billable = None if delivered_units is None else max(delivered_units - invalid_units, 0)
    if unit_kind == "flat":
        billable = billed_units if billable is None else min(billable, billed_units)
    expected = None
    if rate is not None:
        units = billed_units if billable is None else min(billable, billed_units)
        expected = rate * units // UNITS_PER_RATE.get(unit_kind, 1)
    return LineComparison(
        billed_amount=billed_amount,
        billable_units=billable,
        contracted_rate=rate,
        expected_amount=expected,
        rate_variance=None if rate is None else billed_rate - rate,
        overbilled=None if expected is None else billed_amount - expected,
    )
