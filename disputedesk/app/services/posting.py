"""ERP posting: the ERP lists issued memos and reversals not yet posted and acknowledges each
one once. A memo reversed before the ERP posted it is still listed: the ERP posts both."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Dispute, Reversal, User
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.services.write_path import change_case, load_for_change
from disputedesk.workflows.edge import text_problem
from disputedesk.workflows.errors import Conflict, InvalidInput, NotFound, NotPermitted

MAX_EXTERNAL_REF = 80
POSTABLE = ("issued", "reversed")  # memos that were issued: the ERP books each once


def _integration(user: User) -> None:
    if not user.can("post_memos"):
        raise NotPermitted("only the billing system's integration user posts memos")


def unposted_memos(
    user: User, after_id: int | None, limit: int
) -> Sequence[tuple[CreditMemo, Dispute]]:
    """Return issued memos the ERP has not acknowledged yet, oldest first, with their cases."""
    _integration(user)
    query = (
        select(CreditMemo, Dispute)
        .join(Dispute, Dispute.id == CreditMemo.dispute_id)
        .where(CreditMemo.status.in_(POSTABLE), CreditMemo.posted_at.is_(None))
        .options(joinedload(Dispute.advertiser), joinedload(Dispute.invoice))
        .order_by(CreditMemo.id)
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(CreditMemo.id > after_id)
    return [(memo, dispute) for memo, dispute in db.session.execute(query)]


def _posting_input(external_ref: object, posted_at: object) -> tuple[str, datetime]:
    errors = {}
    if not isinstance(external_ref, str) or not external_ref.strip():
        errors["external_ref"] = "the ERP's document reference is required"
    elif problem := text_problem(external_ref.strip(), MAX_EXTERNAL_REF, single_line=True):
        errors["external_ref"] = problem
    when = None
    if isinstance(posted_at, str) and len(posted_at) <= 40:
        try:
            when = datetime.fromisoformat(posted_at)
        except ValueError:
            when = None
    if when is None or when.tzinfo is None:
        errors["posted_at"] = "an instant with its offset, such as 2026-11-20T14:05:00Z"
    if errors:
        raise InvalidInput(errors)
    return external_ref.strip(), when


def post_memo(
    memo_id: int,
    user: User,
    external_ref: object,
    posted_at: object,
    now: datetime | None = None,
) -> tuple[CreditMemo, bool]:
    """Record that the ERP posted an issued memo; return it and whether this call recorded it.

    The same reference again changes nothing; another reference for a posted memo, or a
    reference another memo carries, is a conflict.
    """  # fmt: skip
    _integration(user)
    ref, when = _posting_input(external_ref, posted_at)
    dispute_id = db.session.scalar(select(CreditMemo.dispute_id).where(CreditMemo.id == memo_id))
    if dispute_id is None:
        raise NotFound(f"no credit memo {memo_id}")
    # The dispute first, then the memo: the order every memo decision locks them in.
    dispute = load_for_change(format_ref(dispute_id), user, None)
    memo = db.session.scalars(
        select(CreditMemo).where(CreditMemo.id == memo_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()  # fmt: skip
    if memo.external_ref == ref:
        db.session.rollback()
        return memo, False
    if memo.external_ref is not None:
        raise Conflict(f"{memo.number} was posted as {memo.external_ref}; it is not posted twice")
    if memo.status not in POSTABLE:
        raise Conflict(f"the memo is {memo.status.replace('_', ' ')}; only issued memos are posted")
    _refuse_taken(ref)
    with change_case(dispute, user, now) as change:
        memo.external_ref, memo.posted_at = ref, when
        change.record("credit_memo_posted", data={
            "memo_id": memo.id, "number": memo.number, "external_ref": ref,
            "posted_at": when.isoformat(),
        })  # fmt: skip
    return memo, True


def _refuse_taken(ref: str) -> None:
    """One ERP document books one memo or one reversal, never two."""
    if db.session.scalar(select(CreditMemo.number).where(CreditMemo.external_ref == ref)):
        raise Conflict(f"{ref} is the ERP reference of another memo")
    if db.session.scalar(select(Reversal.number).where(Reversal.external_ref == ref)):
        raise Conflict(f"{ref} is the ERP reference of a reversal")


def unposted_reversals(
    user: User, after_id: int | None, limit: int
) -> Sequence[tuple[Reversal, Dispute]]:
    """Return reversals the ERP has not acknowledged yet, oldest first, with their cases."""
    _integration(user)
    query = (
        select(Reversal, Dispute)
        .join(CreditMemo, CreditMemo.id == Reversal.memo_id)
        .join(Dispute, Dispute.id == CreditMemo.dispute_id)
        .where(Reversal.posted_at.is_(None))
        .options(
            joinedload(Reversal.memo), joinedload(Dispute.advertiser), joinedload(Dispute.invoice)
        )  # fmt: skip
        .order_by(Reversal.id)
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(Reversal.id > after_id)
    return [(reversal, dispute) for reversal, dispute in db.session.execute(query)]


def post_reversal(
    reversal_id: int,
    user: User,
    external_ref: object,
    posted_at: object,
    now: datetime | None = None,
) -> tuple[Reversal, bool]:
    """Record that the ERP posted a reversal; return it and whether this call recorded it.

    As for memos: the same reference again changes nothing; another reference for a posted
    reversal, or a reference a memo or another reversal carries, is a conflict.
    """
    _integration(user)
    ref, when = _posting_input(external_ref, posted_at)
    dispute_id = db.session.scalar(
        select(CreditMemo.dispute_id).join(Reversal, Reversal.memo_id == CreditMemo.id)
        .where(Reversal.id == reversal_id)
    )  # fmt: skip
    if dispute_id is None:
        raise NotFound(f"no reversal {reversal_id}")
    dispute = load_for_change(format_ref(dispute_id), user, None)  # the case before the row
    reversal = db.session.scalars(
        select(Reversal).where(Reversal.id == reversal_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()  # fmt: skip
    if reversal.external_ref == ref:
        db.session.rollback()
        return reversal, False
    if reversal.external_ref is not None:
        raise Conflict(f"{reversal.number} was posted as {reversal.external_ref}; "
                       "it is not posted twice")  # fmt: skip
    _refuse_taken(ref)
    with change_case(dispute, user, now) as change:
        reversal.external_ref, reversal.posted_at = ref, when
        change.record("credit_memo_reversal_posted", data={
            "reversal_id": reversal.id, "number": reversal.number,
            "memo_number": reversal.memo.number, "external_ref": ref,
            "posted_at": when.isoformat(),
        })  # fmt: skip
    return reversal, True
