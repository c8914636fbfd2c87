"""Dashboard widgets of billing assurance: accuracy from the scan, found first, top problems.

Accuracy is measured on what the scan compared: invoices whose billing period starts in the
period, and the amounts of their lines. A line counts against accuracy while its exception is
open or was corrected (credit, rebill, dispute); a line closed as billed correctly, or
cleared by a later scan, does not. Amounts of every currency are shown in the reporting
currency unless one currency is chosen: an invoice's amounts (and its exceptions') at the rate
in force on its billing period's first day, a dispute's at the rate it froze at filing.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, func, or_, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, BillingException, Dispute, Invoice, InvoiceLine
from disputedesk.app.queries.fx import converter
from disputedesk.app.queries.insight_filters import InsightFilters
from disputedesk.app.queries.problems import problem_figures
from disputedesk.app.queries.widgets import Widget, code, count, money, percent, text
from disputedesk.workflows.books import DEFAULT_BOOKS_TIMEZONE
from disputedesk.workflows.money import to_reporting

CORRECTED = ("credited", "rebill_requested", "disputed")
ERRORS = or_(BillingException.status == "open", BillingException.resolution.in_(CORRECTED))


def _instants(f: InsightFilters) -> tuple[datetime, datetime]:
    zone = ZoneInfo(current_app.config.get("BOOKS_TIMEZONE", DEFAULT_BOOKS_TIMEZONE))
    start = datetime.combine(f.start, time(), zone)
    return start, datetime.combine(f.end + timedelta(days=1), time(), zone)


def _scope(query, f: InsightFilters):  # noqa: ANN001, ANN202
    """Cut an invoice-line query by the dashboard's filters (team, tier, product, currency)."""
    if f.team_id:
        query = query.where(Advertiser.team_id == f.team_id)
    if f.tier:
        query = query.where(Advertiser.tier == f.tier)
    if f.product:
        query = query.where(InvoiceLine.product == f.product)
    if f.currency:
        query = query.where(Invoice.currency == f.currency)
    return query


def _amount(by_key: dict[tuple[str, date], int], f: InsightFilters) -> int:
    """Sum amounts keyed by (currency, the day whose rate applies) in the reporting currency,
    or as they are when the filters chose one currency."""
    if f.currency:
        return sum(int(v) for v in by_key.values())  # PostgreSQL's sums come back numeric
    to_usd = converter()
    return sum(to_usd(int(v), c, day) for (c, day), v in by_key.items())


def scan_accuracy(f: InsightFilters) -> Widget:
    """Invoices and amounts the scan found no billing error in, over all it scanned."""
    base = (
        select(Invoice.currency, Invoice.period_start, func.count(func.distinct(Invoice.id)),
               func.sum(InvoiceLine.amount))
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .join(Advertiser, Advertiser.id == Invoice.advertiser_id)
        .where(Invoice.scanned_at.is_not(None), InvoiceLine.kind == "charge",
               Invoice.period_start >= f.start, Invoice.period_start <= f.end)
        .group_by(Invoice.currency, Invoice.period_start)
    )  # fmt: skip
    scanned = {(c, d): (n, a or 0) for c, d, n, a in db.session.execute(_scope(base, f))}
    wrong_q = base.join(BillingException, and_(BillingException.invoice_line_id == InvoiceLine.id,
                                               ERRORS))  # fmt: skip
    wrong = {(c, d): (n, a or 0) for c, d, n, a in db.session.execute(_scope(wrong_q, f))}
    invoices = sum(n for n, _ in scanned.values())
    bad_invoices = sum(n for n, _ in wrong.values())
    amount = _amount({c: a for c, (_, a) in scanned.items()}, f)
    bad_amount = _amount({c: a for c, (_, a) in wrong.items()}, f)
    widget = Widget(
        "scan_accuracy", "Billing accuracy from the scan",
        ["Invoices scanned", "Without exceptions", "Accuracy (invoices)", "Amount scanned",
         "Amount without exceptions", "Accuracy (amount)"], wide=True,
    )  # fmt: skip
    link = {"_to": "exceptions.queue", "status": "any"}
    widget.rows.append([
        count(invoices), count(invoices - bad_invoices), percent(invoices - bad_invoices, invoices),
        money(amount), money(amount - bad_amount, link if bad_amount else None),
        percent(amount - bad_amount, amount),
    ])  # fmt: skip
    widget.note = (
        "Invoices whose billing period starts in the period; a line counts against accuracy "
        "while its exception is open or once it was corrected, not when billed correctly."
    )
    return widget


