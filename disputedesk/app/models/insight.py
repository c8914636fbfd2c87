"""Pre-aggregated facts for the dashboard and the close, and the sealed months."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from disputedesk.app.extensions import db
from disputedesk.app.models.types import UtcDateTime

FACT_KEY = (
    "kind", "day", "team_id", "reason_code", "product", "currency", "tier", "root_cause",
    "label", "bucket",
)  # fmt: skip


class FactColumns:
    """The key and the sums a daily fact and a rollup share."""

    kind: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)  # a books' day
    team_id: Mapped[int]
    reason_code: Mapped[str] = mapped_column(String(40))
    product: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    tier: Mapped[str] = mapped_column(String(20))
    root_cause: Mapped[str] = mapped_column(String(40), default="")
    label: Mapped[str] = mapped_column(String(40), default="")  # GL reason, SLA clock
    bucket: Mapped[int] = mapped_column(BigInteger, default=0)  # days, or an advertiser id
    n: Mapped[int] = mapped_column(BigInteger, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)  # minor units of `currency`
    reporting_amount: Mapped[int] = mapped_column(BigInteger, default=0)


class DisputeFact(FactColumns, db.Model):
    """One day's sum of the disputes' contributions for one combination of dimensions."""

    __tablename__ = "dispute_facts"
    __table_args__ = (Index("ux_dispute_facts_key", *FACT_KEY, unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)


ROLLUP_KEY = ("cuboid", *FACT_KEY)
# The index puts the kept dimension and the team before the day: a filter on them is then a
# range of the index, not a filter over every other team's rows of the period.
ROLLUP_INDEX = ("cuboid", "kind", "reason_code", "product", "currency", "tier", "team_id", "day",
                "root_cause", "label", "bucket")  # fmt: skip


class FactRollup(FactColumns, db.Model):
    """The facts by week (open and awaiting-credit by day), summed over what a cuboid drops.

    `day` is the Monday of the week, or the day for the kinds read by age; `cuboid` names what
    is kept (the team, one of reason, product, currency and tier, or reason and product; ""
    for none), and what is dropped reads "" (the team, 0). Written with the daily facts in the
    same transaction; see workflows/insight.py.
    """

    __tablename__ = "dispute_fact_rollups"
    __table_args__ = (
        # PostgreSQL answers the widgets from the index alone (an index-only scan).
        Index(
            "ux_dispute_fact_rollups_key", *ROLLUP_INDEX, unique=True,
            postgresql_include=["n", "amount", "reporting_amount"],
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    cuboid: Mapped[str] = mapped_column(String(40))


class DisputeFactState(db.Model):
    """What a dispute last contributed to the facts, so a change adds only the difference."""

    __tablename__ = "dispute_fact_states"

    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), primary_key=True)
    product: Mapped[str] = mapped_column(String(40), index=True)  # of its largest line
    contributions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # What the dispute last posted to the close's ledger (workflows/ledger.Posted), or None.
    ledger: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), default=None)


class CloseMovement(db.Model):
    """One dated movement of a dispute's open amount: the close's ledger, only ever appended."""

    __tablename__ = "close_movements"
    __table_args__ = (
        Index("ix_close_movements_day", "day", "kind", "currency",
              postgresql_include=["amount", "reporting_amount"]),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # workflows/ledger.KINDS
    day: Mapped[date] = mapped_column(Date)  # the books' day it counts in
    at: Mapped[datetime] = mapped_column(UtcDateTime)  # when it happened
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units; `adjusted` carries a sign
    reporting_amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200), default="")


class SealedMonth(db.Model):
    """A closed month: its roll-forward, credits export and audit-chain heads under one hash."""

    __tablename__ = "sealed_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    sealed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sealed_by: Mapped[str] = mapped_column(String(254))
    digest: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
