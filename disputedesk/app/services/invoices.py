"""Invoices pushed by the billing system."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, Invoice, InvoiceLine, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.assurance_scan import scan_invoices
from disputedesk.app.services.transactions import transaction
from disputedesk.workflows.errors import Conflict, InvalidInput, NotPermitted
from disputedesk.workflows.money import BadAmount, parse_rate, parse_signed_amount

KIND_SIGN = {"charge": 1, "make_good": 0, "adjustment": -1}  # the sign each kind's amount has
LINE_FIELDS = ("line_no", "product", "campaign_ref", "unit_kind", "billed_units",
               "billed_rate_micros", "amount", "kind")  # fmt: skip


@dataclass(frozen=True)
class InvoiceLineInput:
    """One invoice line as the billing system sends it, already checked for shape."""

    line_no: int
    product: str
    campaign_ref: str
    unit_kind: str
    billed_units: int
    billed_rate: str  # a decimal string such as "0.8075"
    amount: str  # a decimal string, signed as its kind says
    kind: str = "charge"


def create_invoice(
    user: User,
    number: str,
    advertiser_ref: str,
    currency: str,
    period_start: date,
    period_end: date,
    lines: list[InvoiceLineInput],
) -> tuple[Invoice, bool]:
    """Record an invoice from the billing system, whole or not at all; say if it was new."""
    if not user.can("push_invoices"):
        raise NotPermitted("only the billing system's integration user pushes invoices")
    errors: dict[str, str] = {}
    number = number.strip()
    if not number:
        errors["number"] = "give the invoice number"
    advertiser = db.session.scalar(select(Advertiser).where(Advertiser.ref == advertiser_ref))
    if advertiser is None:
        errors["advertiser_ref"] = f"no advertiser {advertiser_ref!r}"
    if period_start > period_end:
        errors["period_end"] = "must not be before period_start"
    rows = _lines(lines, errors)
    if errors:
        raise InvalidInput(errors)
    existing = db.session.scalar(select(Invoice).where(Invoice.number == number))
    if existing is not None:
        if _same_invoice(existing, advertiser, currency, period_start, period_end, rows):
            db.session.rollback()
            return existing, False  # the same invoice sent again: idempotent by its number
        raise Conflict(f"invoice {number} already exists with other contents")
    invoice = Invoice(
        number=number,
        advertiser=advertiser,
        currency=currency,
        period_start=period_start,
        period_end=period_end,
        lines=rows,
    )
    with transaction(lost_race=f"invoice {number} was pushed at the same moment"):
        db.session.add(invoice)
        db.session.flush()
        scan_invoices([invoice.id], utcnow())  # what it found commits with the invoice
    return invoice, True


def _same_invoice(existing: Invoice, advertiser, currency, start, end, rows) -> bool:  # noqa: ANN001
    def lines(given: list[InvoiceLine]) -> list[tuple]:
        return sorted(tuple(getattr(x, f) for f in LINE_FIELDS) for x in given)

    head = (existing.advertiser_id, existing.currency, existing.period_start, existing.period_end)
    return head == (advertiser.id, currency, start, end) and lines(existing.lines) == lines(rows)


def _lines(lines: list[InvoiceLineInput], errors: dict[str, str]) -> list[InvoiceLine]:
    rows, seen = [], set()
    for i, line in enumerate(lines, start=1):
        where = f"lines[{i}]"
        if line.line_no in seen:
            errors[where] = "line_no must be unique in the invoice"
            continue
        seen.add(line.line_no)
        if not (line.product.strip() and line.campaign_ref.strip()):
            errors[where] = "product and campaign_ref are required"
            continue
        try:
            rate, amount = parse_rate(line.billed_rate), parse_signed_amount(line.amount)
        except BadAmount as error:
            errors[where] = f"billed_rate and amount: {error}"
            continue
        if (amount > 0) - (amount < 0) != KIND_SIGN[line.kind]:
            errors[where] = (
                "a charge's amount is above zero, a make_good's is zero, an adjustment's below"
            )
            continue
        rows.append(
            InvoiceLine(
                line_no=line.line_no,
                product=line.product.strip(),
                campaign_ref=line.campaign_ref.strip(),
                unit_kind=line.unit_kind,
                billed_units=line.billed_units,
                billed_rate_micros=rate,
                amount=amount,
                kind=line.kind,
            )
        )
    if not rows and not errors:
        errors["lines"] = "an invoice needs at least one line"
    return rows
