"""Replies from advertisers: thread each message onto its case, or keep it for triage.

A message belongs to a case when its subject names the case (DSP-000123) or it answers a
message the case sent (In-Reply-To / References carry our Message-ID), and its sender is
one of the advertiser's billing contacts. It lands on the timeline as an advertiser message
(the account team sees it), each attachment goes through the evidence checks and becomes
evidence, and a case waiting on the advertiser gets `info_received`, all in one change
through the write path. An automatic reply (an out-of-office, workflows/mail.py) is put on the
timeline marked as such and fires nothing: the case keeps waiting. Anything else waits in the
leads' triage list. How a message is read (its text, quoting, files, winmail.dat) is
workflows/mail_reading.py.
"""

import email
import email.policy
import io
import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from disputedesk.app.evidence.sniff import Refused, recognise
from disputedesk.app.evidence.storage import TooLarge
from disputedesk.app.extensions import db
from disputedesk.app.models import BillingContact, Dispute, Evidence, InboundEmail, Outbox, User
from disputedesk.app.models.disputes import parse_ref
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.evidence import display_name, store
from disputedesk.app.services.notices import enqueue
from disputedesk.app.services.transactions import LOST_RACE, transaction
from disputedesk.app.services.triggers import apply_trigger
from disputedesk.app.services.write_path import change_case
from disputedesk.workflows.errors import InvalidInput, NotFound, NotPermitted
from disputedesk.workflows.mail import auto_reply_reason
from disputedesk.workflows.mail_reading import Reading, files_of, fold, read_text

REF = re.compile(r"\bDSP-(\d{6,})\b", re.IGNORECASE)
MESSAGE_ID = re.compile(r"<([^<>@\s]+)@[^<>\s]+>")
MAX_BODY = 10_000
MAX_RAW = 30 * 1024 * 1024


def receive(raw: bytes, receiver: User, now: datetime | None = None) -> InboundEmail:
    """Take one raw RFC 822 message; answer what became of it (threaded or triage)."""
    if not receiver.can("deliver_inbound_email"):
        raise NotPermitted("only the integration user delivers inbound e-mail")
    if not raw or len(raw) > MAX_RAW:
        raise InvalidInput({"message": "a raw RFC 822 message of at most 30 MB"})
    now = now or utcnow()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = (message.get("Message-ID") or "").strip()[:300] or None
    if message_id and (known := _known(message_id)):
        return known  # the same message delivered twice is recorded once
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    if not sender:
        raise InvalidInput({"message": "the message has no From address"})
    dispute = _case_of(message)
    reason = _triage_reason(dispute, sender)
    auto = auto_reply_reason(dict(message.items()), str(message.get("Subject", "")))
    reading = read_text(message)
    record = InboundEmail(
        message_id=message_id, from_address=sender[:254],
        subject=str(message.get("Subject", ""))[:500], body=reading.text[:MAX_BODY],
        received_at=now, status="triage" if reason else "threaded", reason=reason or "",
        dispute_id=dispute.id if dispute and not reason else None, attachments=[],
    )  # fmt: skip
    if reason:
        return _save(record)
    return thread(record, dispute, message, receiver, now, auto_reply=auto, reading=reading)


def thread(
    record: InboundEmail, dispute: Dispute, message: EmailMessage | None, receiver: User,
    now: datetime, auto_reply: str | None = None, reading: Reading | None = None,
) -> InboundEmail:  # fmt: skip
    """Put a message on its case: timeline, evidence, info_received; one transaction. An
    automatic reply (`auto_reply` says why) only goes on the timeline. The timeline shows what
    the sender wrote this time; their signature and quoted text are kept folded."""
    reading = reading or Reading(record.body, *fold(record.body))
    dispute = db.session.scalars(
        select(Dispute).where(Dispute.id == dispute.id)
        .options(selectinload(Dispute.sla_clocks)).with_for_update(of=Dispute)
    ).one()  # fmt: skip
    kept: list[str] = []
    with change_case(dispute, None, now) as change:
        record.status, record.dispute_id, record.reason = "threaded", dispute.id, ""
        db.session.add(record)
        sent = files_of(message) if message is not None else []
        files = keep_files(dispute, sent, receiver, now, "from the advertiser's e-mail")
        record.attachments = files
        kept = [f["filename"] for f in files if f.get("evidence_id")]
        change.record("advertiser_message", data={
            "from": record.from_address, "subject": record.subject,
            "body": reading.reply[:MAX_BODY], "folded": reading.folded[:MAX_BODY],
            "message_id": record.message_id, "visibility": "account_team", "attachments": files,
            **({"auto_reply": auto_reply} if auto_reply else {}),
        })  # fmt: skip
        if auto_reply:
            pass  # an out-of-office is not the advertiser's answer: nothing fires, nobody is told
        elif dispute.awaiting_info_since is not None:
            apply_trigger(change, "info_received", {"note": f"reply from {record.from_address}"})
        elif dispute.assignee_id:
            enqueue("advertiser_message", dispute.assignee_id, dispute, now,
                    {"from": record.from_address})  # fmt: skip
    current_app.logger.info("inbound e-mail threaded to %s (%d files)", dispute.ref, len(kept))
    return record


