"""Post a dispute's movements to the close's ledger, in the transaction that changes it.

The rule is workflows/ledger.py; this writes what it returns. A movement dated in a month that
is already sealed (a change carried a past time) is not put into that month: it is posted as
a dated, reasoned adjustment on the day of the change, so a sealed month never moves.
"""

from datetime import datetime

from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import CloseMovement, Dispute, DisputeFactState, SealedMonth
from disputedesk.app.models.types import utcnow
from disputedesk.workflows import ledger
from disputedesk.workflows.books import books_day, month_of, next_month, parse_month
from disputedesk.workflows.insight import Case


def post_movements(
    state: DisputeFactState, dispute: Dispute, case: Case, now: datetime, zone: str
) -> None:
    """Add the dispute's new movements to the session and keep what it has posted (no commit)."""
    if state.ledger is None:
        moves, posted = ledger.first_postings(case)
    else:
        moves, posted = ledger.postings(case, ledger.Posted.from_json(state.ledger), now)
    if state.ledger != (kept := posted.as_json()):
        state.ledger = kept
    if not moves:
        return
    # Only a month that has ended can be sealed: the seals are read only for such a day.
    this_month = parse_month(month_of(utcnow(), zone))
    last_sealed = None
    for move in moves:
        day, kind, reason = books_day(move.at, zone), move.kind, move.reason
        amount, reporting = move.amount, move.reporting
        if day < this_month:
            last_sealed = last_sealed or _last_sealed()
            if last_sealed and f"{day:%Y-%m}" <= last_sealed:
                reason = f"{move.kind} of {day} after {last_sealed} was sealed"
                kind, (amount, reporting) = "adjusted", move.signed()
                day = next_month(parse_month(last_sealed))  # the first day still open
        db.session.add(
            CloseMovement(
                dispute_id=dispute.id,
                kind=kind,
                day=day,
                at=move.at,
                currency=dispute.currency,
                amount=amount,
                reporting_amount=reporting,
                reason=reason,
            )  # fmt: skip
        )


def _last_sealed() -> str | None:
    return db.session.scalar(select(func.max(SealedMonth.month)))
