"""The outbox delivery worker: claim due rows, deliver each, retry with backoff, dead-letter.

Delivery is at least once. A worker claims a batch by pushing its rows' next attempt a lease
into the future (one guarded UPDATE; FOR UPDATE SKIP LOCKED on PostgreSQL, so several
workers share a backlog without waiting on each other) and commits; then it delivers each
row and records the outcome. A worker killed mid-batch leaves its rows to be claimed again
once the lease runs out, so a message can go out twice: each carries its row's idempotency
key (the e-mail's Message-ID, the webhook's Disputedesk-Delivery header) to tell.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from disputedesk.app.extensions import db
from disputedesk.app.models import Outbox
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.transactions import LOST_RACE, transaction
from disputedesk.workflows.notices import retry_delay

LEASE = timedelta(minutes=5)  # longer than any one delivery may take (timeouts are shorter)
BATCH = 100


class DeliveryFailed(Exception):
    """A delivery did not go through; `permanent` ones are not retried."""

    def __init__(self, message: str, code: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.code, self.permanent = code, permanent


Handler = Callable[[Outbox, datetime], int | None]  # answers a response code, if any


@dataclass(frozen=True)
class DeliveryResult:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0

    def __str__(self) -> str:
        return f"delivered {self.delivered}, retrying {self.retrying}, dead {self.dead}"


def deliver_pending(
    by_channel: dict[str, Handler],
    now: Callable[[], datetime] = utcnow,
    batch: int = BATCH,
    limit: int | None = None,
) -> DeliveryResult:
    """Deliver every row that is due, batch by batch, until none is (or `limit` were tried)."""
    counts = {"delivered": 0, "retrying": 0, "dead": 0}
    tried = 0
    while limit is None or tried < limit:
        rows = claim(now(), batch if limit is None else min(batch, limit - tried))
        if not rows:
            break
        tried += len(rows)
        for row in rows:
            counts[deliver_one(row, by_channel, now())] += 1
    return DeliveryResult(**counts)


def claim(now: datetime, batch: int) -> Sequence[Outbox]:
    """Lease a batch of due rows to this worker; commit; return them."""
    due = (Outbox.status == "pending") & (Outbox.next_attempt_at <= now)
    candidates = (
        select(Outbox.id)
        .where(due)
        .order_by(Outbox.next_attempt_at, Outbox.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
        .cte("candidates")
        .prefix_with("MATERIALIZED")  # run the locking LIMIT once (see sla_sweep)
    )
    with transaction(lost_race=LOST_RACE):
        ids = db.session.scalars(
            update(Outbox)
            .where(Outbox.id.in_(select(candidates.c.id)), due)  # re-checked after a wait
            .values(next_attempt_at=now + LEASE, attempts=Outbox.attempts + 1)
            .returning(Outbox.id)
            .execution_options(synchronize_session=False)
        ).all()
    if not ids:
        return []
    rows = db.session.scalars(select(Outbox).where(Outbox.id.in_(ids)).order_by(Outbox.id)).all()
    for row in rows:  # read-only from here: each row's commit must not expire (reload) the rest
        db.session.expunge(row)
    return rows


def deliver_one(row: Outbox, by_channel: dict[str, Handler], now: datetime) -> str:
    """Deliver one claimed row and record how it went; answer delivered, retrying or dead."""
    handler = by_channel.get(row.channel)
    try:
        if handler is None:
            raise DeliveryFailed(f"no delivery for channel {row.channel!r}", permanent=True)
        code = handler(row, now)
        db.session.execute(
            update(Outbox)
            .where(Outbox.id == row.id)
            .values(status="delivered", delivered_at=now, response_code=code, last_error=None)
        )
        db.session.commit()
        return "delivered"
    except Exception as error:  # any failure of one row is that row's, never the batch's
        db.session.rollback()
        code = error.code if isinstance(error, DeliveryFailed) else None
        permanent = isinstance(error, DeliveryFailed) and error.permanent
        return _failed(row.id, str(error) or type(error).__name__, code, permanent, now)


def _failed(row_id: int, message: str, code: int | None, permanent: bool, now: datetime) -> str:
    row = db.session.get(Outbox, row_id, populate_existing=True)
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    dead = permanent or row.attempts >= max_attempts
    row.last_error, row.response_code = message[:2000], code
    if dead:
        row.status = "dead"
    else:
        delay = retry_delay(
            row.attempts,
            base=current_app.config["OUTBOX_RETRY_BASE_SECONDS"],
            cap=current_app.config["OUTBOX_RETRY_CAP_SECONDS"],
        )
        row.next_attempt_at = now + timedelta(seconds=delay)
    db.session.commit()
    return "dead" if dead else "retrying"


def retry_dead(row_id: int, now: datetime | None = None) -> Outbox | None:
    """Put a dead (or delivered) row back in line for one more round of attempts."""
    row = db.session.get(Outbox, row_id)
    if row is None:
        return None
    row.status, row.attempts, row.next_attempt_at = "pending", 0, now or utcnow()
    db.session.commit()
    return row


def pending_counts() -> dict[str, int]:
    """How many rows are in each status (for the admin page and the command's summary)."""
    rows = db.session.execute(select(Outbox.status, func.count()).group_by(Outbox.status))
    return dict(rows.all())
