"""Read root-cause problems: the list with their money and recurrence, and one with its cases."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingException, Dispute, Invoice, Problem, ProblemEvent, User
from disputedesk.app.queries.fx import converter
from disputedesk.workflows.errors import NotFound, NotPermitted
from disputedesk.workflows.money import to_reporting

BOOKS = ZoneInfo("America/Chicago")  # a fix ships on a day of the books' calendar


@dataclass
class ProblemFigures:
    problem: Problem
    disputes: int = 0
    exceptions: int = 0
    money: int = 0  # disputed plus over-billed, in the reporting currency
    after_fix: int = 0  # cases filed or found after the day the fix shipped

    @property
    def recurring(self) -> bool:
        return self.after_fix > 0


@dataclass
class ProblemView(ProblemFigures):
    cases: list[Dispute] = field(default_factory=list)
    found: list[BillingException] = field(default_factory=list)
    trail: list[ProblemEvent] = field(default_factory=list)


def _gate(user: User) -> None:
    if not user.can("read_exceptions"):
        raise NotPermitted("problems are for the billing-operations team and finance")


def _after(fix: date | None, when: datetime) -> bool:
    return fix is not None and when.astimezone(BOOKS).date() > fix


def problem_list(user: User) -> list[ProblemFigures]:
    """Every problem with its cases, money and recurrence, the most money first."""
    _gate(user)
    return problem_figures()


def problem_figures(only: int | None = None) -> list[ProblemFigures]:
    """Every problem's figures (or one's), for a reader already let through (the dashboard's)."""
    which = Problem.id.is_not(None) if only is None else Problem.id == only
    problems = {p.id: ProblemFigures(p) for p in db.session.scalars(select(Problem).where(which))}
    to_usd = converter()
    for pid, amount, usd, currency, filed in db.session.execute(
        select(Dispute.problem_id, Dispute.disputed_amount, Dispute.reporting_amount,
               Dispute.currency, Dispute.filed_at)
        .where(Dispute.problem_id.in_(problems))
    ):  # fmt: skip
        f = problems[pid]
        f.disputes += 1
        f.money += usd if usd is not None else to_reporting(amount, currency)  # frozen at filing
        f.after_fix += _after(f.problem.fix_shipped_on, filed)
    for pid, variance, currency, found, dispute_id, billed_from in db.session.execute(
        select(BillingException.problem_id, BillingException.variance, BillingException.currency,
               BillingException.found_at, BillingException.dispute_id, Invoice.period_start)
        .join(Invoice, Invoice.id == BillingException.invoice_id)
        .where(BillingException.problem_id.in_(problems))
    ):  # fmt: skip
        f = problems[pid]
        f.exceptions += 1
        f.after_fix += _after(f.problem.fix_shipped_on, found)
        if dispute_id is None and variance and variance > 0:  # a disputed one counts once
            f.money += to_usd(variance, currency, billed_from)  # the invoice's period's rate
    return sorted(problems.values(), key=lambda f: (-f.money, -f.after_fix, f.problem.id))


def problem_view(user: User, problem_id: int) -> ProblemView:
    """One problem: its cases and exceptions, its money, its recurrence, its trail."""
    _gate(user)
    figures = next(iter(problem_figures(problem_id)), None)
    if figures is None:
        raise NotFound(f"no problem {problem_id}")
    view = ProblemView(**figures.__dict__)
    view.cases = list(
        db.session.scalars(
            select(Dispute).where(Dispute.problem_id == problem_id).order_by(Dispute.filed_at)
        )
    )
    view.found = list(
        db.session.scalars(
            select(BillingException)
            .where(BillingException.problem_id == problem_id)
            .order_by(BillingException.found_at)
        )
    )
    view.trail = list(db.session.scalars(
        select(ProblemEvent).where(ProblemEvent.problem_id == problem_id)
        .order_by(ProblemEvent.seq)))  # fmt: skip
    return view


def problem_choices() -> list[Problem]:
    """Problems a case can be linked to: those not closed."""
    return list(db.session.scalars(
        select(Problem).where(Problem.status != "closed").order_by(Problem.id)))  # fmt: skip


def arrivals_by_month(view: ProblemView) -> dict[str, int]:
    """Cases arriving per month (books' calendar): what shows recurrence after the fix."""
    months: dict[str, int] = defaultdict(int)
    for d in view.cases:
        months[d.filed_at.astimezone(BOOKS).strftime("%Y-%m")] += 1
    for e in view.found:
        months[e.found_at.astimezone(BOOKS).strftime("%Y-%m")] += 1
    return dict(sorted(months.items()))
