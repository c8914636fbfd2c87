"""What an advertiser's or agency's person sees in the portal: their advertisers' invoices and
cases, and of each case only what is theirs to see.

Nothing internal reaches them: of the timeline only the filing, the requests sent to them, their
own messages and files, and the decision with its credit memo; never comments, evidence of the
team's, assignments, escalations or approvals.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import (
    Advertiser,
    CreditMemo,
    Dispute,
    Event,
    Evidence,
    Invoice,
    PortalAccess,
    SlaClock,
    User,
)
from disputedesk.app.models.disputes import parse_ref
from disputedesk.workflows.errors import NotFound
from disputedesk.workflows.mail import YES
from disputedesk.workflows.permissions import roles_with

RECENT_INVOICES = 50
SHOWN_TRIGGERS = {
    "request_info": "We asked you for information",
    "info_received": "Your information reached the team",
    "resolve": "Decided",
    "issue_credit": "Credit memo issued",
    "reopen": "Reopened",
}


def advertiser_ids(user: User) -> Select[tuple[int]]:
    """The advertisers whose cases this person sees (none unless they use the portal)."""
    query = select(PortalAccess.advertiser_id).where(PortalAccess.user_id == user.id)
    return query if user.can("use_portal") else query.where(False)


def advertisers_of(user: User) -> Sequence[Advertiser]:
    return db.session.scalars(
        select(Advertiser).where(Advertiser.id.in_(advertiser_ids(user))).order_by(Advertiser.name)
    ).all()


def cases_of(user: User) -> Sequence[Dispute]:
    """Their advertisers' cases, newest first."""
    return db.session.scalars(
        select(Dispute).where(Dispute.advertiser_id.in_(advertiser_ids(user)))
        .options(joinedload(Dispute.invoice), joinedload(Dispute.advertiser),
                 selectinload(Dispute.sla_clocks))
        .order_by(Dispute.id.desc()).limit(500)
    ).all()  # fmt: skip


def invoices_of(user: User) -> Sequence[Invoice]:
    """Their advertisers' latest invoices with their lines: what they may dispute."""
    return db.session.scalars(
        select(Invoice).where(Invoice.advertiser_id.in_(advertiser_ids(user)))
        .options(selectinload(Invoice.lines), joinedload(Invoice.advertiser))
        .order_by(Invoice.period_start.desc(), Invoice.id.desc()).limit(RECENT_INVOICES)
    ).all()  # fmt: skip


def case_of(user: User, ref: str, *, lock: bool = False) -> Dispute:
    """One of their cases by reference, or NotFound as if it did not exist."""
    query = select(Dispute).where(
        Dispute.id == (parse_ref(ref) or 0), Dispute.advertiser_id.in_(advertiser_ids(user))
    )
    if lock:
        query = query.with_for_update(of=Dispute)
    dispute = db.session.scalars(query).first()
    if dispute is None:
        raise NotFound(f"no dispute {ref} of your accounts")
    return dispute


@dataclass(frozen=True)
class Entry:
    at: datetime
    title: str
    text: str = ""
    by_them: bool = False


def timeline(dispute: Dispute) -> list[Entry]:
    """The case's story as the advertiser may read it, oldest first."""
    events = db.session.scalars(
        select(Event).where(Event.dispute_id == dispute.id).order_by(Event.seq)
    ).all()
    entries = []
    for e in events:
        if e.type == "filed":
            entries.append(Entry(e.at, "Dispute filed"))
        elif e.type == "advertiser_message":
            entries.append(Entry(e.at, f"Your message ({e.data.get('from', '')})",
                                 e.data.get("body", ""), by_them=True))  # fmt: skip
        elif e.type == "transition" and e.trigger in SHOWN_TRIGGERS:
            entries.append(Entry(e.at, SHOWN_TRIGGERS[e.trigger], _said_to_them(e)))
    return entries


def _said_to_them(event: Event) -> str:
    data = event.data or {}
    if event.trigger == "request_info":  # the note is theirs only when it was sent to them
        sent = str(data.get("message_advertiser", "")).lower() in YES
        return data.get("note", "") if sent else ""
    if event.trigger == "resolve":
        return (data.get("outcome") or "").replace("_", " ")
    return ""


def promise(dispute: Dispute) -> datetime | None:
    """When the team promises a decision: the running resolution clock's due time."""
    return db.session.scalar(
        select(SlaClock.due_at).where(
            SlaClock.dispute_id == dispute.id, SlaClock.name == "resolution",
            SlaClock.status.in_(("running", "paused")),
        ).order_by(SlaClock.id.desc()).limit(1)
    )  # fmt: skip


def memos(dispute: Dispute) -> Sequence[CreditMemo]:
    """The credit memos issued on the case (numbered), newest first."""
    return db.session.scalars(
        select(CreditMemo)
        .where(CreditMemo.dispute_id == dispute.id, CreditMemo.number.is_not(None))
        .order_by(CreditMemo.id.desc())
    ).all()  # fmt: skip


def memo_of(dispute: Dispute, number: str) -> CreditMemo:
    found = next((m for m in memos(dispute) if m.number == number), None)
    if found is None:
        raise NotFound(f"no credit memo {number} on {dispute.ref}")
    return found


def their_files(dispute: Dispute) -> Sequence[Evidence]:
    """The files the advertiser's people sent (through the portal), not the team's."""
    return db.session.scalars(
        select(Evidence).join(User, Evidence.uploaded_by_id == User.id)
        .where(Evidence.dispute_id == dispute.id, Evidence.removed_at.is_(None),
               User.role.in_(roles_with("use_portal")))
        .order_by(Evidence.id)
    ).all()  # fmt: skip


def people_of(advertiser: Advertiser) -> Sequence[User]:
    """The advertiser's and its agencies' people who see it in the portal."""
    return db.session.scalars(
        select(User).join(PortalAccess, PortalAccess.user_id == User.id)
        .where(PortalAccess.advertiser_id == advertiser.id).order_by(User.email)
    ).all()  # fmt: skip
