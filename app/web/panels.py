"""What the evidence and credit panels of the dispute page show, asked of the services."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Approval, CreditMemo, Dispute, Evidence, User
from app.queries.memos import approvers_now, current_memo, memo_facts, person
from app.services.case_view import CaseView
from app.services.evidence import UPLOADERS, list_evidence
from workflows import approvals as matrix
from workflows import evidence as rules
from workflows.dispute import OPEN_STATES, TRANSITIONS, Transition, may_fire
from workflows.guards import EVIDENCE
from workflows.permissions import may_remove_evidence

APPROVING_ROLES = {role for tier in matrix.TIERS for role in tier.roles}


@dataclass(frozen=True)
class EvidenceRow:
    item: Evidence
    removable: bool


@dataclass(frozen=True)
class EvidencePanel:
    checklist: list[tuple[rules.Requirement, bool]]
    rows: list[EvidenceRow]
    may_upload: bool
    kinds: tuple[str, ...]
    suggested_kind: str | None  # the first kind of the first requirement still unmet
    max_bytes: int


def may_remove(evidence: Evidence, dispute: Dispute, user: User) -> bool:
    """Tell whether remove_evidence would let this user remove this file now."""
    return (
        evidence.removed_at is None
        and dispute.state in OPEN_STATES
        and may_remove_evidence(user.as_actor(), dispute.team_id, evidence.uploaded_by_id)
    )


def evidence_panel(dispute: Dispute, user: User) -> EvidencePanel:
    """Gather the checklist, the files the user may see, and what they may do with them."""
    checklist = rules.checklist(dispute.reason_code, dispute.facts().evidence_kinds)
    unmet = [requirement for requirement, met in checklist if not met]
    return EvidencePanel(
        checklist=checklist,
        rows=[EvidenceRow(e, may_remove(e, dispute, user)) for e in list_evidence(dispute, user)],
        may_upload=dispute.state in OPEN_STATES and user.role in UPLOADERS,
        kinds=rules.KINDS,
        suggested_kind=unmet[0].kinds[0] if unmet else None,
        max_bytes=current_app.config["MAX_EVIDENCE_BYTES"],
    )


def evidence_waits(dispute: Dispute, user: User, now: datetime) -> list[tuple[Transition, list]]:
    """List the triggers the user could fire now but for missing evidence, with what is missing."""
    actor, facts = user.as_actor(), dispute.facts()
    waits = []
    for t in TRANSITIONS:
        if EVIDENCE not in t.guards or facts.state not in t.sources:
            continue
        others = [g for g in t.guards if not g.fields and g is not EVIDENCE]
        if (
            may_fire(actor, t, facts)
            and all(g.holds(facts, {}, now) for g in others)
            and not EVIDENCE.holds(facts, {}, now)
        ):
            waits.append((t, rules.missing(facts.reason_code, facts.evidence_kinds)))
    return waits


@dataclass(frozen=True)
class CreditPanel:
    memo: CreditMemo
    tier: matrix.Tier  # the tier of the amount the matrix gates (with a split credit's total)
    missing: list[str]
    approvers: list[User]  # who may approve it now
    may_decide: bool
    refusal: str | None  # why this lead or approver may not decide, when they may not
    may_issue: bool

    @property
    def needs(self) -> str:
        """What the tier asks for, without its name: "up to 25,000 needs 1 approver …"."""
        return self.tier.rule.partition(": ")[2]


def credit_panel(dispute: Dispute, user: User, view: CaseView) -> CreditPanel | None:
    """Gather the dispute's latest credit memo and what this user may do with it."""
    memo = current_memo(dispute)
    if memo is None:
        return None
    memo = db.session.scalars(
        select(CreditMemo)
        .where(CreditMemo.id == memo.id)
        .options(
            selectinload(CreditMemo.approvals).joinedload(Approval.approver),
            joinedload(CreditMemo.preparer),
        )
        .execution_options(populate_existing=True)
    ).one()
    facts = memo_facts(memo, dispute)
    pending = memo.status == "pending_approval"
    refusal = matrix.refusal(facts, person(user)) if pending else None
    return CreditPanel(
        memo=memo,
        tier=matrix.tier_for(facts.gated_amount),
        missing=matrix.missing(facts) if pending else [],
        approvers=approvers_now(memo, dispute),
        may_decide=pending and refusal is None,
        refusal=refusal if user.role in APPROVING_ROLES else None,
        may_issue=any(t.trigger == "issue_credit" for t in view.actions),
    )
