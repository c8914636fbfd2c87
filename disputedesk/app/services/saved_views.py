"""Save, list and delete a person's views of the team queue (name + filters)."""

from collections.abc import Sequence
from urllib.parse import urlencode

from sqlalchemy import delete, select

from disputedesk.app.extensions import db
from disputedesk.app.models import SavedView, User
from disputedesk.app.services.write_path import transaction
from disputedesk.workflows import edge
from disputedesk.workflows.errors import InvalidInput, NotFound

MAX_VIEWS = 20
MAX_NAME = 60


def views_of(user: User) -> Sequence[SavedView]:
    """Return the user's saved views, by name."""
    return db.session.scalars(
        select(SavedView).where(SavedView.user_id == user.id).order_by(SavedView.name)
    ).all()


def save_view(user: User, name: object, filters: dict[str, str]) -> SavedView:
    """Save the filters under a name (the same name again replaces them); one transaction."""
    name = edge.check_text("name", str(name or "").strip(), MAX_NAME, single_line=True)
    if not name:
        raise InvalidInput({"name": "give the view a name"})
    query = urlencode(sorted((k, v) for k, v in filters.items() if v))
    with transaction():
        view = db.session.scalar(
            select(SavedView).where(SavedView.user_id == user.id, SavedView.name == name)
        )
        if view is None:
            if len(views_of(user)) >= MAX_VIEWS:
                raise InvalidInput({"name": f"you can keep {MAX_VIEWS} views; delete one first"})
            view = SavedView(user_id=user.id, name=name)
            db.session.add(view)
        view.query = query
    return view


def delete_view(user: User, view_id: int) -> None:
    """Delete one of the user's own views; someone else's is not found."""
    with transaction():
        gone = db.session.execute(
            delete(SavedView).where(SavedView.id == view_id, SavedView.user_id == user.id)
        ).rowcount
        if not gone:
            raise NotFound("no such saved view of yours")
