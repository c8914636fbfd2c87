"""Rows of the contract and delivery feeds, read from JSON or CSV into typed records.

Each reader takes one row (a dict of what the sender wrote: JSON values, or CSV text) and
returns a typed record or raises FeedRowError saying what is wrong. Whole numbers may come as
JSON integers or as plain ASCII digits (CSV); rates and amounts only as decimal text.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from disputedesk.workflows.codes import DELIVERY_SOURCES, PRODUCTS, UNIT_KINDS
from disputedesk.workflows.edge import MAX_REFERENCE, as_int, text_problem, year_in_range
from disputedesk.workflows.money import CURRENCIES, BadAmount, parse_amount, parse_rate

MAX_CONTRACTS = 500  # contracts in one request, each with up to MAX_CONTRACT_LINES lines
MAX_CONTRACT_LINES = 100
MAX_DELIVERY_ROWS = 5_000  # delivery records in one request
MAX_UNITS = 10**15
BP = 10_000


class FeedRowError(ValueError):
    """What is wrong with one row of a feed."""


@dataclass(frozen=True)
class ContractLineIn:
    product: str
    campaign_ref: str  # "" for every campaign
    unit_kind: str | None
    rate_micros: int
    discount_bp: int
    cap_units: int | None
    cap_amount: int | None
    makegood_units: int
    effective_from: date
    effective_to: date


@dataclass(frozen=True)
class ContractIn:
    advertiser_ref: str
    reference: str
    version: int
    tolerance_bp: int
    delivery_source: str
    lines: tuple[ContractLineIn, ...]
    currency: str = "USD"  # what its rates are in; an invoice in another is never priced

    @property
    def key(self) -> str:
        return f"{self.advertiser_ref}/{self.reference} v{self.version}"


@dataclass(frozen=True)
class DeliveryIn:
    external_ref: str
    campaign_ref: str
    source: str
    period_start: date
    period_end: date
    delivered_units: int
    invalid_units: int


def _text(
    row: dict[str, Any], field: str, required: bool = True, limit: int = MAX_REFERENCE
) -> str:
    value = row.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FeedRowError(f"{field} is required")
        return ""
    if not isinstance(value, str):
        raise FeedRowError(f"{field} must be text")
    if problem := text_problem(value.strip(), limit, single_line=True):
        raise FeedRowError(f"{field} {problem}")
    return value.strip()


def _int(row: dict[str, Any], field: str, low: int, high: int, default: int | None = None) -> int:
    """The field's whole number, else the default; required when there is no default."""
    number = _optional_int(row, field, low, high)
    if number is not None:
        return number
    if default is None:
        raise FeedRowError(f"{field} is required")
    return default


def _optional_int(row: dict[str, Any], field: str, low: int, high: int) -> int | None:
    """The field's whole number, or None when it is empty."""
    value = row.get(field)
    if value is None or value == "":
        return None
    number = None
    if type(value) is int:
        number = value
    elif isinstance(value, str):
        number = as_int(value.strip(), low, high)
    if number is None or not low <= number <= high:
        raise FeedRowError(f"{field} must be a whole number from {low:,} to {high:,}")
    return number


def _date(row: dict[str, Any], field: str, default: date | None = None) -> date:
    value = row.get(field)
    if (value is None or value == "") and default is not None:
        return default
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not year_in_range(day.year):
        raise FeedRowError(f"{field} must be a date such as 2026-11-01")
    return day


def _choice(row: dict[str, Any], field: str, choices: tuple[str, ...], default: str | None) -> str:
    value: object = row.get(field) or default
    if value not in choices:
        raise FeedRowError(f"{field} is one of " + ", ".join(choices))
    return value


def _optional_choice(row: dict[str, Any], field: str, choices: tuple[str, ...]) -> str | None:
    """None when the field is left empty, else one of the choices (or the row is refused)."""
    return _choice(row, field, choices, None) if row.get(field) else None


def _period(start: date, end: date, what: str) -> None:
    if end < start:
        raise FeedRowError(f"{what} ends before it starts")


def contract_line(row: dict[str, Any], contract_from: date, contract_to: date) -> ContractLineIn:
    """Read one line of a contract; its dates default to the contract's."""
    try:
        rate = parse_rate(row.get("rate"))
    except BadAmount as error:
        raise FeedRowError(f"rate {error}") from None
    cap_amount = row.get("cap_amount")
    if cap_amount not in (None, ""):
        try:
            cap_amount = parse_amount(cap_amount)
        except BadAmount as error:
            raise FeedRowError(f"cap_amount {error}") from None
    else:
        cap_amount = None
    line = ContractLineIn(
        product=_choice(row, "product", PRODUCTS, None),
        campaign_ref=_text(row, "campaign_ref", required=False),
        unit_kind=_optional_choice(row, "unit_kind", UNIT_KINDS),
        rate_micros=rate,
        discount_bp=_int(row, "discount_bp", 0, BP, default=0),
        cap_units=_optional_int(row, "cap_units", 0, MAX_UNITS),
        cap_amount=cap_amount,
        makegood_units=_int(row, "makegood_units", 0, MAX_UNITS, default=0),
        effective_from=_date(row, "effective_from", contract_from),
        effective_to=_date(row, "effective_to", contract_to),
    )
    _period(line.effective_from, line.effective_to, f"the {line.product} line")
    return line


def contract(row: dict[str, Any]) -> ContractIn:
    """Read one contract (an insertion order version) with its lines."""
    if not isinstance(row, dict):
        raise FeedRowError("each contract is an object")
    start, end = _date(row, "effective_from"), _date(row, "effective_to")
    _period(start, end, "the contract")
    lines = row.get("lines")
    if not isinstance(lines, list) or not lines or not all(isinstance(x, dict) for x in lines):
        raise FeedRowError("lines must be a list of at least one line object")
    if len(lines) > MAX_CONTRACT_LINES:
        raise FeedRowError(f"at most {MAX_CONTRACT_LINES} lines a contract")
    parsed = []
    for n, line in enumerate(lines, start=1):
        try:
            parsed.append(contract_line(line, start, end))
        except FeedRowError as error:
            raise FeedRowError(f"lines[{n}]: {error}") from None
    keys = [(x.product, x.campaign_ref) for x in parsed]
    if len(set(keys)) != len(keys):
        raise FeedRowError("two lines for the same product and campaign")
    return ContractIn(
        advertiser_ref=_text(row, "advertiser_ref"),
        reference=_text(row, "reference", limit=40),
        version=_int(row, "version", 1, 10_000, default=1),
        tolerance_bp=_int(row, "tolerance_bp", 0, BP, default=0),
        delivery_source=_choice(row, "delivery_source", DELIVERY_SOURCES, "first_party"),
        lines=tuple(parsed),
        currency=_choice(row, "currency", CURRENCIES, "USD"),
    )


def delivery(row: dict[str, Any]) -> DeliveryIn:
    """Read one delivery record."""
    if not isinstance(row, dict):
        raise FeedRowError("each delivery record is an object")
    record = DeliveryIn(
        external_ref=_text(row, "external_ref", limit=80),
        campaign_ref=_text(row, "campaign_ref"),
        source=_choice(row, "source", DELIVERY_SOURCES, None),
        period_start=_date(row, "period_start"),
        period_end=_date(row, "period_end"),
        delivered_units=_int(row, "delivered_units", 0, MAX_UNITS),
        invalid_units=_int(row, "invalid_units", 0, MAX_UNITS, default=0),
    )
    _period(record.period_start, record.period_end, "the delivery period")
    if record.invalid_units > record.delivered_units:
        raise FeedRowError("invalid_units is more than delivered_units")
    return record
