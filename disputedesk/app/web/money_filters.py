"""Template filters for rates in micros and the comparison's exact numbers."""

from decimal import Decimal
from fractions import Fraction

from flask import Flask

from disputedesk.workflows.money import format_amount, format_rate


def rate(micros: int | Fraction) -> str:
    """Show a rate in micros with its thousands grouped: 2500000000 → 2,500.00, 807500 → 0.8075."""
    whole, _, decimals = format_rate(micros).partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{decimals}"


def units(value: int | Fraction) -> str:
    """Show a unit count, with up to two decimals when it was pro-rated: 12,345.67."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return f"{Decimal(value.numerator) / Decimal(value.denominator):,.2f}"


def register(app: Flask) -> None:
    """Add the money filters to the app's templates."""
    app.add_template_filter(format_amount, "amount_input")  # "2999.40": what a form accepts back
    for template_filter in (rate, units):
        app.add_template_filter(template_filter)
