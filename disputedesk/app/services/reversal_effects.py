"""What `reverse_credit` does to the memo: a reversal document in its own gapless series."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Reversal, ReversalSequence
from disputedesk.app.queries.reversals import reversal_facts, reversal_refusal
from disputedesk.app.services.facts import books_zone
from disputedesk.app.services.write_path import CaseChange
from disputedesk.workflows import approvals as matrix
from disputedesk.workflows.books import books_year
from disputedesk.workflows.errors import Conflict, NotPermitted
from disputedesk.workflows.money import format_amount

PREFIX = "RV"


def reverse_effect(change: CaseChange, memo: CreditMemo, data: Mapping[str, Any]) -> Reversal:
    """Inside the reverse_credit change: check the matrix, number the reversal, mark the memo."""
    dispute, user = change.dispute, change.user
    if memo.reversal is not None:
        raise Conflict(f"{memo.number} was already reversed by {memo.reversal.number}")
    if user is None:
        raise NotPermitted("only a person reverses a credit memo")
    if refused := reversal_refusal(memo, dispute, user):
        raise NotPermitted(refused, rule=refused)
    rule = matrix.tier_of(reversal_facts(memo, dispute)).rule
    reversal = Reversal(
        memo=memo, number=_next_number(books_year(change.now, books_zone())), amount=memo.amount,
        currency=memo.currency, reason=str(data.get("reason", "")).strip(),
        reversed_by_id=user.id, reversed_at=change.now, rule=rule,
    )  # fmt: skip
    db.session.add(reversal)
    matrix.move_memo(memo, "reverse")
    db.session.flush()
    change.record("credit_memo_reversed", data={
        "memo_id": memo.id, "memo_number": memo.number, "number": reversal.number,
        "amount": format_amount(-memo.amount), "currency": memo.currency,
        "reason": reversal.reason, "rule": rule,
    })  # fmt: skip
    return reversal


def _next_number(year: int) -> str:
    """Take the next reversal number of the year under the sequence row's lock."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(ReversalSequence).values(year=year, last_number=0).on_conflict_do_nothing()
    )
    number = db.session.execute(
        update(ReversalSequence)
        .where(ReversalSequence.year == year)
        .values(last_number=ReversalSequence.last_number + 1)
        .returning(ReversalSequence.last_number)
    ).scalar_one()
    return f"{PREFIX}-{year}-{number:06d}"
