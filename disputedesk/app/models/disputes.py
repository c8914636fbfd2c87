"""Disputes, the invoice lines they contest, comments, and the append-only audit trail."""

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from disputedesk.app.extensions import db
from disputedesk.app.models.billing import Advertiser, Invoice, InvoiceLine
from disputedesk.app.models.people import Team, User
from disputedesk.app.models.types import UtcDateTime, as_id, utcnow
from disputedesk.workflows import waits
from disputedesk.workflows.dispute import OPEN_STATES, Facts
from disputedesk.workflows.sla import TICKING

if TYPE_CHECKING:
    from disputedesk.app.models.credits import CreditMemo
    from disputedesk.app.models.evidence import Evidence
    from disputedesk.app.models.sla import SlaClock

REF_PREFIX = "DSP-"
NO_CLOCK = datetime(9999, 12, 31, tzinfo=UTC)  # next_due_at of a case with no clock counting
CLOSED_BAND = 9


def queue_band(state: str, assignee_id: int | None) -> int:
    """Order the team queue: unassigned first, then escalated, then the rest; closed last."""
    if state not in OPEN_STATES:
        return CLOSED_BAND
    if assignee_id is None:
        return 0
    return 1 if state == "escalated" else 2


def format_ref(dispute_id: int) -> str:
    """Render a dispute id as its public reference (DSP-000123)."""
    return f"{REF_PREFIX}{dispute_id:06d}"


def parse_ref(ref: str) -> int | None:
    """Return the dispute id a reference names, or None when it names none."""
    return as_id(ref.upper().removeprefix(REF_PREFIX))


