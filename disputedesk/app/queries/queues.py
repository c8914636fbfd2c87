"""The work queues: my open cases, the team's open cases, and each analyst's workload."""

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    exists,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import joinedload, selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, Dispute, InvoiceLine, User
from disputedesk.app.models.disputes import CLOSED_BAND, format_ref
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.clocks import nearest_due
from disputedesk.app.queries.counting import COUNT_CAP, Count, capped_count
from disputedesk.app.queries.search import search_clause
from disputedesk.workflows import edge
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.errors import InvalidInput, NotPermitted
from disputedesk.workflows.permissions import roles_with
from disputedesk.workflows.sla import ClockView

PAGE_SIZE = 50
WORKERS = roles_with("work_cases")  # whose load the team queue shows, whom a case can go to


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    priority: str = ""
    q: str = ""
    assignee: str = ""  # a user id, or "none" for unassigned
    reason: str = ""
    advertiser: str = ""
    product: str = ""
    sort: str = ""  # "" (priority, then SLA due, then age), "due" (SLA due first), "age"

    def args(self) -> dict[str, str]:
        """Return the filters that are set, for links that keep them."""
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class QueuePage:
    rows: Sequence[Dispute]
    next_after: str | None
    due: dict[int, ClockView | None] = field(default_factory=dict)  # each row's nearest clock
    count: Count = Count(0)


def filtered(query: Select, filters: QueueFilters) -> Select:
    """Apply the queue filters a person chose."""
    if filters.state:
        query = query.where(Dispute.state == filters.state)
    if filters.priority:
        query = query.where(Dispute.priority == filters.priority)
    if filters.reason:
        query = query.where(Dispute.reason_code == filters.reason)
    if filters.assignee == "none":
        query = query.where(Dispute.assignee_id.is_(None))
    elif (assignee_id := edge.as_int(filters.assignee, 1, edge.MAX_ID)) is not None:
        query = query.where(Dispute.assignee_id == assignee_id)
    if filters.advertiser:
        query = query.where(
            Dispute.advertiser_id.in_(
                select(Advertiser.id).where(
                    or_(Advertiser.ref == filters.advertiser,
                        Advertiser.name.ilike(f"%{filters.advertiser}%"))
                )
            )
        )  # fmt: skip
    if filters.product:
        query = query.where(
            exists().where(
                InvoiceLine.invoice_id == Dispute.invoice_id,
                InvoiceLine.product == filters.product,
            )
        )
    if filters.q.strip():
        query = query.where(search_clause(filters.q))
    return query


# Sort keys, most urgent first; each list matches an index on disputes (see the model):
# by default priority, then the SLA clock due soonest, then age; or the SLA due first.
# By age an analyst's own open cases (a few hundred at most) are sorted as read.
SORTS = {"": "priority, then SLA due, then age", "due": "SLA due, then priority, then age",
         "age": "age, oldest first"}  # fmt: skip


def _my_keys(sort: str) -> list[ColumnElement]:
    if sort == "age":
        return [Dispute.filed_at, Dispute.id]
    if sort == "due":
        return [Dispute.next_due_at, Dispute.priority, Dispute.filed_at, Dispute.id]
    return [Dispute.priority, Dispute.next_due_at, Dispute.filed_at, Dispute.id]


def _team_keys(sort: str) -> list[ColumnElement]:
    return [Dispute.queue_band, *_my_keys(sort)]  # unassigned, then escalated, then the rest


def _page(query: Select, keys: list[ColumnElement], after: str | None) -> QueuePage:
    count = capped_count(query)
    # Related rows load in their own queries, after the page is cut: joined into the page
    # query they can lead the planner to join every remaining row before the LIMIT.
    query = query.options(
        selectinload(Dispute.advertiser),
        selectinload(Dispute.invoice),
        selectinload(Dispute.assignee),
        joinedload(Dispute.team),  # its calendar, for the SLA badge: a handful of rows by key
        selectinload(Dispute.sla_clocks),
        selectinload(Dispute.credit_memos),  # a memo rejected back: "returned from approval"
    )
    if after:
        query = query.where(tuple_(*keys) > tuple_(*_decode(after, keys)))
    rows = db.session.execute(query.add_columns(*keys).order_by(*keys).limit(PAGE_SIZE + 1)).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    disputes, now = [row[0] for row in rows], utcnow()
    return QueuePage(
        rows=disputes,
        next_after=_encode(rows[-1][1:]) if more else None,
        due={d.id: nearest_due(d, now) for d in disputes},
        count=count,
    )


