"""Comment on a dispute."""

from datetime import datetime

from disputedesk.app.extensions import db
from disputedesk.app.models import Comment, User
from disputedesk.app.services.write_path import change_case, load_for_change
from disputedesk.workflows import edge
from disputedesk.workflows.codes import COMMENT_VISIBILITIES, a_role
from disputedesk.workflows.errors import InvalidInput, NotPermitted
from disputedesk.workflows.permissions import comment_visibilities

MAX_BODY = edge.MAX_TEXT


def add_comment(
    ref: str,
    user: User,
    body: str,
    visibility: str | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Comment:
    """Add a comment; viewers write for the account team, the billing team may write internal."""
    allowed = comment_visibilities(user.as_actor())
    if not allowed:
        raise NotPermitted(f"{a_role(user.role)} cannot comment on disputes")
    visibility = visibility or allowed[0]
    if visibility not in COMMENT_VISIBILITIES:
        raise InvalidInput({"visibility": "internal or account_team"})
    if visibility not in allowed:
        raise NotPermitted(f"{a_role(user.role)} may only write {' or '.join(allowed)} comments")
    body = (body or "").strip() if isinstance(body, str) else ""
    if not body:
        raise InvalidInput({"body": "write a comment"})
    edge.check_text("body", body, MAX_BODY)
    dispute = load_for_change(ref, user, expected_version)  # a stale tab's comment is refused
    with change_case(dispute, user, now) as change:
        comment = Comment(
            dispute_id=dispute.id,
            author_id=user.id,
            body=body,
            visibility=visibility,
            created_at=change.now,
        )
        db.session.add(comment)
        change.record("commented", data={"visibility": visibility, "body": body})
    return comment