class Dispute(db.Model):
    __tablename__ = "disputes"
    __table_args__ = (
        Index("ix_disputes_team_state_assignee", "team_id", "state", "assignee_id"),
        # Also the team's workload: each member's open cases counted and their oldest found
        # from the index alone.
        Index("ix_disputes_assignee_state_filed", "assignee_id", "state", "filed_at"),
        Index("ix_disputes_my_queue", "assignee_id", "next_due_at", "priority", "filed_at", "id"),
        Index(
            "ix_disputes_my_queue_priority",
            "assignee_id",
            "priority",
            "next_due_at",
            "filed_at",
            "id",
        ),  # noqa: E501
        Index(
            "ix_disputes_team_queue_priority",
            "team_id",
            "queue_band",
            "priority",
            "next_due_at",
            "filed_at",
            "id",
        ),  # noqa: E501
        Index(
            "ix_disputes_team_queue",
            "team_id",
            "queue_band",
            "next_due_at",
            "priority",
            "filed_at",
            "id",
        ),
        Index("ix_disputes_team_queue_age", "team_id", "queue_band", "filed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    advertiser_id: Mapped[int] = mapped_column(ForeignKey("advertisers.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    reason_code: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    disputed_amount: Mapped[int] = mapped_column(BigInteger)  # minor units
    currency: Mapped[str] = mapped_column(String(3))
    # The disputed amount in the reporting currency at the rate frozen at filing (fx_rates).
    reporting_amount: Mapped[int | None] = mapped_column(BigInteger)
    fx_rate: Mapped[int | None] = mapped_column(BigInteger)  # micros of USD per unit
    fx_rate_on: Mapped[date | None] = mapped_column(Date)  # the day that rate took effect
    priority: Mapped[str] = mapped_column(String(2))
    intake_channel: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20), default="filed")
    outcome: Mapped[str | None] = mapped_column(String(20))
    root_cause: Mapped[str | None] = mapped_column(String(40))
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    awaiting_info_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # The queues' sort keys, kept by the write path so a page is an index range scan.
    queue_band: Mapped[int] = mapped_column(default=0)
    next_due_at: Mapped[datetime] = mapped_column(UtcDateTime, default=lambda: NO_CLOCK)

    __mapper_args__ = {"version_id_col": version}

    advertiser: Mapped[Advertiser] = relationship()
    invoice: Mapped[Invoice] = relationship()
    team: Mapped[Team] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    filed_by: Mapped[User | None] = relationship(foreign_keys=[filed_by_id])
    lines: Mapped[list["DisputedLine"]] = relationship(
        back_populates="dispute", cascade="all, delete-orphan"
    )
    sla_clocks: Mapped[list["SlaClock"]] = relationship(order_by="SlaClock.id")
    evidence: Mapped[list["Evidence"]] = relationship(  # what is on the case now
        primaryjoin="and_(Evidence.dispute_id == Dispute.id, Evidence.removed_at.is_(None))",
        order_by="Evidence.id",
        viewonly=True,
    )
    credit_memos: Mapped[list["CreditMemo"]] = relationship(order_by="CreditMemo.id")

    @property
    def ref(self) -> str:
        return format_ref(self.id)

    @property
    def expected_resolution(self) -> datetime | None:
        """When the case is due to be decided (its resolution clock), or when it was."""
        if self.resolved_at:
            return self.resolved_at
        clock = next(
            (c for c in self.sla_clocks if c.name == "resolution" and not c.stopped_at), None
        )
        return clock.due_at if clock else None

    def refresh_queue_keys(self) -> None:
        """Recompute the queue sort keys from the state, the assignee and the clocks."""
        self.queue_band = queue_band(self.state, self.assignee_id)
        ticking = (c.due_at for c in self.sla_clocks if c.status in TICKING and not c.stopped_at)
        self.next_due_at = min(ticking, default=NO_CLOCK)

    @staticmethod
    def facts_loaders() -> tuple[ORMOption, ...]:
        """The loader options for what `facts()` reads, for a batch that fires triggers."""
        return selectinload(Dispute.evidence), selectinload(Dispute.credit_memos)

    @property
    def invoices(self) -> list[Invoice]:
        """The invoices the case is over: its own, then any other its lines are on."""
        others = {dl.invoice_line.invoice for dl in self.lines} - {self.invoice}
        return [self.invoice, *sorted(others, key=lambda invoice: invoice.number)]

    @property
    def invoice_numbers(self) -> str:
        return ", ".join(invoice.number for invoice in self.invoices)

    @property
    def returned_from_approval(self) -> bool:
        """Back under investigation because its last credit memo was rejected (a badge)."""
        last = self.credit_memos[-1].status if self.credit_memos else None
        return waits.returned_from_approval(self.state, last)

    def facts(self) -> Facts:
        """Return what the workflow needs to know about this dispute."""
        memo = self.credit_memos[-1] if self.credit_memos else None
        return Facts(
            state=self.state,
            team_id=self.team_id,
            assignee_id=self.assignee_id,
            outcome=self.outcome,
            resolved_at=self.resolved_at,
            awaiting_info=self.awaiting_info_since is not None,
            reason_code=self.reason_code,
            evidence_kinds=tuple(e.kind for e in self.evidence),
            disputed_amount=self.disputed_amount,
            memo_status=memo.status if memo else None,
        )


class DisputedLine(db.Model):
    __tablename__ = "disputed_lines"
    __table_args__ = (UniqueConstraint("dispute_id", "invoice_line_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"))
    invoice_line_id: Mapped[int] = mapped_column(ForeignKey("invoice_lines.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)

    dispute: Mapped[Dispute] = relationship(back_populates="lines")
    invoice_line: Mapped[InvoiceLine] = relationship()


class Comment(db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    author: Mapped[User] = relationship()


class Watch(db.Model):
    """A user following a case (Sales and Client Services watch their accounts' disputes)."""

    __tablename__ = "watches"
    __table_args__ = (UniqueConstraint("dispute_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Event(db.Model):
    """One entry of a dispute's hash-chained audit trail; rows are only ever appended."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("dispute_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"))
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(254))  # email, or "system"
    type: Mapped[str] = mapped_column(String(40))
    trigger: Mapped[str | None] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    written_type: Mapped[str | None] = mapped_column(String(40))  # see TYPE_CORRECTIONS


class IdempotencyKey(db.Model):
    """Remembers which dispute a client's Idempotency-Key created, and for which body."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
