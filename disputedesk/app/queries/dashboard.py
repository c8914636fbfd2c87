"""The dashboard's widgets, read from the pre-aggregated facts (cost follows days, not cases)."""

from disputedesk.app.queries.dashboard_assurance import found_first, scan_accuracy, top_problems
from disputedesk.app.queries.dashboard_money import (
    accuracy,
    credits,
    pareto,
    revenue_at_risk,
    top_advertisers,
)
from disputedesk.app.queries.dashboard_time import flow, reason_mix, sla_attainment, turnaround
from disputedesk.app.queries.insight_filters import InsightFilters
from disputedesk.app.queries.widgets import Widget

WIDGETS = {
    "revenue_at_risk": revenue_at_risk,
    "turnaround": turnaround,
    "sla_attainment": sla_attainment,
    "flow": flow,
    "pareto": pareto,
    "reason_mix": reason_mix,
    "credits": credits,
    "accuracy": accuracy,
    "scan_accuracy": scan_accuracy,
    "found_first": found_first,
    "top_problems": top_problems,
    "top_advertisers": top_advertisers,
}


def dashboard(f: InsightFilters) -> list[Widget]:
    """Return every widget under one filter set."""
    return [build(f) for build in WIDGETS.values()]
