"""Everything the dispute page shows, read in a fixed handful of queries."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Contract,
    DeliveryRecord,
    Dispute,
    Event,
    InvoiceLine,
    SlaClock,
    User,
    Watch,
)
from app.queries.clocks import clock_views
from app.queries.listing import dispute_events
from app.queries.queues import team_members
from workflows.comparison import LineComparison, compare_line
from workflows.dispute import BY_TRIGGER, Transition, allowed_triggers
from workflows.permissions import comment_visibilities, may_assign
from workflows.sla import ClockView


@dataclass(frozen=True)
class ComparedLine:
    line: InvoiceLine
    disputed_amount: int | None
    contract: Contract | None
    delivery: DeliveryRecord | None
    comparison: LineComparison


@dataclass(frozen=True)
class CaseView:
    dispute: Dispute
    actions: list[Transition]
    assignees: Sequence[User]  # whom the viewer may assign the case to; empty if they may not
    comment_visibilities: tuple[str, ...]
    watching: bool
    clocks: list[tuple[SlaClock, ClockView]]  # each SLA clock and how it stands now


def case_view(dispute: Dispute, user: User, now: datetime) -> CaseView:
    """Gather the header and the actions this user may take now."""
    actor = user.as_actor()
    facts = dispute.facts()
    assignees = team_members(user) if may_assign(actor, facts) and dispute.state in (
        "filed", "investigating", "escalated"
    ) else ()  # fmt: skip
    watching = db.session.scalar(
        select(Watch.id).where(Watch.dispute_id == dispute.id, Watch.user_id == user.id)
    )
    return CaseView(
        dispute=dispute,
        actions=[BY_TRIGGER[t] for t in allowed_triggers(actor, facts, now)],
        assignees=assignees,
        comment_visibilities=comment_visibilities(actor),
        watching=watching is not None,
        clocks=list(zip(dispute.sla_clocks, clock_views(dispute, now), strict=True)),
    )


def timeline(dispute: Dispute, user: User) -> Sequence[Event]:
    """Return the events the user may read, newest first."""
    return list(reversed(dispute_events(dispute, user)))


def compared_lines(dispute: Dispute) -> list[ComparedLine]:
    """Set each disputed line (every line when none is named) beside contract and delivery."""
    invoice = dispute.invoice
    disputed = {dl.invoice_line_id: dl.amount for dl in dispute.lines}
    lines = [dl.invoice_line for dl in dispute.lines] or list(invoice.lines)
    contracts = {
        c.product: c
        for c in db.session.scalars(
            select(Contract).where(
                Contract.advertiser_id == dispute.advertiser_id,
                Contract.product.in_({line.product for line in lines}),
                Contract.effective_from <= invoice.period_start,
                Contract.effective_to >= invoice.period_start,
            )
        )
    }
    deliveries = {
        d.campaign_ref: d
        for d in db.session.scalars(
            select(DeliveryRecord).where(
                DeliveryRecord.campaign_ref.in_({line.campaign_ref for line in lines}),
                DeliveryRecord.period_start == invoice.period_start,
            )
        )
    }
    rows = []
    for line in sorted(lines, key=lambda x: x.line_no):
        contract, delivery = contracts.get(line.product), deliveries.get(line.campaign_ref)
        comparison = compare_line(
            line.unit_kind, line.billed_units, line.billed_rate, line.amount,
            contract_rate=contract.rate if contract else None,
            discount_bp=contract.discount_bp if contract else 0,
            delivered_units=delivery.delivered_units if delivery else None,
            invalid_units=delivery.invalid_units if delivery else 0,
        )  # fmt: skip
        rows.append(ComparedLine(line, disputed.get(line.id), contract, delivery, comparison))
    return rows
