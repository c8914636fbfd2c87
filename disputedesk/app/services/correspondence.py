"""Advertisers' billing contacts, and the messages a case sends them through the outbox."""

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import delete, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, BillingContact, CreditMemo, User
from disputedesk.app.services.mail import compose
from disputedesk.app.services.notices import enqueue
from disputedesk.app.services.transactions import LOST_RACE, transaction
from disputedesk.workflows.codes import a_role
from disputedesk.workflows.errors import InvalidInput, NotFound, NotPermitted
from disputedesk.workflows.mail import YES
from disputedesk.workflows.money import format_amount

if TYPE_CHECKING:
    from disputedesk.app.services.write_path import CaseChange

EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
MAX_CONTACTS = 20
TEMPLATES = {"request_info": "advertiser_request_info", "resolve": "advertiser_decision",
             "withdraw": "advertiser_decision", "issue_credit": "advertiser_credit"}  # fmt: skip


def contacts_of(advertiser_id: int) -> Sequence[BillingContact]:
    return db.session.scalars(
        select(BillingContact)
        .where(BillingContact.advertiser_id == advertiser_id)
        .order_by(BillingContact.id)
    ).all()


def may_edit_contacts(user: User, advertiser: Advertiser) -> bool:
    """Leads of the advertiser's team and the integration (the billing system) keep them."""
    if not user.can("keep_billing_contacts"):
        return False
    return user.can("see_all_cases") or user.team_id == advertiser.team_id


def find_advertiser(ref: str) -> Advertiser:
    advertiser = db.session.scalar(select(Advertiser).where(Advertiser.ref == ref))
    if advertiser is None:
        raise NotFound(f"no advertiser {ref}")
    return advertiser


def set_contacts(user: User, advertiser_ref: str, contacts: Any) -> Sequence[BillingContact]:
    """Replace an advertiser's billing contacts with the list given (name, email each)."""
    advertiser = find_advertiser(advertiser_ref)
    if not may_edit_contacts(user, advertiser):
        raise NotPermitted(f"{a_role(user.role)} cannot change this advertiser's contacts")
    if not isinstance(contacts, list) or len(contacts) > MAX_CONTACTS:
        raise InvalidInput({"contacts": f"a list of at most {MAX_CONTACTS} contacts"})
    cleaned, errors = {}, {}
    for i, contact in enumerate(contacts):
        name = contact.get("name") if isinstance(contact, dict) else None
        email = contact.get("email") if isinstance(contact, dict) else None
        if not isinstance(name, str) or not name.strip() or len(name) > 120:
            errors[f"contacts[{i}].name"] = "a name of 1 to 120 characters"
        if not isinstance(email, str) or len(email) > 254 or not EMAIL.match(email.strip()):
            errors[f"contacts[{i}].email"] = "an e-mail address"
        if f"contacts[{i}].name" not in errors and f"contacts[{i}].email" not in errors:
            cleaned[email.strip().lower()] = name.strip()
    if errors:
        raise InvalidInput(errors)
    with transaction(lost_race=LOST_RACE):
        db.session.execute(
            delete(BillingContact).where(BillingContact.advertiser_id == advertiser.id)
        )
        for email, name in cleaned.items():
            db.session.add(BillingContact(advertiser_id=advertiser.id, name=name, email=email))
    return contacts_of(advertiser.id)


def queue_advertiser_message(change: "CaseChange", trigger: str, data: dict[str, Any]) -> int:
    """Queue the message this trigger sends the advertiser's billing contacts; count them."""
    dispute = change.dispute
    contacts = contacts_of(dispute.advertiser_id)
    if not contacts:
        return 0
    memo = db.session.scalar(
        select(CreditMemo).where(CreditMemo.dispute_id == dispute.id).order_by(CreditMemo.id.desc())
    )
    context = {
        "dispute": dispute, "advertiser": dispute.advertiser, "trigger": trigger,
        "note": data.get("note") or data.get("reason") or "", "outcome": dispute.outcome,
        "credit": format_amount(memo.amount) if memo and memo.status != "rejected" else None,
        "memo_number": memo.number if memo else None, "currency": dispute.currency,
    }  # fmt: skip
    on = ("invoices " if len(dispute.invoices) > 1 else "invoice ") + dispute.invoice_numbers
    subject = {
        "request_info": f"[{dispute.ref}] Information needed on {on}",
        "issue_credit": f"[{dispute.ref}] Credit memo {context['memo_number']} issued",
    }.get(trigger, f"[{dispute.ref}] Decision on your dispute of {on}")
    reply_to = current_app.config["MAIL_REPLY_TO"] or current_app.config["MAIL_FROM"]
    for contact in contacts:
        message = compose(contact.email, subject, TEMPLATES[trigger], contact=contact, **context)
        message["headers"] = {"Reply-To": reply_to, "Disputedesk-Case": dispute.ref}
        if trigger == "issue_credit":  # sent by itself when a credit is issued: automatic
            message["headers"]["Auto-Submitted"] = "auto-generated"
        enqueue(f"advertiser_{trigger}", None, dispute, change.now, message, channel="email")
    change.record(
        "advertiser_messaged",
        data={"trigger": trigger, "to": [c.email for c in contacts], "subject": subject},
    )
    return len(contacts)


def wants_advertiser_message(trigger: str, data: dict[str, Any]) -> bool:
    """Requests for information and decisions go out when asked; an issued credit always."""
    if trigger == "issue_credit":
        return True
    return trigger in TEMPLATES and str(data.get("message_advertiser", "")).lower() in YES
