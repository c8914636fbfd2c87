"""Credit and rebill: the billing system lists the issued memos that asked for a corrected
invoice and reports each corrected invoice's number once."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Dispute, Invoice, User
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.services.write_path import change_case, load_for_change
from disputedesk.workflows.edge import text_problem
from disputedesk.workflows.errors import Conflict, InvalidInput, NotFound, NotPermitted

MAX_INVOICE_NUMBER = 40
REBILLABLE = ("issued", "reversed")  # a reversed memo's corrected invoice may be out already


def _billing_system(user: User) -> None:
    if not user.can("push_invoices"):
        raise NotPermitted("only the billing system's integration user reports rebills")


def pending_rebills(
    user: User, after_id: int | None, limit: int
) -> Sequence[tuple[CreditMemo, Dispute]]:
    """Issued memos still waiting for their corrected invoice, oldest first, with their cases."""
    _billing_system(user)
    query = (
        select(CreditMemo, Dispute)
        .join(Dispute, Dispute.id == CreditMemo.dispute_id)
        .where(CreditMemo.rebill, CreditMemo.rebill_invoice.is_(None))
        .where(CreditMemo.status.in_(REBILLABLE))
        .options(joinedload(Dispute.advertiser), joinedload(Dispute.invoice))
        .order_by(CreditMemo.id)
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(CreditMemo.id > after_id)
    return [(memo, dispute) for memo, dispute in db.session.execute(query)]


def record_rebill(
    memo_id: int, user: User, invoice_number: object, now: datetime | None = None
) -> tuple[CreditMemo, bool]:
    """Record the corrected invoice of a credit-and-rebill memo; return it and whether this
    call recorded it. The same number again changes nothing; another number is a conflict."""
    _billing_system(user)
    number = _number(invoice_number)
    dispute_id = db.session.scalar(select(CreditMemo.dispute_id).where(CreditMemo.id == memo_id))
    if dispute_id is None:
        raise NotFound(f"no credit memo {memo_id}")
    # The dispute first, then the memo: the order every memo decision locks them in.
    dispute = load_for_change(format_ref(dispute_id), user, None)
    memo = db.session.scalars(
        select(CreditMemo).where(CreditMemo.id == memo_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()  # fmt: skip
    if memo.rebill_invoice == number:
        db.session.rollback()
        return memo, False
    if not memo.rebill:
        raise Conflict(f"{memo.number or 'this memo'} did not ask for a corrected invoice")
    if memo.rebill_invoice is not None:
        raise Conflict(
            f"{memo.number} was rebilled as {memo.rebill_invoice}; it is not rebilled twice"
        )
    if memo.status not in REBILLABLE:
        raise Conflict("the memo is not issued yet: the corrected invoice follows its credit")
    _refuse_wrong_invoice(dispute, number)
    with change_case(dispute, user, now) as change:
        memo.rebill_invoice, memo.rebilled_at = number, change.now
        change.record("rebilled", data={
            "memo_id": memo.id, "number": memo.number, "invoice": dispute.invoice.number,
            "corrected_invoice": number,
        })  # fmt: skip
    return memo, True


def _number(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput({"invoice_number": "the corrected invoice's number is required"})
    if problem := text_problem(value.strip(), MAX_INVOICE_NUMBER, single_line=True):
        raise InvalidInput({"invoice_number": problem})
    return value.strip()


def _refuse_wrong_invoice(dispute: Dispute, number: str) -> None:
    if number == dispute.invoice.number:
        raise InvalidInput({"invoice_number": "a corrected invoice has a number of its own"})
    known = db.session.scalar(select(Invoice).where(Invoice.number == number))
    if known is not None and known.advertiser_id != dispute.advertiser_id:
        raise InvalidInput({"invoice_number": f"{number} is another advertiser's invoice"})
