"""Month-end credit report: every memo issued in a month (books' time zone), as export rows."""

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from flask import current_app
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, DisputedLine, Invoice, Reversal, User
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.queries.memos import issued_in_month
from disputedesk.app.queries.reversals import reversed_in_month
from disputedesk.workflows import books
from disputedesk.workflows.codes import a_role
from disputedesk.workflows.errors import InvalidInput, NotPermitted
from disputedesk.workflows.money import REPORTING_CURRENCY, format_amount, format_rate
from disputedesk.workflows.spreadsheet import neutralise

COLUMNS = (
    "number", "dispute", "advertiser", "advertiser_ref", "invoice", "invoice_lines", "product",
    "billing_period", "reason_code", "root_cause", "amount", "currency", "reporting_amount",
    "reporting_currency", "fx_rate", "fx_rate_on", "gl_reason", "preparer", "approvers",
    "approved_at", "issued_by", "issued_at", "reverses",
)  # fmt: skip
NUMBER_COLUMNS = frozenset({"amount", "reporting_amount"})
INSTANTS = frozenset({"approved_at", "issued_at"})  # in UTC, as the CSV's ISO text says
AMOUNT_FORMAT, RATE_FORMAT = "#,##0.00", "0.000000"
MEDIA_TYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def books_zone() -> str:
    """Return the books' time zone (config BOOKS_TIMEZONE)."""
    return current_app.config.get("BOOKS_TIMEZONE", books.DEFAULT_BOOKS_TIMEZONE)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """Turn "2026-11" into the UTC instants that start this month and the next, in the books."""
    try:
        return books.month_bounds(month, books_zone())
    except books.BadMonth as error:
        raise InvalidInput({"month": str(error)}) from None


def credit_rows(
    month: str, user: User | None = None, page: tuple[int, int, int] | None = None
) -> list[dict[str, str]]:
    """Return one row per memo issued in the month, in number order (only the user's cases),
    then one per reversal made in it. `page` (from, size, memos in the month): those rows."""
    if user is not None and not user.can("read_reports"):
        raise NotPermitted(f"{a_role(user.role)} does not read the credit reports")
    bounds = month_bounds(month)
    if page is None:
        memos, reversals = issued_in_month(*bounds, user), reversed_in_month(*bounds, user)
    else:
        start, size, memo_count = page
        on_memos = max(0, min(size, memo_count - start))
        memos = issued_in_month(*bounds, user, (start, on_memos)) if on_memos else []
        rest = (max(0, start - memo_count), size - on_memos)
        reversals = reversed_in_month(*bounds, user, rest) if rest[1] else []
    disputes = {
        d.id: d
        for d in db.session.scalars(
            select(Dispute)
            .where(Dispute.id.in_({m.dispute_id for m in memos}))
            .options(
                joinedload(Dispute.advertiser),
                joinedload(Dispute.invoice).selectinload(Invoice.lines),
                selectinload(Dispute.lines).joinedload(DisputedLine.invoice_line),
            )
        )
    }
    return [_row(memo, disputes[memo.dispute_id]) for memo in memos] + [
        _reversal_row(reversal) for reversal in reversals
    ]


def _reversal_row(reversal: Reversal) -> dict[str, str]:
    """A reversal as a negative line: the memo's row, numbered and dated as the reversal."""
    memo, at = reversal.memo, reversal.reversed_at.isoformat()
    return _row(memo, db.session.get(Dispute, memo.dispute_id)) | {
        "number": reversal.number,
        "amount": format_amount(-reversal.amount),
        "currency": reversal.currency,
        "reporting_amount": format_amount(-memo.reporting_amount),
        "approvers": reversal.reversed_by.email,
        "approved_at": at,
        "issued_by": reversal.reversed_by.email,
        "issued_at": at,
        "reverses": memo.number,
    }


def _row(memo, dispute: Dispute) -> dict[str, str]:  # noqa: ANN001
    approved = [a for a in memo.approvals if a.decision == "approve"]
    lines = [dl.invoice_line for dl in dispute.lines] or dispute.invoice.lines
    invoice = dispute.invoice
    return {
        "number": memo.number,
        "dispute": format_ref(dispute.id),
        "advertiser": dispute.advertiser.name,
        "advertiser_ref": dispute.advertiser.ref,
        "invoice": invoice.number,
        "invoice_lines": "; ".join(str(line.line_no) for line in lines),
        "product": "; ".join(dict.fromkeys(line.product for line in lines)),
        "billing_period": f"{invoice.period_start.isoformat()}..{invoice.period_end.isoformat()}",
        "reason_code": dispute.reason_code,
        "root_cause": dispute.root_cause or "",
        "amount": format_amount(memo.amount),
        "currency": memo.currency,
        "reporting_amount": format_amount(memo.reporting_amount),
        "reporting_currency": REPORTING_CURRENCY,
        # Which rate the reporting amount was converted at, and the day it took effect.
        "fx_rate": format_rate(memo.fx_rate) if memo.fx_rate else "",
        "fx_rate_on": memo.fx_rate_on.isoformat() if memo.fx_rate_on else "",
        "gl_reason": memo.gl_reason,
        "preparer": memo.preparer.email,
        "approvers": "; ".join(a.approver.email for a in approved),
        "approved_at": "; ".join(a.at.isoformat() for a in approved),
        "issued_by": memo.issued_by,
        "issued_at": memo.issued_at.isoformat(),
        "reverses": "",
    }


def safe_cells(row: dict[str, str]) -> dict[str, str]:
    """Neutralise every text cell of a row so no spreadsheet runs it as a formula."""
    return {k: v if k in NUMBER_COLUMNS else neutralise(v) for k, v in row.items()}


def render(rows: list[dict[str, str]], fmt: str) -> str | bytes:
    """Render the rows as CSV (with a header), JSON, or an XLSX workbook (bytes)."""
    if fmt == "json":
        return json.dumps(rows, indent=2)
    if fmt == "xlsx":
        return _xlsx(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(safe_cells(row) for row in rows)
    return out.getvalue()


def typed(row: dict[str, str]) -> list[object]:
    """A row in COLUMNS' order with its amounts as numbers (for a CSV for people)."""
    return [Decimal(row[c]) if c in NUMBER_COLUMNS else row[c] for c in COLUMNS]


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    """The rows as a workbook written in openpyxl's write-only mode (row by row, a fraction of
    the memory and time): amounts and rates as numbers with a number format, instants as
    date-times in UTC, days as dates, and text as text (never a formula)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Credits issued")
    sheet.append(COLUMNS)
    for row in map(safe_cells, rows):
        sheet.append([_cell(sheet, column, row[column]) for column in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, column: str, value: str) -> WriteOnlyCell:  # noqa: ANN001
    if column in NUMBER_COLUMNS:
        return _formatted(sheet, Decimal(value), AMOUNT_FORMAT)
    if column == "fx_rate" and value:
        return _formatted(sheet, Decimal(value), RATE_FORMAT)
    if column == "fx_rate_on" and value:
        return _formatted(sheet, date.fromisoformat(value), "yyyy-mm-dd")
    if column in INSTANTS and value and ";" not in value:  # one instant, not a list of them
        utc = datetime.fromisoformat(value).astimezone(UTC).replace(tzinfo=None)
        return _formatted(sheet, utc, "yyyy-mm-dd hh:mm:ss")
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    return cell


def _formatted(sheet, value: object, number_format: str) -> WriteOnlyCell:  # noqa: ANN001
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = number_format
    return cell