def found_first(f: InsightFilters) -> Widget:
    """Billing errors the scan found against disputes advertisers filed, in the period."""
    start, end = _instants(f)
    found: dict = defaultdict(lambda: [0, defaultdict(int)])
    query = (
        select(BillingException.kind, BillingException.currency, Invoice.period_start,
               func.count(), func.sum(func.abs(func.coalesce(BillingException.variance, 0))))
        .join(Advertiser, Advertiser.id == BillingException.advertiser_id)
        .join(Invoice, Invoice.id == BillingException.invoice_id)
        .where(BillingException.found_at >= start, BillingException.found_at < end)
        .group_by(BillingException.kind, BillingException.currency, Invoice.period_start)
    )  # fmt: skip
    if f.team_id:
        query = query.where(Advertiser.team_id == f.team_id)
    if f.currency:
        query = query.where(BillingException.currency == f.currency)
    for kind, currency, day, n, amount in db.session.execute(query):
        found[kind][0] += n
        found[kind][1][currency, day] += amount or 0
    filed_q = (
        select(Dispute.currency, func.count(), func.sum(Dispute.disputed_amount))
        .where(Dispute.filed_at >= start, Dispute.filed_at < end,
               Dispute.intake_channel != "assurance")
        .group_by(Dispute.currency)
    )  # fmt: skip
    if f.team_id:
        filed_q = filed_q.where(Dispute.team_id == f.team_id)
    if f.currency:
        filed_q = filed_q.where(Dispute.currency == f.currency)
    # A dispute's amount is converted at the rate it froze (its reporting amount) already.
    filed_n, filed_amount = _filed(filed_q, f)
    at_risk = open_overbilling(f)
    widget = Widget("found_first", "Found by the scan, filed by advertisers",
                    ["Measure", "Lines or cases", "Amount"], chart="bar", series=(2,))  # fmt: skip
    all_found = sum(v[0] for v in found.values())
    for label, n, amount, link in (
        ("Exceptions found by the scan", all_found,
         _amount(_merge(v[1] for v in found.values()), f), {"status": "any"}),
        ("… of them over-billing", found["overbilled"][0],
         _amount(found["overbilled"][1], f), {"status": "any", "kind": "overbilled"}),
        ("Disputes filed by advertisers", filed_n, filed_amount, None),
        ("Open over-billing not yet disputed", at_risk[0], at_risk[1],
         {"status": "open", "kind": "overbilled"}),
    ):  # fmt: skip
        to = None if link is None else {"_to": "exceptions.queue", **link}
        if link is None:
            to = {"measure": "filed"}
        widget.rows.append([text(label), count(n, to), money(amount, to)])
    widget.note = "Amounts are variances for exceptions and disputed amounts for disputes."
    return widget


def _filed(query, f: InsightFilters) -> tuple[int, int]:  # noqa: ANN001
    """How many disputes and their amount: as filed for one currency, else at frozen rates."""
    frozen = func.sum(func.coalesce(Dispute.reporting_amount, 0))
    unfrozen = func.sum(case((Dispute.reporting_amount.is_(None), Dispute.disputed_amount),
                             else_=0))  # fmt: skip
    n, amount = 0, 0
    for currency, count_, as_filed, usd, bare in db.session.execute(
        query.add_columns(frozen, unfrozen)
    ):
        n += count_
        amount += (
            (as_filed or 0)
            if f.currency
            else int(usd or 0) + to_reporting(int(bare or 0), currency)
        )
    return n, amount


def _merge(dicts) -> dict[tuple[str, date], int]:  # noqa: ANN001
    out: dict[tuple[str, date], int] = defaultdict(int)
    for d in dicts:
        for k, v in d.items():
            out[k] += v
    return out


def open_overbilling(f: InsightFilters) -> tuple[int, int]:
    """Open over-billing the scan found that no dispute carries yet: revenue at risk too."""
    query = (
        select(BillingException.currency, Invoice.period_start, func.count(),
               func.sum(BillingException.variance))
        .join(Advertiser, Advertiser.id == BillingException.advertiser_id)
        .join(Invoice, Invoice.id == BillingException.invoice_id)
        .where(BillingException.status == "open", BillingException.kind == "overbilled",
               BillingException.dispute_id.is_(None))
        .group_by(BillingException.currency, Invoice.period_start)
    )  # fmt: skip
    if f.team_id:
        query = query.where(Advertiser.team_id == f.team_id)
    if f.currency:
        query = query.where(BillingException.currency == f.currency)
    rows = list(db.session.execute(query))
    return sum(n for _, _, n, _ in rows), _amount({(c, d): a or 0 for c, d, _, a in rows}, f)


def top_problems(f: InsightFilters, limit: int = 10) -> Widget:
    """The root-cause problems with the most money, and whether cases arrive after the fix."""
    widget = Widget("top_problems", "Top problems",
                    ["Problem", "Root cause", "Cases", "Money", "After the fix"],
                    chart="bar", series=(3,), horizontal=True)  # fmt: skip
    for figures in problem_figures()[:limit]:
        p = figures.problem
        link = {"_to": "problems.show", "problem_id": str(p.id)}
        widget.rows.append([
            text(f"{p.ref} {p.title}"), code(p.cause_code),
            count(figures.disputes + figures.exceptions, link), money(figures.money, link),
            text("no fix yet" if p.fix_shipped_on is None else f"{figures.after_fix:,}"),
        ])  # fmt: skip
    widget.note = "Every team and currency (in the reporting currency); cases after the fix."
    return widget
