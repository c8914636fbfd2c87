"""Month-end credit report: every memo issued in a month, as rows for CSV or JSON."""

import csv
import io
import json
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Dispute, User
from app.models.disputes import format_ref
from app.queries.memos import issued_in_month
from app.queries.reversals import reversal_rows
from workflows import edge
from workflows.codes import a_role
from workflows.errors import NotPermitted
from workflows.money import REPORTING_CURRENCY, format_amount

COLUMNS = (
    "number", "dispute", "advertiser", "invoice", "amount", "currency", "reporting_amount",
    "reporting_currency", "gl_reason", "approvers", "approved_at", "issued_by", "issued_at",
    "reverses",
)  # fmt: skip


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """Turn "2026-11" into the UTC instants that start this month and the next."""
    year, number = edge.parse_month("month", month)
    first = date(year, number, 1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (datetime(first.year, first.month, 1, tzinfo=UTC),
            datetime(after.year, after.month, 1, tzinfo=UTC))  # fmt: skip


def credit_rows(month: str, user: User | None = None) -> list[dict[str, str]]:
    """Return one row per memo issued in the month, in number order (only the user's cases)."""
    if user is not None and not user.can("read_reports"):
        raise NotPermitted(f"{a_role(user.role)} does not read the credit reports")
    memos = issued_in_month(*month_bounds(month), user)
    disputes = {
        d.id: d
        for d in db.session.scalars(
            select(Dispute)
            .where(Dispute.id.in_({m.dispute_id for m in memos}))
            .options(joinedload(Dispute.advertiser), joinedload(Dispute.invoice))
        )
    }
    rows = []
    for memo in memos:
        dispute = disputes[memo.dispute_id]
        approved = [a for a in memo.approvals if a.decision == "approve"]
        rows.append({
            "number": memo.number,
            "dispute": format_ref(dispute.id),
            "advertiser": dispute.advertiser.name,
            "invoice": dispute.invoice.number,
            "amount": format_amount(memo.amount),
            "currency": memo.currency,
            "reporting_amount": format_amount(memo.reporting_amount),
            "reporting_currency": REPORTING_CURRENCY,
            "gl_reason": memo.gl_reason,
            "approvers": "; ".join(a.approver.email for a in approved),
            "approved_at": "; ".join(a.at.isoformat() for a in approved),
            "issued_by": memo.issued_by,
            "issued_at": memo.issued_at.isoformat(),
            "reverses": "",
        })  # fmt: skip
    return rows + reversal_rows(*month_bounds(month), user)


def render(rows: list[dict[str, str]], fmt: str) -> str:
    """Render the rows as CSV (with a header) or JSON."""
    if fmt == "json":
        return json.dumps(rows, indent=2)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