def _save(record: InboundEmail) -> InboundEmail:
    with transaction(lost_race=LOST_RACE):
        db.session.add(record)
    return record


def _known(message_id: str) -> InboundEmail | None:
    return db.session.scalar(select(InboundEmail).where(InboundEmail.message_id == message_id))


def _case_of(message: EmailMessage) -> Dispute | None:
    """The case a message names in its subject, or answers by its reply headers."""
    for found in REF.finditer(str(message.get("Subject", ""))):
        dispute = db.session.get(Dispute, parse_ref(f"DSP-{found.group(1)}") or 0)
        if dispute is not None:
            return dispute
    replied = " ".join(str(message.get(h, "")) for h in ("In-Reply-To", "References"))
    keys = MESSAGE_ID.findall(replied)
    for key in keys:  # the case's own thread id (app/services/mail.py thread_id)
        found = parse_ref(key.removeprefix("case-")) if key.startswith("case-") else None
        if found and (dispute := db.session.get(Dispute, found)) is not None:
            return dispute
    if keys:
        dispute_id = db.session.scalar(
            select(Outbox.dispute_id).where(Outbox.key.in_(keys), Outbox.dispute_id.is_not(None))
        )
        if dispute_id:
            return db.session.get(Dispute, dispute_id)
    return None


def _triage_reason(dispute: Dispute | None, sender: str) -> str | None:
    if dispute is None:
        return "names no case"
    known = db.session.scalar(
        select(BillingContact.id).where(
            BillingContact.advertiser_id == dispute.advertiser_id, BillingContact.email == sender
        )
    )
    return None if known else f"{sender} is not a billing contact of the case's advertiser"


def keep_files(
    dispute: Dispute, sent: list[tuple[str, str, bytes]], uploader: User, now: datetime, note: str
) -> list[dict]:
    """Check each file an advertiser sent as an upload is checked; keep those that pass as
    evidence (inside the caller's change). Answer each file's name and evidence id, or why
    it was refused."""
    results, files = [], store()
    for raw_name, declared, content in sent:
        name = display_name(raw_name)
        outcome: dict = {"filename": name}
        try:
            limit = current_app.config["MAX_EVIDENCE_BYTES"]
            with files.staging(io.BytesIO(content), limit) as staged:
                if staged.size == 0:
                    raise Refused("the file is empty")
                kind = recognise(staged.path, name, declared)
                same = db.session.scalar(select(Evidence.id).where(
                    Evidence.dispute_id == dispute.id, Evidence.sha256 == staged.sha256,
                    Evidence.removed_at.is_(None)))  # fmt: skip
                if same:
                    outcome["evidence_id"] = same
                    results.append(outcome)
                    continue
                key = files.keep(staged)
            evidence = Evidence(
                dispute_id=dispute.id, kind="correspondence", filename=name,
                content_type=kind.content_type, size=staged.size, sha256=staged.sha256,
                storage_key=key, note=note, uploaded_by_id=uploader.id,
                uploaded_at=now,
            )  # fmt: skip
            db.session.add(evidence)
            db.session.flush()
            outcome["evidence_id"] = evidence.id
        except (Refused, TooLarge) as error:
            outcome["refused"] = str(error)
        results.append(outcome)
    return results


def attach_from_triage(user: User, inbound_id: int | None, ref: str) -> InboundEmail:
    """A lead files a triaged message onto a case of their team (its text; not its files)."""
    record = db.session.get(InboundEmail, inbound_id) if inbound_id else None
    if record is None or record.status != "triage":
        raise NotFound("no such message in triage")
    dispute = db.session.get(Dispute, parse_ref(ref) or 0)
    if not user.can("triage_inbound_email") or dispute is None or dispute.team_id != user.team_id:
        raise NotFound(f"no dispute {ref} of your team")
    return thread(record, dispute, None, user, utcnow())


def triage(user: User) -> list[InboundEmail]:
    """The messages that matched no case, newest first (leads)."""
    if not user.can("triage_inbound_email"):
        raise NotPermitted("only leads triage inbound e-mail")
    return list(db.session.scalars(
        select(InboundEmail).where(InboundEmail.status == "triage")
        .order_by(InboundEmail.id.desc()).limit(100)
    ))  # fmt: skip
