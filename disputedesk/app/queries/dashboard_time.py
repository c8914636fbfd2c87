"""Dashboard widgets about time: turnaround, SLA attainment, flow and backlog, reason mix."""

from collections import defaultdict
from decimal import Decimal

from disputedesk.app.models import DisputeFact
from disputedesk.app.queries.facts_read import before_period, facts_sum, week_arg, weeks
from disputedesk.app.queries.insight_filters import InsightFilters, monday
from disputedesk.app.queries.widgets import (
    Widget,
    count,
    days,
    nearest_rank,
    percent,
    text,
)
from disputedesk.workflows.codes import REASON_CODES
from disputedesk.workflows.sla import CLOCKS

MEDIAN, P90 = Decimal("0.5"), Decimal("0.9")


def turnaround(f: InsightFilters) -> Widget:
    """Median and 90th percentile days from filing to resolution and to credit, per week."""
    kinds = ("ttr_cal", "ttr_bus", "ttc_cal", "ttc_bus")
    hist: dict = defaultdict(lambda: defaultdict(int))
    for kind, day, bucket, n, _ in facts_sum(f, kinds, DisputeFact.day, DisputeFact.bucket):
        hist[kind, monday(day)][bucket] += n
    widget = Widget(
        "turnaround",
        "Turnaround (days)",
        [
            "Week",
            "Resolved",
            "Median",
            "P90",
            "Median (business)",
            "P90 (business)",
            "Credited",
            "Median to credit",
            "P90 to credit",
            "Median to credit (business)",
            "P90 to credit (business)",
        ],
        chart="line",
        series=(2, 3),
        wide=True,
    )
    for week in weeks(f):
        row = [text(week.isoformat())]
        for measure, cal, bus in (
            ("resolved", "ttr_cal", "ttr_bus"),
            ("credited", "ttc_cal", "ttc_bus"),
        ):
            total = sum(hist[cal, week].values())
            row.append(count(total, {"measure": measure, **week_arg(week)}))
            for kind in (cal, bus):
                row += [
                    days(nearest_rank(hist[kind, week], MEDIAN)),
                    days(nearest_rank(hist[kind, week], P90)),
                ]
        widget.rows.append(row)
    widget.note = "Nearest-rank percentiles of whole days; business days follow the team calendar."
    return widget


def sla_attainment(f: InsightFilters) -> Widget:
    """Met ÷ (met + breached) per clock per week, by the week each clock stopped."""
    got: dict = defaultdict(int)
    for kind, day, label, n, _ in facts_sum(
        f, ("sla_met", "sla_breached"), DisputeFact.day, DisputeFact.label
    ):
        got[kind, label, monday(day)] += n
    widget = Widget(
        "sla_attainment",
        "SLA attainment",
        ["Week", "Clock", "Met", "Breached", "Attainment"],
        chart="",
    )
    for week in weeks(f):
        for clock in CLOCKS:
            met, breached = got["sla_met", clock, week], got["sla_breached", clock, week]
            if met or breached:
                link = {"clock": clock, **week_arg(week)}
                widget.rows.append(
                    [
                        text(week.isoformat()),
                        text(clock),
                        count(met, {"measure": "sla_met", **link}),
                        count(breached, {"measure": "sla_breached", **link}),
                        percent(met, met + breached),
                    ]
                )
    return widget


def flow(f: InsightFilters) -> Widget:
    """New and resolved disputes per week, and the open backlog at each week's end."""
    per: dict = defaultdict(int)
    for kind, day, n, _ in facts_sum(f, ("filed", "resolved"), DisputeFact.day):
        per[kind, monday(day)] += n
    before = {kind: n for kind, n, _ in before_period(f, ("filed", "resolved"))}
    backlog = before.get("filed", 0) - before.get("resolved", 0)
    widget = Widget(
        "flow",
        "New, resolved and backlog",
        ["Week", "New", "Resolved", "Open at week end"],
        chart="bar",
        series=(1, 2),
        line=3,
    )
    for week in weeks(f):
        new, done = per["filed", week], per["resolved", week]
        backlog += new - done
        widget.rows.append(
            [
                text(week.isoformat()),
                count(new, {"measure": "filed", **week_arg(week)}),
                count(done, {"measure": "resolved", **week_arg(week)}),
                count(backlog),
            ]
        )
    widget.note = "Open means filed, investigating or escalated."
    return widget


def reason_mix(f: InsightFilters) -> Widget:
    """New disputes per week by reason code."""
    got: dict = defaultdict(int)
    for _, day, reason, n, _ in facts_sum(f, ("filed",), DisputeFact.day, DisputeFact.reason_code):
        got[monday(day), reason] += n
    reasons = [r for r in REASON_CODES if not f.reason_code or r == f.reason_code]
    widget = Widget(
        "reason_mix",
        "Reason codes of new disputes",
        ["Week", *(r.replace("_", " ") for r in reasons)],
        chart="stack",
        series=tuple(range(1, len(reasons) + 1)),
        wide=True,
    )
    for week in weeks(f):
        widget.rows.append(
            [text(week.isoformat())]
            + [
                count(got[week, r], {"measure": "filed", "reason_code": r, **week_arg(week)})
                for r in reasons
            ]
        )
    return widget
