"""The month-end report's totals, added up by the database (the screen shows a page of rows)."""

from dataclasses import dataclass

from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Dispute, Reversal, User
from disputedesk.app.queries.access import visible_clause
from disputedesk.app.queries.reports import month_bounds


@dataclass(frozen=True)
class MonthTotals:
    """What the report's rows add up to: per currency, per GL reason (reporting currency)."""

    memos: int  # the rows of issued memos, which come before the reversals' rows
    reversals: int
    by_currency: list[tuple[str, int]]
    by_gl_reason: list[tuple[str, int]]

    @property
    def rows(self) -> int:
        return self.memos + self.reversals

    @property
    def reporting(self) -> int:
        return sum(minor for _, minor in self.by_gl_reason)


def month_totals(month: str, user: User) -> MonthTotals:
    """Add up the rows `credit_rows(month, user)` gives, a reversal counting negative."""
    start, end = month_bounds(month)
    memos = select(
        CreditMemo.currency, CreditMemo.gl_reason, func.count(),
        func.sum(CreditMemo.amount), func.sum(CreditMemo.reporting_amount),
    ).where(
        CreditMemo.status.in_(("issued", "reversed")),
        CreditMemo.issued_at >= start, CreditMemo.issued_at < end,
    )  # fmt: skip
    reversals = (
        select(
            Reversal.currency,
            CreditMemo.gl_reason,
            func.count(),
            -func.sum(Reversal.amount),
            -func.sum(CreditMemo.reporting_amount),
        )  # fmt: skip
        .join(CreditMemo, CreditMemo.id == Reversal.memo_id)
        .where(Reversal.reversed_at >= start, Reversal.reversed_at < end)
    )
    counts = []
    by_currency: dict[str, int] = {}
    by_gl_reason: dict[str, int] = {}
    for query in (memos, reversals):
        seen = query.join(Dispute, Dispute.id == CreditMemo.dispute_id).where(visible_clause(user))
        grouped = seen.group_by(query.selected_columns[0], query.selected_columns[1])
        n = 0
        for currency, gl_reason, count, amount, reporting in db.session.execute(grouped):
            n += count
            by_currency[currency] = by_currency.get(currency, 0) + int(amount)
            by_gl_reason[gl_reason] = by_gl_reason.get(gl_reason, 0) + int(reporting)
        counts.append(n)
    return MonthTotals(
        memos=counts[0],
        reversals=counts[1],
        by_currency=sorted(by_currency.items()),
        by_gl_reason=sorted(by_gl_reason.items(), key=lambda item: -item[1]),
    )
