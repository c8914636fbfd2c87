"""An exception's audit trail, and what a dispute filed on its line does to it."""

from datetime import datetime

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingException, Dispute, ExceptionEvent, InvoiceLine, User
from disputedesk.workflows.assurance import RESOLUTIONS


def record(e: BillingException, user: User | None, kind: str, data: dict, now: datetime) -> None:
    """Append the exception's next audit event and bump its version."""
    e.version += 1
    db.session.add(ExceptionEvent(exception_id=e.id, seq=e.version, at=now,
                                  actor_id=None if user is None else user.id, type=kind,
                                  data=data))  # fmt: skip


def close_exception(
    e: BillingException, user: User, resolution: str, note: str, now: datetime
) -> None:
    e.status, e.resolution, e.resolution_note, e.closed_at = "resolved", resolution, note, now
    record(e, user, "resolved", {"resolution": resolution, "label": RESOLUTIONS[resolution],
                                 "note": note}, now)  # fmt: skip


def link_filed_dispute(
    dispute: Dispute, lines: list[InvoiceLine], user: User, now: datetime
) -> list:
    """On filing: exceptions on the disputed lines learn of the dispute, and close into it."""
    line_ids = [line.id for line in lines if line.has_exception]
    if not line_ids:
        return []
    found = list(
        db.session.scalars(
            select(BillingException)
            .where(BillingException.invoice_line_id.in_(line_ids))
            .order_by(BillingException.id)
            .with_for_update()
        )
    )
    for e in found:
        e.dispute_id = dispute.id
        record(e, user, "dispute_filed", {"dispute": dispute.ref,
                                          "channel": dispute.intake_channel}, now)  # fmt: skip
        if e.status == "open" and e.kind != "underbilled":  # under-billing is not its to fix
            close_exception(e, user, "disputed", f"Worked as {dispute.ref}.", now)
    return found
