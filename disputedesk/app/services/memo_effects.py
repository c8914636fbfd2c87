"""What a trigger does to credit memos: `resolve` prepares one, `issue_credit` numbers it."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Dispute, MemoSequence
from disputedesk.app.queries.fx import rate_on
from disputedesk.app.queries.memos import current_memo, memo_facts
from disputedesk.app.services.adjudication import Adjudication, attach
from disputedesk.app.services.facts import books_zone
from disputedesk.app.services.write_path import CaseChange
from disputedesk.workflows import approvals as matrix
from disputedesk.workflows.books import books_day, books_year
from disputedesk.workflows.money import convert, format_amount, format_rate, parse_amount


def credit_amount(dispute: Dispute, data: Mapping[str, Any]) -> int:
    """Return the memo amount a resolve asks for: the disputed amount for a full credit."""
    if data.get("outcome") == "credit_full" and not data.get("credit_amount"):
        return dispute.disputed_amount
    return parse_amount(data.get("credit_amount"))


def prepare_memo(
    change: CaseChange,
    data: Mapping[str, Any],
    adjudication: Adjudication | None = None,
    *,
    rebill: bool = False,
) -> CreditMemo:
    """Create the memo a credit resolve asks for, awaiting approval, with its line credits;
    `rebill`: when issued, it asks the billing system for a corrected invoice."""
    dispute = change.dispute
    amount = adjudication.decision.total if adjudication else credit_amount(dispute, data)
    rate = rate_on(dispute.currency, books_day(change.now, books_zone()))
    reporting = convert(amount, rate.micros)
    earlier = db.session.scalar(
        select(func.coalesce(func.sum(CreditMemo.reporting_amount), 0)).where(
            CreditMemo.invoice_id == dispute.invoice_id,
            CreditMemo.status.in_(matrix.LIVE_STATUSES),
            CreditMemo.created_at >= change.now - matrix.SPLIT_WINDOW,
        )
    )
    memo = CreditMemo(
        dispute_id=dispute.id, invoice_id=dispute.invoice_id, amount=amount,
        currency=dispute.currency, reporting_amount=reporting, fx_rate=rate.micros,
        fx_rate_on=rate.effective_on,
        split_total=reporting + earlier if earlier else 0, gl_reason=data["gl_reason"],
        matrix_version=matrix.MATRIX_VERSION, preparer_id=change.user.id, created_at=change.now,
        rebill=rebill,
    )  # fmt: skip
    dispute.credit_memos.append(memo)
    decided = {}
    if adjudication:
        decided = attach(memo, adjudication, data.get("justification"), change.now)
    db.session.flush()
    tier = matrix.tier_of(memo_facts(memo, dispute))
    change.record("credit_memo_prepared", data={
        "memo_id": memo.id, "amount": format_amount(amount), "currency": dispute.currency,
        "fx_rate": format_rate(rate.micros),
        "gl_reason": memo.gl_reason, "rule": tier.rule,
        "split_total": format_amount(memo.split_total) if memo.split_total else None,
        **({"rebill": True} if rebill else {}), **decided,
    })  # fmt: skip
    return memo


def issue_memo(change: CaseChange) -> CreditMemo:
    """Give the approved memo the next gapless number of the books' year and mark it issued."""
    memo = current_memo(change.dispute)
    matrix.move_memo(memo, "issue")
    year = books_year(change.now, books_zone())  # the year of the close the memo sits in
    _ensure_sequence(year)
    number = db.session.execute(
        update(MemoSequence)
        .where(MemoSequence.year == year)
        .values(last_number=MemoSequence.last_number + 1)
        .returning(MemoSequence.last_number)
    ).scalar_one()
    memo.number = f"CM-{year}-{number:06d}"
    memo.issued_by = change.user.email if change.user else "system"
    memo.issued_at = change.now
    change.record("credit_memo_issued", data={"memo_id": memo.id, "number": memo.number})
    if memo.rebill:  # the billing system is asked for the corrected invoice (a webhook)
        invoices = change.dispute.invoices
        change.record("rebill_requested", data={
            "memo_id": memo.id, "number": memo.number, "invoice": change.dispute.invoice.number,
            **({"invoices": [i.number for i in invoices]} if len(invoices) > 1 else {}),
        })  # fmt: skip
    return memo


def _ensure_sequence(year: int) -> None:
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(MemoSequence).values(year=year, last_number=0).on_conflict_do_nothing()
    )
