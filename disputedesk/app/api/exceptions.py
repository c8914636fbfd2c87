"""Billing exceptions in the JSON API: the queue, one exception with its trail, and working it."""

from datetime import datetime
from typing import Annotated, Any, Literal

from flask import Response, g
from pydantic import Field

from disputedesk.app.api.fields import Answer, Currency, Request, ShownAmount, one_of, text
from disputedesk.app.api.params import cursor_after, encode_cursor
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.api.schemas import Page
from disputedesk.app.models import BillingException
from disputedesk.app.queries.exceptions import (
    ASSIGNEE_FILTERS,
    ExceptionFilter,
    exception_page,
    exception_trail,
    load_exception,
)
from disputedesk.app.services.exceptions import (
    claim_exception,
    dispute_exception,
    request_rebill,
    resolve_billed_correctly,
)
from disputedesk.workflows.assurance import EXCEPTION_KINDS, STATUSES, exception_id
from disputedesk.workflows.money import format_amount

EXC_REF = {
    "ref": {
        "description": "the exception's reference, such as EXC-000123",
        "schema": {"type": "string", "maxLength": 20, "pattern": r"^[A-Za-z0-9-]+$"},
    }
}


class ExceptionQuery(Page):
    status: one_of(STATUSES) | Literal["any"] = "open"
    kind: one_of(EXCEPTION_KINDS) | None = None
    assignee: one_of(ASSIGNEE_FILTERS) = "anyone"


class ExceptionEventDoc(Answer):
    seq: int
    at: datetime
    actor: str | None
    type: str
    data: dict[str, Any]


class ExceptionDoc(Answer):
    ref: str
    status: one_of(STATUSES)
    kind: one_of(EXCEPTION_KINDS)
    advertiser_ref: str
    invoice_number: str
    line_no: int
    currency: Currency
    billed: ShownAmount
    expected: ShownAmount | None
    variance: Annotated[str | None, Field(description="billed less expected; below 0 under-billed")]
    why: str
    contract: str | None
    assignee: str | None
    resolution: str | None
    resolution_note: str | None
    dispute: str | None
    found_at: datetime
    scanned_at: datetime
    version: int


class ExceptionDetail(ExceptionDoc):
    comparison: dict[str, Any]
    events: list[ExceptionEventDoc]


class ExceptionList(Answer):
    items: list[ExceptionDoc]
    total: int
    next_cursor: str | None


class Resolution(Request):
    resolution: Literal["billed_correctly", "rebill_requested"]
    note: text() = ""  # why it was billed correctly (required), or what to rebill
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class Version(Request):
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class DisputeMade(Answer):
    exception: str
    dispute: str


def _doc(e: BillingException, cls: type = ExceptionDoc, **more: Any) -> Any:
    money = lambda v: None if v is None else format_amount(v)  # noqa: E731
    dispute = e.dispute
    return cls(
        ref=e.ref, status=e.status, kind=e.kind, advertiser_ref=e.advertiser.ref,
        invoice_number=e.invoice.number, line_no=e.line.line_no, currency=e.currency,
        billed=format_amount(e.billed), expected=money(e.expected), variance=money(e.variance),
        why=e.why, contract=e.contract_label,
        assignee=None if e.assignee is None else e.assignee.email, resolution=e.resolution,
        resolution_note=e.resolution_note, dispute=None if dispute is None else dispute.ref,
        found_at=e.found_at, scanned_at=e.scanned_at, version=e.version, **more,
    )  # fmt: skip


@operation(
    "GET", "/exceptions", scope="read", query=ExceptionQuery,
    summary="Billing exceptions the assurance scan found (your team's; finance sees all)",
    answers={200: ExceptionList}, refusals=(403,),
)  # fmt: skip
def list_exceptions(query: ExceptionQuery) -> Response:
    want = ExceptionFilter(None if query.status == "any" else query.status, query.kind,
                           query.assignee)  # fmt: skip
    rows, total = exception_page(g.user, want, cursor_after(query.cursor), query.limit + 1)
    page = rows[: query.limit]
    cursor = encode_cursor(page[-1].id) if len(rows) > query.limit else None
    return reply(ExceptionList(items=[_doc(e) for e in page], total=total, next_cursor=cursor))


def _detail(e: BillingException) -> ExceptionDetail:
    events = [
        ExceptionEventDoc(
            seq=x.seq,
            at=x.at,
            actor=None if x.actor is None else x.actor.email,
            type=x.type,
            data=x.data,
        )  # fmt: skip
        for x in exception_trail(e)
    ]
    return _doc(e, ExceptionDetail, comparison=e.comparison, events=events)


@operation(
    "GET", "/exceptions/<ref>", scope="read", path_params=EXC_REF,
    summary="One billing exception with its comparison and its audit trail",
    answers={200: ExceptionDetail}, refusals=(403, 404),
)  # fmt: skip
def read_exception(ref: str) -> Response:
    return reply(_detail(load_exception(ref, g.user)))


@operation(
    "POST", "/exceptions/<ref>/claim", scope="write", path_params=EXC_REF, body=Version,
    summary="Take an open exception of your team's queue", answers={200: ExceptionDetail},
    refusals=(403, 404, 409),
)  # fmt: skip
def claim_an_exception(ref: str, body: Version) -> Response:
    return reply(_detail(claim_exception(g.user, ref, body.version)))


@operation(
    "POST", "/exceptions/<ref>/resolution", scope="write", path_params=EXC_REF, body=Resolution,
    summary="Close an exception as billed correctly (a note saying why), or ask the billing "
    "system to rebill the line (a webhook through the outbox)",
    answers={200: ExceptionDetail}, refusals=(403, 404, 409, 422),
)  # fmt: skip
def resolve_an_exception(ref: str, body: Resolution) -> Response:
    use_case = (resolve_billed_correctly if body.resolution == "billed_correctly"
                else request_rebill)  # fmt: skip
    return reply(_detail(use_case(g.user, ref, body.note, body.version)))


@operation(
    "POST", "/exceptions/<ref>/dispute", scope="write", path_params=EXC_REF, body=Version,
    summary="Turn an over-billing exception into a dispute on its line (intake: assurance)",
    answers={201: DisputeMade}, refusals=(403, 404, 409),
)  # fmt: skip
def dispute_an_exception(ref: str, body: Version) -> Response:
    dispute = dispute_exception(g.user, ref, body.version)
    return reply(DisputeMade(exception=f"EXC-{exception_id(ref):06d}", dispute=dispute.ref), 201)
