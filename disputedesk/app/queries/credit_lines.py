"""Per-line credit reads: what each line may still take, proposals, and the frozen comparison."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditLine, CreditMemo, Dispute, InvoiceLine
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.queries.comparison import ComparedLine, compare_dispute
from disputedesk.workflows import approvals as matrix
from disputedesk.workflows.adjudication import Decision, LineFacts
from disputedesk.workflows.money import format_amount

LIVE = matrix.LIVE_STATUSES  # memos whose credit counts against a line
ENGINE = "workflows.comparison"  # which comparison produced the frozen numbers


@dataclass(frozen=True)
class Prior:
    """A live memo's credit on a line, as the form and API name it."""

    invoice_line_id: int
    dispute_id: int
    memo_id: int
    number: str | None
    status: str
    amount: int

    def as_dict(self) -> dict[str, Any]:
        return {"memo": self.number, "dispute": format_ref(self.dispute_id),
                "amount": format_amount(self.amount), "status": self.status}  # fmt: skip


def priors(line_ids: Iterable[int], *, besides: int | None = None) -> dict[int, list[Prior]]:
    """Return the live credits on each line, leaving out those of dispute `besides`."""
    query = (
        select(
            CreditLine.invoice_line_id,
            CreditMemo.dispute_id,
            CreditMemo.id,
            CreditMemo.number,
            CreditMemo.status,
            CreditLine.amount,
        )  # fmt: skip
        .join(CreditMemo, CreditMemo.id == CreditLine.memo_id)
        .where(CreditLine.invoice_line_id.in_(set(line_ids)), CreditMemo.status.in_(LIVE))
        .order_by(CreditMemo.id)
    )
    if besides is not None:
        query = query.where(CreditMemo.dispute_id != besides)
    found: dict[int, list[Prior]] = {}
    for row in db.session.execute(query):
        found.setdefault(row[0], []).append(Prior(*row))
    return found


def left_on(line: InvoiceLine, prior: Sequence[Prior]) -> int:
    """What may still be disputed or credited on an invoice line."""
    return max(max(line.amount, 0) - sum(p.amount for p in prior), 0)


def cap_message(line: InvoiceLine, left: int, prior: Sequence[Prior]) -> str:
    """Say how much is left on a line and which memos credited the rest."""
    if not prior:
        return f"line {line.line_no}: cannot exceed its billed {format_amount(line.amount)}"
    billed = f"line {line.line_no}: billed {format_amount(line.amount)}"
    by = ", ".join(
        f"{format_amount(p.amount)} by {p.number or 'the memo awaiting approval on'}"
        + ("" if p.number else f" {format_ref(p.dispute_id)}")
        for p in prior
    )
    return f"{billed}, credited {by}: at most {format_amount(left)} is left"


def proposal(row: ComparedLine, disputed: int) -> int | None:
    """The comparison's proposed credit, up to the disputed amount; None when it cannot say."""
    c = row.comparison
    return None if c.expected_amount is None else min(max(c.proposed_credit, 0), disputed)


@dataclass(frozen=True)
class LineView:
    """One line of a dispute as the resolve form and the API show it."""

    row: ComparedLine
    facts: LineFacts
    prior: list[Prior]

    @property
    def line(self) -> Any:
        return self.row.comparison.line  # the billed line: line_no, product, amount …


def line_views(dispute: Dispute) -> list[LineView]:
    """Gather each line the dispute may credit, with its proposal and what is left on it."""
    rows = compare_dispute(dispute)
    prior = priors((r.comparison.line.line_id for r in rows), besides=dispute.id)
    views = []
    # The proposals together never exceed what the dispute disputes (a dispute filed without
    # line amounts may span lines billed far above it): taken in line order.
    budget = dispute.disputed_amount
    for r in rows:  # the case's order: its own invoice, then the others, each in line order
        line = r.comparison.line
        disputed = r.disputed_amount if r.disputed_amount is not None else max(line.amount, 0)
        proposed = proposal(r, disputed)
        if proposed is not None:
            proposed = min(proposed, budget)
            budget -= proposed
        facts = LineFacts(
            line_id=line.line_id, line_no=line.line_no, billed=line.amount, disputed=disputed,
            proposed=proposed,
            credited_before=sum(p.amount for p in prior.get(line.line_id, [])),
            invoice=r.invoice_number,
        )  # fmt: skip
        views.append(LineView(r, facts, prior.get(line.line_id, [])))
    return views


def _money(value: int | None) -> str | None:
    return None if value is None else format_amount(value)


def line_numbers(view: LineView) -> dict[str, Any]:
    """The numbers of one line a decision rests on, as strings in the currency's units."""
    engine = view.row.comparison.as_dict()
    return {
        "line_no": view.facts.line_no,
        "invoice_number": view.facts.invoice,
        "invoice_line_id": view.facts.line_id,
        "product": view.line.product,
        "billed": format_amount(view.facts.billed),
        "expected": _money(view.row.comparison.expected_amount),
        "proposed": _money(view.facts.proposed),
        "disputed": format_amount(view.facts.disputed),
        "credited_before": [p.as_dict() for p in view.prior],
        "left": format_amount(view.facts.left),
        "contract": engine.get("contract"),
        "deliveries": engine.get("delivery_rows", []),
        "engine": engine,
    }


def frozen_record(views: Sequence[LineView], decision: Decision, now: datetime) -> dict:
    """The comparison a credit is decided on, to store with the memo and in its audit event."""
    approved = {d.facts.line_id: d.amount for d in decision.lines}
    lines = []
    for view in views:
        numbers = line_numbers(view)
        numbers["approved"] = _money(approved.get(view.facts.line_id))
        lines.append(numbers)
    return {"engine": ENGINE, "frozen_at": now.isoformat(), "lines": lines}


def frozen_comparison(dispute: Dispute) -> dict | None:
    """Return the comparison frozen with the dispute's live memo, if it has one."""
    memo = dispute.credit_memos[-1] if dispute.credit_memos else None
    if memo is None or memo.status not in LIVE or not memo.comparison:
        return None
    return memo.comparison | {"memo_id": memo.id}


COMPARED_FIELDS = ("billed", "expected", "proposed")


def changes_since(dispute: Dispute) -> list[dict[str, Any]]:
    """List what today's comparison says differently from the frozen one, line by line."""
    frozen = frozen_comparison(dispute)
    if frozen is None:
        return []
    now = {v.facts.line_id: v for v in line_views(dispute)}
    changes = []
    for line in frozen["lines"]:
        view = now.get(line["invoice_line_id"])
        if view is None:
            changes.append({"line_no": line["line_no"], "field": "line", "frozen": "present",
                            "now": "gone"})  # fmt: skip
            continue
        live = line_numbers(view)
        for field in COMPARED_FIELDS:
            if live[field] != line[field]:
                changes.append({"line_no": line["line_no"], "field": field,
                                "frozen": line[field], "now": live[field]})  # fmt: skip
        for field, key in (("contract", "id"), ("deliveries", None)):
            was, is_ = _ids(line[field], key), _ids(live[field], key)
            if was != is_:
                changes.append({"line_no": line["line_no"], "field": field,
                                "frozen": was, "now": is_})  # fmt: skip
    return changes


def _ids(value: Any, key: str | None) -> Any:
    if value is None:
        return None
    if key:
        return {k: value.get(k) for k in ("id", "version") if k in value}
    return [v.get("id") for v in value]
