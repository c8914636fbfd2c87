"""Admins watch the outbox: what waits, what is retrying, what is dead; send a dead one again."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import aliased

from disputedesk.app.extensions import db
from disputedesk.app.models import Outbox, User
from disputedesk.app.models.types import as_id, utcnow
from disputedesk.app.services.outbox import pending_counts, retry_dead
from disputedesk.app.web.rendering import requires

bp = Blueprint("outbox_admin", __name__, url_prefix="/admin/outbox")
SHOWN = 100


@bp.get("")
@requires("watch_outbox")
def index():  # noqa: ANN201
    status = request.args.get("status", "dead")
    if status not in ("dead", "retrying", "pending"):
        status = "dead"
    recipient = aliased(User)
    query = select(Outbox, recipient.email).outerjoin(
        recipient, recipient.id == Outbox.recipient_id
    )
    if status == "retrying":
        query = query.where(Outbox.status == "pending", Outbox.attempts > 0)
    else:
        query = query.where(Outbox.status == status)
    rows = db.session.execute(query.order_by(Outbox.id.desc()).limit(SHOWN)).all()
    return render_template("outbox_admin/index.html", rows=rows, counts=pending_counts(),
                           status=status, now=utcnow())  # fmt: skip


@bp.post("/<row_id>/retry")
@requires("watch_outbox")
def retry(row_id: str):  # noqa: ANN201
    row = db.session.get(Outbox, as_id(row_id)) if as_id(row_id) else None
    if row is None or row.status == "pending":
        abort(404)
    retry_dead(row.id)
    return redirect(url_for("outbox_admin.index", status=request.args.get("status", "dead")))
