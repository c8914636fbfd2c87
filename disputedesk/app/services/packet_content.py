"""What an audit packet says of a case, its credit memos (per line, the frozen comparison,
approvals with the limits then, posting, reversal, rebill) and its events."""

from datetime import datetime
from typing import Any

from disputedesk.app.models import CreditLine, CreditMemo, Dispute, Event, Reversal
from disputedesk.workflows.money import format_amount, format_rate


def case_content(d: Dispute) -> dict[str, Any]:
    return {
        "ref": d.ref,
        "state": d.state,
        "outcome": d.outcome,
        "root_cause": d.root_cause,
        "reason_code": d.reason_code,
        "description": d.description,
        "disputed_amount": format_amount(d.disputed_amount),
        "currency": d.currency,
        **_usd(d.reporting_amount, d.fx_rate, d.fx_rate_on),
        "priority": d.priority,
        "team": d.team.name,
        "advertiser": d.advertiser.name,
        "advertiser_ref": d.advertiser.ref,
        "invoice": d.invoice.number,
        "billing_period": f"{d.invoice.period_start}..{d.invoice.period_end}",
        **({"invoices": [i.number for i in d.invoices]} if len(d.invoices) > 1 else {}),
        "lines": [
            {
                "invoice": dl.invoice_line.invoice.number,
                "line_no": dl.invoice_line.line_no,
                "product": dl.invoice_line.product,
                "amount": format_amount(dl.amount),
            }
            for dl in d.lines
        ],
        "assignee": d.assignee.email if d.assignee else None,
        "filed_at": d.filed_at.isoformat(),
        "resolved_at": d.resolved_at and d.resolved_at.isoformat(),
    }


def _usd(amount: int | None, rate: int | None, since: Any) -> dict[str, Any]:
    """The amount in the reporting currency and the dated rate it was converted at."""
    return {
        "reporting_amount": None if amount is None else format_amount(amount),
        "fx_rate": None if rate is None else format_rate(rate),
        "fx_rate_effective_on": since and since.isoformat(),
    }


def memo_content(m: CreditMemo) -> dict[str, Any]:
    return {
        "number": m.number,
        "status": m.status,
        "amount": format_amount(m.amount),
        "currency": m.currency,
        **_usd(m.reporting_amount, m.fx_rate, m.fx_rate_on),
        "gl_reason": m.gl_reason,
        "matrix_version": m.matrix_version,
        "preparer": m.preparer.email,
        "issued_by": m.issued_by,
        "issued_at": m.issued_at and m.issued_at.isoformat(),
        "approvals": [
            {
                "approver": a.approver.email,
                "decision": a.decision,
                "rule": a.rule,
                "approver_limit": format_amount(a.approver_limit),  # the limit at the time
                "as_top_approver": a.as_top,
                "comment": a.comment,
                "at": a.at.isoformat(),
            }
            for a in m.approvals
        ],
        "lines": [_line(cl) for cl in sorted(m.lines, key=lambda cl: cl.invoice_line.line_no)],
        "above_proposal": m.above_proposal,
        "justification": m.justification,
        "comparison": m.comparison,  # the numbers the decision was made on, frozen at resolve
        "posting": {"external_ref": m.external_ref, "posted_at": _at(m.posted_at)},
        "reversal": _reversal(m.reversal) if m.reversal else None,
        "rebill": {
            "requested": m.rebill,
            "corrected_invoice": m.rebill_invoice,
            "rebilled_at": _at(m.rebilled_at),
        }
        if m.rebill
        else None,  # fmt: skip
    }


def _at(instant: datetime | None) -> str | None:
    return instant and instant.isoformat()


def _line(cl: CreditLine) -> dict[str, Any]:
    """What the memo credits on one invoice line, beside what was billed and disputed."""
    return {
        "line_no": cl.invoice_line.line_no,
        "billed": format_amount(cl.invoice_line.amount),
        "disputed": format_amount(cl.disputed_amount),
        "proposed": None if cl.proposed_amount is None else format_amount(cl.proposed_amount),
        "credited": format_amount(cl.amount),
    }


def _reversal(r: Reversal) -> dict[str, Any]:
    return {
        "number": r.number,
        "amount": format_amount(-r.amount),
        "currency": r.currency,
        "reason": r.reason,
        "reversed_by": r.reversed_by.email,
        "reversed_at": r.reversed_at.isoformat(),
        "rule": r.rule,
        "posting": {"external_ref": r.external_ref, "posted_at": _at(r.posted_at)},
    }


def event_content(e: Event) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "type": e.type,
        "trigger": e.trigger,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "data": e.data,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }
