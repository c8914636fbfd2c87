"""The disputes behind one dashboard number, read from the raw rows under the same visibility.

Each measure states in SQL what workflows/insight.py counts, so a list's count and total are
the number it was opened from (tests hold the two to each other).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import joinedload

from disputedesk.app.extensions import db
from disputedesk.app.models import (
    Advertiser,
    CreditMemo,
    Dispute,
    DisputeFactState,
    Invoice,
    SlaClock,
    User,
)
from disputedesk.app.queries.access import visible_clause
from disputedesk.app.queries.facts_read import total
from disputedesk.app.queries.insight_filters import InsightFilters
from disputedesk.workflows.books import local_midnight
from disputedesk.workflows.codes import CREDIT_OUTCOMES, GL_REASONS, ROOT_CAUSES
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.errors import InvalidInput
from disputedesk.workflows.sla import CLOCKS

MEASURES = ("open", "awaiting_credit", "filed", "resolved", "credited", "sla_met",
            "sla_breached", "breaching", "cohort_filed", "cohort_credited")  # fmt: skip
# Billing accuracy's cohort: the cases on invoices whose billing period starts in the period.
COHORT = ("cohort_filed", "cohort_credited")
AGES = {"0–7": (0, 7), "8–30": (8, 30), "31–60": (31, 60), "61–90": (61, 90), ">90": (91, None)}
PAGE = 100


@dataclass(frozen=True)
class Drill:
    """Which number was clicked: its measure and the extra cut it carries."""

    measure: str
    week: date | None = None
    age: str = ""
    root_cause: str = ""  # "-" = none
    gl_reason: str = ""
    clock: str = ""
    advertiser_id: int | None = None


def parse_drill(args: dict[str, str]) -> Drill:
    """Read the drill-down arguments, refusing anything the dashboard does not link."""
    errors = {}
    measure = args.get("measure", "")
    if measure not in MEASURES:
        errors["measure"] = "one of " + ", ".join(MEASURES)
    checks = (("age", AGES), ("root_cause", (*ROOT_CAUSES, "-")), ("gl_reason", GL_REASONS),
              ("clock", CLOCKS))  # fmt: skip
    for name, allowed in checks:
        if args.get(name) and args[name] not in allowed:
            errors[name] = "not one the dashboard links"
    week, advertiser = args.get("week", ""), args.get("advertiser", "")
    try:
        week_day = date.fromisoformat(week) if week else None
    except ValueError:
        errors["week"], week_day = "a date such as 2026-11-30", None
    if advertiser and not (advertiser.isascii() and advertiser.isdigit() and len(advertiser) < 10):
        errors["advertiser"] = "an advertiser id"
    if errors:
        raise InvalidInput(errors)
    return Drill(measure, week_day, args.get("age", ""), args.get("root_cause", ""),
                 args.get("gl_reason", ""), args.get("clock", ""),
                 int(advertiser) if advertiser else None)  # fmt: skip


def _between(column, first: date, last: date, zone: str) -> ColumnElement[bool]:  # noqa: ANN001
    """Instants on books' days first..last (both included)."""
    return and_(column >= local_midnight(first, zone),
                column < local_midnight(last + timedelta(days=1), zone))  # fmt: skip


