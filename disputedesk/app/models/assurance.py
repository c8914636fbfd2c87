"""What the assurance scan found: billing exceptions, and the root-cause problems behind cases."""

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship
from sqlalchemy.sql import exists

from disputedesk.app.extensions import db
from disputedesk.app.models.billing import Advertiser, Invoice, InvoiceLine
from disputedesk.app.models.disputes import Dispute
from disputedesk.app.models.people import Team, User
from disputedesk.app.models.types import UtcDateTime


class BillingException(db.Model):
    """An invoice line billed other than its contract and delivery say, found by the scan."""

    __tablename__ = "billing_exceptions"
    __table_args__ = (
        Index("ix_billing_exceptions_queue", "team_id", "status", "found_at", "id"),
        Index("ix_billing_exceptions_assignee", "assignee_id", "status", "found_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_line_id: Mapped[int] = mapped_column(ForeignKey("invoice_lines.id"), unique=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    advertiser_id: Mapped[int] = mapped_column(ForeignKey("advertisers.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    currency: Mapped[str] = mapped_column(String(3))
    billed: Mapped[int] = mapped_column(BigInteger)
    expected: Mapped[int | None] = mapped_column(BigInteger)  # None: it cannot be priced
    variance: Mapped[int | None] = mapped_column(BigInteger)  # billed - expected
    kind: Mapped[str] = mapped_column(String(20))  # workflows.assurance EXCEPTION_KINDS
    why: Mapped[str] = mapped_column(Text)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    contract_label: Mapped[str | None] = mapped_column(String(60))
    comparison: Mapped[dict] = mapped_column(JSON)  # as found, frozen at the last scan
    status: Mapped[str] = mapped_column(String(12), default="open")
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"), index=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id"), index=True)
    found_at: Mapped[datetime] = mapped_column(UtcDateTime)
    scanned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(default=1)

    line: Mapped[InvoiceLine] = relationship()
    invoice: Mapped[Invoice] = relationship()
    advertiser: Mapped[Advertiser] = relationship()
    team: Mapped[Team] = relationship()
    assignee: Mapped[User | None] = relationship()
    dispute: Mapped[Dispute | None] = relationship()
    problem: Mapped["Problem | None"] = relationship(back_populates="exceptions")

    @property
    def ref(self) -> str:
        return f"EXC-{self.id:06d}"


class ExceptionEvent(db.Model):
    """The audit trail of one exception: found, re-scanned, claimed, resolved, linked."""

    __tablename__ = "exception_events"
    __table_args__ = (UniqueConstraint("exception_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exception_id: Mapped[int] = mapped_column(ForeignKey("billing_exceptions.id"))
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: system
    type: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class Problem(db.Model):
    """A root cause behind many cases, owned by a team until its fix ships."""

    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    cause_code: Mapped[str] = mapped_column(String(40))  # workflows.codes ROOT_CAUSES
    owning_team: Mapped[str] = mapped_column(String(30))  # workflows.assurance OWNING_TEAMS
    status: Mapped[str] = mapped_column(String(20), default="open")
    fix: Mapped[str | None] = mapped_column(Text)
    fix_shipped_on: Mapped[date | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User] = relationship()
    exceptions: Mapped[list[BillingException]] = relationship(back_populates="problem")

    @property
    def ref(self) -> str:
        return f"PRB-{self.id:04d}"


class ProblemEvent(db.Model):
    """The audit trail of one problem: opened, changed, its fix shipped, cases linked."""

    __tablename__ = "problem_events"
    __table_args__ = (UniqueConstraint("problem_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"))
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    type: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


# Whether the scan found an exception on a line, read with the line itself: a filing on lines
# the scan passed asks nothing more of the exceptions table.
InvoiceLine.has_exception = column_property(
    exists()
    .where(BillingException.invoice_line_id == InvoiceLine.id)
    .correlate_except(BillingException)
)
