"""Demo disputes, walked through the real services into every state of the workflow."""

import io
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Invoice, User
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.comments import add_comment
from disputedesk.app.services.evidence import upload_evidence
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.codes import REASON_CODES, ROOT_CAUSES
from disputedesk.workflows.errors import DomainError
from disputedesk.workflows.evidence import REQUIRED
from disputedesk.workflows.money import format_amount, priority_for

# How long ago each journey's cases were filed, in hours: most open cases are recent enough
# that their clocks are on time; one in ten is old enough to be at risk or breached.
FILED_HOURS = {
    "unassigned": (1, 7),
    "assigned": (3, 20),
    "investigating": (8, 24 * 6),
    "awaiting_info": (24, 24 * 7),
    "escalated": (10, 24 * 5),
    "credit_pending": (30, 24 * 4),
}
# An open case on time is at most this old, by priority: the resolution clock's business
# hours as wall hours, less a margin (P1 has two working days, P4 fifteen).
ON_TIME_HOURS = {"P1": 20, "P2": 50, "P3": 24 * 6, "P4": 24 * 8}
TRIAGE_ON_TIME_HOURS = {"P1": 3, "P2": 6, "P3": 6, "P4": 12}  # cases not yet started
CREDIT_ON_TIME_HOURS = {"P1": 10, "P2": 20, "P3": 30, "P4": 30}  # memos awaiting approval
CLOSED_HOURS = (24 * 4, 24 * 40)  # resolved and credited cases: across the last weeks
LATE_HOURS = (24 * 9, 24 * 25)
# The GL reason a credit for each reason code books to, and the root causes found for it.
GL_REASON = {
    "rate_mismatch": "rate_correction",
    "delivery_shortfall": "delivery_shortfall",
    "invalid_traffic": "invalid_traffic",
    "duplicate_billing": "duplicate_invoice",
    "makegood_not_applied": "makegood",
    "cancelled_campaign_billed": "billing_adjustment",
    "tax_or_fee": "tax_correction",
    "po_or_billing_details": "billing_adjustment",
    "other": "billing_adjustment",
}
ROOT_CAUSE = {
    "rate_mismatch": ("rate_card_error", "contract_setup_error", "manual_entry_error"),
    "delivery_shortfall": ("delivery_data_error", "delivery_data_error", "contract_setup_error"),
    "invalid_traffic": ("ivt_filtering_lag",),
    "duplicate_billing": ("billing_system_defect", "manual_entry_error"),
    "makegood_not_applied": ("contract_setup_error", "manual_entry_error"),
    "cancelled_campaign_billed": ("billing_system_defect", "manual_entry_error"),
    "tax_or_fee": ("billing_system_defect", "contract_setup_error"),
    "po_or_billing_details": ("manual_entry_error",),
    "other": ("manual_entry_error", "billing_system_defect"),
}
STEPS = 12  # a case's events are spread evenly between its filing and now, in order

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
    filings = []
    for invoice, journey in zip(picks, journeys, strict=True):
        line = rng.choice(invoice.lines)
        amount = max(1, line.amount * rng.randint(5, 60) // 100)
        low, high = FILED_HOURS.get(journey, CLOSED_HOURS)
        if journey in FILED_HOURS and rng.random() < 0.1:
            low, high = LATE_HOURS
        elif journey in FILED_HOURS:
            priority = priority_for(amount, invoice.currency, invoice.advertiser.tier)
            high = min(high, _on_time(journey)[priority])
            low = min(low, max(1, high // 2))  # spread below the cap, not pinned to it
        ago = timedelta(minutes=rng.randint(low * 60, high * 60))
        filings.append((now - ago, invoice, journey, line, amount))
    to_issue = []
    for filed_at, invoice, journey, line, amount in sorted(
        filings, key=lambda f: f[0]
    ):  # DSP numbers by date
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
        issue = _walk(rng, dispute, journey, cast, rng.choice(analysts), filed_at, now)
        if issue:
            to_issue.append(issue)
    for issued_at, ref in sorted(to_issue):  # memo numbers follow the dates they were issued
        fire_trigger(ref, cast["approver"], "issue_credit", {}, now=issued_at)
    return len(picks)


def _on_time(journey: str) -> dict[str, int]:
    if journey in ("unassigned", "assigned"):
        return TRIAGE_ON_TIME_HOURS
    return CREDIT_ON_TIME_HOURS if journey == "credit_pending" else ON_TIME_HOURS


def _walk(rng, dispute: Dispute, journey: str, cast: dict, analyst: User, at: datetime,  # noqa: ANN001
          now: datetime) -> tuple[datetime, str] | None:  # fmt: skip
    """Walk a case to its journey's end; answer when and which credit to issue, if any."""
    if journey == "unassigned":
        return None
    # Open cases move early in their life; decided ones take most of it.
    span = (now - at) * (0.3 if journey in FILED_HOURS else 0.9)
    ref = dispute.ref
    step = iter(at + span * k / STEPS for k in range(1, STEPS + 1))
    assign(ref, cast["lead"], analyst.email, now=next(step))
    if journey == "assigned":
        return None
    fire_trigger(ref, analyst, "start", {}, now=next(step))
    if journey == "awaiting_info":
        note = {"note": "Asked for the ad-server report."}
        fire_trigger(ref, analyst, "request_info", note, now=next(step))
    elif journey == "escalated":
        reason = {"reason": "Contract terms unclear."}  # lately: a lead answers within hours
        lately = max(next(step), now - timedelta(minutes=rng.randint(20, 180)))
        fire_trigger(ref, analyst, "escalate", reason, now=lately)
    elif journey == "withdrawn":
        fire_trigger(ref, analyst, "withdraw", {"note": "Advertiser withdrew."}, now=next(step))
    elif journey.startswith(("resolved", "credit")):
        _attach_evidence(dispute, analyst, next(step))
        add_comment(ref, analyst, "Checked the IO and delivery logs.", "internal", now=next(step))
        if journey == "resolved_no_credit":
            data = {"outcome": "no_credit", "root_cause": rng.choice(ROOT_CAUSES[-2:]),
                    "note": "Billing upheld: delivered as contracted."}  # fmt: skip
            fire_trigger(ref, analyst, "resolve", data, now=next(step))
        else:
            return _credit(rng, dispute, analyst, cast, journey == "credited", step)
    return None


def _attach_evidence(dispute: Dispute, analyst: User, at: datetime) -> None:
    for requirement in REQUIRED[dispute.reason_code]:
        for n in range(requirement.count):
            name, content = SAMPLES[requirement.kinds[0]]
            upload_evidence(dispute.ref, analyst, io.BytesIO(content + b"\n" * n), name, None,
                            requirement.kinds[0], "received from the advertiser",
                            now=at)  # fmt: skip


def _credit(rng, dispute: Dispute, analyst: User, cast: dict, issue: bool, step):  # noqa: ANN001,ANN202
    ref, reason = dispute.ref, dispute.reason_code
    full = rng.random() < 0.25
    credit = (
        dispute.disputed_amount
        if full
        else max(1, dispute.disputed_amount * rng.choice((5, 6, 7, 8, 9)) // 10)
    )
    data = {
        "outcome": "credit_full" if full else "credit_partial",
        "root_cause": rng.choice(ROOT_CAUSE[reason]), "credit_amount": format_amount(credit),
        "gl_reason": GL_REASON[reason], "note": "Billed above what the contract supports.",
        "justification": "Goodwill credit agreed with the account team.",
    }  # fmt: skip
    fire_trigger(ref, analyst, "resolve", data, now=next(step))
    if not issue:
        return None
    memo = current_memo(db.session.get(Dispute, dispute.id))
    for approver in (cast["lead"], cast["approver"], cast["approver2"]):
        try:
            memo = decide(memo.id, approver, "approve", "Matches the IO.", now=next(step))
        except DomainError:
            continue  # not theirs to approve under the matrix; the next one may
        if memo.status == "approved":
            return next(step), ref
    return None
