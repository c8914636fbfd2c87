"""Root-cause problems: open one, change it as its fix moves, link disputes to it.

An exception is linked from app/services/exceptions.py; a dispute through the one write path
(its own event on the case's trail), and the problem's trail records both.
"""

from datetime import date, datetime

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Problem, ProblemEvent, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.write_path import change_case, load_for_change, transaction
from disputedesk.workflows import edge
from disputedesk.workflows.assurance import OWNING_TEAMS, PROBLEM_STATUSES
from disputedesk.workflows.codes import ROOT_CAUSES
from disputedesk.workflows.errors import InvalidInput, NotFound, NotPermitted, StaleCase


def _may_manage(user: User) -> None:
    if not user.can("manage_problems"):
        raise NotPermitted("leads and billing managers open and change problems")


def record(p: Problem, user: User | None, kind: str, data: dict, now: datetime) -> None:
    """Append the problem's next audit event and bump its version."""
    p.version += 1
    db.session.add(ProblemEvent(problem_id=p.id, seq=p.version, at=now,
                                actor_id=None if user is None else user.id, type=kind,
                                data=data))  # fmt: skip


def _fields(title, cause_code, owning_team) -> dict:  # noqa: ANN001
    errors = {}
    if not isinstance(title, str) or not title.strip():
        errors["title"] = "give the problem a title"
    elif problem := edge.text_problem(title.strip(), 200, single_line=True):
        errors["title"] = problem
    if cause_code not in ROOT_CAUSES:
        errors["cause_code"] = "one of " + ", ".join(ROOT_CAUSES)
    if owning_team not in OWNING_TEAMS:
        errors["owning_team"] = "one of " + ", ".join(OWNING_TEAMS)
    if errors:
        raise InvalidInput(errors)
    return {"title": title.strip(), "cause_code": cause_code, "owning_team": owning_team}


def open_problem(user: User, title: str, cause_code: str, owning_team: str) -> Problem:
    """Open a problem record for a root cause behind many cases."""
    _may_manage(user)
    fields = _fields(title, cause_code, owning_team)
    with transaction():
        now = utcnow()
        p = Problem(**fields, status="open", created_by_id=user.id, created_at=now, version=0)
        db.session.add(p)
        db.session.flush()
        record(p, user, "opened", fields, now)
    return p


def change_problem(
    user: User, problem_id: int, *, status: str | None = None, fix: str | None = None,
    fix_shipped_on: date | None = None, version: int | None = None,
) -> Problem:  # fmt: skip
    """Move a problem along: its status, the fix, the day the fix shipped."""
    _may_manage(user)
    if status is not None and status not in PROBLEM_STATUSES:
        raise InvalidInput({"status": "one of " + ", ".join(PROBLEM_STATUSES)})
    if fix is not None:
        fix = edge.check_text("fix", fix, edge.MAX_TEXT).strip()
    with transaction():
        p = db.session.scalar(select(Problem).where(Problem.id == problem_id).with_for_update())
        if p is None:
            raise NotFound(f"no problem {problem_id}")
        if version is not None and version != p.version:
            raise StaleCase("this problem changed since you loaded it; reload and try again")
        after = {"status": status, "fix": fix, "fix_shipped_on": fix_shipped_on}
        after = {k: v for k, v in after.items() if v is not None and getattr(p, k) != v}
        if (after.get("status") or p.status) == "fixed" and not (
            after.get("fix_shipped_on") or p.fix_shipped_on
        ):
            raise InvalidInput({"fix_shipped_on": "a fixed problem says when its fix shipped"})
        if not after:
            return p
        before = {k: _show(getattr(p, k)) for k in after}
        for k, v in after.items():
            setattr(p, k, v)
        shown = {k: _show(v) for k, v in after.items()}
        record(p, user, "changed", {"before": before, "after": shown}, utcnow())
    return p


def _show(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def link_dispute(user: User, ref: str, problem_id: int | None, version: int | None = None):
    """Link a case to a problem (None unlinks it): an event on the case and on the problem."""
    if not user.can("work_cases"):
        raise NotPermitted("analysts and leads link cases to problems")
    dispute = load_for_change(ref, user, version)
    problem = None if problem_id is None else db.session.get(Problem, problem_id)
    if problem_id is not None and problem is None:
        raise InvalidInput({"problem": "no such problem"})
    before = dispute.problem_id
    with change_case(dispute, user) as change:
        dispute.problem_id = problem_id
        change.record("problem_linked", data={
            "from": None if before is None else f"PRB-{before:04d}",
            "to": None if problem is None else problem.ref,
        })  # fmt: skip
        if problem is not None:
            locked = db.session.scalar(
                select(Problem).where(Problem.id == problem.id).with_for_update()
            )
            record(locked, user, "case_linked", {"dispute": dispute.ref}, change.now)
    return dispute
