"""Admin: read-only policy pages, the security log, and the access review export."""

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from disputedesk.app.extensions import db
from disputedesk.app.models import ApiToken, SecurityEvent, User
from disputedesk.app.web.admin.blueprint import admin_required, bp
from disputedesk.app.web.diagram import workflow_diagram
from disputedesk.app.web.downloads import csv_download
from disputedesk.workflows.approvals import MATRIX_VERSION, TIERS
from disputedesk.workflows.dispute import TRANSITIONS
from disputedesk.workflows.evidence import REQUIRED
from disputedesk.workflows.sla import TARGETS

REVIEW_COLUMNS = ("email", "name", "role", "team", "active", "approval_limit", "time_zone",
                  "last_sign_in_at", "live_tokens", "token_scopes")  # fmt: skip


@bp.get("/policies")
@admin_required
def policies():  # noqa: ANN201
    return render_template(
        "admin/policies.html", transitions=TRANSITIONS, diagram=workflow_diagram(),
        targets=TARGETS, tiers=TIERS, matrix_version=MATRIX_VERSION, evidence=REQUIRED,
    )  # fmt: skip


@bp.get("/security-log")
@admin_required
def security_log():  # noqa: ANN201
    rows = db.session.scalars(select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(200))
    return render_template("admin/security_log.html", rows=list(rows))


def access_review_rows() -> list[dict[str, str]]:
    """Every account with its role, team, limit, last sign-in, live tokens and their scopes."""
    people = db.session.scalars(select(User).options(joinedload(User.team)).order_by(User.email))
    tokens: dict[int, list[ApiToken]] = {}
    for token in db.session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None))):
        tokens.setdefault(token.user_id, []).append(token)
    rows = []
    for person in people:
        live = tokens.get(person.id, [])
        rows.append({
            "email": person.email, "name": person.name, "role": person.role,
            "team": person.team.name if person.team else "", "active": str(person.active).lower(),
            "approval_limit": f"{person.approval_limit // 100}", "time_zone": person.timezone,
            "last_sign_in_at": person.last_sign_in_at.isoformat() if person.last_sign_in_at else "",
            "live_tokens": str(len(live)),
            "token_scopes": "; ".join(f"{t.id}: {t.scopes}" for t in live),
        })  # fmt: skip
    return rows


@bp.get("/access-review.csv")
@admin_required
def access_review():  # noqa: ANN201
    rows = ([row[c] for c in REVIEW_COLUMNS] for row in access_review_rows())
    return csv_download("access-review.csv", REVIEW_COLUMNS, rows)
