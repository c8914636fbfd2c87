"""Watch and unwatch a case."""

from sqlalchemy import delete, select

from disputedesk.app.extensions import db
from disputedesk.app.models import User, Watch
from disputedesk.app.services.write_path import change_case, load_for_change
from disputedesk.workflows.codes import a_role
from disputedesk.workflows.errors import NotPermitted


def may_watch(user: User) -> bool:
    """Tell whether the user may follow cases (the page shows Watch from this)."""
    return user.can("watch_cases")


def set_watching(ref: str, user: User, watching: bool) -> bool:
    """Start or stop following a case the user may see; answer whether they now watch it."""
    if not may_watch(user):
        raise NotPermitted(f"{a_role(user.role)} does not watch cases")
    dispute = load_for_change(ref, user, None)
    current = db.session.scalar(
        select(Watch.id).where(Watch.dispute_id == dispute.id, Watch.user_id == user.id)
    )
    if (current is not None) == watching:
        db.session.rollback()
        return watching
    with change_case(dispute, user) as change:
        if watching:
            db.session.add(Watch(dispute_id=dispute.id, user_id=user.id, created_at=change.now))
        else:
            db.session.execute(delete(Watch).where(Watch.id == current))
        change.record("watched" if watching else "unwatched")
    return watching
