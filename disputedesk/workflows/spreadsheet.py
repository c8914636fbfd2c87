"""Spreadsheet-safe text: a cell from outside must never run as a formula (OWASP CSV injection)."""

from collections.abc import Mapping

# A cell beginning with one of these is read as a formula (or a DDE call) by Excel, LibreOffice
# and Google Sheets; OWASP's advice is to prefix it with a single quote so it stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(text: str) -> str:
    """Return the text as a spreadsheet will show it literally: formulas become plain text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode an uploaded text file: UTF-8 (with or without a BOM) when it is valid UTF-8,
    else Windows-1252 (what Excel on Windows saves a CSV as); return the text and the encoding.

    Valid UTF-8 is almost never an accident in another encoding, so trying it first and
    falling back is exact for the two encodings spreadsheets write; bytes Windows-1252 leaves
    undefined are refused rather than guessed at."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as error:
        raise ValueError(
            f"neither UTF-8 nor Windows-1252 (byte {error.start + 1}): save the file as UTF-8"
        ) from None


def blank(row: Mapping[str, object]) -> bool:
    """Tell whether a CSV row holds nothing (a trailing empty line, a row of commas)."""
    return all(v is None or not str(v).strip() for v in row.values())
