"""Dispute routes of the JSON API."""

from flask import Response, g, url_for

from disputedesk.app.api import answers
from disputedesk.app.api.documents import comment_document, dispute_document, event_document
from disputedesk.app.api.params import (
    REF,
    cursor_after,
    encode_cursor,
    idempotency_key,
    if_match_version,
    none_match,
)
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.api.schemas import (
    Assignment,
    DisputeQuery,
    NewComment,
    NewDispute,
    TriggerRequest,
)
from disputedesk.app.models import Dispute
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.listing import (
    DisputeFilters,
    dispute_comments,
    dispute_events,
    list_disputes,
    load_dispute,
)
from disputedesk.app.services.assignment import assign, claim_next
from disputedesk.app.services.comments import add_comment
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.app.services.write_path import keeping_loaded

CHANGE = (403, 404, 409, 412, 422)  # refusals of a change to one dispute


def _answer(ref: str, status: int = 200) -> Response:
    return _document(load_dispute(ref, g.user), status)


def _document(dispute: Dispute, status: int = 200) -> Response:
    document = dispute_document(dispute, g.user, utcnow())
    return reply(document, status, ETag=f'"{dispute.version}"')


@operation(
    "GET", "/disputes", summary="List disputes you may see, newest first", scope="read",
    query=DisputeQuery, answers={200: answers.DisputePage},
)  # fmt: skip
def disputes_index(query: DisputeQuery) -> Response:
    filters = DisputeFilters(
        state=query.state, assignee_email=query.assignee, advertiser_ref=query.advertiser
    )
    found = list_disputes(g.user, filters, cursor_after(query.cursor), query.limit + 1)
    page, now = found[: query.limit], utcnow()
    more = len(found) > query.limit
    return reply(
        answers.DisputePage(
            items=[dispute_document(d, g.user, now) for d in page],
            next_cursor=encode_cursor(page[-1].id) if more else None,
        )
    )


@operation(
    "POST", "/disputes", summary="File a dispute", scope="write", body=NewDispute,
    headers=("Idempotency-Key",), answers={201: answers.Dispute}, refusals=(403, 409),
)  # fmt: skip
def disputes_create(body: NewDispute) -> Response:
    filing = Filing(
        invoice_number=body.invoice_number,
        reason_code=body.reason_code,
        description=body.description,
        disputed_amount=body.disputed_amount,
        currency=body.currency,
        lines=tuple(
            (x.line_no, x.amount)
            for x in body.lines
            if x.invoice_number in (None, body.invoice_number)
        ),
        other_lines=tuple(
            (x.invoice_number, x.line_no, x.amount)
            for x in body.lines
            if x.invoice_number not in (None, body.invoice_number)
        ),
        intake_channel=body.intake_channel,
    )
    with keeping_loaded():
        dispute = file_dispute(g.user, filing, idempotency_key())
        response = _document(dispute, 201)
    response.headers["Location"] = url_for("api.disputes_show", ref=dispute.ref)
    return response


@operation(
    "GET", "/disputes/<ref>", summary="Read a dispute; its ETag is its version", scope="read",
    path_params=REF, headers=("If-None-Match",), answers={200: answers.Dispute, 304: None},
    refusals=(404,),
)  # fmt: skip
def disputes_show(ref: str) -> Response:
    dispute = load_dispute(ref, g.user)
    if none_match(dispute.version):  # the caller's copy is current: nothing to send
        return Response(status=304, headers={"ETag": f'"{dispute.version}"'})
    return _document(dispute)


@operation(
    "POST", "/disputes/<ref>/events", summary="Fire a workflow trigger", scope="write",
    path_params=REF, body=TriggerRequest, headers=("If-Match",),
    answers={200: answers.Dispute}, refusals=CHANGE,
)  # fmt: skip
def disputes_fire(ref: str, body: TriggerRequest) -> Response:
    data = body.model_dump(exclude={"trigger", "message_advertiser"}, exclude_none=True)
    if body.message_advertiser:  # the trigger takes the web form's yes
        data["message_advertiser"] = "1"
    with keeping_loaded():
        dispute = fire_trigger(ref, g.user, body.trigger, data, expected_version=if_match_version())
        return _document(dispute)


@operation(
    "GET", "/disputes/<ref>/events", summary="Read the audit trail", scope="read",
    path_params=REF, answers={200: answers.EventList}, refusals=(404,),
)  # fmt: skip
def disputes_events(ref: str) -> Response:
    dispute = load_dispute(ref, g.user)
    items = [event_document(e) for e in dispute_events(dispute, g.user)]
    return reply(answers.EventList(items=items))


@operation(
    "POST", "/disputes/<ref>/assign", summary="Assign or reassign (the team's lead)",
    scope="write", path_params=REF, body=Assignment, headers=("If-Match",),
    answers={200: answers.Dispute}, refusals=CHANGE,
)  # fmt: skip
def disputes_assign(ref: str, body: Assignment) -> Response:
    with keeping_loaded():
        dispute = assign(ref, g.user, body.assignee.strip(), expected_version=if_match_version())
        return _document(dispute)


@operation(
    "POST", "/disputes/claim-next", scope="write",
    summary="Claim the most urgent unassigned case of your team; 204 when there is none",
    answers={200: answers.Dispute, 204: None}, refusals=(403,),
)  # fmt: skip
def disputes_claim_next() -> Response:
    with keeping_loaded():
        dispute = claim_next(g.user)
        return _document(dispute) if dispute else Response(status=204)


@operation(
    "GET", "/disputes/<ref>/comments", summary="Read the comments you may see", scope="read",
    path_params=REF, answers={200: answers.CommentList}, refusals=(404,),
)  # fmt: skip
def disputes_comments(ref: str) -> Response:
    dispute = load_dispute(ref, g.user)
    items = [comment_document(c) for c in dispute_comments(dispute, g.user)]
    return reply(answers.CommentList(items=items))


@operation(
    "POST", "/disputes/<ref>/comments", summary="Comment", scope="write", path_params=REF,
    body=NewComment, answers={201: answers.Comment}, refusals=(403, 404, 409),
)  # fmt: skip
def disputes_comment(ref: str, body: NewComment) -> Response:
    comment = add_comment(ref, g.user, body.body, body.visibility)
    return reply(comment_document(comment), 201)
