"""Month-end close: the roll-forward of disputed amounts per currency, read from the facts.

opening open + filed − credited − upheld − withdrawn + reversals ± adjustments = closing.
A reversal of an issued credit reopens the case: its whole disputed amount comes back into the
open amount in the month of the reversal, while the credit stays in the month it was issued.
A dispute leaves the open amount when it is settled: credited (the memo credited, the rest
upheld), upheld without credit, or withdrawn. Months are books' months. A sealed month is read
back as it was sealed; whatever moved its numbers since shows as a prior-period adjustment in
the month after it.
"""

from collections import defaultdict
from datetime import date, timedelta

from app.extensions import db
from app.models import SealedMonth
from app.queries.facts_read import currency_sums
from workflows.books import next_month, parse_month, previous_month
from workflows.insight import NO_DAY
from workflows.money import REPORTING_CURRENCY, format_amount

FLOWS = ("filed", "credited", "upheld", "withdrawn", "reversals")
SIGN = {"filed": 1, "credited": -1, "upheld": -1, "withdrawn": -1, "reversals": 1}
ALL = "ALL"  # every currency, in the reporting currency
LINES = ("opening", "filed", "credited", "upheld", "withdrawn", "reversals", "adjustments",
         "closing")  # fmt: skip


def _balances(before: date) -> dict[str, int]:
    """The open amount per currency (and in the reporting currency) at the start of a day."""
    out: dict[str, int] = defaultdict(int)
    for kind, currency, amount, reporting in currency_sums(
        FLOWS, NO_DAY, before - timedelta(days=1)
    ):
        out[currency] += SIGN[kind] * amount
        out[ALL] += SIGN[kind] * reporting
    return out


def _flows(first: date, after: date) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    for kind, currency, amount, reporting in currency_sums(FLOWS, first, after - timedelta(days=1)):
        out[kind, currency] += amount
        out[kind, ALL] += reporting
    return out


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
        line = {"opening": start, **{k: flows.get((k, currency), 0) for k in FLOWS},
                "adjustments": computed - start}  # fmt: skip
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
    """The open amount at the month's end straight from the facts (what the identity must meet)."""
    return dict(_balances(next_month(parse_month(month))))


def as_text_rows(report: dict) -> list[list[str]]:
    """The roll-forward as printable rows: one per line, one column per currency."""
    currencies = list(report["currencies"])
    heads = [f"All, in {report['reporting_currency']}" if c == ALL else c for c in currencies]
    rows = [["", *heads]]
    for line in LINES:
        rows.append([line, *(format_amount(report["currencies"][c][line]) for c in currencies)])
    return rows


def month_before(month: str) -> str:
    return f"{previous_month(parse_month(month)):%Y-%m}"


def month_after(month: str) -> str:
    return f"{next_month(parse_month(month)):%Y-%m}"
