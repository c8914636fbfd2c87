"""Attach, list, download and remove evidence; every upload and removal is audited."""

import hashlib
import logging
import unicodedata
from datetime import datetime, timedelta
from typing import IO

from flask import current_app
from sqlalchemy import select

from disputedesk.app.evidence.sniff import Refused, recognise
from disputedesk.app.evidence.storage import LocalStore, TooLarge
from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event, Evidence, User
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.access import get_visible_dispute
from disputedesk.app.services.audit import append_event
from disputedesk.app.services.write_path import change_case, load_for_change, transaction
from disputedesk.workflows import edge, permissions
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.errors import (
    Conflict,
    DomainError,
    FileMissing,
    InvalidInput,
    NotFound,
    NotPermitted,
)
from disputedesk.workflows.evidence import KINDS

QUIET_DOWNLOADS = timedelta(minutes=1)


class UnsupportedFile(DomainError):
    title = "Unsupported file"


class FileTooLarge(DomainError):
    title = "File too large"


log = logging.getLogger(__name__)


def store() -> LocalStore:
    """Return the configured evidence store (a local directory by default)."""
    return LocalStore(current_app.config["EVIDENCE_DIR"])


def display_name(filename: str | None) -> str:
    """Keep a file's own name for display: no directories, no control characters."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200] or "upload"


def upload_evidence(
    ref: str,
    user: User,
    stream: IO[bytes],
    filename: str | None,
    declared_type: str | None,
    kind: str,
    note: str = "",
    now: datetime | None = None,
) -> tuple[Evidence, bool]:
    """Store a file and attach it; answer (evidence, False) when it is there already."""
    if not user.can("add_evidence"):
        raise NotPermitted("only analysts and leads add evidence")
    if kind not in KINDS:
        raise InvalidInput({"kind": "one of " + ", ".join(KINDS)})
    edge.check_text("note", note or "", edge.MAX_TEXT)
    if filename and ("/" in filename or "\\" in filename or filename.strip() in (".", "..")):
        raise InvalidInput({"file": "the file name must be a plain name, without folders"})
    name = display_name(filename)
    dispute = get_visible_dispute(ref, user)
    if refusal := upload_refusal(dispute, user):
        raise refusal
    files = store()
    try:
        with files.staging(stream, current_app.config["MAX_EVIDENCE_BYTES"]) as staged:
            if staged.size == 0:
                raise InvalidInput({"file": "the file is empty"})
            file_type = recognise(staged.path, name, declared_type)
            known = db.session.scalar(
                select(Evidence).where(
                    Evidence.dispute_id == dispute.id,
                    Evidence.sha256 == staged.sha256,
                    Evidence.removed_at.is_(None),
                )
            )
            if known:
                db.session.rollback()
                return known, False
            key = files.keep(staged)
    except InvalidInput:
        db.session.rollback()
        raise
    except Refused as error:
        db.session.rollback()
        raise UnsupportedFile(str(error)) from None
    except TooLarge as error:
        db.session.rollback()
        raise FileTooLarge(str(error)) from None
    try:
        dispute = load_for_change(ref, user, None)
        with change_case(dispute, user, now) as change:
            evidence = Evidence(
                dispute_id=dispute.id, kind=kind, filename=name,
                content_type=file_type.content_type, size=staged.size, sha256=staged.sha256,
                storage_key=key, note=(note or "").strip()[:2000], uploaded_by_id=user.id,
                uploaded_at=change.now,
            )  # fmt: skip
            db.session.add(evidence)
            change.record("evidence_added", data={
                "kind": kind, "filename": name, "sha256": staged.sha256, "size": staged.size,
            })  # fmt: skip
    except BaseException:
        _discard_if_unreferenced(key)
        raise
    return evidence, True


def _discard_if_unreferenced(key: str) -> None:
    """Leave no file without a row: drop a stored file that no evidence row points at."""
    if not db.session.scalar(select(Evidence.id).where(Evidence.storage_key == key).limit(1)):
        store().discard(key)


def upload_refusal(dispute: Dispute, user: User) -> DomainError | None:
    """Say why the user may not add evidence to this case now, or None if they may."""
    if not user.can("add_evidence"):
        return NotPermitted("only analysts and leads add evidence")
    return _closed(dispute, "add evidence to")


def may_add_evidence(dispute: Dispute, user: User) -> bool:
    """Tell whether upload_evidence would take a file from this user on this case now."""
    return upload_refusal(dispute, user) is None


def removal_refusal(evidence: Evidence, dispute: Dispute, user: User) -> DomainError | None:
    """Say why the user may not remove this file now, or None if they may."""
    actor = user.as_actor()
    if not permissions.may_remove_evidence(actor, dispute.team_id, evidence.uploaded_by_id):
        return NotPermitted("only the uploader or the team's lead may remove evidence")
    if evidence.removed_at:
        return Conflict("this evidence was removed already")
    return _closed(dispute, "remove evidence from")


def may_remove_evidence(evidence: Evidence, dispute: Dispute, user: User) -> bool:
    """Tell whether remove_evidence would let this user remove this file now."""
    return removal_refusal(evidence, dispute, user) is None


def _closed(dispute: Dispute, what: str) -> Conflict | None:
    if dispute.state not in OPEN_STATES:
        return Conflict(f"cannot {what} a case that is {dispute.state}")
    return None


def _visible_evidence(evidence_id: int, user: User) -> tuple[Evidence, Dispute]:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFound(f"no evidence {evidence_id}")
    dispute = get_visible_dispute(format_ref(evidence.dispute_id), user)
    if evidence.removed_at and not user.can("see_removed_evidence"):
        raise NotFound(f"no evidence {evidence_id}")
    return evidence, dispute


def open_download(evidence_id: int, user: User) -> tuple[Evidence, IO[bytes]]:
    """Open a file the user may see, recording the download (once a minute per person)."""
    evidence, dispute = _visible_evidence(evidence_id, user)
    handle = open_stored(evidence)  # a missing file is refused before the download is recorded
    now = utcnow()
    recent = db.session.scalar(
        select(Event.id).where(
            Event.dispute_id == dispute.id,
            Event.type == "evidence_downloaded",
            Event.actor_id == user.id,
            Event.at >= now - QUIET_DOWNLOADS,
        ).limit(1)
    )  # fmt: skip
    if recent is None:
        # Reading changes nothing on the case, so no version bump: only the audit trail grows.
        with transaction():
            data = {"evidence_id": evidence.id, "filename": evidence.filename}
            append_event(dispute, user, "evidence_downloaded", now, data=data)
    return evidence, handle


def open_stored(evidence: Evidence) -> IO[bytes]:
    """Open an evidence row's stored file, or refuse clearly when storage has lost it."""
    try:
        return store().open(evidence.storage_key)
    except FileNotFoundError:
        log.error("evidence %s: stored file %s is missing", evidence.id, evidence.storage_key)
        raise FileMissing(
            f"the stored file of evidence {evidence.id} ({evidence.filename}) is missing from "
            "storage; an operator finds every such file with `flask evidence check`"
        ) from None


def missing_files() -> list[tuple[Evidence, str]]:
    """Every evidence row whose stored file is missing or no longer matches its sha256."""
    found = []
    for evidence in db.session.scalars(select(Evidence).order_by(Evidence.id)):
        try:
            with store().open(evidence.storage_key) as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except FileNotFoundError:
            found.append((evidence, "missing"))
            continue
        if digest != evidence.sha256:
            found.append((evidence, "changed"))
    return found


def remove_evidence(evidence_id: int, user: User) -> Evidence:
    """Take evidence off the case (its uploader or the team's lead); the file is kept."""
    evidence, dispute = _visible_evidence(evidence_id, user)
    if refusal := removal_refusal(evidence, dispute, user):
        raise refusal
    dispute = load_for_change(format_ref(dispute.id), user, None)
    with change_case(dispute, user) as change:
        evidence.removed_at, evidence.removed_by_id = change.now, user.id
        change.record("evidence_removed", data={"evidence_id": evidence.id,
                                                "filename": evidence.filename})  # fmt: skip
    return evidence
