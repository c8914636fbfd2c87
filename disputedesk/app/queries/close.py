"""Month-end close: the roll-forward of disputed amounts per currency, read from the ledger.

opening + filed − credited − upheld − withdrawn + reopened + reversals ± adjustments = closing,
summed from the dated movements each change posted (workflows/ledger.py), so a later change
never rewrites a past month: reopening in December a case upheld in November posts a December
`reopened`. A reversal of an issued credit reopens the whole disputed amount in the month of the
reversal, while the credit stays in the month it was issued. Months are books' months and seal
in order. A sealed month is read back as it was sealed; if the ledger before a month no longer
adds up to the sealed closing before it (someone edited the ledger), the difference shows as
an adjustment, never silently.
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import CloseMovement, SealedMonth
from disputedesk.app.queries.facts_read import currency_sums
from disputedesk.workflows.books import next_month, parse_month, previous_month
from disputedesk.workflows.insight import NO_DAY
from disputedesk.workflows.ledger import SIGN
from disputedesk.workflows.money import REPORTING_CURRENCY, format_amount

FLOWS = ("filed", "credited", "upheld", "withdrawn", "reopened", "reversals")
ALL = "ALL"  # every currency, in the reporting currency
LINES = ("opening", *FLOWS, "adjustments", "closing")
# The facts' own flows (each case's current state): the independent check of the open amount.
FACT_FLOWS = ("filed", "credited", "upheld", "withdrawn", "reversals")
FACT_SIGN = {k: SIGN[k] for k in FACT_FLOWS}


def _movements(first: date | None, after: date) -> list[tuple[str, str, int, int]]:
    """(kind, currency, amount, reporting amount) summed over the ledger's [first, after)."""
    m = CloseMovement
    query = select(m.kind, m.currency, func.sum(m.amount), func.sum(m.reporting_amount)).where(
        m.day < after, *(() if first is None else (m.day >= first,))
    )
    rows = db.session.execute(query.group_by(m.kind, m.currency))
    return [(kind, cur, int(a), int(r)) for kind, cur, a, r in rows]  # PostgreSQL sums: numeric


def _balances(before: date) -> dict[str, int]:
    """The open amount per currency (and in the reporting currency) at the start of a day."""
    out: dict[str, int] = defaultdict(int)
    for kind, currency, amount, reporting in _movements(None, before):
        out[currency] += SIGN[kind] * amount
        out[ALL] += SIGN[kind] * reporting
    return out


def _flows(first: date, after: date) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    for kind, currency, amount, reporting in _movements(first, after):
        line = "adjustments" if kind == "adjusted" else kind
        out[line, currency] += amount
        out[line, ALL] += reporting
    return out


def first_movement_day() -> date | None:
    """The books' first day with a movement: months before it have nothing to seal."""
    return db.session.scalar(select(func.min(CloseMovement.day)))


def sealed(month: str) -> SealedMonth | None:
    return db.session.get(SealedMonth, month)


def roll_forward(month: str) -> dict:
    """Return the month's roll-forward per currency, and all of it in the reporting currency."""
    first = parse_month(month)
    if (seal := sealed(month)) is not None:
        return {**seal.content["roll_forward"], "sealed": _seal_info(seal)}
    after = next_month(first)
    opening, flows = _balances(first), _flows(first, after)
    prior = sealed(f"{previous_month(first):%Y-%m}")
    sealed_opening = _sealed_closing(prior) if prior else None
    currencies = sorted({*opening, *(c for _, c in flows), *(sealed_opening or {})},
                        key=lambda c: (c == ALL, c))  # fmt: skip
    table = {}
    for currency in currencies:
        computed = opening.get(currency, 0)
        start = sealed_opening.get(currency, 0) if sealed_opening is not None else computed
        adjusted = flows.get(("adjustments", currency), 0) + computed - start
        line = {"opening": start, **{k: flows.get((k, currency), 0) for k in FLOWS},
                "adjustments": adjusted}  # fmt: skip
        moved = sum(SIGN[k] * line[k] for k in FLOWS) + line["adjustments"]
        line["closing"] = line["opening"] + moved
        table[currency] = line
    return {"month": month, "reporting_currency": REPORTING_CURRENCY, "currencies": table,
            "sealed": None}  # fmt: skip


def _sealed_closing(seal: SealedMonth) -> dict[str, int]:
    return {c: line["closing"] for c, line in seal.content["roll_forward"]["currencies"].items()}


def _seal_info(seal: SealedMonth) -> dict:
    return {"at": seal.sealed_at.isoformat(), "by": seal.sealed_by, "digest": seal.digest}


def closing_from_facts(month: str) -> dict[str, int]:
    """The open amount at a month's end from the cases' current state (the dashboard's facts).

    It agrees with the ledger's closing for the month now open; for a past month it differs
    exactly by what was reopened since (the ledger keeps the month as it was).
    """
    out: dict[str, int] = defaultdict(int)
    day = next_month(parse_month(month)) - timedelta(days=1)
    for kind, currency, amount, reporting in currency_sums(FACT_FLOWS, NO_DAY, day):
        out[currency] += FACT_SIGN[kind] * amount
        out[ALL] += FACT_SIGN[kind] * reporting
    return dict(out)


def as_text_rows(report: dict) -> list[list[str]]:
    """The roll-forward as printable rows: one per line, one column per currency."""
    currencies = list(report["currencies"])
    heads = [f"All, in {report['reporting_currency']}" if c == ALL else c for c in currencies]
    rows = [["", *heads]]
    for line in LINES:
        # .get: a month sealed before the ledger had no `reopened` line.
        rows.append(
            [line, *(format_amount(report["currencies"][c].get(line, 0)) for c in currencies)]
        )
    return rows


def month_before(month: str) -> str:
    return f"{previous_month(parse_month(month)):%Y-%m}"


def month_after(month: str) -> str:
    return f"{next_month(parse_month(month)):%Y-%m}"
