"""Invoices pushed by the billing system."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Advertiser, Invoice, InvoiceLine, User
from workflows.errors import Conflict, InvalidInput, NotPermitted
from workflows.money import BadAmount, parse_amount


@dataclass(frozen=True)
class InvoiceLineInput:
    """One invoice line as the billing system sends it, already checked for shape."""

    line_no: int
    product: str
    campaign_ref: str
    unit_kind: str
    billed_units: int
    billed_rate: str  # a decimal string such as "12.50"
    amount: str


def create_invoice(
    user: User,
    number: str,
    advertiser_ref: str,
    currency: str,
    period_start: date,
    period_end: date,
    lines: list[InvoiceLineInput],
) -> Invoice:
    """Record an invoice from the billing system, whole or not at all."""
    if user.role != "integration":
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
    if db.session.scalar(select(Invoice.id).where(Invoice.number == number)):
        raise Conflict(f"invoice {number} already exists")
    invoice = Invoice(
        number=number,
        advertiser=advertiser,
        currency=currency,
        period_start=period_start,
        period_end=period_end,
        lines=rows,
    )
    db.session.add(invoice)
    db.session.commit()
    return invoice


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
            rate, amount = parse_amount(line.billed_rate), parse_amount(line.amount)
        except BadAmount as error:
            errors[where] = f"billed_rate and amount: {error}"
            continue
        rows.append(
            InvoiceLine(
                line_no=line.line_no,
                product=line.product.strip(),
                campaign_ref=line.campaign_ref.strip(),
                unit_kind=line.unit_kind,
                billed_units=line.billed_units,
                billed_rate=rate,
                amount=amount,
            )
        )
    if not rows and not errors:
        errors["lines"] = "an invoice needs at least one line"
    return rows
