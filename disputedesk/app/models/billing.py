"""What the advertiser was billed, what they contracted, and what was delivered."""

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disputedesk.app.extensions import db
from disputedesk.app.models.people import Team, User
from disputedesk.app.models.types import UtcDateTime


class Advertiser(db.Model):
    __tablename__ = "advertisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    tier: Mapped[str] = mapped_column(String(20), default="standard")
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id"), index=True
    )  # who works its disputes
    sales_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    cs_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    team: Mapped[Team] = relationship()
    sales_owner: Mapped[User | None] = relationship(foreign_keys=[sales_owner_id])
    cs_owner: Mapped[User | None] = relationship(foreign_keys=[cs_owner_id])


class Invoice(db.Model):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    advertiser_id: Mapped[int] = mapped_column(ForeignKey("advertisers.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    period_start: Mapped[date]
    period_end: Mapped[date]
    scanned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # last assurance scan

    advertiser: Mapped[Advertiser] = relationship()
    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.line_no", cascade="all, delete-orphan"
    )

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


# Search by the start of an invoice number, whatever its case: PostgreSQL reads it as
# LIKE 'q%' (text_pattern_ops, whatever the collation), SQLite as a range of lower(number).
Index(
    "ix_invoices_number_lower",
    func.lower(Invoice.number).label("number_lower"),
    postgresql_ops={"number_lower": "text_pattern_ops"},
)
# The assurance scan walks invoices period by period (one advertiser's month shares its caps).
Index("ix_invoices_period", Invoice.advertiser_id, Invoice.period_start, Invoice.period_end,
      Invoice.id)  # fmt: skip


class InvoiceLine(db.Model):
    __tablename__ = "invoice_lines"
    __table_args__ = (UniqueConstraint("invoice_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    line_no: Mapped[int]
    product: Mapped[str] = mapped_column(String(40))
    campaign_ref: Mapped[str] = mapped_column(String(60), index=True)
    unit_kind: Mapped[str] = mapped_column(String(10))
    billed_units: Mapped[int] = mapped_column(BigInteger)
    billed_rate_micros: Mapped[int] = mapped_column(BigInteger)  # per unit (per mille for cpm)
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units; 0 make-good, < 0 adjustment
    kind: Mapped[str] = mapped_column(String(12), default="charge")  # workflows.codes LINE_KINDS

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Contract(db.Model):
    __tablename__ = "contracts"
    # One row is one product line of one version of an insertion order.
    __table_args__ = (
        UniqueConstraint(
            "advertiser_id",
            "reference",
            "version",
            "product",
            "campaign_ref",
            name="uq_contracts_line_version",
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    advertiser_id: Mapped[int] = mapped_column(ForeignKey("advertisers.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40))  # insertion order
    product: Mapped[str] = mapped_column(String(40))
    rate_micros: Mapped[int] = mapped_column(BigInteger)  # per unit (per mille for cpm)
    discount_bp: Mapped[int] = mapped_column(default=0)  # basis points
    effective_from: Mapped[date]
    effective_to: Mapped[date]
    version: Mapped[int] = mapped_column(default=1)  # an amendment is a higher version
    campaign_ref: Mapped[str] = mapped_column(String(60), default="")  # "" = every campaign
    unit_kind: Mapped[str | None] = mapped_column(String(10))  # None = as billed
    cap_units: Mapped[int | None] = mapped_column(BigInteger)  # per billing period
    cap_amount: Mapped[int | None] = mapped_column(BigInteger)  # minor units per billing period
    makegood_units: Mapped[int] = mapped_column(BigInteger, default=0)  # owed free per period
    tolerance_bp: Mapped[int] = mapped_column(default=0)  # variance accepted without credit
    delivery_source: Mapped[str] = mapped_column(String(12), default="first_party")
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")

    advertiser: Mapped[Advertiser] = relationship()


class DeliveryRecord(db.Model):
    __tablename__ = "delivery_records"
    __table_args__ = (
        UniqueConstraint(
            "campaign_ref", "source", "period_start", "period_end", name="uq_delivery_records_row"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_ref: Mapped[str] = mapped_column(String(60))
    period_start: Mapped[date]
    period_end: Mapped[date]
    delivered_units: Mapped[int] = mapped_column(BigInteger)
    invalid_units: Mapped[int] = mapped_column(BigInteger, default=0)
    source: Mapped[str] = mapped_column(String(12), default="first_party")
    external_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
