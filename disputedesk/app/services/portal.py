"""The advertiser portal's use cases: inviting an advertiser's or agency's people, filing over
invoice lines, answering a request for information. Each is one transaction through the write
path; the timeline shows the portal as the channel and the person by their address.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, Dispute, Invoice, PortalAccess, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries import portal as seen
from disputedesk.app.security import log
from disputedesk.app.services.admin import new_password_link
from disputedesk.app.services.filing import Filing, file_in
from disputedesk.app.services.inbound_mail import keep_files
from disputedesk.app.services.transactions import LOST_RACE, transaction
from disputedesk.app.services.triggers import apply_trigger
from disputedesk.app.services.write_path import change_case
from disputedesk.workflows import edge
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.errors import Conflict, InvalidInput, NotFound, NotPermitted
from disputedesk.workflows.permissions import roles_with

PORTAL_ROLE = roles_with("use_portal")[0]  # an advertiser's or agency's people


@dataclass(frozen=True)
class Pick:
    """One invoice line an advertiser disputes, and how much of it."""

    invoice_number: str
    line_no: int
    amount: str  # a decimal string in the invoice's currency


def invite(actor: User, advertiser_ref: str, email: str, name: str = "") -> tuple[User, str | None]:
    """Give a person the advertiser's cases in the portal; answer them and, for a new account,
    its one-time set-password link token (an agency's person already invited gets no link)."""
    if not actor.can("invite_portal_users"):
        raise NotPermitted("only the account's lead or the billing system invites to the portal")
    advertiser = db.session.scalar(select(Advertiser).where(Advertiser.ref == advertiser_ref))
    if advertiser is None or (not actor.can("see_all_cases")
                              and advertiser.team_id != actor.team_id):  # fmt: skip
        raise NotFound(f"no advertiser {advertiser_ref} of your team")
    email = (email or "").strip().lower()
    edge.check_text("email", email, edge.MAX_EMAIL, single_line=True)
    edge.check_text("name", name or "", edge.MAX_NAME, single_line=True)
    if "@" not in email:
        raise InvalidInput({"email": "an email address"})
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None and not user.can("use_portal"):
        raise InvalidInput({"email": f"{email} has a workspace account: it cannot be a portal one"})
    token = None
    with transaction(lost_race=LOST_RACE):
        if user is None:
            user = User(email=email, name=(name or "").strip() or email.split("@")[0].title(),
                        role=PORTAL_ROLE)  # fmt: skip
            db.session.add(user)
            db.session.flush()
            token = new_password_link(user)
        if db.session.get(PortalAccess, (user.id, advertiser.id)) is None:
            db.session.add(PortalAccess(user_id=user.id, advertiser_id=advertiser.id,
                                        invited_by_id=actor.id, invited_at=utcnow()))  # fmt: skip
        log.record("portal_user_invited", actor=actor, subject=user,
                   data={"advertiser": advertiser.ref})  # fmt: skip
    return user, token


def file_lines(
    user: User, picks: list[Pick], reason_code: str, description: str, now: datetime | None = None
) -> list[Dispute]:
    """File the chosen lines, all or none: one case per advertiser and currency, over every
    invoice it names (the oldest is the case's own)."""
    if not user.can("use_portal"):
        raise NotPermitted("filing in the portal is for an advertiser's people")
    if not picks:
        raise InvalidInput({"lines": "choose at least one invoice line"})
    numbers = {pick.invoice_number for pick in picks}
    theirs = seen.advertiser_ids(user)
    invoices = {
        invoice.number: invoice
        for invoice in db.session.scalars(
            select(Invoice)
            .where(Invoice.number.in_(numbers), Invoice.advertiser_id.in_(theirs))
            .order_by(Invoice.period_start, Invoice.id)
        )
    }  # fmt: skip
    if unknown := sorted(numbers - set(invoices)):
        raise NotFound(f"no invoice {unknown[0]} of your accounts")
    cases: dict[tuple[int, str], list[Pick]] = defaultdict(list)
    for number in invoices:  # the oldest invoice first: it leads its case
        for pick in picks:
            if pick.invoice_number == number:
                invoice = invoices[number]
                cases[invoice.advertiser_id, invoice.currency].append(pick)
    filed, errors = [], {}
    with transaction():
        for (_, currency), chosen in cases.items():
            lead = chosen[0].invoice_number
            filing = Filing(
                invoice_number=lead, reason_code=reason_code, description=description,
                disputed_amount=_total(chosen), currency=currency,
                lines=tuple((p.line_no, p.amount) for p in chosen if p.invoice_number == lead),
                other_lines=tuple((p.invoice_number, p.line_no, p.amount) for p in chosen
                                  if p.invoice_number != lead),
                intake_channel="portal",
            )  # fmt: skip
            try:
                filed.append(file_in(user, filing, now=now))
            except InvalidInput as error:  # every case's problems named, then nothing filed
                errors |= {f"{lead} {key}": why for key, why in error.errors.items()}
        if errors:
            raise InvalidInput(errors)
    return filed


def _total(picks: list[Pick]) -> str:
    try:
        return str(sum((Decimal(p.amount) for p in picks), Decimal(0)))
    except InvalidOperation:
        return "not a number"  # the filing names the bad line's amount


def answer(
    user: User, ref: str, text: str, files: list[tuple[str, str, bytes]] | None = None,
    now: datetime | None = None,
) -> Dispute:  # fmt: skip
    """The advertiser answers on their case: their words on the timeline, their files as
    evidence, and a case waiting on them gets info_received, in one change."""
    if not user.can("use_portal"):
        raise NotPermitted("answering in the portal is for an advertiser's people")
    text = (text or "").strip()
    edge.check_text("message", text, edge.MAX_TEXT)
    if not text and not files:
        raise InvalidInput({"message": "write your answer or attach a file"})
    now = now or utcnow()
    dispute = seen.case_of(user, ref, lock=True)
    if dispute.state not in OPEN_STATES:
        raise Conflict(f"{dispute.ref} is {dispute.state}: it takes no more answers")
    with change_case(dispute, None, now) as change:  # the system acts: the person is named
        kept = keep_files(dispute, files or [], user, now, "from the advertiser, in the portal")
        refused = [f"{f['filename']}: {f['refused']}" for f in kept if f.get("refused")]
        if refused:  # nothing is kept of an answer with a file the checks refuse
            raise InvalidInput({"file": "; ".join(refused)})
        change.record("advertiser_message", data={
            "from": user.email, "subject": "Answer in the portal", "body": text,
            "channel": "portal", "visibility": "account_team", "attachments": kept,
        })  # fmt: skip
        if dispute.awaiting_info_since is not None:
            apply_trigger(change, "info_received", {"note": f"answer from {user.email}"})
    return dispute
