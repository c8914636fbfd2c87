"""Tracking for Sales and Client Services: find a case of your accounts and follow it."""

from flask import Blueprint, request
from flask_login import current_user

from app.queries.tracking import tracked_cases
from app.web import params
from app.web.rendering import page_or_partial, requires

bp = Blueprint("tracking", __name__)


@bp.get("/track")
@requires("track_cases")
def search():  # noqa: ANN201
    q = params.text(request.args, "q")
    rows = tracked_cases(current_user, q)
    return page_or_partial("tracking/search.html", "tracking/_results.html", rows=rows, q=q)
