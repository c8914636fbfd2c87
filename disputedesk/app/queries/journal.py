"""The GL journal of a books' month: balanced lines per credit memo and reversal, reconciled.

An issued memo debits its GL reason's contra-revenue account and credits receivables for the
memo's amount; a reversal posts the opposite, in the month it is made. Each entry balances in
its currency and in the reporting currency (at the rate the memo froze). The journal's memo
debits per currency are held to the close's credited line of the same month, to the cent.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import GlAccount, User
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.queries.close import ALL, roll_forward
from disputedesk.app.queries.memos import issued_in_month
from disputedesk.app.queries.reports import books_zone, month_bounds
from disputedesk.app.queries.reversals import reversed_in_month
from disputedesk.workflows.books import books_day
from disputedesk.workflows.codes import a_role
from disputedesk.workflows.errors import Conflict, NotPermitted
from disputedesk.workflows.money import REPORTING_CURRENCY, format_amount

COLUMNS = ("entry", "date", "account", "debit", "credit", "currency", "reporting_debit",
           "reporting_credit", "reporting_currency", "gl_reason", "dispute", "memo",
           "description")  # fmt: skip
AMOUNTS = frozenset({"debit", "credit", "reporting_debit", "reporting_credit"})


@dataclass(frozen=True)
class JournalLine:
    entry: str  # the memo's or the reversal's number
    date: str  # the books' day
    account: str
    debit: int
    credit: int
    currency: str
    reporting_debit: int
    reporting_credit: int
    gl_reason: str
    dispute: str
    memo: str
    description: str


def accounts() -> dict[str, GlAccount]:
    return {a.gl_reason: a for a in db.session.scalars(select(GlAccount))}


def journal(month: str, user: User | None) -> dict:
    """The month's journal lines, their totals per currency, and the reconciliation to the close."""
    if user is not None and not user.can("read_journal"):
        raise NotPermitted(f"{a_role(user.role)} does not read the GL journal")
    bounds, zone, chart = month_bounds(month), books_zone(), accounts()
    memos, reversals = issued_in_month(*bounds, None), reversed_in_month(*bounds, None)
    used = {m.gl_reason for m in memos} | {r.memo.gl_reason for r in reversals}
    unmapped = sorted(used - set(chart))
    if unmapped:
        raise Conflict("no GL accounts for " + ", ".join(unmapped) + ": map them first")
    lines: list[JournalLine] = []
    for memo in memos:
        day, kept = books_day(memo.issued_at, zone).isoformat(), chart[memo.gl_reason]
        lines += _entry(
            memo.number, day, memo, kept.debit_account, kept.credit_account, "credit memo"
        )
    for reversal in reversals:
        memo, kept = reversal.memo, chart[reversal.memo.gl_reason]
        day = books_day(reversal.reversed_at, zone).isoformat()
        lines += _entry(reversal.number, day, memo, kept.credit_account, kept.debit_account,
                        f"reversal of {memo.number}")  # fmt: skip
    return {"month": month, "reporting_currency": REPORTING_CURRENCY, "lines": lines,
            "totals": line_totals(lines), "reconciliation": _reconcile(month, memos)}  # fmt: skip


def _entry(number, day, memo, debit, credit, what) -> list[JournalLine]:  # noqa: ANN001
    common = {"entry": number, "date": day, "currency": memo.currency,
              "gl_reason": memo.gl_reason, "dispute": format_ref(memo.dispute_id),
              "memo": memo.number, "description": what}  # fmt: skip
    amount, reporting = memo.amount, memo.reporting_amount
    return [
        JournalLine(account=debit, debit=amount, credit=0, reporting_debit=reporting,
                    reporting_credit=0, **common),
        JournalLine(account=credit, debit=0, credit=amount, reporting_debit=0,
                    reporting_credit=reporting, **common),
    ]  # fmt: skip


def line_totals(lines: list[JournalLine]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"debit": 0, "credit": 0})
    for line in lines:
        out[line.currency]["debit"] += line.debit
        out[line.currency]["credit"] += line.credit
        out[ALL]["debit"] += line.reporting_debit
        out[ALL]["credit"] += line.reporting_credit
    return dict(out)


def _reconcile(month: str, memos) -> dict[str, dict[str, int]]:  # noqa: ANN001
    """Per currency: the close's credited line beside the journal's memo debits."""
    credited: dict[str, int] = defaultdict(int)
    for memo in memos:
        credited[memo.currency] += memo.amount
        credited[ALL] += memo.reporting_amount
    close = roll_forward(month)["currencies"]
    return {
        c: {"close_credited": close.get(c, {}).get("credited", 0), "journal_memos": credited[c],
            "difference": credited[c] - close.get(c, {}).get("credited", 0)}
        for c in sorted({*credited, *close}, key=lambda c: (c == ALL, c))
    }  # fmt: skip


def as_json(report: dict) -> dict:
    """The journal with amounts as decimal strings, as the API and the JSON download give it."""
    shown = {**report, "lines": [_shown(asdict(line)) for line in report["lines"]]}
    shown["totals"] = {c: {k: format_amount(v) for k, v in t.items()}
                       for c, t in report["totals"].items()}  # fmt: skip
    if "reconciliation" in report:  # the reserve's entry has none
        shown["reconciliation"] = {c: {k: format_amount(v) for k, v in r.items()}
                                   for c, r in report["reconciliation"].items()}  # fmt: skip
    return shown


def _shown(row: dict) -> dict:
    return {k: format_amount(v) if k in AMOUNTS else v for k, v in row.items()}


def table(report: dict) -> Iterator[list[object]]:
    """One row per journal line in COLUMNS' order, amounts as numbers (for a CSV)."""
    for line in report["lines"]:
        row = _shown(asdict(line)) | {"reporting_currency": REPORTING_CURRENCY}
        yield [Decimal(row[k]) if k in AMOUNTS else row[k] for k in COLUMNS]
