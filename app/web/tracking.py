"""Tracking for Sales and Client Services: find a case of your accounts and follow it."""

from flask import Blueprint, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Dispute, Watch
from app.queries.access import visible_disputes
from app.services.queues import search_clause
from app.web.rendering import page_or_partial, roles_required

bp = Blueprint("tracking", __name__)
RESULTS = 50
TRACKERS = ("viewer", "approver", "analyst", "lead", "admin")


@bp.get("/track")
@roles_required(*TRACKERS)
def search():  # noqa: ANN201
    q = request.args.get("q", "").strip()
    query = visible_disputes(current_user).options(
        joinedload(Dispute.advertiser),
        joinedload(Dispute.invoice),
        joinedload(Dispute.assignee),
        selectinload(Dispute.sla_clocks),  # the expected resolution date
    )
    if q:
        query = query.where(search_clause(q))
    else:  # with no search, show the cases they watch
        query = query.where(
            Dispute.id.in_(select(Watch.dispute_id).where(Watch.user_id == current_user.id))
        )
    rows = db.session.scalars(query.order_by(Dispute.id.desc()).limit(RESULTS)).all()
    return page_or_partial("tracking/search.html", "tracking/_results.html", rows=rows, q=q)
