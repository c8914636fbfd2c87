"""Working billing exceptions: claim, assign, resolve, turn into a dispute, link to a problem.

Each use case is one transaction that locks the exception row before reading what it decides
from, checks permission here (not at the web edge), bumps the version and appends its event.
"""

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingException, Dispute, Problem, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.exception_trail import close_exception, record
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.notices import enqueue
from disputedesk.app.services.problems import record as record_on_problem
from disputedesk.app.services.write_path import transaction
from disputedesk.workflows import edge
from disputedesk.workflows.assurance import allowed_actions, dispute_reason, exception_id
from disputedesk.workflows.errors import Conflict, InvalidInput, NotFound, NotPermitted, StaleCase
from disputedesk.workflows.money import format_amount


def _load(ref: str, user: User, *, lock: bool = True) -> BillingException:
    if not user.can("work_exceptions"):
        raise NotPermitted("only analysts and leads work billing exceptions")
    pk = exception_id(ref)
    query = select(BillingException).where(BillingException.id == pk)
    found = db.session.scalar(query.with_for_update() if lock else query) if pk else None
    if found is None or found.team_id != user.team_id:
        raise NotFound(f"no billing exception {ref}")
    return found


def _check_version(e: BillingException, version: int | None) -> None:
    if version is not None and version != e.version:
        raise StaleCase("this exception changed since you loaded it; reload and try again")


def _open(e: BillingException) -> None:
    if e.status != "open":
        raise Conflict(f"{e.ref} is {e.status}; only an open exception can be worked")


def claim_exception(user: User, ref: str, version: int | None = None) -> BillingException:
    """Take an open exception of one's team's queue."""
    with transaction():
        e = _load(ref, user)
        _check_version(e, version)
        _open(e)
        if e.assignee_id not in (None, user.id):
            raise Conflict(f"{e.ref} is already {e.assignee.name or e.assignee.email}'s")
        if e.assignee_id is None:
            e.assignee_id = user.id
            record(e, user, "claimed", {"assignee": user.email}, utcnow())
    return e


def assign_exceptions(user: User, refs: list[str], assignee_id: int) -> list[BillingException]:
    """Assign one or many open exceptions to a worker of the team (a lead's action)."""
    if not refs or len(refs) > 200:
        raise InvalidInput({"refs": "give from 1 to 200 exceptions"})
    with transaction():
        assignee = db.session.get(User, assignee_id)
        if (
            assignee is None
            or not assignee.active
            or not assignee.can("work_exceptions")
            or (assignee.team_id != user.team_id)
        ):
            raise InvalidInput({"assignee": "choose an active analyst or lead of your team"})
        done = []
        for ref in refs:
            e = _load(ref, user)
            if not user.can("assign_cases", team_id=e.team_id):
                raise NotPermitted("only the team's lead assigns exceptions")
            _open(e)
            if e.assignee_id != assignee.id:
                before = None if e.assignee is None else e.assignee.email
                e.assignee_id = assignee.id
                record(e, user, "assigned", {"from": before, "to": assignee.email}, utcnow())
            done.append(e)
    return done


def resolve_billed_correctly(user: User, ref: str, note: str, version: int | None = None):
    """Close an exception as billed correctly: the scan was wrong to ask, and the note says why."""
    note = edge.check_text("note", note, edge.MAX_TEXT) if isinstance(note, str) else ""
    if not note.strip():
        raise InvalidInput({"note": "say why the line was billed correctly"})
    with transaction():
        e = _load(ref, user)
        _check_version(e, version)
        _open(e)
        close_exception(e, user, "billed_correctly", note.strip(), utcnow())
    return e


def request_rebill(user: User, ref: str, note: str, version: int | None = None):
    """Ask the billing system (a webhook through the outbox) to correct the invoice line."""
    note = edge.check_text("note", note, edge.MAX_TEXT) if isinstance(note, str) else ""
    with transaction():
        e = _load(ref, user)
        _check_version(e, version)
        _open(e)
        if "rebill" not in allowed_actions(e.kind, e.status):
            raise Conflict(f"{e.ref} cannot be priced; fix the contract, then rescan")
        now = utcnow()
        close_exception(e, user, "rebill_requested", note.strip() or "Rebill requested.", now)
        enqueue("billing_exception.rebill_requested", None, None, now, {
            "exception": e.ref, "invoice_number": e.invoice.number, "line_no": e.line.line_no,
            "advertiser_ref": e.advertiser.ref, "currency": e.currency,
            "billed": format_amount(e.billed),
            "expected": None if e.expected is None else format_amount(e.expected),
            "contract": e.contract_label, "why": e.why, "note": note.strip(),
        }, channel="event")  # fmt: skip
    return e


def dispute_exception(user: User, ref: str, version: int | None = None) -> Dispute:
    """Turn an over-billing exception into a dispute on its line, worked like any other."""
    e = _load(ref, user, lock=False)
    _check_version(e, version)
    _open(e)
    if "dispute" not in allowed_actions(e.kind, e.status) or not e.variance or e.variance <= 0:
        raise Conflict(f"{e.ref} is not an over-billing; only an over-billed line is disputed")
    amount = format_amount(min(e.variance, e.billed))
    filing = Filing(
        invoice_number=e.invoice.number, reason_code=dispute_reason(e.kind, e.comparison),
        description=f"Found by the billing assurance scan: {e.why}"[:4_000],
        disputed_amount=amount, currency=e.currency, lines=((e.line.line_no, amount),),
        intake_channel="assurance",
    )  # fmt: skip
    return file_dispute(user, filing)  # the filing links and closes the exception with it


def link_problem(user: User, ref: str, problem_id: int | None) -> BillingException:
    """Link an exception to a root-cause problem (or unlink it with None)."""
    with transaction():
        e = _load(ref, user)
        problem = None if problem_id is None else db.session.get(Problem, problem_id)
        if problem_id is not None and problem is None:
            raise InvalidInput({"problem": "no such problem"})
        before = None if e.problem is None else e.problem.ref
        e.problem_id = problem_id
        if problem is not None:
            record_on_problem(problem, user, "case_linked", {"exception": e.ref}, utcnow())
        record(e, user, "problem_linked", {"from": before,
                                           "to": None if problem is None else problem.ref},
               utcnow())  # fmt: skip
    return e
