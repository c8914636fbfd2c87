"""The comparison's inputs (an invoice line, contract terms, delivery rows) and its result."""

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from disputedesk.workflows.comparison_data import comparison_dict


@dataclass(frozen=True)
class BilledLine:
    line_id: int
    line_no: int
    kind: str  # charge, make_good, adjustment
    product: str
    campaign_ref: str
    unit_kind: str
    billed_units: int
    billed_rate_micros: int
    amount: int
    currency: str = "USD"  # the invoice's


@dataclass(frozen=True)
class ContractTerms:
    id: int
    reference: str
    version: int
    product: str
    campaign_ref: str  # "" applies to every campaign
    unit_kind: str | None  # None: priced in the unit billed
    rate_micros: int
    discount_bp: int
    cap_units: int | None
    cap_amount: int | None
    makegood_units: int
    tolerance_bp: int
    delivery_source: str
    effective_from: date
    effective_to: date
    currency: str = "USD"

    @property
    def label(self) -> str:
        return f"{self.reference} v{self.version}"


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    campaign_ref: str
    source: str
    period_start: date
    period_end: date
    delivered_units: int
    invalid_units: int


@dataclass(frozen=True)
class DeliveryUse:
    row: DeliveryRow
    counted_units: Fraction
    overlap_days: int
    row_days: int

    @property
    def prorated(self) -> bool:
        return self.overlap_days < self.row_days


@dataclass(frozen=True)
class PricedSegment:
    """The days of a billing period one contract line prices, and what it priced."""

    contract: ContractTerms
    start: date
    end: date
    billable_units: Fraction
    priced_units: Fraction
    rate_micros: Fraction  # after discount, never rounded
    amount: Fraction  # exact minor units, before the one rounding of the line


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


@dataclass(frozen=True)
class LineComparison:
    line: BilledLine
    contract: ContractTerms | None
    candidates: tuple[ContractTerms, ...]
    ambiguous: bool
    contracted_rate_micros: Fraction | None
    invoice_amount_computed: int | None
    deliveries: tuple[DeliveryUse, ...]
    billable_units: Fraction | None
    priced_units: Fraction | None
    expected_amount: int | None
    variance: int | None
    tolerance_amount: Fraction | None
    proposed_credit: int
    flags: tuple[Flag, ...] = field(default=())
    missing: tuple[str, ...] = field(default=())
    segments: tuple[PricedSegment, ...] = field(default=())

    def has(self, code: str) -> bool:
        return any(f.code == code for f in self.flags)

    def as_dict(self) -> dict[str, Any]:
        """Return every number as JSON-safe text, for the API and for freezing a decision."""
        return comparison_dict(self)
