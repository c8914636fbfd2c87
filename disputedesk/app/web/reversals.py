"""Reversing an issued credit memo on the web, after a confirmation."""

from flask import Blueprint, abort, request
from flask_login import current_user, fresh_login_required

from disputedesk.app.models.types import MAX_ID
from disputedesk.app.services.reversals import reverse_memo
from disputedesk.app.web.areas import after_change, refused
from disputedesk.app.web.credits import _memo
from disputedesk.workflows.errors import DomainError, InvalidInput, NotFound

bp = Blueprint("reversals", __name__)


@bp.post(f"/credit-memos/<int(min=1, max={MAX_ID}):memo_id>/reversal")
@fresh_login_required
def reverse(memo_id: int):  # noqa: ANN201
    memo, dispute = _memo(memo_id)
    version = request.form.get("version", "")
    try:
        if request.form.get("confirm") != "yes":
            raise InvalidInput({"confirm": f"tick the box to confirm reversing {memo.number}"})
        expected = int(version) if version.isdigit() else None
        reason = request.form.get("reason", "")
        reversal = reverse_memo(memo_id, current_user, reason, expected_version=expected)
    except NotFound:
        abort(404)
    except DomainError as error:
        return refused(dispute.ref, "credit", error, fields=("reason", "confirm"))
    return after_change(dispute.ref, "credit", f"Reversed {memo.number} by {reversal.number}.")
