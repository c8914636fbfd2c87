"""Bulk intake on the web: an analyst uploads a CSV or an Excel workbook of disputed lines (the
API's rows), checks it with a dry run, and files it; every bad row is named by its line."""

import csv
import io

from flask import Blueprint, render_template, request
from flask_login import current_user
from openpyxl import load_workbook

from disputedesk.app.evidence.sniff import is_workbook
from disputedesk.app.services.bulk_intake import file_bulk
from disputedesk.app.web.rendering import requires
from disputedesk.workflows.errors import DomainError, InvalidInput
from disputedesk.workflows.spreadsheet import blank, decode_text

bp = Blueprint("bulk_upload", __name__, url_prefix="/disputes")
COLUMNS = ("invoice_number", "line_no", "amount", "currency", "reason_code", "description")
MAX_BYTES = 5 * 1024 * 1024


@bp.get("/import")
@requires("file_disputes")
def form():  # noqa: ANN201
    return render_template("filing/bulk.html", columns=COLUMNS, result=None, errors={})


@bp.post("/import")
@requires("file_disputes")
def upload():  # noqa: ANN201
    batch_ref = request.form.get("batch_ref", "").strip()
    dry_run = request.form.get("dry_run") == "1"
    lines: list[int] = []
    try:
        data = _uploaded(request.files.get("file"), request.form.get("content"))
        rows, lines, problems = _read(data)
        if problems:
            raise InvalidInput(problems)
        filed = file_bulk(current_user, batch_ref, rows, dry_run=dry_run)
    except InvalidInput as error:
        errors = {_at_line(k, lines): v for k, v in error.errors.items()}
        return _page(None, errors, batch_ref, 422)
    except DomainError as error:
        return _page(None, {"file": error.detail}, batch_ref, 409)
    # A dry run carries the checked file on, so filing it needs no second upload.
    checked = _as_csv(rows) if dry_run else ""
    return _page({"cases": filed, "dry_run": dry_run, "content": checked}, {}, batch_ref, 200)


def _as_csv(rows: list[dict]) -> str:
    """The checked rows as CSV text (whatever the upload was), to file them with one click."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _uploaded(upload, content: str | None) -> bytes:  # noqa: ANN001
    """The file's bytes, or the checked file a dry run carried on (as UTF-8 text)."""
    if content:
        return content.encode()[: MAX_BYTES + 1]
    if upload is None or not upload.filename:
        raise InvalidInput({"file": "choose a CSV file"})
    return upload.read(MAX_BYTES + 1)


def _read(data: bytes) -> tuple[list[dict], list[int], dict[str, str]]:
    """The file's rows as the service takes them, each row's line in the file, and the rows
    whose line number is not one."""
    if len(data) > MAX_BYTES:
        raise InvalidInput({"file": f"at most {MAX_BYTES // 1024 // 1024} MB"})
    found, fields = _xlsx_rows(data) if data.startswith(b"PK\x03\x04") else _csv_rows(data)
    missing = [c for c in COLUMNS if c not in fields]
    if missing:
        raise InvalidInput({"file": "the file lacks columns: " + ", ".join(missing)})
    rows, lines, problems = [], [], {}
    for line, row in found:
        if blank(row):
            continue
        lines.append(line)
        cells = {c: (row.get(c) or "").strip() for c in COLUMNS}
        number = cells["line_no"]
        ok = number.isascii() and number.isdigit() and len(number) <= 6
        if not ok:
            problems[f"rows[{len(lines)}]"] = "line_no must be a line number such as 2"
        rows.append(cells | {"line_no": int(number) if ok else 0})
    return rows, lines, problems


def _csv_rows(data: bytes) -> tuple[list[tuple[int, dict]], tuple[str, ...]]:
    try:
        text, _ = decode_text(data)
    except ValueError as error:
        raise InvalidInput({"file": str(error)}) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = tuple(reader.fieldnames or ())
    return [(reader.line_num, row) for row in reader], fields


def _xlsx_rows(data: bytes) -> tuple[list[tuple[int, dict]], tuple[str, ...]]:
    """The first sheet's rows as text, numbered by their row in the sheet (an .xlsx file is
    opened only after its zip directory says it is a workbook and not a bomb)."""
    if not is_workbook(io.BytesIO(data)):
        raise InvalidInput({"file": "neither a CSV file nor an Excel workbook (.xlsx)"})
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        values = sheet.iter_rows(values_only=True)
        fields = tuple(_cell(v) for v in next(values, ()))
        rows = [(n, dict(zip(fields, map(_cell, row), strict=False)))
                for n, row in enumerate(values, start=2)]  # fmt: skip
    except Exception:  # noqa: BLE001 - a damaged workbook is the file's problem, named so
        raise InvalidInput(
            {"file": "the workbook cannot be read: save it again in Excel"}
        ) from None
    return rows, fields


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a line number typed into Excel
    return "" if value is None else str(value)


def _at_line(key: str, lines: list[int]) -> str:
    """Name "rows[3]" by the file's line it came from."""
    if key.startswith("rows[") and key.endswith("]") and lines:
        n = int(key[5:-1])
        return f"line {lines[n - 1]}" if 0 < n <= len(lines) else key
    return key


def _page(result: dict | None, errors: dict, batch_ref: str, status: int):  # noqa: ANN202
    return render_template("filing/bulk.html", columns=COLUMNS, result=result, errors=errors,
                           batch_ref=batch_ref), status  # fmt: skip