def _encode(values: tuple) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode()


def _decode(token: str, keys: list[ColumnElement]) -> list:
    """Read back a page token, checking each value against the type of its sort key."""
    try:
        if len(token) > edge.MAX_CURSOR:
            raise ValueError("a token longer than any this queue gives out")
        values = json.loads(base64.urlsafe_b64decode(token.encode()))
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("a token of another shape")
        decoded = []
        for value, key in zip(values, keys, strict=True):
            kind = key.type.python_type
            if kind is datetime and isinstance(value, str):
                value = datetime.fromisoformat(value)
            if type(value) is not kind:
                raise ValueError("a token holding the wrong kind of value")
            if kind is int and not edge.BIGINT_MIN <= value <= edge.BIGINT_MAX:
                raise ValueError("a token holding a number no column holds")
            if kind is str and edge.text_problem(value, edge.MAX_SEARCH, single_line=True):
                raise ValueError("a token holding text no column holds")
            decoded.append(value)
        return decoded
    except (ValueError, TypeError, NotImplementedError):
        raise InvalidInput({"after": "not a page this queue gave out"}) from None


def my_queue(user: User, filters: QueueFilters, after: str | None = None) -> QueuePage:
    """Return a page of the user's open cases, most urgent first."""
    if not user.can("work_cases"):
        raise NotPermitted("queues belong to analysts and leads")
    query = select(Dispute).where(Dispute.assignee_id == user.id, Dispute.queue_band < CLOSED_BAND)
    return _page(filtered(query, filters), _my_keys(filters.sort), after)


def team_queue(user: User, filters: QueueFilters, after: str | None = None) -> QueuePage:
    """Return a page of the lead's team's open cases, unassigned and escalated first."""
    if not user.can("lead_team"):
        raise NotPermitted("the team queue belongs to leads")
    query = select(Dispute).where(Dispute.team_id == user.team_id, Dispute.queue_band < CLOSED_BAND)
    return _page(filtered(query, filters), _team_keys(filters.sort), after)


def team_queue_refs(user: User, filters: QueueFilters, cap: int = COUNT_CAP) -> list[str]:
    """Return the references of every team case the filters select (at most `cap`)."""
    if not user.can("lead_team"):
        raise NotPermitted("the team queue belongs to leads")
    query = select(Dispute.id).where(
        Dispute.team_id == user.team_id, Dispute.queue_band < CLOSED_BAND
    )
    ids = db.session.scalars(filtered(query, filters).order_by(Dispute.id).limit(cap)).all()
    return [format_ref(i) for i in ids]


@dataclass(frozen=True)
class Workload:
    user: User
    open_cases: int
    escalated: int
    oldest_filed_at: datetime | None


def team_workload(user: User) -> list[Workload]:
    """Count each team member's open and escalated cases and their oldest, in one query.

    Each figure is a subquery per member over their open cases (an index range on assignee
    and state): as a join and GROUP BY the planner reads every dispute, closed ones included.
    """
    open_cases = (Dispute.assignee_id == User.id, Dispute.state.in_(OPEN_STATES))
    count = select(func.count()).where(*open_cases).scalar_subquery()
    escalated = (
        select(func.count())
        .where(Dispute.assignee_id == User.id, Dispute.state == "escalated")
        .scalar_subquery()
    )
    oldest = select(func.min(Dispute.filed_at)).where(*open_cases).scalar_subquery()
    rows = db.session.execute(
        select(User, count, escalated, oldest)
        .where(User.team_id == user.team_id, User.role.in_(WORKERS), User.active.is_(True))
        .order_by(count.desc(), User.email)
    ).all()
    return [Workload(*row) for row in rows]


def team_members(user: User) -> Sequence[User]:
    """Return the active analysts and leads of the user's team."""
    return db.session.scalars(
        select(User)
        .where(
            User.team_id == user.team_id,
            User.role.in_(WORKERS),
            User.active.is_(True),
        )
        .order_by(User.email)
    ).all()
