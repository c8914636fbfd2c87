"""Figures in the lists: amounts of mixed currencies also shown in the reporting currency."""

from disputedesk.workflows.money import REPORTING_CURRENCY, to_reporting


def in_reporting(minor: int, currency: str) -> str:
    """Show an amount converted to the reporting currency, for lists of mixed currencies."""
    whole, cents = divmod(abs(to_reporting(minor, currency)), 100)
    return f"{REPORTING_CURRENCY} {whole:,}.{cents:02d}"
