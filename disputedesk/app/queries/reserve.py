"""The month-end reserve for revenue at risk, from the close's ledger and the reserve policy.

A case is open at a month's end when its ledger movements up to that day do not sum to zero;
its age is counted from its first movement (its filing). The reserve of a sealed month is read
back as it was sealed, so a later change of policy never rewrites it; the journal books the
change from the month before: reserve expense against the allowance when it grows, the
opposite when it shrinks, per currency and at the frozen rates in the reporting currency.
"""

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import case, func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import CloseMovement, Dispute, ReserveBand, User
from disputedesk.app.queries.close import ALL, month_before, sealed
from disputedesk.app.queries.journal import JournalLine, accounts, as_json, line_totals
from disputedesk.workflows.books import next_month, parse_month
from disputedesk.workflows.codes import RESERVE_ACCOUNTS, a_role
from disputedesk.workflows.errors import Conflict, NotPermitted
from disputedesk.workflows.ledger import SIGN
from disputedesk.workflows.money import REPORTING_CURRENCY, format_amount
from disputedesk.workflows.reserve import Band, age_buckets, bucket_label, rate_for, reserve_of

NEGATIVE = tuple(k for k, s in SIGN.items() if s < 0)
SUMS = ("cases", "open", "reserve", "reporting_reserve")
MONEY = frozenset({*SUMS[1:], "previous", "change", "reporting_change"})


def policy() -> list[Band]:
    bands = db.session.scalars(
        select(ReserveBand).order_by(ReserveBand.reason, ReserveBand.from_days)
    )
    return [Band(b.reason, b.from_days, b.rate_bp) for b in bands]


def _open_at(end) -> list[tuple[str, str, int, int, int]]:  # noqa: ANN001
    """(currency, reason, open, open in reporting, age in days) of each case open at `end`."""
    m = CloseMovement
    signed = func.sum(case((m.kind.in_(NEGATIVE), -m.amount), else_=m.amount))
    signed_r = func.sum(case((m.kind.in_(NEGATIVE), -m.reporting_amount), else_=m.reporting_amount))
    query = (
        select(m.currency, Dispute.reason_code, signed, signed_r, func.min(m.day))
        .join(Dispute, Dispute.id == m.dispute_id)
        .where(m.day <= end)
        .group_by(m.dispute_id, m.currency, Dispute.reason_code)
        .having(signed != 0)
    )
    return [(cur, reason, int(a), int(r), (end - first).days)  # PostgreSQL sums: numeric
            for cur, reason, a, r, first in db.session.execute(query)]  # fmt: skip


def month_reserve(month: str) -> dict:
    """The reserve at a month's end: per age bucket (reporting currency) and per currency."""
    first = parse_month(month)
    seal = sealed(month)
    if seal is not None and "reserve" in seal.content:
        return seal.content["reserve"]
    end, bands = next_month(first) - timedelta(days=1), policy()
    buckets = age_buckets(bands)
    by_bucket = [{"label": bucket_label(b), "cases": 0, "open": 0, "reserve": 0} for b in buckets]
    currencies: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SUMS, 0))
    for currency, reason, amount, reporting, age in _open_at(end):
        rate = rate_for(bands, reason, age)
        held, held_r = reserve_of(amount, rate), reserve_of(reporting, rate)
        for key, value, reserved in ((currency, amount, held), (ALL, reporting, held_r)):
            line = currencies[key]
            for name, add in zip(SUMS, (1, value, reserved, held_r), strict=True):
                line[name] += add
        row = by_bucket[max(i for i, b in enumerate(buckets) if b[0] <= age)]
        row["cases"], row["open"], row["reserve"] = (
            row["cases"] + 1, row["open"] + reporting, row["reserve"] + held_r)  # fmt: skip
    ordered = dict(sorted(currencies.items(), key=lambda c: (c[0] == ALL, c[0])))
    return {"month": month, "as_of": end.isoformat(), "reporting_currency": REPORTING_CURRENCY,
            "policy": [b.__dict__ for b in bands], "buckets": by_bucket,
            "currencies": ordered}  # fmt: skip


def reserve_report(month: str, user: User | None) -> dict:
    """The month's reserve, the one before it, and the change to book, per currency."""
    if user is not None and not user.can("read_close"):
        raise NotPermitted(f"{a_role(user.role)} does not read the close")
    now, before = month_reserve(month), month_reserve(month_before(month))
    keys = sorted({*now["currencies"], *before["currencies"]}, key=lambda c: (c == ALL, c))
    change = {}
    for c in keys:
        was, held = before["currencies"].get(c, {}), now["currencies"].get(c, {})
        change[c] = {
            "previous": was.get("reserve", 0),
            "reserve": held.get("reserve", 0),
            "change": held.get("reserve", 0) - was.get("reserve", 0),
            "reporting_change": held.get("reporting_reserve", 0) - was.get("reporting_reserve", 0),
        }
    return {**now, "change": change, "sealed": bool(sealed(month))}


def reserve_journal(month: str, user: User | None) -> dict:
    """The journal entry booking the change in the reserve at the month's end, per currency."""
    if user is not None and not user.can("read_journal"):
        raise NotPermitted(f"{a_role(user.role)} does not read the GL journal")
    report = reserve_report(month, None)
    moves = [(c, m) for c, m in report["change"].items() if c != ALL and m["change"] != 0]
    kept = accounts().get(RESERVE_ACCOUNTS)
    if moves and kept is None:  # as the memos' journal: refused only when there is to post
        raise Conflict(f"no GL accounts for {RESERVE_ACCOUNTS}: map them first")
    number, lines = f"RSV-{month}", []
    for currency, moved in moves:
        grows = moved["change"] > 0
        debit, credit = ((kept.debit_account, kept.credit_account) if grows
                         else (kept.credit_account, kept.debit_account))  # fmt: skip
        amount = abs(moved["change"])
        share = moved["reporting_change"] if grows else -moved["reporting_change"]
        common = {"entry": number, "date": report["as_of"], "currency": currency,
                  "gl_reason": RESERVE_ACCOUNTS, "dispute": "", "memo": "",
                  "description": f"reserve for revenue at risk {'up' if grows else 'down'}",
                  }  # fmt: skip
        lines += [
            JournalLine(account=debit, debit=amount, credit=0, reporting_debit=share,
                        reporting_credit=0, **common),
            JournalLine(account=credit, debit=0, credit=amount, reporting_debit=0,
                        reporting_credit=share, **common),
        ]  # fmt: skip
    return {"month": month, "reporting_currency": REPORTING_CURRENCY, "lines": lines,
            "totals": line_totals(lines), "reserve": report}  # fmt: skip


def shown_reserve(report: dict) -> dict:
    """The reserve with amounts as decimal strings, as the API and the downloads give it."""

    def amounts(row: dict) -> dict:
        return {k: format_amount(v) if k in MONEY else v for k, v in row.items()}

    return {**report, "buckets": [amounts(b) for b in report["buckets"]],
            "currencies": {c: amounts(v) for c, v in report["currencies"].items()},
            "change": {c: amounts(v) for c, v in report["change"].items()}}  # fmt: skip


def reserve_journal_json(report: dict) -> dict:
    return as_json(report) | {"reserve": shown_reserve(report["reserve"])}
