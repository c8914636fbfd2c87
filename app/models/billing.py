"""What the advertiser was billed, what they contracted, and what was delivered."""

from datetime import date

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.people import Team, User


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

    advertiser: Mapped[Advertiser] = relationship()
    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.line_no", cascade="all, delete-orphan"
    )

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


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
    billed_rate: Mapped[int] = mapped_column(BigInteger)  # minor units per unit (per mille for cpm)
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Contract(db.Model):
    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("advertiser_id", "reference", "product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advertiser_id: Mapped[int] = mapped_column(ForeignKey("advertisers.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40))  # insertion order
    product: Mapped[str] = mapped_column(String(40))
    rate: Mapped[int] = mapped_column(BigInteger)  # contracted minor units per unit
    discount_bp: Mapped[int] = mapped_column(default=0)  # basis points
    effective_from: Mapped[date]
    effective_to: Mapped[date]

    advertiser: Mapped[Advertiser] = relationship()


class DeliveryRecord(db.Model):
    __tablename__ = "delivery_records"
    __table_args__ = (UniqueConstraint("campaign_ref", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_ref: Mapped[str] = mapped_column(String(60))
    period_start: Mapped[date]
    period_end: Mapped[date]
    delivered_units: Mapped[int] = mapped_column(BigInteger)
    invalid_units: Mapped[int] = mapped_column(BigInteger, default=0)
