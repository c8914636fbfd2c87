"""Dispute routes of the JSON API."""

from flask import Response, g, jsonify, request, url_for

from app.api.blueprint import bp
from app.api.documents import comment_document, dispute_document, event_document
from app.api.requests import cursor_arg, encode_cursor, if_match_version, json_body, limit_arg
from app.models.types import utcnow
from app.queries.listing import (
    DisputeFilters,
    dispute_comments,
    dispute_events,
    list_disputes,
    load_dispute,
)
from app.services.assignment import assign, claim_next
from app.services.comments import add_comment
from app.services.filing import Filing, file_dispute
from app.services.triggers import fire_trigger
from workflows.errors import InvalidInput


def _answer(ref: str, status: int = 200) -> Response:
    dispute = load_dispute(ref, g.user)
    response = jsonify(dispute_document(dispute, g.user, utcnow()))
    response.status_code = status
    response.headers["ETag"] = f'"{dispute.version}"'
    return response


@bp.get("/disputes")
def disputes_index() -> Response:
    limit = limit_arg()
    filters = DisputeFilters(
        state=request.args.get("state"),
        assignee_email=request.args.get("assignee"),
        advertiser_ref=request.args.get("advertiser"),
    )
    found = list_disputes(g.user, filters, cursor_arg(), limit + 1)
    page, now = found[:limit], utcnow()
    return jsonify(
        items=[dispute_document(d, g.user, now) for d in page],
        next_cursor=encode_cursor(page[-1].id) if len(found) > limit else None,
    )


@bp.post("/disputes")
def disputes_create() -> Response:
    body = json_body()
    lines = body.get("lines") or []
    if not isinstance(lines, list) or not all(
        isinstance(x, dict) and type(x.get("line_no")) is int for x in lines
    ):
        raise InvalidInput({"lines": 'a list of {"line_no": 1, "amount": "10.00"}'})
    filing = Filing(
        invoice_number=str(body.get("invoice_number") or ""),
        reason_code=str(body.get("reason_code") or ""),
        description=str(body.get("description") or ""),
        disputed_amount=body.get("disputed_amount"),
        currency=str(body.get("currency") or ""),
        lines=tuple((x["line_no"], x.get("amount")) for x in lines),
        intake_channel=str(body.get("intake_channel") or "api"),
    )
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key.strip()) <= 200:
        raise InvalidInput({"Idempotency-Key": "from 1 to 200 characters"})
    dispute = file_dispute(g.user, filing, key.strip() if key else None)
    response = _answer(dispute.ref, 201)
    response.headers["Location"] = url_for("api.disputes_show", ref=dispute.ref)
    return response


@bp.get("/disputes/<ref>")
def disputes_show(ref: str) -> Response:
    return _answer(ref)


@bp.post("/disputes/<ref>/events")
def disputes_fire(ref: str) -> Response:
    body = json_body()
    trigger = body.get("trigger")
    if not isinstance(trigger, str) or not trigger:
        raise InvalidInput({"trigger": "name the trigger to fire"})
    fire_trigger(ref, g.user, trigger, body, expected_version=if_match_version())
    return _answer(ref)


@bp.get("/disputes/<ref>/events")
def disputes_events(ref: str) -> Response:
    dispute = load_dispute(ref, g.user)
    return jsonify(items=[event_document(e) for e in dispute_events(dispute, g.user)])


@bp.post("/disputes/<ref>/assign")
def disputes_assign(ref: str) -> Response:
    assignee = json_body().get("assignee")
    if not isinstance(assignee, str) or not assignee.strip():
        raise InvalidInput({"assignee": "give the assignee's email"})
    assign(ref, g.user, assignee.strip(), expected_version=if_match_version())
    return _answer(ref)


@bp.post("/disputes/claim-next")
def disputes_claim_next() -> Response:
    dispute = claim_next(g.user)
    return _answer(dispute.ref) if dispute else Response(status=204)


@bp.get("/disputes/<ref>/comments")
def disputes_comments(ref: str) -> Response:
    dispute = load_dispute(ref, g.user)
    return jsonify(items=[comment_document(c) for c in dispute_comments(dispute, g.user)])


@bp.post("/disputes/<ref>/comments")
def disputes_comment(ref: str) -> Response:
    body = json_body()
    comment = add_comment(ref, g.user, body.get("body"), body.get("visibility"))
    response = jsonify(comment_document(comment))
    response.status_code = 201
    return response
