"""What the evidence and credit panels of the dispute page show, asked of the services."""

from dataclasses import dataclass, field

from flask import current_app

from disputedesk.app.models import CreditMemo, Dispute, Evidence, User
from disputedesk.app.queries.case_view import CaseView
from disputedesk.app.queries.credit_lines import changes_since
from disputedesk.app.queries.evidence import list_evidence
from disputedesk.app.queries.memos import (
    MemoSummary,
    current_memo,
    memo_summary,
    memo_with_approvals,
)
from disputedesk.app.queries.reversals import reversal_refusal
from disputedesk.app.services.evidence import may_add_evidence, may_remove_evidence
from disputedesk.workflows import evidence as rules
from disputedesk.workflows.permissions import reads_internal_comments


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


def evidence_panel(dispute: Dispute, user: User) -> EvidencePanel:
    """Gather the checklist, the files the user may see, and what they may do with them."""
    checklist = rules.checklist(dispute.reason_code, dispute.facts().evidence_kinds)
    unmet = [requirement for requirement, met in checklist if not met]
    return EvidencePanel(
        checklist=checklist,
        rows=[
            EvidenceRow(e, may_remove_evidence(e, dispute, user))
            for e in list_evidence(dispute, user)
        ],
        may_upload=may_add_evidence(dispute, user),
        kinds=rules.KINDS,
        suggested_kind=unmet[0].kinds[0] if unmet else None,
        max_bytes=current_app.config["MAX_EVIDENCE_BYTES"],
    )


@dataclass(frozen=True)
class CreditPanel:
    summary: MemoSummary  # the memo, its tier, what is missing, who may approve
    may_decide: bool
    refusal: str | None  # why this lead or approver may not decide, when they may not
    may_issue: bool
    changes: list[dict] = field(default_factory=list)  # the data since the decision, per line
    may_reverse: bool = False
    reverse_refusal: str | None = None
    shows_comments: bool = True  # approvers' comments are finance deliberation: not for Sales/CS

    memo = property(lambda self: self.summary.memo)
    tier = property(lambda self: self.summary.tier)
    missing = property(lambda self: self.summary.missing)
    approvers = property(lambda self: self.summary.approvers)
    needs = property(lambda self: self.summary.needs)


def credit_panel(dispute: Dispute, user: User, view: CaseView) -> CreditPanel | None:
    """Gather the dispute's latest credit memo and what this user may do with it."""
    memo = current_memo(dispute)
    if memo is None:
        return None
    summary = memo_summary(memo_with_approvals(memo.id), dispute, user)
    return CreditPanel(
        summary=summary,
        may_decide=summary.pending and summary.refusal is None,
        refusal=summary.refusal if user.can("approve_credits") else None,
        may_issue=any(t.trigger == "issue_credit" for t in view.actions),
        changes=changes_since(dispute) if memo.comparison else [],
        shows_comments=reads_internal_comments(user.as_actor()),
        **reversal_options(memo, dispute, user, view),
    )


def reversal_options(memo: CreditMemo, dispute: Dispute, user: User, view: CaseView) -> dict:
    """Tell whether this user may reverse the issued memo now, or which rule stops them."""
    if memo.status != "issued" or not user.can("approve_credits"):
        return {}
    if not any(t.trigger == "reverse_credit" for t in view.actions):
        return {"reverse_refusal": "only the team's lead or an approver reverses a credit"}
    refused = reversal_refusal(memo, dispute, user)
    return {"may_reverse": refused is None, "reverse_refusal": refused}
