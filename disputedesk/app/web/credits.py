"""Credit memos on the web: approve or reject, issue, the approvals inbox, the printable memo."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, fresh_login_required, login_required

from disputedesk.app.extensions import db, htmx
from disputedesk.app.models import CreditMemo, Dispute
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.models.types import MAX_ID, utcnow
from disputedesk.app.queries.case_view import case_view
from disputedesk.app.queries.memos import current_memo, evidence_counts, inbox, memo_with_approvals
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.app.web import params
from disputedesk.app.web.areas import after_change, load_case, refused
from disputedesk.app.web.rendering import page_or_partial, requires
from disputedesk.workflows import edge
from disputedesk.workflows.errors import Conflict, DomainError, InvalidInput, NotFound

bp = Blueprint("credits", __name__)
MEMO_ID = f"<int(min=1, max={MAX_ID}):memo_id>"


def _memo(memo_id: int) -> tuple[CreditMemo, Dispute]:
    """Load a memo and its case, if the user may see the case (else 404, as for the case)."""
    memo = memo_with_approvals(memo_id)
    if memo is None:
        abort(404)
    return memo, load_case(format_ref(memo.dispute_id))


@bp.post(f"/credit-memos/{MEMO_ID}/approvals")
@fresh_login_required
def decide_memo(memo_id: int):  # noqa: ANN201
    ref = _memo(memo_id)[1].ref
    decision = request.form.get("decision", "")
    try:
        memo = decide(memo_id, current_user, decision, request.form.get("comment", ""))
    except NotFound:
        abort(404)
    except DomainError as error:
        return refused(ref, "credit", error, fields=("comment",))
    if decision != "approve":
        done = "Rejected: the case goes back for rework."
    elif memo.status == "approved":
        done = "Approved: the memo is ready to issue."
    else:
        done = "Approved: the memo needs one more approval."
    return after_change(ref, "credit", done)


@bp.post(f"/credit-memos/{MEMO_ID}/issue")
@fresh_login_required
def issue(memo_id: int):  # noqa: ANN201
    memo, dispute = _memo(memo_id)
    ref = dispute.ref
    try:
        if current_memo(dispute).id != memo.id:
            raise Conflict("this memo was replaced by a newer one; reload the case")
        if not htmx and request.form.get("confirm") != "yes" and _may_issue(dispute):
            # htmx asked in a dialog first; anyone else is refused by the write path as before
            raise InvalidInput({"confirm": "tick the box to confirm issuing this credit"})
        fire_trigger(ref, current_user, "issue_credit", {},
                     expected_version=params.version(request.form))  # fmt: skip
    except DomainError as error:
        return refused(ref, "credit", error, fields=("confirm",))  # an unticked box sends nothing
    db.session.refresh(memo)
    return after_change(ref, "credit", f"Issued credit memo {memo.number}.")


def _may_issue(dispute: Dispute) -> bool:
    view = case_view(dispute, current_user, utcnow())
    return any(t.trigger == "issue_credit" for t in view.actions)


@bp.get("/approvals")
@requires("approve_credits")
def inbox_page():  # noqa: ANN201
    page = inbox(current_user, params.text(request.args, "after", edge.MAX_CURSOR))
    counts = evidence_counts([d.id for _, d in page.rows])  # the page's cases only
    return page_or_partial(
        "credits/inbox.html", "credits/_inbox.html", rows=page.rows, evidence_counts=counts,
        next_after=page.next_after, count=page.count, now=utcnow(),
    )  # fmt: skip


@bp.get(f"/credit-memos/{MEMO_ID}")
@login_required
def memo_page(memo_id: int):  # noqa: ANN201
    memo, dispute = _memo(memo_id)
    if memo.number is None:
        abort(404)  # a memo becomes a document when it is issued
    approved = [a for a in memo.approvals if a.decision == "approve"]
    return render_template("credits/memo.html", memo=memo, d=dispute, approved=approved)
