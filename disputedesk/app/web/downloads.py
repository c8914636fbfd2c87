"""CSV downloads for people: UTF-8 with a byte-order mark (so Excel reads it as UTF-8, not the
system's code page), every text cell passed through the one formula rule
(workflows/spreadsheet.py), numbers (int, Decimal) written as numbers and never neutralised,
so a negative amount stays a number. The rows are read inside the request (the database
needs it); the text is then streamed out a chunk at a time, never held whole."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from flask import Response

from disputedesk.workflows.spreadsheet import neutralise

BOM = "\ufeff"
CHUNK_ROWS = 500  # rows per piece of the response


def cell(value: object) -> object:
    """A number as itself; anything else as text a spreadsheet shows literally."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return value
    return neutralise("" if value is None else str(value))


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    """Stream the rows as a CSV attachment (header first, CRLF lines as RFC 4180 has them)."""
    rows = [[cell(v) for v in row] for row in rows]  # read now, in the request's context

    def pieces() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        yield BOM + _take(out)
        for n, row in enumerate(rows, start=1):
            writer.writerow(row)
            if n % CHUNK_ROWS == 0:
                yield _take(out)
        yield _take(out)

    disposition = f'attachment; filename="{filename}"'
    return Response(pieces(), mimetype="text/csv", headers={"Content-Disposition": disposition})


def _take(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text
