"""Evidence reads: the files of a case that a user may see."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Evidence, User


def list_evidence(dispute: Dispute, user: User) -> Sequence[Evidence]:
    """Return the dispute's evidence; people outside billing do not see removed files."""
    query = (
        select(Evidence)
        .where(Evidence.dispute_id == dispute.id)
        .options(joinedload(Evidence.uploaded_by))  # the list shows each uploader: no N+1
        .order_by(Evidence.id)
    )
    if not user.can("see_removed_evidence"):
        query = query.where(Evidence.removed_at.is_(None))
    return db.session.scalars(query).all()
