"""The SLA sweep: warn clocks at risk, breach overdue ones, escalate what breached.

Warnings are set-based: one guarded UPDATE per batch over the clocks that crossed 75% since
the last sweep, committed with their notices. Breaches are handled case by case, and each
case in ONE transaction: its overdue clocks marked breached, their audit events, the leads'
notices and the escalation they cause commit together or not at all. A sweep killed at any
moment leaves each case either wholly handled or untouched (its clocks still running and
overdue), and the next sweep handles what is left, so every breach is audited, notified and
escalated exactly once. Several sweeps may run at once: on PostgreSQL candidate rows are
taken with FOR UPDATE SKIP LOCKED, so two sweeps never handle the same case, and every
write re-checks its guard (and the case's version) after a wait.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import ColumnElement, Row, func, insert, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Dispute, Outbox, SlaClock, User
from app.models.disputes import format_ref
from app.models.types import utcnow
from app.services.notices import enqueue
from app.services.triggers import apply_trigger
from app.services.write_path import change_case
from workflows.errors import StaleCase

# Warnings per transaction, and overdue cases per read of the candidates: bounds a backlog's
# transactions and memory, and lets concurrent sweeps share the work.
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
    while claimed := _claim_warnings(now, batch):
        warned += len(claimed)
    passed: set[int] = set()  # cases another transaction holds now: the next sweep takes them
    while cases := _overdue_cases(now, batch, passed):
        for dispute_id in cases:
            handled = _breach_case(dispute_id, now)
            if handled is None:
                passed.add(dispute_id)
            else:
                breached += handled[0]
                escalated += handled[1]
    return SweepResult(warned, breached, escalated)


def _claim_warnings(now: datetime, batch: int) -> Sequence[Row]:
    """Mark one batch of clocks at risk warned and queue their notices; commit."""
    guard: ColumnElement[bool] = SlaClock.status == "running"
    guard &= SlaClock.warned_at.is_(None) & (SlaClock.at_risk_at <= now)
    guard &= SlaClock.due_at >= now  # an overdue clock gets a breach, not a warning
    # MATERIALIZED runs the locking LIMIT query once: as a plain IN (subquery) PostgreSQL may
    # rescan it per row, and each rescan skips the rows just updated and takes more.
    candidates = (
        select(SlaClock.id)
        .where(guard)
        .order_by(SlaClock.at_risk_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
        .cte("candidates")
        .prefix_with("MATERIALIZED")
    )
    try:
        claimed = db.session.execute(
            update(SlaClock)
            .where(SlaClock.id.in_(select(candidates.c.id)), guard)  # re-checked after a wait
            .values(warned_at=now)
            .returning(SlaClock.id, SlaClock.dispute_id, SlaClock.name, SlaClock.due_at)
            .execution_options(synchronize_session=False)
        ).all()
        if claimed:
            _warn(claimed, now)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return claimed


def _warn(clocks: Sequence[Row], now: datetime) -> None:
    """Queue one warning per clock, to the assignee (the team's leads when unassigned)."""
    cases = {
        row.id: row
        for row in db.session.execute(
            select(Dispute.id, Dispute.assignee_id, Dispute.team_id).where(
                Dispute.id.in_({c.dispute_id for c in clocks})
            )
        )
    }
    leads = _leads({c.team_id for c in cases.values()})
    rows = []
    for clock in clocks:
        case = cases[clock.dispute_id]
        recipients = [case.assignee_id] if case.assignee_id else leads[case.team_id] or [None]
        payload = {"ref": format_ref(clock.dispute_id), "clock": clock.name,
                   "due_at": clock.due_at.isoformat()}  # fmt: skip
        rows += [
            dict(
                kind="sla_warning",
                recipient_id=recipient,
                dispute_id=clock.dispute_id,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
                attempts=0,
            )  # fmt: skip
            for recipient in recipients
        ]
    db.session.execute(insert(Outbox), rows)


def _leads(team_ids: set[int]) -> dict[int, list[int]]:
    leads = defaultdict(list)
    for team_id, user_id in db.session.execute(
        select(User.team_id, User.id)
        .where(User.team_id.in_(team_ids), User.role == "lead", User.active.is_(True))
        .order_by(User.id)
    ):
        leads[team_id].append(user_id)
    return leads


def _overdue_cases(now: datetime, batch: int, passed: set[int]) -> list[int]:
    """The cases with a running clock past its due time, the longest overdue first."""
    query = (
        select(SlaClock.dispute_id)
        .where(SlaClock.status == "running", SlaClock.due_at < now)
        .group_by(SlaClock.dispute_id)
        .order_by(func.min(SlaClock.due_at), SlaClock.dispute_id)
        .limit(batch)
    )
    if passed:
        query = query.where(SlaClock.dispute_id.not_in(passed))
    found = list(db.session.scalars(query))
    db.session.rollback()  # end the read; each case gets its own transaction
    return found


def _breach_case(dispute_id: int, now: datetime) -> tuple[int, bool] | None:
    """Breach a case's overdue clocks, audit, notify and escalate it in one transaction.

    Answers (clocks breached, escalated?), or None when another transaction holds the case.
    """
    for _ in range(ATTEMPTS):
        try:
            dispute = db.session.scalars(
                select(Dispute)
                .where(Dispute.id == dispute_id)
                .options(joinedload(Dispute.team), selectinload(Dispute.sla_clocks))
                .with_for_update(of=Dispute, skip_locked=True)
                .execution_options(populate_existing=True)
            ).first()
            if dispute is None:
                db.session.rollback()
                return None
            overdue = [c for c in dispute.sla_clocks if c.status == "running" and c.due_at < now]
            if not overdue:  # another sweep, or the case's own change, came first
                db.session.rollback()
                return 0, False
            escalating = next((c.name for c in overdue if c.name in ESCALATING_CLOCKS), None)
            escalate = escalating is not None and dispute.state == "investigating"
            leads = _leads({dispute.team_id})[dispute.team_id] or [None]
            with change_case(dispute, None, now) as change:
                for clock in overdue:
                    clock.status, clock.breached_at = "breached", now
                    about = {"clock": clock.name, "due_at": clock.due_at.isoformat()}
                    change.record("sla_clock", data={**about, "action": "breach"})
                    for lead in leads:
                        enqueue("sla_breach", lead, dispute, now, about)
                if escalate:
                    apply_trigger(change, "escalate", {"reason": f"SLA breached: {escalating}"})
            return len(overdue), escalate
        except StaleCase:
            continue  # the case changed between our read and our write: read it again
    current_app.logger.warning("SLA sweep: %s kept changing; the next sweep takes it", dispute_id)
    return None
