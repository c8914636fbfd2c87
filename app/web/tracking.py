"""Tracking for Sales and Client Services: find a case of your accounts and follow it."""

from flask import Blueprint, abort, request
from flask_login import current_user

from app.models.types import utcnow
from app.queries.tracking import default_view, track
from app.web.rendering import page_or_partial, roles_required
from workflows.errors import InvalidInput

bp = Blueprint("tracking", __name__)
TRACKERS = ("viewer", "approver", "analyst", "lead", "admin")


@bp.get("/track")
@roles_required(*TRACKERS)
def search():  # noqa: ANN201
    q = request.args.get("q", "").strip()
    showing = request.args.get("show") or default_view(current_user)
    try:
        page = track(current_user, q, showing, request.args.get("after"))
    except InvalidInput:
        abort(400)
    partial = "tracking/_rows.html" if request.args.get("after") else "tracking/_results.html"
    return page_or_partial(
        "tracking/search.html", partial, page=page, rows=page.rows, q=q, now=utcnow()
    )
