"""The one edge policy: what text and numbers from outside may be, for the web and the API alike.

Everything here is plain data and pure functions. Refusals are `InvalidInput` naming the field,
which the web shows beside it and the API answers as a 422 problem document.
"""

import re
from datetime import date

from disputedesk.workflows.errors import InvalidInput

# Stated maximum lengths, in characters.
MAX_TEXT = 10_000  # descriptions, notes, reasons, comment bodies, approval comments
MAX_NAME = 200  # names of people, advertisers, teams; filenames are cut to this too
MAX_EMAIL = 254  # RFC 5321's longest forward path
MAX_REFERENCE = 60  # external references: advertiser refs, campaign refs, invoice numbers
MAX_INVOICE_NUMBER = 40
MAX_PRODUCT = 40
MAX_SEARCH = 200  # free-text search boxes and filter values
MAX_IDEMPOTENCY_KEY = 200
MAX_CURSOR = 200  # opaque page tokens

# Numbers: ids and versions are 32-bit integer columns, amounts and units BIGINT.
MAX_ID = 2**31 - 1
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
MAX_LINES = 1_000  # invoice lines in one invoice, disputed lines in one filing

# Dates: anything outside these years is a typo, and year 9999 overflows month arithmetic.
FIRST_YEAR, LAST_YEAR = 2000, 2100

# JSON bodies. Evidence uploads are multipart and keep their own limit (MAX_EVIDENCE_BYTES).
MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32

# C0 controls other than tab, newline and carriage return (browsers send textareas as CRLF),
# and lone UTF-16 surrogates, which no UTF-8 database can store.
FORBIDDEN = r"\x00-\x08\x0b\x0c\x0e-\x1f"
TEXT_PATTERN = f"^[^{FORBIDDEN}]*$"
LINE_PATTERN = r"^[^\x00-\x1f]*$"  # one line: no controls at all, tab and newline included
_FORBIDDEN_TEXT = re.compile(f"[{FORBIDDEN}]|[\ud800-\udfff]")
_FORBIDDEN_LINE = re.compile(r"[\x00-\x1f]|[\ud800-\udfff]")
_DIGITS = re.compile("-?[0-9]+", re.ASCII)
_MONTH = re.compile("([0-9]{4})-([0-9]{2})", re.ASCII)
_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_STRUCTURAL = re.compile(rb'[\[\]{}"\\]')


def text_problem(value: str, max_length: int, *, single_line: bool = False) -> str | None:
    """Say what is wrong with a piece of text from outside, or None when it may be kept."""
    if (_FORBIDDEN_LINE if single_line else _FORBIDDEN_TEXT).search(value):
        if "\x00" in value:
            return "must not contain NUL characters"
        return "must not contain control characters" + ("" if single_line else " (except tab)")
    if len(value) > max_length:
        return f"at most {max_length:,} characters"
    return None


def check_text(field: str, value: str, max_length: int, *, single_line: bool = False) -> str:
    """Return the text unchanged if the policy allows it; refuse it naming the field."""
    if (problem := text_problem(value, max_length, single_line=single_line)) is not None:
        raise InvalidInput({field: problem})
    return value


def as_int(text: str, low: int, high: int) -> int | None:
    """Return the whole number written in plain ASCII digits, if it lies in [low, high]."""
    if len(text) > 20 or not _DIGITS.fullmatch(text):  # 20 characters hold any BIGINT
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_int(field: str, text: str, low: int = BIGINT_MIN, high: int = BIGINT_MAX) -> int:
    """Read a whole number in plain ASCII digits within [low, high], or refuse naming the field."""
    value = as_int(text, low, high)
    if value is None:
        raise InvalidInput({field: f"a whole number from {low:,} to {high:,}"})
    return value


def parse_id(field: str, text: str) -> int:
    """Read a positive id that fits its column, or refuse naming the field."""
    return parse_int(field, text, 1, MAX_ID)


def year_in_range(year: int) -> bool:
    """Tell whether a year is one the books can hold."""
    return FIRST_YEAR <= year <= LAST_YEAR


def parse_month(field: str, text: str) -> tuple[int, int]:
    """Read a month written YYYY-MM within the years the books hold, as (year, month)."""
    match = _MONTH.fullmatch(text)
    if match and year_in_range(int(match[1])) and 1 <= int(match[2]) <= 12:
        return int(match[1]), int(match[2])
    raise InvalidInput({field: f"a month such as 2026-11, from {FIRST_YEAR} to {LAST_YEAR}"})


def parse_date(field: str, text: str) -> date:
    """Read a date written YYYY-MM-DD within the years the books hold."""
    if _DATE.fullmatch(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            day = None
        if day is not None and year_in_range(day.year):
            return day
    raise InvalidInput({field: f"a date such as 2026-11-01, from {FIRST_YEAR} to {LAST_YEAR}"})


def json_too_deep(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """Tell whether a JSON text nests arrays and objects deeper than max_depth.

    Runs before the parser, whose recursion a body of "[" * 100000 would exhaust; it visits
    only the structural bytes, so a long string costs little.
    """
    depth, in_string, skip_to = 0, False, 0
    for match in _STRUCTURAL.finditer(raw):
        at, byte = match.start(), match[0]
        if at < skip_to:  # the character after a backslash
            continue
        if byte == b"\\":
            skip_to = at + 2
        elif byte == b'"':
            in_string = not in_string
        elif in_string:
            continue
        elif byte in b"[{":
            depth += 1
            if depth > max_depth:
                return True
        else:
            depth -= 1
    return False
