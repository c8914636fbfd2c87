"""The close's test books: October and November 2026 of activity in USD and CAD."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.money import format_amount

CHICAGO = ZoneInfo("America/Chicago")
CREDIT = {"outcome": "credit_partial", "root_cause": "rate_card_error", "note": "late IO",
          "gl_reason": "rate_correction"}  # fmt: skip
UPHELD = {"outcome": "no_credit", "root_cause": "no_error_found", "note": "as contracted"}


def at(day: str, hour: int = 10) -> datetime:
    """An instant on a Chicago day (the books' zone)."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=CHICAGO).astimezone(UTC)


def _file(make, cast, when: datetime, amount: int, currency: str = "USD") -> Dispute:  # noqa: ANN001
    invoice = make.invoice(cast.advertiser, amounts=(900_000, 300_000), currency=currency)
    dispute = file_dispute(cast.integration, Filing(invoice.number, "other", "overbilled",
                           format_amount(amount), currency), now=when)  # fmt: skip
    assign(dispute.ref, cast.lead, cast.analyst.email, now=when)
    fire_trigger(dispute.ref, cast.lead, "start", {}, now=when)
    return dispute


def _credit(cast, dispute: Dispute, credit: str, resolved: datetime, issued: datetime) -> None:  # noqa: ANN001
    fire_trigger(dispute.ref, cast.analyst, "resolve", {**CREDIT, "credit_amount": credit},
                 now=resolved)  # fmt: skip
    decide(current_memo(dispute).id, cast.approver, "approve", "ok", now=issued)
    fire_trigger(dispute.ref, cast.approver, "issue_credit", {}, now=issued)


def make_books(make, cast) -> dict:  # noqa: ANN001
    """October and November 2026 of activity in USD and CAD (all amounts in cents)."""
    carried = _file(make, cast, at("2026-10-05"), 400_000)  # open at the end of October
    upheld_in_oct = _file(make, cast, at("2026-10-06"), 150_000)
    fire_trigger(upheld_in_oct.ref, cast.lead, "resolve", UPHELD, now=at("2026-10-20"))
    credited = _file(make, cast, at("2026-11-02"), 300_033)
    _credit(cast, credited, "1000.11", at("2026-11-10"), at("2026-11-12"))
    # Issued on the evening of 30 November in Chicago: 1 December in UTC, November in the books.
    late = _file(make, cast, at("2026-11-03"), 250_000, "CAD")
    _credit(cast, late, "333.33", at("2026-11-25"), at("2026-11-30", 21))
    withdrawn = _file(make, cast, at("2026-11-04"), 77_777, "CAD")
    fire_trigger(withdrawn.ref, cast.lead, "withdraw", {"note": "paid"}, now=at("2026-11-05"))
    _credit(cast, carried, "1.00", at("2026-11-20"), at("2026-11-21"))
    _file(make, cast, at("2026-11-28"), 12_345, "CAD")  # still open
    db.session.expire_all()
    return {"upheld_in_oct": upheld_in_oct, "credited": credited, "late": late, "make": make}
