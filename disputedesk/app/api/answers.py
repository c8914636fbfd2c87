"""What the API answers with: every response document, problems included."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field

from disputedesk.app.api.fields import (
    AdvertiserKind,
    AdvertiserTier,
    Answer,
    Badge,
    ClockName,
    Currency,
    EvidenceKind,
    GlReason,
    Id,
    IntakeChannel,
    LineKind,
    Outcome,
    Priority,
    ReasonCode,
    RootCause,
    Seconds,
    ShownAmount,
    ShownRate,
    State,
    Trigger,
    UnitKind,
    Visibility,
    one_of,
)
from disputedesk.workflows.approvals import MEMO_STATUSES
from disputedesk.workflows.sla import CLOCK_STATUSES

Cursor = Annotated[
    str | None, Field(description="pass as `cursor` for the next page; null at the end")
]


class Problem(Answer):
    """A problem document (RFC 9457); `errors` names bad fields, `guards` failed workflow guards."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: Annotated[int, Field(ge=400, le=599)]
    detail: str
    errors: dict[str, str] | None = None
    guards: list[str] | None = None
    rule: str | None = None
    dispute: str | None = Field(None, description="the open dispute a duplicate collides with")
    current_version: int | None = None


class AdvertiserBrief(Answer):
    ref: str
    name: str


class DisputeLine(Answer):
    invoice_number: str = Field(description="the line's invoice: a case may span several")
    line_no: int
    amount: ShownAmount


class SlaClock(Answer):
    """An SLA clock; business time follows the team's calendar."""

    name: ClockName
    status: one_of(CLOCK_STATUSES)
    badge: Badge
    started_at: datetime
    due_at: datetime
    paused_at: datetime | None
    paused_seconds: int = Field(description="business seconds paused")
    stopped_at: datetime | None
    warned_at: datetime | None
    breached_at: datetime | None
    business_seconds_remaining: Seconds = Field(
        description="negative once overdue; frozen while paused or stopped"
    )


class Dispute(Answer):
    ref: str = Field(examples=["DSP-000123"])
    state: State
    outcome: Outcome | None
    root_cause: RootCause | None
    advertiser: AdvertiserBrief
    invoice_number: str = Field(description="the case's own invoice")
    invoices: list[str] = Field(
        description="every invoice the case is over, its own first: the lines may be on "
        "several invoices of the advertiser"
    )
    reason_code: ReasonCode
    description: str
    disputed_amount: ShownAmount
    currency: Currency
    priority: Priority
    intake_channel: IntakeChannel
    assignee: str | None
    team: str
    filed_at: datetime
    resolved_at: datetime | None
    awaiting_info: bool
    lines: list[DisputeLine]
    sla: list[SlaClock]
    version: int = Field(description="send as If-Match to change the dispute only if unchanged")
    allowed_triggers: list[Trigger]


class DisputePage(Answer):
    items: list[Dispute]
    next_cursor: Cursor


class Event(Answer):
    seq: int
    at: datetime
    actor: str
    type: str
    trigger: str | None
    from_state: str | None
    to_state: str | None
    data: dict[str, Any]
    prev_hash: str | None
    hash: str


class EventList(Answer):
    items: list[Event]


class Comment(Answer):
    id: Id
    author: str
    visibility: Visibility
    body: str
    created_at: datetime


class CommentList(Answer):
    items: list[Comment]


class Advertiser(Answer):
    ref: str
    name: str
    kind: AdvertiserKind
    tier: AdvertiserTier
    sales_owner: str | None
    cs_owner: str | None


class AdvertiserPage(Answer):
    items: list[Advertiser]
    next_cursor: Cursor


class InvoiceLine(Answer):
    line_no: int
    product: str
    campaign_ref: str
    unit_kind: UnitKind
    billed_units: int
    billed_rate: ShownRate
    amount: ShownAmount
    kind: LineKind


class OpenDispute(Answer):
    ref: str
    state: State


class Invoice(Answer):
    number: str
    advertiser_ref: str
    currency: Currency
    period_start: date
    period_end: date
    total: ShownAmount
    lines: list[InvoiceLine]
    open_disputes: list[OpenDispute]


class Evidence(Answer):
    id: Id
    kind: EvidenceKind
    filename: str
    size: int
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    content_type: str
    note: str | None
    uploaded_by: str
    uploaded_at: datetime
    removed_at: datetime | None


class EvidenceList(Answer):
    items: list[Evidence]


class ApprovalRecord(Answer):
    approver: str
    decision: one_of(("approve", "reject"))
    comment: str | None
    rule: str | None
    at: datetime


Loose = dict[str, Any]  # a nested document of workflows/comparison numbers, as stored


class MemoLine(Answer):
    invoice_number: str
    line_no: int
    billed: ShownAmount
    expected: ShownAmount | None
    disputed: ShownAmount
    proposed: ShownAmount | None
    approved: ShownAmount


class ReversalDocument(Answer):
    number: str = Field(examples=["RV-2026-000001"])
    reverses: str | None
    memo_id: Id
    amount: ShownAmount  # negative: what the reversal takes back
    currency: Currency
    reason: str
    reversed_by: str
    reversed_at: datetime
    rule: str | None


class Memo(Answer):
    id: Id
    dispute: str
    status: one_of(MEMO_STATUSES)
    number: str | None
    amount: ShownAmount
    currency: Currency
    reporting_amount: ShownAmount
    fx_rate: str | None = Field(None, description="USD per unit frozen when it was prepared")
    fx_rate_on: date | None = Field(None, description="the day that rate took effect")
    split_total: ShownAmount | None
    gl_reason: GlReason
    rule: str
    preparer: str
    approvals: list[ApprovalRecord]
    missing: list[str]
    may_approve: list[str]
    issued_by: str | None
    issued_at: datetime | None
    lines: list[MemoLine] = []
    above_proposal: bool = False
    justification: str | None = None
    comparison: Annotated[Loose | None, Field(description="the numbers frozen at resolve")] = None
    changed_since: list[Loose] = []
    reversal: ReversalDocument | None = None
    rebill: bool = Field(False, description="credit and rebill: a corrected invoice is asked for")
    rebill_invoice: str | None = Field(None, description="the corrected invoice's number")
    rebilled_at: datetime | None = None
