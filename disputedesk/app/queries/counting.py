"""How many rows a list matches, counted only as far as is cheap."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute

COUNT_CAP = 1000  # beyond this many matches a list says "more than 1,000" instead of counting


@dataclass(frozen=True)
class Count:
    """How many rows a list matches: exact up to the cap, else "more than" the cap."""

    n: int
    more: bool = False

    def __str__(self) -> str:
        return f"more than {self.n:,}" if self.more else f"{self.n:,}"


def capped_count(query: Select, cap: int = COUNT_CAP, *, key: ColumnElement = Dispute.id) -> Count:
    """Count the rows (disputes, unless `key` says otherwise) a query selects, stopping after
    `cap` (an index range, never a scan)."""
    ids = query.with_only_columns(key).order_by(None).limit(cap + 1).subquery()
    n = db.session.scalar(select(func.count()).select_from(ids)) or 0
    return Count(min(n, cap), n > cap)
