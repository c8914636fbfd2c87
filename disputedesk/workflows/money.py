"""Money as integer minor units with an ISO currency, rates in micros, one rounding rule."""

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

REPORTING_CURRENCY = "USD"
# The standing rates: units of the reporting currency per unit of each currency. Money that is
# decided (a dispute's amount, a memo) freezes a dated rate from the fx_rates table instead;
# these remain for figures with no rate of their own (billed lines and exceptions on the
# dashboard) and are the first dated rows of that table.
FX_TO_REPORTING = {"USD": Decimal("1"), "CAD": Decimal("0.73"), "MXN": Decimal("0.055")}
CURRENCIES = tuple(FX_TO_REPORTING)
MINOR_DIGITS = 2  # every supported currency has cents

# Plain ASCII digits only: Decimal() would also take "1e30", "1_000" and other scripts' digits.
AMOUNT_PATTERN = re.compile(r"-?(?P<units>[0-9]+)(?:\.(?P<cents>[0-9]+))?", re.ASCII)
MAX_UNIT_DIGITS = 13  # fits a BIGINT of minor units with room to add many together

RATE_DIGITS = 6  # rates are integer micros of the currency: 0.8075 is 807_500
MICROS_PER_MINOR: int = 10 ** (RATE_DIGITS - MINOR_DIGITS)
MAX_RATE_UNIT_DIGITS = 10  # 9,999,999,999.999999 still fits a BIGINT of micros
UNITS_PER_RATE = {"cpm": 1000, "cpc": 1, "flat": 1}  # a cpm rate prices a thousand impressions

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


def parse_signed_amount(text: object) -> int:
    """Turn a decimal string into minor units, allowing zero and negative amounts."""
    if not isinstance(text, str):
        raise BadAmount('must be a decimal string such as "-12.50"')
    match = AMOUNT_PATTERN.fullmatch(text.strip())
    if match is None:
        raise BadAmount(f"{text!r} is not an amount such as -12.50")
    if len(match["units"]) > MAX_UNIT_DIGITS:
        raise BadAmount("is too large")
    if len(match["cents"] or "") > MINOR_DIGITS:
        raise BadAmount("must have at most two decimals")
    return int(Decimal(text.strip()).scaleb(MINOR_DIGITS))


def parse_rate(text: object) -> int:
    """Turn a rate such as "0.8075" into integer micros (807500); zero is allowed."""
    if not isinstance(text, str):
        raise BadAmount('must be a decimal string such as "0.8075"')
    match = AMOUNT_PATTERN.fullmatch(text.strip())
    if match is None or text.strip().startswith("-"):
        raise BadAmount(f"{text!r} is not a rate such as 0.8075")
    if len(match["units"]) > MAX_RATE_UNIT_DIGITS:
        raise BadAmount("is too large")
    if len(match["cents"] or "") > RATE_DIGITS:
        raise BadAmount(f"must have at most {RATE_DIGITS} decimals")
    return int(Decimal(text.strip()).scaleb(RATE_DIGITS))


def format_rate(micros: int | Fraction) -> str:
    """Render a rate in micros with at least two decimals: 807500 → 0.8075, 6500000 → 6.50."""
    text = exact_decimal(Fraction(micros) / 10**RATE_DIGITS, places=12)
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(MINOR_DIGITS, '0')}"


def round_to_minor(value: Fraction) -> int:
    """THE rounding rule: an exact amount in minor units, rounded half-even to a whole cent."""
    return round(value)  # Fraction.__round__ with no digits rounds half to even


def exact_amount(units: int | Fraction, rate_micros: int | Fraction, unit_kind: str) -> Fraction:
    """Price units at a rate in micros, exactly, in minor units."""
    exact = Fraction(units) * Fraction(rate_micros)
    return exact / (UNITS_PER_RATE[unit_kind] * MICROS_PER_MINOR)


def line_amount(units: int | Fraction, rate_micros: int | Fraction, unit_kind: str) -> int:
    """Price units at a rate in micros, rounding once, on the line amount, half-even."""
    return round_to_minor(exact_amount(units, rate_micros, unit_kind))


def exact_decimal(value: Fraction, places: int = 30) -> str:
    """Write a fraction as its exact decimal, or to `places` decimals when it has none (1/3)."""
    for digits in range(places + 1):
        scaled = value * 10**digits
        if scaled.denominator == 1:
            return str(Decimal(scaled.numerator).scaleb(-digits))
    return str(
        (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1).scaleb(-places))
    )


def format_amount(minor: int) -> str:
    """Render minor units as a decimal string ("1234.50")."""
    return str(Decimal(minor).scaleb(-MINOR_DIGITS).quantize(Decimal("0.01")))


def to_reporting(minor: int, currency: str) -> int:
    """Convert minor units of a currency into minor units of the reporting currency."""
    converted = Decimal(minor) * FX_TO_REPORTING[currency]
    return int(converted.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def convert(minor: int, rate_micros: int) -> int:
    """Minor units of a currency in minor units of the reporting currency at a rate in micros,
    rounded half up (away from zero for a negative amount)."""
    exact = Fraction(minor * rate_micros, 10**RATE_DIGITS)
    whole = abs(exact).numerator * 2 + abs(exact).denominator
    return (1 if minor >= 0 else -1) * (whole // (2 * abs(exact).denominator))


def priority_for(minor: int, currency: str, tier: str, reporting: int | None = None) -> str:
    """Priority from the disputed amount in the reporting currency and the advertiser tier."""
    if tier == "strategic":
        return "P1"
    reporting = to_reporting(minor, currency) if reporting is None else reporting
    for threshold, priority in PRIORITY_THRESHOLDS:
        if reporting >= threshold:
            return priority
    return "P4"
