"""Spreadsheet-safe text: a cell from outside must never run as a formula (OWASP CSV injection)."""

# A cell beginning with one of these is read as a formula (or a DDE call) by Excel, LibreOffice
# and Google Sheets; OWASP's advice is to prefix it with a single quote so it stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(text: str) -> str:
    """Return the text as a spreadsheet will show it literally: formulas become plain text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
