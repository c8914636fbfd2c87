"""What the API accepts: request bodies and queries, with every constraint it enforces."""

from typing import Annotated

from pydantic import ConfigDict, Field

from disputedesk.app.api.fields import (
    Amount,
    Currency,
    Day,
    Email,
    EvidenceKind,
    GlReason,
    IntakeChannel,
    LineKind,
    LineNo,
    Note,
    Outcome,
    Rate,
    ReasonCode,
    Ref,
    Request,
    RootCause,
    SignedAmount,
    State,
    Trigger,
    UnitKind,
    Units,
    Visibility,
    line,
    one_of,
    query_int,
    text,
)
from disputedesk.workflows import edge

MAX_PAGE = 500  # the most items one page may hold
Cursor = Annotated[
    str, Field(min_length=1, max_length=edge.MAX_CURSOR, pattern=r"^[A-Za-z0-9_-]+$")
]


class Page(Request):
    """A page of a list: `limit` items after the position a `cursor` names."""

    model_config = ConfigDict(extra="forbid", strict=False)  # query strings are text

    limit: query_int(1, MAX_PAGE) = 50
    cursor: Cursor | None = None


class DisputeQuery(Page):
    state: State | None = None
    assignee: Email | None = Field(None, description="the assignee's email")
    advertiser: Ref | None = Field(None, description="the advertiser's ref")


class DisputedLine(Request):
    invoice_number: line(edge.MAX_INVOICE_NUMBER) | None = Field(
        None, description="another invoice of the advertiser, for a case over several; "
        "the dispute's own invoice when left out",
    )  # fmt: skip
    line_no: LineNo
    amount: Amount


class NewDispute(Request):
    invoice_number: line(edge.MAX_INVOICE_NUMBER)
    reason_code: ReasonCode
    description: text(edge.MAX_TEXT, min_length=1)
    disputed_amount: Amount
    currency: Currency
    intake_channel: IntakeChannel = "api"
    lines: Annotated[list[DisputedLine], Field(max_length=edge.MAX_LINES)] = []


class TriggerRequest(Request):
    trigger: Trigger
    note: Note | None = None
    reason: Note | None = None
    outcome: Outcome | None = None
    root_cause: RootCause | None = None
    credit_amount: Amount | None = None
    gl_reason: GlReason | None = None
    line_credits: (
        Annotated[list[DisputedLine], Field(min_length=1, max_length=edge.MAX_LINES)] | None
    ) = None
    justification: Note | None = None
    message_advertiser: bool | None = Field(
        None, description="with request_info, resolve or withdraw: e-mail the note to the "
        "advertiser's billing contacts",
    )  # fmt: skip
    rebill: bool | None = Field(
        None, description="credit and rebill: with a credited resolve, ask the billing system "
        "for a corrected invoice when the memo is issued",
    )  # fmt: skip


class ReversalRequest(Request):
    reason: Note


class Assignment(Request):
    assignee: Email


class NewComment(Request):
    body: text(edge.MAX_TEXT, min_length=1)
    visibility: Visibility | None = None


class Decision(Request):
    decision: one_of(("approve", "reject"))
    comment: Note | None = None


class NewInvoiceLine(Request):
    line_no: LineNo
    product: line(edge.MAX_PRODUCT)
    campaign_ref: line(edge.MAX_REFERENCE)
    unit_kind: UnitKind
    billed_units: Units
    billed_rate: Rate
    amount: SignedAmount
    kind: LineKind = "charge"


class NewInvoice(Request):
    number: line(edge.MAX_INVOICE_NUMBER)
    advertiser_ref: Ref
    currency: Currency
    period_start: Day
    period_end: Day
    lines: Annotated[list[NewInvoiceLine], Field(min_length=1, max_length=edge.MAX_LINES)]


class EvidenceForm(Request):
    """The multipart fields sent beside the file."""

    model_config = ConfigDict(extra="ignore")

    kind: EvidenceKind
    note: text(edge.MAX_TEXT) = ""
