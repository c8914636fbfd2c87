"""Money as integer minor units with an ISO currency, and the priority rule of DESIGN §4."""

import re
from decimal import ROUND_HALF_UP, Decimal

REPORTING_CURRENCY = "USD"
# Units of the reporting currency per unit of each currency; thresholds and reports use it.
FX_TO_REPORTING = {"USD": Decimal("1"), "CAD": Decimal("0.73"), "MXN": Decimal("0.055")}
CURRENCIES = tuple(FX_TO_REPORTING)
MINOR_DIGITS = 2  # every supported currency has cents

# Plain ASCII digits only: Decimal() would also take "1e30", "1_000" and other scripts' digits.
AMOUNT_PATTERN = re.compile(r"-?(?P<units>[0-9]+)(?:\.(?P<cents>[0-9]+))?", re.ASCII)
MAX_UNIT_DIGITS = 13  # fits a BIGINT of minor units with room to add many together

PRIORITY_THRESHOLDS = ((100_000_00, "P1"), (25_000_00, "P2"), (1_000_00, "P3"))


class BadAmount(ValueError):
    """An amount that is not a positive decimal with at most two decimals."""


def parse_amount(text: object) -> int:
    """Turn a decimal string such as "1234.50" into minor units (123450)."""
    if not isinstance(text, str):
        raise BadAmount('must be a decimal string such as "1234.50"')
    match = AMOUNT_PATTERN.fullmatch(text.strip())
    if match is None:
        raise BadAmount(f"{text!r} is not an amount such as 1234.50")
    if len(match["units"]) > MAX_UNIT_DIGITS:
        raise BadAmount("is too large")
    if len(match["cents"] or "") > MINOR_DIGITS:
        raise BadAmount("must have at most two decimals")
    value = Decimal(text.strip())
    if value <= 0:
        raise BadAmount("must be greater than zero")
    return int(value.scaleb(MINOR_DIGITS))


def format_amount(minor: int) -> str:
    """Render minor units as a decimal string ("1234.50")."""
    return str(Decimal(minor).scaleb(-MINOR_DIGITS).quantize(Decimal("0.01")))


def to_reporting(minor: int, currency: str) -> int:
    """Convert minor units of a currency into minor units of the reporting currency."""
    converted = Decimal(minor) * FX_TO_REPORTING[currency]
    return int(converted.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def priority_for(minor: int, currency: str, tier: str) -> str:
    """Priority from the disputed amount in the reporting currency and the advertiser tier."""
    if tier == "strategic":
        return "P1"
    reporting = to_reporting(minor, currency)
    for threshold, priority in PRIORITY_THRESHOLDS:
        if reporting >= threshold:
            return priority
    return "P4"
