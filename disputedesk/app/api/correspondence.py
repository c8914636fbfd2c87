"""Billing contacts and inbound e-mail routes of the JSON API."""

from typing import Any

from flask import Response, g, request

from disputedesk.app.api.fields import Answer, Email, Request, line
from disputedesk.app.api.params import REF
from disputedesk.app.api.problems import UnsupportedMediaType
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser
from disputedesk.app.queries.listing import visible_advertisers
from disputedesk.app.services.correspondence import contacts_of, find_advertiser, set_contacts
from disputedesk.app.services.inbound_mail import receive
from disputedesk.workflows.errors import NotFound

# The contract declares message/rfc822 alone (a generated client cannot yet send a required body
# of two media types: openapi-python-client #1451); octet-stream is taken too, for mail pipes.
RAW_TYPES = ("message/rfc822", "application/octet-stream")


class Contact(Request):
    name: line(120)
    email: Email


class Contacts(Request):
    contacts: list[Contact]


class ContactAnswer(Answer):
    name: str
    email: str


class ContactsAnswer(Answer):
    advertiser: str
    contacts: list[ContactAnswer]


class Inbound(Answer):
    id: int
    status: str
    reason: str | None
    dispute: str | None
    attachments: list[dict[str, Any]]


def _contacts(advertiser: Advertiser) -> ContactsAnswer:
    return ContactsAnswer(
        advertiser=advertiser.ref,
        contacts=[ContactAnswer(name=c.name, email=c.email) for c in contacts_of(advertiser.id)],
    )


@operation(
    "GET", "/advertisers/<ref>/contacts", scope="read", path_params=REF,
    summary="The advertiser's billing contacts", answers={200: ContactsAnswer}, refusals=(404,),
)  # fmt: skip
def contacts_show(ref: str) -> Response:
    advertiser = db.session.scalar(visible_advertisers(g.user).where(Advertiser.ref == ref))
    if advertiser is None:
        raise NotFound(f"no advertiser {ref} that you can see")
    return reply(_contacts(advertiser))


@operation(
    "POST", "/advertisers/<ref>/contacts", scope="integration", path_params=REF, body=Contacts,
    summary="Replace the billing contacts (the team's lead, the billing system)",
    answers={200: ContactsAnswer}, refusals=(403, 404),
)  # fmt: skip
def contacts_replace(ref: str, body: Contacts) -> Response:
    set_contacts(g.user, ref, [c.model_dump() for c in body.contacts])
    return reply(_contacts(find_advertiser(ref)))


@operation(
    "POST", "/inbound-email", scope="integration",
    summary="A raw RFC 822 message (message/rfc822): 201 threaded to its case, 202 triage",
    answers={201: Inbound, 202: Inbound}, refusals=(403, 409, 413, 415, 422),
    raw_body=RAW_TYPES[:1],
)  # fmt: skip
def inbound_email() -> Response:
    if request.mimetype not in RAW_TYPES:
        raise UnsupportedMediaType({"body": "send the raw message as Content-Type: message/rfc822"})
    record = receive(request.get_data(cache=False), g.user)
    answer = Inbound(
        id=record.id, status=record.status, reason=record.reason or None,
        dispute=f"DSP-{record.dispute_id:06d}" if record.dispute_id else None,
        attachments=record.attachments,
    )  # fmt: skip
    return reply(answer, 202 if record.status == "triage" else 201)
