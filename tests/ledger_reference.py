"""An independent roll-forward, read from the audit trail alone (not the ledger, not the facts).

Walks every case's events in order: the filing adds its disputed amount; a resolution without
credit, or a withdrawal, settles it; an issued memo credits its prepared amount and upholds the
rest; reopening a settled case or reversing its credit brings the whole amount back. Each
movement counts in the books' month of its event.
"""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Event
from disputedesk.app.services.facts import books_zone
from disputedesk.workflows.books import month_of

REOPENING = ("reopen", "reverse_credit")


def cents(text: str) -> int:
    return int(Decimal(text) * 100)


def reference_flows() -> dict[tuple[str, str, str], int]:
    """{(month, currency, line): amount} for filed, credited, upheld, withdrawn, reopened,
    reversals, from the events."""
    out: dict[tuple[str, str, str], int] = defaultdict(int)
    cases: dict[int, dict] = {}
    prepared: dict[int, int] = {}
    zone = books_zone()
    for e in db.session.scalars(select(Event).order_by(Event.dispute_id, Event.seq)):
        case = cases.setdefault(e.dispute_id, {"settled": False})
        month, data = month_of(e.at, zone), e.data or {}
        if e.type == "filed":
            case |= {"amount": cents(data["disputed_amount"]), "currency": data["currency"]}
            out[month, case["currency"], "filed"] += case["amount"]
        elif e.type == "credit_memo_prepared":
            prepared[data["memo_id"]] = cents(data["amount"])
        elif e.type == "credit_memo_issued":
            credited = prepared[data["memo_id"]]
            out[month, case["currency"], "credited"] += credited
            out[month, case["currency"], "upheld"] += case["amount"] - credited
            case["settled"] = True
        elif e.type == "transition" and e.to_state == "resolved":
            outcome = data.get("outcome") or ("withdrawn" if e.trigger == "withdraw" else None)
            if outcome in ("no_credit", "withdrawn"):
                line = "upheld" if outcome == "no_credit" else "withdrawn"
                out[month, case["currency"], line] += case["amount"]
                case["settled"] = True
        elif e.type == "transition" and e.trigger in REOPENING and case["settled"]:
            line = "reversals" if e.trigger == "reverse_credit" else "reopened"
            out[month, case["currency"], line] += case["amount"]
            case["settled"] = False
    return out


def assert_close_matches_the_trail(months: tuple[str, ...]) -> None:
    """Every flow line of each month's close, per currency, equals the trail's."""
    from disputedesk.app.queries.close import FLOWS, roll_forward

    trail = reference_flows()
    for month in months:
        report = roll_forward(month)["currencies"]
        currencies = {c for m, c, _ in trail if m == month} | set(report) - {"ALL"}
        for currency in currencies:
            shown = report.get(currency, {})
            want = {line: trail.get((month, currency, line), 0) for line in FLOWS}
            assert {line: shown.get(line, 0) for line in FLOWS} == want, (month, currency)
