"""The one transaction helper: every use case that writes, a dispute's or not, runs inside
`transaction()` (the house test allows `db.session.commit()` nowhere else but the batch jobs
it names). It commits at the end or rolls back whole on any error, so a refused request
changes nothing."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from disputedesk.app.extensions import db
from disputedesk.workflows.errors import StaleCase

STALE_MESSAGE = "this case changed since you loaded it; reload it and try again"
LOST_RACE = "this changed at the same moment elsewhere; reload and try again"


@contextmanager
def transaction(*, commit: bool = True, lost_race: str = STALE_MESSAGE) -> Iterator[None]:
    """Run a use case as one transaction: commit at the end, or roll back whole on any error.

    A lost race (a stale version, a duplicate row) is answered as StaleCase with `lost_race`.
    With commit=False an outer transaction() owns the commit (a use case that changes many
    cases).
    """
    try:
        yield
        if commit:
            db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise StaleCase(lost_race) from None
    except BaseException:
        db.session.rollback()
        raise
