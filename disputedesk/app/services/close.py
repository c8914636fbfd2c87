"""Seal a month: its roll-forward, reserve, credits export and audit-chain heads under one hash."""

import hashlib
import json
from datetime import datetime

from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Event, SealedMonth, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.close import first_movement_day, month_before, roll_forward, sealed
from disputedesk.app.queries.reports import credit_rows
from disputedesk.app.queries.reserve import month_reserve
from disputedesk.app.services.facts import books_zone
from disputedesk.app.services.transactions import transaction
from disputedesk.workflows.books import month_bounds, parse_month
from disputedesk.workflows.errors import Conflict, InvalidInput, NotPermitted
from disputedesk.workflows.permissions import MONTH_SEALERS

SEALERS = MONTH_SEALERS


def chain_heads(batch: int = 10_000) -> dict:
    """Digest every dispute's audit-chain head (its last event's hash) into one value."""
    digest, count = hashlib.sha256(), 0
    heads = (
        select(Event.dispute_id, func.max(Event.seq).label("seq"))
        .group_by(Event.dispute_id)
        .subquery()
    )
    query = (
        select(Event.dispute_id, Event.seq, Event.hash)
        .join(heads, (heads.c.dispute_id == Event.dispute_id) & (heads.c.seq == Event.seq))
        .order_by(Event.dispute_id)
        .execution_options(yield_per=batch)
    )
    for dispute_id, seq, event_hash in db.session.execute(query):
        digest.update(f"{dispute_id}:{seq}:{event_hash}\n".encode())
        count += 1
    return {"disputes": count, "heads_sha256": digest.hexdigest()}


def seal_month(month: str, user: User | None, now: datetime | None = None) -> SealedMonth:
    """Seal a month that has ended in the books' zone, once, after the month before it."""
    now = now or utcnow()
    if user is not None and not user.can("seal_months"):
        raise NotPermitted("only an approver (finance) seals a month")
    try:
        parse_month(month)
        _, end = month_bounds(month, books_zone())
    except ValueError:
        raise InvalidInput({"month": "a month such as 2026-11"}) from None
    if now < end:
        raise Conflict(f"{month} has not ended yet in the books ({books_zone()})")
    if sealed(month) is not None:
        raise Conflict(f"{month} is already sealed")
    before = month_before(month)
    started = first_movement_day()
    if started and f"{started:%Y-%m}" <= before and sealed(before) is None:
        raise Conflict(f"months seal in order: seal {before} first")
    with transaction(lost_race=f"{month} was sealed at the same moment"):
        content = {
            "roll_forward": roll_forward(month),
            "reserve": month_reserve(month),  # a later change of policy never rewrites it
            "credits": credit_rows(month),
            "audit_chain": chain_heads(),
        }
        text = json.dumps(content, sort_keys=True, separators=(",", ":"))
        seal = SealedMonth(
            month=month,
            sealed_at=now,
            sealed_by=user.email if user else "system",
            digest=hashlib.sha256(text.encode()).hexdigest(),
            content=content,
        )
        db.session.add(seal)
    return seal


def verify_seal(seal: SealedMonth) -> bool:
    """Tell whether a sealed month's stored content still hashes to its digest."""
    text = json.dumps(seal.content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest() == seal.digest
