"""Deciding a credit resolve per line under the caps, and giving the memo its lines."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditLine, CreditMemo, Dispute, InvoiceLine
from disputedesk.app.queries.credit_lines import LineView, frozen_record, line_views
from disputedesk.workflows.adjudication import Decision, decide_lines
from disputedesk.workflows.money import format_amount


def lock_lines(line_ids: Iterable[int]) -> None:
    """Lock invoice lines (PostgreSQL) so two credits on one line take turns reading its sums."""
    ids = sorted(set(line_ids))
    if ids and db.engine.dialect.name == "postgresql":
        db.session.execute(
            select(InvoiceLine.id)
            .where(InvoiceLine.id.in_(ids))
            .order_by(InvoiceLine.id)
            .with_for_update()
        )


LINE_FIELD = "line_credit_"  # the web form's per-line inputs: line_credit_<line_no>


def _asked_lines(data: Mapping[str, Any], outcome: str | None) -> Any:
    """The line credits a resolve sent: the API's list, or the web form's per-line inputs."""
    if data.get("line_credits") is not None:
        return data["line_credits"]
    if outcome == "credit_full":
        return None  # a full credit is each line's disputed amount; the inputs are proposals
    typed = [
        _typed_line(key.removeprefix(LINE_FIELD), value.strip())
        for key in data
        if isinstance(key, str) and key.startswith(LINE_FIELD)
        and isinstance(value := data.get(key), str) and value.strip()
    ]  # fmt: skip
    return typed or None


def _typed_line(name: str, amount: str) -> dict[str, str]:
    """`3` is line 3 of the case's own invoice; `INV-2:3` line 3 of another it spans."""
    invoice, _, line_no = name.rpartition(":")
    return {
        "line_no": line_no,
        "amount": amount,
        **({"invoice_number": invoice} if invoice else {}),
    }


@dataclass(frozen=True)
class Adjudication:
    """A resolve's per-line decision and the comparison it was made on."""

    decision: Decision
    views: list[LineView]


def adjudicate(
    dispute: Dispute, data: Mapping[str, Any], given: dict[str, Any]
) -> Adjudication | None:
    """Decide a credit resolve per line, under the line caps; set the memo amount in `given`.

    The invoice lines are locked first (PostgreSQL), so two credits racing on one line take
    turns and the second sees what the first took.
    """
    outcome = given.get("outcome")
    lock_lines(dl.invoice_line_id for dl in dispute.lines or ())
    if not dispute.lines:
        lock_lines(line.id for line in dispute.invoice.lines)
    views = line_views(dispute)
    asked = {**given, "line_credits": _asked_lines(data, outcome)}
    if not dispute.lines and outcome == "credit_full" and not asked.get("credit_amount"):
        asked["credit_amount"] = format_amount(dispute.disputed_amount)  # spread over the lines
    decision = decide_lines(outcome, [v.facts for v in views], asked, dispute.invoice.number)
    if decision is None:
        return None
    if not given.get("credit_amount"):
        given["credit_amount"] = format_amount(decision.total)
    return Adjudication(decision, views)


def attach(
    memo: CreditMemo, adjudication: Adjudication, justification: str | None, now: datetime
) -> dict:
    """Give a new memo its line credits and frozen comparison; return them for the audit event."""
    decision = adjudication.decision
    for d in decision.lines:
        memo.lines.append(CreditLine(
            invoice_line_id=d.facts.line_id, disputed_amount=d.facts.disputed,
            proposed_amount=d.facts.proposed, amount=d.amount,
        ))  # fmt: skip
    memo.above_proposal = decision.above_proposal
    memo.justification = (justification or "").strip() or None
    memo.comparison = frozen_record(adjudication.views, decision, now)
    several = len({d.facts.invoice for d in decision.lines}) > 1  # a line number is ambiguous
    return {
        "lines": [{"line_no": d.facts.line_no, "amount": format_amount(d.amount),
                   **({"invoice": d.facts.invoice} if several else {})}
                  for d in decision.lines],
        "above_proposal": memo.above_proposal, "justification": memo.justification,
        "comparison": memo.comparison,
    }  # fmt: skip
