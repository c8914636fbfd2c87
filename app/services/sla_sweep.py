"""The SLA sweep: warn clocks at risk, breach overdue ones, escalate what breached.

Set-based: each step is one guarded UPDATE over the clocks that crossed a line since the last
sweep, so its cost follows what changed, not how many cases are open. Several sweeps may run
at once: on PostgreSQL candidate rows are taken with FOR UPDATE SKIP LOCKED and every UPDATE
re-checks its guard, so each warning and each breach is handled by exactly one sweep.
A batch of breaches commits with its notifications before its cases are escalated one by one
through the write path; a sweep killed in between leaves those cases told but unescalated.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import ColumnElement, Row, insert, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Dispute, Outbox, SlaClock, User
from app.models.disputes import format_ref
from app.models.types import utcnow
from app.services.triggers import apply_trigger
from app.services.write_path import change_case
from workflows.errors import StaleCase
from workflows.permissions import roles_with

# Clocks claimed per transaction: bounds a backlog's transactions, and lets concurrent sweeps
# share its escalations instead of one sweep claiming them all.
BATCH = 500
ESCALATING_CLOCKS = ("resolution", "triage")  # a breach of these escalates an investigating case
ATTEMPTS = 3


@dataclass(frozen=True)
class SweepResult:
    warned: int = 0
    breached: int = 0
    escalated: int = 0

    def __str__(self) -> str:
        return f"warned {self.warned}, breached {self.breached}, escalated {self.escalated}"


def sweep(now: datetime | None = None, batch: int = BATCH) -> SweepResult:
    """Run one sweep as of `now`; running it again at the same instant changes nothing."""
    now = now or utcnow()
    warned = breached = escalated = 0
    while claimed := _claim(now, batch, breach=False):
        warned += len(claimed)
    while claimed := _claim(now, batch, breach=True):
        breached += len(claimed)
        escalated += _record_breaches(claimed, now)
    return SweepResult(warned, breached, escalated)


def _claim(now: datetime, batch: int, *, breach: bool) -> Sequence[Row]:
    """Mark one batch of clocks warned or breached and queue their notifications; commit."""
    running = SlaClock.status == "running"
    if breach:
        guard: ColumnElement[bool] = running & (SlaClock.due_at < now)
        values = {"status": "breached", "breached_at": now}
    else:
        guard = running & SlaClock.warned_at.is_(None) & (SlaClock.at_risk_at <= now)
        guard &= SlaClock.due_at >= now  # an overdue clock gets a breach, not a warning
        values = {"warned_at": now}
    # MATERIALIZED runs the locking LIMIT query once: as a plain IN (subquery) PostgreSQL may
    # rescan it per row, and each rescan skips the rows just updated and takes more.
    candidates = (
        select(SlaClock.id)
        .where(guard)
        .order_by(SlaClock.due_at if breach else SlaClock.at_risk_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
        .cte("candidates")
        .prefix_with("MATERIALIZED")
    )
    try:
        claimed = db.session.execute(
            update(SlaClock)
            .where(SlaClock.id.in_(select(candidates.c.id)), guard)  # re-checked after a wait
            .values(**values)
            .returning(SlaClock.id, SlaClock.dispute_id, SlaClock.name, SlaClock.due_at)
            .execution_options(synchronize_session=False)
        ).all()
        if claimed:
            _notify(claimed, "sla_breach" if breach else "sla_warning", now)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return claimed


def _notify(clocks: Sequence[Row], kind: str, now: datetime) -> None:
    """Queue one notification per clock: warnings to the assignee, breaches to the leads."""
    cases = {
        row.id: row
        for row in db.session.execute(
            select(Dispute.id, Dispute.assignee_id, Dispute.team_id).where(
                Dispute.id.in_({c.dispute_id for c in clocks})
            )
        )
    }
    leads = defaultdict(list)
    for team_id, user_id in db.session.execute(
        select(User.team_id, User.id)
        .where(
            User.team_id.in_({c.team_id for c in cases.values()}),
            User.role.in_(roles_with("lead_team")),
            User.active.is_(True),
        )
        .order_by(User.id)
    ):
        leads[team_id].append(user_id)
    rows = []
    for clock in clocks:
        case = cases[clock.dispute_id]
        warn_assignee = kind == "sla_warning" and case.assignee_id is not None
        # With no lead to tell, the row still goes out unaddressed for a fallback channel.
        for recipient in [case.assignee_id] if warn_assignee else leads[case.team_id] or [None]:
            payload = {
                "ref": format_ref(clock.dispute_id),
                "clock": clock.name,
                "due_at": clock.due_at.isoformat(),
            }
            rows.append(
                dict(
                    kind=kind,
                    recipient_id=recipient,
                    dispute_id=clock.dispute_id,
                    payload=payload,
                    created_at=now,
                    attempts=0,
                )
            )
    db.session.execute(insert(Outbox), rows)


def _record_breaches(clocks: Sequence[Row], now: datetime) -> int:
    """Write each breach to its case's audit trail, escalating where the rules say; count those."""
    by_dispute = defaultdict(list)
    for clock in clocks:
        by_dispute[clock.dispute_id].append(clock)
    return sum(_record_breach(dispute_id, found, now) for dispute_id, found in by_dispute.items())


def _record_breach(dispute_id: int, clocks: list[Row], now: datetime) -> bool:
    for _ in range(ATTEMPTS):
        try:
            dispute = db.session.scalars(
                select(Dispute)
                .where(Dispute.id == dispute_id)
                .options(joinedload(Dispute.team), selectinload(Dispute.sla_clocks))
                .with_for_update(of=Dispute)
            ).one()
            names = [c.name for c in clocks]
            escalating = next((n for n in names if n in ESCALATING_CLOCKS), None)
            escalate = escalating is not None and dispute.state == "investigating"
            with change_case(dispute, None, now) as change:
                for clock in clocks:
                    data = {"clock": clock.name, "action": "breach"}
                    change.record("sla_clock", data=data | {"due_at": clock.due_at.isoformat()})
                if escalate:
                    apply_trigger(change, "escalate", {"reason": f"SLA breached: {escalating}"})
            return escalate
        except StaleCase:
            continue  # someone changed the case between our read and our write: read again
    # The clock stays breached and its lead was told; only the audit note and escalation miss.
    current_app.logger.warning("SLA sweep: gave up recording the breach of %s", dispute_id)
    return False
