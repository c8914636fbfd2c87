"""Evidence rules as data: the kinds, and what each reason code needs before `resolve`."""

from collections.abc import Iterable
from dataclasses import dataclass

KINDS = (
    "contract_excerpt",
    "insertion_order",
    "delivery_report",
    "ivt_report",
    "third_party_report",
    "invoice_copy",
    "correspondence",
    "internal_analysis",
    "other",
)


@dataclass(frozen=True)
class Requirement:
    """At least `count` files of any of these kinds."""

    kinds: tuple[str, ...]
    count: int = 1

    @property
    def label(self) -> str:
        names = " or ".join(k.replace("_", " ") for k in self.kinds)
        return f"{self.count} × {names}" if self.count > 1 else names


REQUIRED = {
    "rate_mismatch": (Requirement(("contract_excerpt", "insertion_order")),),
    "delivery_shortfall": (Requirement(("delivery_report",)),),
    "invalid_traffic": (Requirement(("delivery_report",)), Requirement(("ivt_report",))),
    "duplicate_billing": (Requirement(("invoice_copy",), count=2),),  # both invoices
    "makegood_not_applied": (Requirement(("insertion_order", "contract_excerpt")),),
    "cancelled_campaign_billed": (Requirement(("correspondence", "insertion_order")),),
    "tax_or_fee": (Requirement(("invoice_copy",)),),
    "po_or_billing_details": (Requirement(("invoice_copy", "correspondence")),),
    "other": (),
}


def checklist(reason_code: str, kinds_present: Iterable[str]) -> list[tuple[Requirement, bool]]:
    """Pair each requirement of the reason code with whether the evidence meets it."""
    present = list(kinds_present)
    return [
        (req, sum(1 for kind in present if kind in req.kinds) >= req.count)
        for req in REQUIRED.get(reason_code, ())
    ]


def missing(reason_code: str, kinds_present: Iterable[str]) -> list[str]:
    """Name the requirements the evidence does not meet yet."""
    return [req.label for req, met in checklist(reason_code, kinds_present) if not met]
