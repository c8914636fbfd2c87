"""Billing assurance as data: when a compared line is a billing exception, and how one ends.

A charge line is an exception when the comparison can price it and its billed amount differs
from the expected amount by more than the contract's tolerance, either way (over-billing is
revenue at risk, under-billing is revenue lost), or when its contract cannot price it at all
for a reason of setup rather than of missing data: another currency, other units. A line
without a contract or without delivery rows yet is not an exception: the feed may be late.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from disputedesk.workflows.comparison_types import LineComparison
from disputedesk.workflows.money import format_amount

EXCEPTION_KINDS = ("overbilled", "underbilled", "currency_mismatch", "unit_mismatch")
REASON_FOR_KIND = {  # the dispute reason of an exception turned into a case, but over-billing
    "overbilled": "rate_mismatch",
    "underbilled": "other",
    "currency_mismatch": "po_or_billing_details",
    "unit_mismatch": "other",
}
STATUSES = ("open", "resolved", "cleared")  # cleared: a later scan found the line right
RESOLUTIONS = {
    "billed_correctly": "Billed correctly (no change; note why)",
    "credited": "Corrected by a proactive credit memo",
    "rebill_requested": "Corrected by a rebill request to the billing system",
    "disputed": "Turned into a dispute",
}
OWNING_TEAMS = {
    "contract_policy": "Contract & policy",
    "billing_engineering": "Billing engineering",
    "ad_operations": "Ad operations (delivery data)",
    "sales_operations": "Sales operations",
}
PROBLEM_STATUSES = ("open", "fix_in_progress", "fixed", "closed")


@dataclass(frozen=True)
class Finding:
    kind: str
    expected: int | None
    variance: int | None
    why: str


def allowed_actions(kind: str, status: str) -> frozenset[str]:
    """The ways an exception of this kind and status may be worked (the page asks this too)."""
    if status != "open":
        return frozenset()
    actions = {"claim", "billed_correctly"}
    if kind != "unit_mismatch":  # a line the contract cannot price is fixed in the contract
        actions.add("rebill")
    if kind == "overbilled":  # only money the advertiser is owed becomes a dispute
        actions.add("dispute")
    return frozenset(actions)


def exception_id(ref: str) -> int | None:
    """Read EXC-000123 (or 123) as an id; None when it is not one."""
    text = ref.strip().upper().removeprefix("EXC-")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def finding_for(c: LineComparison) -> Finding | None:
    """Say whether a compared line is a billing exception, and why, or None."""
    if c.line.kind != "charge":
        return None
    why = " ".join([f.message for f in c.flags] + list(c.missing))
    if c.has("currency_mismatch"):
        return Finding("currency_mismatch", None, None, why)
    if c.has("unit_kind_mismatch"):
        return Finding("unit_mismatch", None, None, why)
    if c.expected_amount is None or c.variance is None or c.tolerance_amount is None:
        return None
    if abs(c.variance) <= c.tolerance_amount or c.variance == 0:
        return None
    kind = "overbilled" if c.variance > 0 else "underbilled"
    label = c.contract.label if c.contract is not None else "the contract"
    said = (
        f"Billed {_grouped(c.line.amount)}, expected {_grouped(c.expected_amount)} "
        f"under {label}: {'over' if c.variance > 0 else 'under'} by {_grouped(abs(c.variance))}."
    )
    return Finding(kind, c.expected_amount, c.variance, f"{said} {why}".strip())


def _grouped(minor: int) -> str:
    return f"{Decimal(format_amount(minor)):,}"


def dispute_reason(kind: str, comparison: Mapping[str, Any]) -> str:
    """The reason code of a dispute opened on an exception: what made the line wrong.

    Billing more units than the contract lets be billed (delivered, valid, within caps and
    make-goods) is a delivery shortfall; otherwise an over-billing is the rate's.
    """
    if kind != "overbilled":
        return REASON_FOR_KIND[kind]
    billed, billable = comparison.get("billed_units"), comparison.get("priced_units")
    if billed is not None and billable is not None and Decimal(billed) > Decimal(billable):
        return "delivery_shortfall"
    return "rate_mismatch"
