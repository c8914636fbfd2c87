"""Billing contacts and inbound e-mail routes of the JSON API."""

from flask import Response, g, jsonify, request

from app.api.blueprint import bp
from app.api.requests import json_body
from app.extensions import db
from app.models import Advertiser
from app.queries.listing import visible_advertisers
from app.services.correspondence import contacts_of, find_advertiser, set_contacts
from app.services.inbound_mail import receive
from workflows.errors import InvalidInput, NotFound

RAW_TYPES = ("message/rfc822", "text/plain", "application/octet-stream")


def _contacts_document(advertiser: Advertiser) -> dict:
    return {
        "advertiser": advertiser.ref,
        "contacts": [{"name": c.name, "email": c.email} for c in contacts_of(advertiser.id)],
    }


@bp.get("/advertisers/<ref>/contacts")
def contacts_show(ref: str) -> Response:
    advertiser = db.session.scalar(visible_advertisers(g.user).where(Advertiser.ref == ref))
    if advertiser is None:
        raise NotFound(f"no advertiser {ref} that you can see")
    return jsonify(_contacts_document(advertiser))


@bp.put("/advertisers/<ref>/contacts")
def contacts_replace(ref: str) -> Response:
    body = json_body()
    set_contacts(g.user, ref, body.get("contacts"))
    return jsonify(_contacts_document(find_advertiser(ref)))


@bp.post("/inbound-email")
def inbound_email() -> Response:
    """A mail provider forwards one raw RFC 822 message; answer what became of it."""
    if request.mimetype not in RAW_TYPES:
        raise InvalidInput({"body": "send the raw message as Content-Type: message/rfc822"})
    record = receive(request.get_data(cache=False), g.user)
    response = jsonify(
        id=record.id, status=record.status, reason=record.reason or None,
        dispute=f"DSP-{record.dispute_id:06d}" if record.dispute_id else None,
        attachments=record.attachments,
    )  # fmt: skip
    response.status_code = 202 if record.status == "triage" else 201
    return response
