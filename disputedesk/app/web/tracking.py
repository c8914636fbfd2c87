"""Tracking for Sales and Client Services: find a case of your accounts and follow it."""

from flask import Blueprint, abort, request
from flask_login import current_user

from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.tracking import default_view, track
from disputedesk.app.web import params
from disputedesk.app.web.rendering import page_or_partial, requires
from disputedesk.workflows import edge
from disputedesk.workflows.errors import InvalidInput

bp = Blueprint("tracking", __name__)


@bp.get("/track")
@requires("track_cases")
def search():  # noqa: ANN201
    q = params.text(request.args, "q")
    showing = params.text(request.args, "show") or default_view(current_user)
    after = params.text(request.args, "after", edge.MAX_CURSOR)
    try:
        page = track(current_user, q, showing, after)
    except InvalidInput:
        abort(400)
    partial = "tracking/_rows.html" if after else "tracking/_results.html"
    return page_or_partial(
        "tracking/search.html", partial, page=page, rows=page.rows, q=q, now=utcnow()
    )
