"""The audit packet: one zip per dispute with everything an auditor asks for, and its check."""

import hashlib
import io
import json
import re
import zipfile
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import (
    Approval,
    CreditLine,
    CreditMemo,
    Dispute,
    DisputedLine,
    Event,
    Evidence,
    User,
)
from disputedesk.app.models.disputes import parse_ref
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.access import get_visible_dispute
from disputedesk.app.services.audit import GENESIS, append_event, chain_hash
from disputedesk.app.services.evidence import store
from disputedesk.app.services.packet_content import case_content, event_content, memo_content
from disputedesk.app.services.packet_signing import signed
from disputedesk.app.services.transactions import transaction
from disputedesk.workflows.errors import InvalidInput, NotPermitted


def chain_check(events: list[Event]) -> dict[str, Any]:
    """Walk one dispute's hash chain: how many events, the head, the first broken one."""
    prev, broken = GENESIS, None
    for expected, event in enumerate(events, start=1):
        if (
            event.seq != expected
            or event.prev_hash != prev
            or event.hash != chain_hash(prev, event)
        ):
            broken = event.seq
            break
        prev = event.hash
    return {"events": len(events), "head": prev, "intact": broken is None, "first_broken": broken}


MAX_SAMPLE = 200  # disputes in one auditor's sample


def audit_packet(ref: str, user: User, now: datetime | None = None) -> tuple[str, bytes]:
    """Build the dispute's packet (zip) for a user who may see it; the download is audited."""
    if not user.can("download_audit_packets"):
        raise NotPermitted("audit packets are for the billing team and finance")
    with transaction():
        name, body = _packet(ref, user, now or utcnow())
    return name, body


def audit_sample(refs: list[str], user: User, now: datetime | None = None) -> tuple[str, bytes]:
    """Build one zip of the packets of an auditor's sample, all or none, in one transaction.

    A reference the user may not see refuses the whole sample (as not found), so a sample
    never tells which of its cases exist; each packet's download is audited on its case.
    """
    if not user.can("download_audit_packets"):
        raise NotPermitted("audit packets are for the billing team and finance")
    given = [r.strip().upper() for r in refs if r.strip()]
    refs = list(dict.fromkeys(given))
    if not refs:
        raise InvalidInput({"refs": "name at least one dispute, such as DSP-000123"})
    if len(given) > MAX_SAMPLE:
        raise InvalidInput({"refs": f"a sample holds at most {MAX_SAMPLE} disputes"})
    now = now or utcnow()
    out = io.BytesIO()
    # One transaction: nothing of a refused sample is recorded.
    with transaction(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as sample:
        for ref in sorted(refs, key=lambda r: parse_ref(r) or 0):  # cases locked in one order
            name, body = _packet(ref, user, now)
            sample.writestr(name, body)
        sample.writestr("sample.json", json.dumps(
            {"disputes": refs, "generated_at": now.isoformat(), "generated_by": user.email},
            indent=2,
        ))  # fmt: skip
    return f"audit-sample-{now:%Y%m%d-%H%M%S}.zip", out.getvalue()


def _packet(ref: str, user: User, now: datetime) -> tuple[str, bytes]:
    # The download is appended to the case's chain: the case's row is locked before the head,
    # the order every write takes (load_for_change, then the head), so neither waits on both.
    dispute = get_visible_dispute(
        ref,
        user,
        lock=True,
        options=(
            joinedload(Dispute.advertiser),
            joinedload(Dispute.invoice),
            joinedload(Dispute.team),
            selectinload(Dispute.lines).joinedload(DisputedLine.invoice_line),
        ),
    )
    events = db.session.scalars(
        select(Event).where(Event.dispute_id == dispute.id).order_by(Event.seq)
    ).all()
    memos = db.session.scalars(
        select(CreditMemo)
        .where(CreditMemo.dispute_id == dispute.id)
        .order_by(CreditMemo.id)
        .options(
            selectinload(CreditMemo.approvals).joinedload(Approval.approver),
            selectinload(CreditMemo.lines).joinedload(CreditLine.invoice_line),
        )
    ).all()
    evidence = db.session.scalars(
        select(Evidence).where(Evidence.dispute_id == dispute.id).order_by(Evidence.id)
    ).all()
    check = chain_check(list(events))
    content = {
        "case": case_content(dispute),
        "credit_memos": [memo_content(m) for m in memos],
        "chain": check,
        "generated_at": now.isoformat(),
        "generated_by": user.email,
    }
    files: dict[str, bytes] = {}
    manifest = []
    for item in evidence:
        try:
            with store().open(item.storage_key) as handle:
                body = handle.read()
        except FileNotFoundError:  # said in the manifest; the packet holds everything else
            removed = item.removed_at and item.removed_at.isoformat()
            manifest.append({"file": None, "kind": item.kind, "sha256": item.sha256,
                             "sha256_now": None, "missing": True,
                             "removed_at": removed})  # fmt: skip
            continue
        plain = re.sub(r"[\\/\r\n]", "_", item.filename)  # one line of SHA256SUMS per file
        name = f"evidence/{item.id}-{item.sha256[:12]}-{plain}"
        files[name] = body
        manifest.append(
            {
                "file": name,
                "kind": item.kind,
                "sha256": item.sha256,
                "sha256_now": hashlib.sha256(body).hexdigest(),
                "removed_at": item.removed_at and item.removed_at.isoformat(),
            }
        )
    content["evidence"] = manifest
    files["case.json"] = json.dumps(content, indent=2, ensure_ascii=False).encode()
    files["timeline.json"] = json.dumps(
        [event_content(e) for e in events], indent=2, ensure_ascii=False
    ).encode()
    # Rendered outside any request: the template needs no signed-in user, only the packet.
    printable = current_app.jinja_env.get_template("reports/packet.html")
    files["case.html"] = printable.render(packet=content, events=events).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packet:
        for name, body in signed(files).items():  # every file listed in SHA256SUMS, signed
            packet.writestr(name, body)
    # Reading changes nothing on the case: no version bump, only the trail grows (as downloads).
    append_event(
        dispute, user, "audit_packet_downloaded", now, data={"chain_intact": check["intact"]}
    )
    return f"audit-packet-{dispute.ref}.zip", out.getvalue()
