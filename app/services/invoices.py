"""Invoices pushed by the billing system."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Advertiser, Invoice, InvoiceLine, User
from workflows.codes import LINE_KINDS, UNIT_KINDS
from workflows.errors import Conflict, InvalidInput, NotPermitted
from workflows.money import CURRENCIES, BadAmount, parse_rate, parse_signed_amount

MAX_UNITS = 10**15  # a trillion impressions a line is already absurd


@dataclass(frozen=True)
class LineInput:
    line_no: object
    product: object
    campaign_ref: object
    unit_kind: object
    billed_units: object
    billed_rate: object
    amount: object
    kind: object = "charge"


KIND_SIGN = {"charge": 1, "make_good": 0, "adjustment": -1}  # the sign each kind's amount has


def create_invoice(
    user: User,
    number: object,
    advertiser_ref: object,
    currency: object,
    period_start: object,
    period_end: object,
    lines: object,
) -> tuple[Invoice, bool]:
    """Record an invoice from the billing system, whole or not at all; say if it was new."""
    if not user.can("push_invoices"):
        raise NotPermitted("only the billing system's integration user pushes invoices")
    errors: dict[str, str] = {}
    if not isinstance(number, str) or not number.strip():
        errors["number"] = "give the invoice number"
    elif len(number.strip()) > 40:
        errors["number"] = "at most 40 characters"
    advertiser = None
    if isinstance(advertiser_ref, str):
        advertiser = db.session.scalar(select(Advertiser).where(Advertiser.ref == advertiser_ref))
    if advertiser is None:
        errors["advertiser_ref"] = f"no advertiser {advertiser_ref!r}"
    if currency not in CURRENCIES:
        errors["currency"] = "one of " + ", ".join(CURRENCIES)
    start, end = (
        _date(period_start, "period_start", errors),
        _date(period_end, "period_end", errors),
    )
    if start and end and start > end:
        errors["period_end"] = "must not be before period_start"
    rows = _lines(lines, errors)
    if errors:
        raise InvalidInput(errors)
    existing = db.session.scalar(select(Invoice).where(Invoice.number == number.strip()))
    if existing is not None:
        if _same_invoice(existing, advertiser, currency, start, end, rows):
            db.session.rollback()
            return existing, False  # the same invoice sent again: idempotent by its number
        raise Conflict(f"invoice {number} already exists with other contents")
    invoice = Invoice(
        number=number.strip(),
        advertiser=advertiser,
        currency=currency,
        period_start=start,
        period_end=end,
        lines=rows,
    )
    db.session.add(invoice)
    db.session.commit()
    return invoice, True


LINE_FIELDS = ("line_no", "product", "campaign_ref", "unit_kind", "billed_units",
               "billed_rate_micros", "amount", "kind")  # fmt: skip


def _same_invoice(existing: Invoice, advertiser, currency, start, end, rows) -> bool:  # noqa: ANN001
    def lines(given: list[InvoiceLine]) -> list[tuple]:
        return sorted(tuple(getattr(x, f) for f in LINE_FIELDS) for x in given)

    head = (existing.advertiser_id, existing.currency, existing.period_start, existing.period_end)
    return head == (advertiser.id, currency, start, end) and lines(existing.lines) == lines(rows)


def _date(value: object, field: str, errors: dict[str, str]) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors[field] = "a date such as 2026-11-01"
    return None


def _lines(given: object, errors: dict[str, str]) -> list[InvoiceLine]:
    if not isinstance(given, list) or not all(isinstance(x, dict) for x in given):
        errors["lines"] = "a list of invoice line objects"
        return []
    if not given:
        errors["lines"] = "an invoice needs at least one line"
        return []
    fields = [f for f in LineInput.__dataclass_fields__ if f != "kind"]
    lines = [
        LineInput(**{f: x.get(f) for f in fields}, kind=x.get("kind", "charge")) for x in given
    ]
    rows, seen = [], set()
    for i, line in enumerate(lines, start=1):
        where = f"lines[{i}]"
        if type(line.line_no) is not int or line.line_no < 1 or line.line_no in seen:
            errors[where] = "line_no must be a positive whole number, unique in the invoice"
            continue
        seen.add(line.line_no)
        if not all(isinstance(v, str) and v.strip() for v in (line.product, line.campaign_ref)):
            errors[where] = "product and campaign_ref are required"
            continue
        if len(line.product.strip()) > 40 or len(line.campaign_ref.strip()) > 60:
            errors[where] = "product is at most 40 characters, campaign_ref at most 60"
            continue
        if line.unit_kind not in UNIT_KINDS:
            errors[where] = "unit_kind is one of " + ", ".join(UNIT_KINDS)
            continue
        if type(line.billed_units) is not int or not 0 <= line.billed_units <= MAX_UNITS:
            errors[where] = "billed_units must be a whole number, zero or more"
            continue
        if line.kind not in LINE_KINDS:
            errors[where] = "kind is one of " + ", ".join(LINE_KINDS)
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
    return rows
