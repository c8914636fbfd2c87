"""The site root sends each role to its natural start page; the workflow page."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from disputedesk.app.web.diagram import workflow_diagram
from disputedesk.workflows.dispute import TRANSITIONS, mermaid

bp = Blueprint("home", __name__)
START_PAGES = {
    "analyst": "queues.mine",
    "lead": "dashboard.index",  # leads and approvers start from the numbers (issue 11)
    "viewer": "tracking.search",
    "approver": "dashboard.index",
    "admin": "admin.index",
}


@bp.get("/")
@login_required
def index():  # noqa: ANN201
    return redirect(url_for(START_PAGES.get(current_user.role, "home.workflow")))


@bp.get("/workflow")
@login_required
def workflow():  # noqa: ANN201
    return render_template(
        "workflow.html", transitions=TRANSITIONS, mermaid=mermaid(), diagram=workflow_diagram()
    )
