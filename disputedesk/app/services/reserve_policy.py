"""Keep the reserve policy: the rate by reason and age the month-end reserve holds."""

from sqlalchemy import delete

from disputedesk.app.extensions import db
from disputedesk.app.models import ReserveBand, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.reserve import policy
from disputedesk.app.security import log
from disputedesk.app.services.write_path import transaction
from disputedesk.workflows.codes import a_role
from disputedesk.workflows.errors import InvalidInput, NotPermitted
from disputedesk.workflows.reserve import Band, policy_problems


def set_reserve_policy(rows: list[dict], actor: User) -> list[Band]:
    """Replace the whole policy with `rows` ({reason, from_days, rate_bp}), all or nothing;
    one transaction, in the security log with the policy it replaced. A sealed month keeps
    the reserve it was sealed with."""
    if not actor.can("set_reserve_policy"):
        raise NotPermitted(f"{a_role(actor.role)} does not keep the reserve policy")
    problems = policy_problems(rows)
    if problems:
        raise InvalidInput(problems)
    with transaction():
        was = policy()
        db.session.execute(delete(ReserveBand))
        now = utcnow()
        db.session.add_all(
            ReserveBand(reason=r["reason"], from_days=r["from_days"], rate_bp=r["rate_bp"],
                        set_by=actor.email, set_at=now)
            for r in rows
        )  # fmt: skip
        log.record("reserve_policy_set", actor=actor, data={
            "was": [[b.reason, b.from_days, b.rate_bp] for b in was],
            "now": [[r["reason"], r["from_days"], r["rate_bp"]] for r in rows],
        })  # fmt: skip
    return policy()
