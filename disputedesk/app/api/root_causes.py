"""Root-cause problems in the JSON API: list, read, open, change, and link cases to them."""

from datetime import date, datetime
from typing import Annotated, Any

from flask import Response, g
from pydantic import Field

from disputedesk.app.api.exceptions import EXC_REF
from disputedesk.app.api.fields import Answer, Request, line, one_of, text
from disputedesk.app.api.params import REF, id_param, id_rule
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.queries.problems import ProblemFigures, problem_list, problem_view
from disputedesk.app.services.exceptions import link_problem
from disputedesk.app.services.problems import change_problem, link_dispute, open_problem
from disputedesk.workflows.assurance import OWNING_TEAMS, PROBLEM_STATUSES
from disputedesk.workflows.codes import ROOT_CAUSES
from disputedesk.workflows.money import REPORTING_CURRENCY, format_amount

PROBLEM_ID = id_param("problem_id", "the problem's id")
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]


class ProblemDoc(Answer):
    id: int
    ref: str
    title: str
    cause_code: one_of(ROOT_CAUSES)
    owning_team: one_of(tuple(OWNING_TEAMS))
    status: one_of(PROBLEM_STATUSES)
    fix: str | None
    fix_shipped_on: date | None
    disputes: int
    exceptions: int
    money: Annotated[str, Field(description=f"disputed plus over-billed, in {REPORTING_CURRENCY}")]
    after_fix: Annotated[int, Field(description="cases filed or found after the fix shipped")]
    recurring: bool
    version: int


class ProblemEventDoc(Answer):
    seq: int
    at: datetime
    actor: str | None
    type: str
    data: dict[str, Any]


class ProblemDetail(ProblemDoc):
    cases: list[str]
    found: list[str]
    events: list[ProblemEventDoc]


class ProblemList(Answer):
    items: list[ProblemDoc]


class NewProblem(Request):
    title: line(200)
    cause_code: one_of(ROOT_CAUSES)
    owning_team: one_of(tuple(OWNING_TEAMS))


class ProblemChange(Request):
    status: one_of(PROBLEM_STATUSES) | None = None
    fix: text() | None = None
    fix_shipped_on: date | None = None
    version: Version | None = None


class ProblemLink(Request):
    problem_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None
    version: Version | None = None


class Linked(Answer):
    case: str
    problem: str | None


def _doc(f: ProblemFigures, cls: type = ProblemDoc, **more: Any) -> Any:
    p = f.problem
    return cls(
        id=p.id, ref=p.ref, title=p.title, cause_code=p.cause_code, owning_team=p.owning_team,
        status=p.status, fix=p.fix, fix_shipped_on=p.fix_shipped_on, disputes=f.disputes,
        exceptions=f.exceptions, money=format_amount(f.money), after_fix=f.after_fix,
        recurring=f.recurring, version=p.version, **more,
    )  # fmt: skip


def _detail(problem_id: int) -> ProblemDetail:
    v = problem_view(g.user, problem_id)
    events = [ProblemEventDoc(seq=x.seq, at=x.at, actor=None if x.actor is None else x.actor.email,
                              type=x.type, data=x.data) for x in v.trail]  # fmt: skip
    return _doc(v, ProblemDetail, cases=[d.ref for d in v.cases], found=[e.ref for e in v.found],
                events=events)  # fmt: skip


@operation(
    "GET", "/problems", scope="read", summary="Root-cause problems, the most money first",
    answers={200: ProblemList}, refusals=(403,),
)  # fmt: skip
def list_problems() -> Response:
    return reply(ProblemList(items=[_doc(f) for f in problem_list(g.user)]))


@operation(
    "GET", f"/problems/{id_rule('problem_id')}", scope="read", path_params=PROBLEM_ID,
    summary="One problem with its cases, money, recurrence and trail",
    answers={200: ProblemDetail}, refusals=(403, 404),
)  # fmt: skip
def read_problem(problem_id: int) -> Response:
    return reply(_detail(problem_id))


@operation(
    "POST", "/problems", scope="write", body=NewProblem, summary="Open a root-cause problem",
    answers={201: ProblemDetail}, refusals=(403,),
)  # fmt: skip
def create_problem(body: NewProblem) -> Response:
    p = open_problem(g.user, body.title, body.cause_code, body.owning_team)
    return reply(_detail(p.id), 201)


@operation(
    "POST", f"/problems/{id_rule('problem_id')}", scope="write", path_params=PROBLEM_ID,
    body=ProblemChange, summary="Change a problem: status, the fix, when the fix shipped",
    answers={200: ProblemDetail}, refusals=(403, 404, 409),
)  # fmt: skip
def update_problem(problem_id: int, body: ProblemChange) -> Response:
    change_problem(g.user, problem_id, status=body.status, fix=body.fix,
                   fix_shipped_on=body.fix_shipped_on, version=body.version)  # fmt: skip
    return reply(_detail(problem_id))


@operation(
    "POST", "/disputes/<ref>/problem", scope="write", path_params=REF, body=ProblemLink,
    summary="Link a dispute to a root-cause problem (null unlinks it)",
    answers={200: Linked}, refusals=(403, 404, 409),
)  # fmt: skip
def link_dispute_problem(ref: str, body: ProblemLink) -> Response:
    dispute = link_dispute(g.user, ref, body.problem_id, body.version)
    problem = None if body.problem_id is None else f"PRB-{body.problem_id:04d}"
    return reply(Linked(case=dispute.ref, problem=problem))


@operation(
    "POST", "/exceptions/<ref>/problem", scope="write", path_params=EXC_REF, body=ProblemLink,
    summary="Link a billing exception to a root-cause problem (null unlinks it)",
    answers={200: Linked}, refusals=(403, 404),
)  # fmt: skip
def link_exception_problem(ref: str, body: ProblemLink) -> Response:
    e = link_problem(g.user, ref, body.problem_id)
    return reply(
        Linked(case=e.ref, problem=None if e.problem_id is None else f"PRB-{e.problem_id:04d}")
    )
