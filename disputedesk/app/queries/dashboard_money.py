"""Dashboard widgets about money: revenue at risk, root causes, credits, accuracy, advertisers."""

from collections import defaultdict

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, DisputeFact
from disputedesk.app.queries.dashboard_assurance import open_overbilling
from disputedesk.app.queries.facts_read import facts_sum, top_buckets
from disputedesk.app.queries.insight_filters import InsightFilters
from disputedesk.app.queries.widgets import (
    Widget,
    code,
    count,
    money,
    percent,
    text,
)

AGE_BUCKETS = (
    ("0–7", 0, 7),
    ("8–30", 8, 30),
    ("31–60", 31, 60),
    ("61–90", 61, 90),
    (">90", 91, None),
)


def revenue_at_risk(f: InsightFilters) -> Widget:
    """Open disputed amount, and resolved-with-credit-not-yet-issued, by age in days."""
    sums: dict = defaultdict(lambda: [0, 0])
    for kind, day, n, amount in facts_sum(
        f, ("open", "awaiting_credit"), DisputeFact.day, period=False
    ):
        age = (f.today - day).days
        label = next(b[0] for b in AGE_BUCKETS if b[2] is None or age <= b[2])
        sums[kind, label][0] += n
        sums[kind, label][1] += amount
    widget = Widget(
        "revenue_at_risk",
        "Revenue at risk",
        ["Age (days)", "Open disputes", "Open amount", "Awaiting credit", "Credit not yet issued"],
        chart="bar",
        series=(2, 4),
    )
    for label, _, _ in AGE_BUCKETS:
        o, a = sums["open", label], sums["awaiting_credit", label]
        widget.rows.append(
            [
                text(label),
                count(o[0], {"measure": "open", "age": label}),
                money(o[1], {"measure": "open", "age": label}),
                count(a[0], {"measure": "awaiting_credit", "age": label}),
                money(a[1], {"measure": "awaiting_credit", "age": label}),
            ]
        )
    found, amount = open_overbilling(f)
    link = {"_to": "exceptions.queue", "status": "open", "kind": "overbilled"}
    widget.rows.append([text("Found by the scan, not disputed"), count(found, link),
                        money(amount, link), count(0), money(0)])  # fmt: skip
    widget.note = (
        "Age from filing (open) or from resolution (awaiting credit), as of today. The last row "
        "is over-billing the assurance scan found that no dispute carries yet."
    )
    return widget


def pareto(f: InsightFilters) -> Widget:
    """Root causes of the disputes resolved in the period, most frequent first, with credits."""
    resolved: dict = defaultdict(int)
    credited: dict = defaultdict(int)
    for kind, cause, n, amount in facts_sum(f, ("resolved", "credited"), DisputeFact.root_cause):
        if kind == "resolved":
            resolved[cause] += n
        else:
            credited[cause] += amount
    total, running = sum(resolved.values()), 0
    widget = Widget(
        "pareto",
        "Root causes (Pareto)",
        ["Root cause", "Resolved", "Cumulative share", "Credited"],
        chart="pareto",
        series=(1,),
        line=2,
    )
    for cause in sorted(resolved, key=lambda c: (-resolved[c], c)):
        running += resolved[cause]
        widget.rows.append(
            [
                code(cause or "none (withdrawn)"),
                count(resolved[cause], {"measure": "resolved", "root_cause": cause or "-"}),
                percent(running, total),
                money(credited[cause], {"measure": "credited", "root_cause": cause or "-"}),
            ]
        )
    return widget


def credits(f: InsightFilters) -> Widget:
    """Credits issued in the period by GL reason and root cause, net of the period's reversals."""
    sums: dict = defaultdict(lambda: [0, 0, 0])  # memos issued, amount issued, amount reversed
    kinds = ("credited", "credit_reversed")
    for kind, gl, cause, n, amount in facts_sum(
        f, kinds, DisputeFact.label, DisputeFact.root_cause
    ):
        kept = sums[gl, cause]
        if kind == "credited":
            kept[0], kept[1] = kept[0] + n, kept[1] + amount
        else:
            kept[2] += amount
    widget = Widget(
        "credits",
        "Credits issued",
        ["GL reason", "Root cause", "Memos", "Issued", "Reversed", "Net"],
        chart="credits",
        series=(5,),
    )
    shown = [r for r in sums.items() if r[1] != [0, 0, 0]]  # a key whose cases moved on
    for (gl, cause), (n, issued, back) in sorted(shown, key=lambda r: (-(r[1][1] - r[1][2]), r[0])):
        link = {"measure": "credited", "gl_reason": gl, "root_cause": cause or "-"}
        widget.rows.append([code(gl), code(cause), count(n, link), money(issued, link),
                            money(back), money(issued - back)])  # fmt: skip
    widget.note = "Reversed: credits taken back in the period, whenever they were issued."
    return widget


def accuracy(f: InsightFilters) -> Widget:
    """Billing accuracy (1 − credited ÷ billed) and disputed rate, overall and per product, on
    one population: the invoices whose billing period starts in the period, with what has been
    disputed and is credited on them to date (net of reversals)."""
    got: dict = defaultdict(int)
    kinds = ("billed", "cohort_credited", "cohort_filed")
    for kind, product, _, amount in facts_sum(f, kinds, DisputeFact.product):
        got[kind, product] += amount
        got[kind, ""] += amount
    widget = Widget(
        "accuracy",
        "Billing accuracy",
        ["Product", "Billed", "Credited on it", "Disputed on it", "Billing accuracy",
         "Disputed rate"],
        wide=True,
    )  # fmt: skip
    products = sorted({p for _, p in got if p})
    for product in ["", *products]:
        billed, credited, disputed = (got[k, product] for k in kinds)
        link = {"product": product} if product else {}
        widget.rows.append(
            [
                code(product or "All products"),
                money(billed),
                money(credited, {"measure": "cohort_credited", **link}),
                money(disputed, {"measure": "cohort_filed", **link}),
                percent(billed - credited, billed),
                percent(disputed, billed),
            ]
        )
    widget.note = (
        "One population: invoices whose billing period starts in the period. Credited and "
        "disputed: what has been credited (net of reversals) and disputed on those invoices "
        "to date, whenever it was filed; a recent period's figures still grow as disputes "
        "come in."
    )
    return widget


def top_advertisers(f: InsightFilters, limit: int = 10) -> Widget:
    """The advertisers with the most open disputed amount now."""
    rows = top_buckets(f, "open_adv", limit)
    names = dict(
        db.session.execute(
            select(Advertiser.id, Advertiser.name).where(Advertiser.id.in_([r[0] for r in rows]))
        ).all()
    )
    widget = Widget(
        "top_advertisers",
        "Top advertisers by open disputed amount",
        ["Advertiser", "Open disputes", "Open amount"],
        chart="bar",
        series=(2,),
        horizontal=True,
    )
    for advertiser_id, n, open_amount in rows:
        link = {"measure": "open", "advertiser": str(advertiser_id)}
        widget.rows.append(
            [text(names.get(advertiser_id, "?")), count(n, link), money(open_amount, link)]
        )
    return widget
