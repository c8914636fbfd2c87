"""Demo disputes, walked through the real services into every state of the workflow."""

import io
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Dispute, Invoice, User
from app.queries.memos import current_memo
from app.services.approvals import decide
from app.services.assignment import assign
from app.services.comments import add_comment
from app.services.evidence import upload_evidence
from app.services.filing import Filing, file_dispute
from app.services.triggers import fire_trigger
from workflows.codes import REASON_CODES, ROOT_CAUSES
from workflows.errors import DomainError
from workflows.evidence import REQUIRED
from workflows.money import format_amount

# Where each demo dispute ends up, and how many of each.
JOURNEYS = (
    ("unassigned", 60),
    ("assigned", 30),
    ("investigating", 60),
    ("awaiting_info", 20),
    ("escalated", 30),
    ("resolved_no_credit", 35),
    ("withdrawn", 15),
    ("credit_pending", 15),
    ("credited", 25),
)
SAMPLES = {  # evidence kind: (file name, content)
    "contract_excerpt": ("io-excerpt.txt", b"Insertion order IO-2026: CPM 6.50, 5% discount.\n"),
    "insertion_order": ("insertion-order.pdf", b"%PDF-1.4\n% signed insertion order\n%%EOF\n"),
    "delivery_report": ("delivery.csv", b"campaign,delivered,invalid\nCMP,120000,2400\n"),
    "ivt_report": ("ivt.csv", b"campaign,invalid_share\nCMP,0.031\n"),
    "invoice_copy": ("invoice.pdf", b"%PDF-1.4\n% invoice copy\n%%EOF\n"),
    "correspondence": (
        "thread.eml",
        b"From: buyer@agency.example\r\nSubject: Invoice\r\n\r\nHi\r\n",
    ),
}


def seed_disputes(
    rng: random.Random, invoices: list[Invoice], now: datetime, scale: float = 1.0
) -> int:
    """File and walk the demo disputes; return how many."""
    people = {u.email: u for u in db.session.scalars(select(User))}
    cast = {
        "lead": people["lead@demo.test"],
        "approver": people["approver@demo.test"],
        "approver2": people["approver2@demo.test"],
    }
    integration = people["integration@demo.test"]
    analysts = [people["analyst@demo.test"], people["analyst2@demo.test"]]
    counts = [(journey, max(1, round(count * scale))) for journey, count in JOURNEYS]
    picks = rng.sample(invoices, sum(count for _, count in counts))
    journeys = [journey for journey, count in counts for _ in range(count)]
    rng.shuffle(journeys)
    for invoice, journey in zip(picks, journeys, strict=True):
        filed_at = now - timedelta(hours=rng.randint(30, 24 * 45))
        line = rng.choice(invoice.lines)
        amount = max(1, line.amount * rng.randint(5, 60) // 100)
        filer = rng.choice((integration, *analysts))
        filing = Filing(
            invoice_number=invoice.number,
            reason_code=rng.choice(REASON_CODES),
            description=f"Advertiser disputes {line.product.replace('_', ' ')} "
            f"on line {line.line_no}.",
            disputed_amount=format_amount(amount),
            currency=invoice.currency,
            lines=((line.line_no, format_amount(amount)),),
            intake_channel="api" if filer is integration else rng.choice(("email", "portal")),
        )
        dispute = file_dispute(filer, filing, now=filed_at)
        _walk(rng, dispute, journey, cast, rng.choice(analysts), filed_at)
    return len(picks)


def _walk(rng, dispute: Dispute, journey: str, cast: dict, analyst: User, at: datetime) -> None:  # noqa: ANN001
    if journey == "unassigned":
        return
    ref, step = dispute.ref, iter(at + timedelta(hours=h) for h in range(1, 200, 2))
    assign(ref, cast["lead"], analyst.email, now=next(step))
    if journey == "assigned":
        return
    fire_trigger(ref, analyst, "start", {}, now=next(step))
    if journey == "awaiting_info":
        note = {"note": "Asked for the ad-server report."}
        fire_trigger(ref, analyst, "request_info", note, now=next(step))
    elif journey == "escalated":
        reason = {"reason": "Contract terms unclear."}
        fire_trigger(ref, analyst, "escalate", reason, now=next(step))
    elif journey == "withdrawn":
        fire_trigger(ref, analyst, "withdraw", {"note": "Advertiser withdrew."}, now=next(step))
    elif journey.startswith(("resolved", "credit")):
        _attach_evidence(dispute, analyst)
        add_comment(ref, analyst, "Checked the IO and delivery logs.", "internal", now=next(step))
        if journey == "resolved_no_credit":
            data = {"outcome": "no_credit", "root_cause": rng.choice(ROOT_CAUSES[-2:]),
                    "note": "Billing upheld: delivered as contracted."}  # fmt: skip
            fire_trigger(ref, analyst, "resolve", data, now=next(step))
        else:
            _credit(dispute, analyst, cast, journey == "credited", step)


def _attach_evidence(dispute: Dispute, analyst: User) -> None:
    for requirement in REQUIRED[dispute.reason_code]:
        for n in range(requirement.count):
            name, content = SAMPLES[requirement.kinds[0]]
            upload_evidence(dispute.ref, analyst, io.BytesIO(content + b"\n" * n), name, None,
                            requirement.kinds[0], "received from the advertiser")  # fmt: skip


def _credit(dispute: Dispute, analyst: User, cast: dict, issue: bool, step) -> None:  # noqa: ANN001
    ref = dispute.ref
    credit = format_amount(max(1, dispute.disputed_amount * 8 // 10))
    data = {
        "outcome": "credit_partial", "root_cause": "rate_card_error", "credit_amount": credit,
        "gl_reason": "rate_correction", "note": "Billed above the contracted rate.",
    }  # fmt: skip
    fire_trigger(ref, analyst, "resolve", data, now=next(step))
    if not issue:
        return
    memo = current_memo(db.session.get(Dispute, dispute.id))
    for approver in (cast["lead"], cast["approver"], cast["approver2"]):
        try:
            memo = decide(memo.id, approver, "approve", "Matches the IO.", now=next(step))
        except DomainError:
            continue  # not theirs to approve under the matrix; the next one may
        if memo.status == "approved":
            fire_trigger(ref, cast["approver"], "issue_credit", {}, now=next(step))
            return
