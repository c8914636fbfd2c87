"""The SLA sweep: warn clocks at risk, breach overdue ones, escalate what breached.

Warnings are set-based: one guarded UPDATE per batch over the clocks that crossed 75% since
the last sweep, committed with their notices. Breaches are handled a batch of cases at a
time, each batch in ONE transaction: the cases are locked, and their overdue clocks marked
breached, their audit events, the leads' notices and the escalations they cause commit
together or not at all. A sweep killed at any moment leaves each case either wholly handled
or untouched (its clocks still running and overdue), and the next sweep handles what is
left, so every breach is audited, notified and escalated exactly once. Several sweeps may
run at once: on PostgreSQL the cases are locked with FOR UPDATE SKIP LOCKED, so two sweeps
never take the same case; on SQLite the case's version check makes the later one retry.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import ColumnElement, Row, insert, literal, select, update
from sqlalchemy.orm import joinedload, selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import ChainHead, Dispute, Outbox, SlaClock, User
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.audit import chain_heads
from disputedesk.app.services.facts import add_facts, fact_states
from disputedesk.app.services.notices import Audience, audience_of, enqueue
from disputedesk.app.services.triggers import apply_trigger
from disputedesk.app.services.write_path import change_case, transaction
from disputedesk.workflows.errors import StaleCase
from disputedesk.workflows.permissions import roles_with

# Warnings per transaction, and overdue cases per read of the candidates: bounds a backlog's
# transactions and what each holds in RAM, and lets concurrent sweeps share the work.
BATCH = 500
ESCALATING_CLOCKS = ("resolution", "triage")  # a breach of these escalates an investigating case
BREACH_BATCH = 100  # cases per breach transaction: bounds how long their locks are held
MAX_COLLISIONS = 50
# Written into the SQL, not bound: a partial index (status = 'running') serves a query only
# when its planner can see the value, also in a prepared statement's generic plan.
RUNNING = literal("running", literal_execute=True)


@dataclass(frozen=True)
class SweepResult:
    warned: int = 0
    breached: int = 0
    escalated: int = 0

    def __str__(self) -> str:
        return f"warned {self.warned}, breached {self.breached}, escalated {self.escalated}"


def sweep(
    now: datetime | None = None, batch: int = BATCH, breach_batch: int = BREACH_BATCH
) -> SweepResult:
    """Run one sweep as of `now`; running it again at the same instant changes nothing."""
    now = now or utcnow()
    warned = breached = escalated = 0
    while claimed := _claim_warnings(now, batch):
        warned += len(claimed)
    collisions = 0
    while collisions < MAX_COLLISIONS:
        try:
            handled = _breach_batch(now, breach_batch)
        except StaleCase:  # SQLite: another sweep committed these cases first; read again
            collisions += 1
            continue
        if handled is None:
            break
        breached, escalated = breached + handled[1], escalated + handled[2]
    else:
        current_app.logger.warning("SLA sweep: kept colliding; the next sweep finishes")
    return SweepResult(warned, breached, escalated)


def _claim_warnings(now: datetime, batch: int) -> Sequence[Row]:
    """Mark one batch of clocks at risk warned and queue their notices; commit."""
    guard: ColumnElement[bool] = SlaClock.status == RUNNING
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
        .where(
            User.team_id.in_(team_ids),
            User.role.in_(roles_with("lead_team")),
            User.active.is_(True),
        )
        .order_by(User.id)
    ):
        leads[team_id].append(user_id)
    return leads


def _breach_batch(now: datetime, batch: int) -> tuple[int, int, int] | None:
    """Lock a batch of overdue cases and handle them all in ONE transaction; commit.

    Each case still changes through the write path, but the batch reads for all its cases
    at once what each change would read (clocks, the facts, chain heads, leads and
    watchers) and flushes once at the commit: one multi-row statement per table, however
    many cases. Answers (cases, clocks breached, cases escalated), or None when no case is
    left (or every one left is held by another transaction: the next sweep takes those).
    """
    # MATERIALIZED: the overdue clocks come from their partial index on their own, rather
    # than by walking every dispute in id order to probe its clocks.
    overdue = (
        select(SlaClock.dispute_id)
        .where(SlaClock.status == RUNNING, SlaClock.breached_at.is_(None), SlaClock.due_at < now)
        .distinct()
        .cte("overdue")
        .prefix_with("MATERIALIZED")
    )
    try:
        with transaction():
            disputes = db.session.scalars(
                select(Dispute)
                .where(Dispute.id.in_(select(overdue.c.dispute_id)))
                .order_by(Dispute.id)
                .limit(batch)
                .options(
                    joinedload(Dispute.team),
                    joinedload(Dispute.advertiser),  # the facts' tier
                    joinedload(Dispute.invoice),  # the facts' billing period
                    selectinload(Dispute.sla_clocks),
                    *Dispute.facts_loaders(),
                )
                .with_for_update(of=Dispute, skip_locked=True)
                .execution_options(populate_existing=True)
            ).all()
            if not disputes:
                return None
            audience = audience_of(disputes)
            heads = chain_heads([d.id for d in disputes])
            # Held here: the session keeps loaded rows only while something refers to them.
            states = fact_states([d.id for d in disputes])  # each case's, with no query of its own
            breached = escalated = 0
            facts: dict = {}  # the batch's facts deltas, added in one upsert per table
            with db.session.no_autoflush:  # the batch's rows go in together at the commit
                for dispute in disputes:
                    head = heads.get(dispute.id)
                    clocks, escalates = _breach_case(dispute, now, audience, head, facts)
                    breached, escalated = breached + clocks, escalated + escalates
            add_facts(facts)
            del states
    except BaseException:
        db.session.rollback()
        raise
    return len(disputes), breached, escalated


def _breach_case(
    dispute: Dispute, now: datetime, audience: Audience, head: ChainHead | None, facts: dict
) -> tuple[int, bool]:
    """Breach a locked case's overdue clocks, audit, notify and escalate it (no commit)."""
    overdue = [c for c in dispute.sla_clocks if c.status == "running" and c.due_at < now]
    if not overdue:  # the case's own change stopped the clock before we locked it
        return 0, False
    escalating = next((c.name for c in overdue if c.name in ESCALATING_CLOCKS), None)
    escalate = escalating is not None and dispute.state == "investigating"
    leads = audience.leads.get(dispute.team_id) or [None]
    batch = {"head": head, "audience": audience, "facts": facts}
    with change_case(dispute, None, now, commit=False, **batch) as change:
        for clock in overdue:
            clock.status, clock.breached_at = "breached", now
            about = {"clock": clock.name, "due_at": clock.due_at.isoformat()}
            change.record("sla_clock", data={**about, "action": "breach"})
            for lead in leads:
                enqueue("sla_breach", lead, dispute, now, about)
        if escalate:
            apply_trigger(change, "escalate", {"reason": f"SLA breached: {escalating}"})
    return len(overdue), escalate