def drill_query(f: InsightFilters, d: Drill, user: User, zone: str) -> Select:
    """Select the disputes behind the number (visible to the user), with the amount it counts."""
    first, last = f.start, f.end
    if d.week:
        first, last = max(first, d.week), min(last, d.week + timedelta(days=6))
    amount = Dispute.disputed_amount
    query = select(Dispute.id).join(DisputeFactState, DisputeFactState.dispute_id == Dispute.id)
    if d.measure in ("credited", "cohort_credited"):
        memo = CreditMemo
        amount = memo.amount
        query = query.join(memo, and_(memo.dispute_id == Dispute.id, memo.status == "issued"))
        query = query.where(Dispute.state == "credited")
        if d.measure == "credited":
            query = query.where(_between(memo.issued_at, first, last, zone))
        if d.gl_reason:
            query = query.where(memo.gl_reason == d.gl_reason)
    query = query.add_columns(amount.label("amount")).where(visible_clause(user))
    query = query.where(*_dimensions(f, d))
    if d.measure in ("open", "awaiting_credit"):
        column = Dispute.filed_at if d.measure == "open" else Dispute.resolved_at
        if d.measure == "open":
            query = query.where(Dispute.state.in_(OPEN_STATES))
        else:
            query = query.where(Dispute.state == "resolved", Dispute.outcome.in_(CREDIT_OUTCOMES))
            amount_of_memo = select(CreditMemo.amount).where(CreditMemo.dispute_id == Dispute.id)
            latest = amount_of_memo.order_by(CreditMemo.id.desc()).limit(1).scalar_subquery()
            query = query.with_only_columns(Dispute.id, latest.label("amount"))
        if d.age:
            low, high = AGES[d.age]
            oldest = f.today - timedelta(days=high) if high is not None else date(1970, 1, 1)
            query = query.where(_between(column, oldest, f.today - timedelta(days=low), zone))
        if d.advertiser_id:
            query = query.where(Dispute.advertiser_id == d.advertiser_id)
    elif d.measure == "filed":
        query = query.where(_between(Dispute.filed_at, first, last, zone))
    if d.measure in COHORT:
        period = select(Invoice.id).where(Invoice.period_start.between(first, last))
        query = query.where(Dispute.invoice_id.in_(period))
    elif d.measure == "resolved":
        query = query.where(Dispute.state.in_(("resolved", "credited")),
                            _between(Dispute.resolved_at, first, last, zone))  # fmt: skip
    elif d.measure in ("sla_met", "sla_breached", "breaching"):
        status = {"sla_met": "met"}.get(d.measure, "breached")
        clock = and_(SlaClock.dispute_id == Dispute.id, SlaClock.status == status)
        if d.clock:
            clock = and_(clock, SlaClock.name == d.clock)
        if d.measure == "breaching":
            clock = and_(clock, SlaClock.stopped_at.is_(None))
        else:
            clock = and_(clock, _between(SlaClock.stopped_at, first, last, zone))
        query = query.where(exists().where(clock))
    if d.root_cause and d.measure in ("resolved", "credited"):
        cause = None if d.root_cause == "-" else d.root_cause
        query = query.where(
            Dispute.root_cause.is_(None) if cause is None else Dispute.root_cause == cause
        )
    return query


def _dimensions(f: InsightFilters, d: Drill) -> list[ColumnElement[bool]]:
    out = []
    if f.team_id:
        out.append(Dispute.team_id == f.team_id)
    if f.reason_code:
        out.append(Dispute.reason_code == f.reason_code)
    if f.currency:
        out.append(Dispute.currency == f.currency)
    if f.product:
        out.append(DisputeFactState.product == f.product)
    if f.tier:
        tiered = select(Advertiser.id).where(Advertiser.tier == f.tier)
        out.append(Dispute.advertiser_id.in_(tiered))
    return out


@dataclass(frozen=True)
class DrillPage:
    rows: list[Dispute]  # newest first
    count: int  # every case behind the number
    amount: int  # their disputed amount together
    next_before: int | None  # the id older cases are listed from, if there are more


def drill_down(
    f: InsightFilters, d: Drill, user: User, zone: str, before: int | None = None
) -> DrillPage:
    """Return a page of the disputes behind the number, how many there are, and their amount."""
    query = drill_query(f, d, user, zone).subquery()
    count, amount = db.session.execute(
        select(func.count(), func.coalesce(total(query.c.amount), 0)).select_from(query)
    ).one()
    page = select(query.c.id).order_by(query.c.id.desc()).limit(PAGE + 1)
    if before is not None:
        page = page.where(query.c.id < before)
    ids = db.session.scalars(page).all()
    disputes = db.session.scalars(
        select(Dispute)
        .where(Dispute.id.in_(ids[:PAGE]))
        .options(joinedload(Dispute.advertiser))  # each row names its advertiser
        .order_by(Dispute.id.desc())
    ).all()
    return DrillPage(list(disputes), count, amount, ids[PAGE - 1] if len(ids) > PAGE else None)
