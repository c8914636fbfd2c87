"""The facts the workflow judges a dispute by, and the named guards on its transitions."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from disputedesk.workflows import evidence
from disputedesk.workflows.codes import CREDIT_OUTCOMES, GL_REASONS, OUTCOMES, ROOT_CAUSES
from disputedesk.workflows.money import BadAmount, format_amount, parse_amount

REOPEN_WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class Facts:
    """What the workflow needs to know about one dispute."""

    state: str
    team_id: int | None
    assignee_id: int | None = None
    outcome: str | None = None
    resolved_at: datetime | None = None
    awaiting_info: bool = False
    reason_code: str = "other"
    evidence_kinds: tuple[str, ...] = ()
    disputed_amount: int = 0
    memo_status: str | None = None  # of the latest credit memo


Check = Callable[[Facts, Mapping[str, Any], datetime], str | None]  # None = holds


@dataclass(frozen=True)
class Guard:
    """A named condition; guards with `fields` judge what the actor typed, the rest the case."""

    name: str
    problem: Check
    fields: tuple[str, ...] = ()

    def holds(self, facts: Facts, data: Mapping[str, Any], now: datetime) -> bool:
        return self.problem(facts, data, now) is None

    def explain(self, facts: Facts, data: Mapping[str, Any], now: datetime) -> str:
        return self.problem(facts, data, now) or ""


def _rule(
    name: str,
    message: str,
    test: Callable[[Facts, Mapping[str, Any], datetime], bool],
    fields: Iterable[str] = (),
) -> Guard:
    return Guard(name, lambda f, d, now: None if test(f, d, now) else message, tuple(fields))


def _given(field: str, message: str) -> Guard:
    return _rule(
        f"{field}_given", message, lambda f, d, now: bool(str(d.get(field) or "").strip()), [field]
    )


def _credit_problem(facts: Facts, data: Mapping[str, Any], now: datetime) -> str | None:
    outcome = data.get("outcome")
    if outcome not in CREDIT_OUTCOMES:
        return None
    if data.get("gl_reason") not in GL_REASONS:
        return "choose a GL reason: " + ", ".join(GL_REASONS)
    ceiling = format_amount(facts.disputed_amount)
    if outcome == "credit_full" and not data.get("credit_amount"):
        return None  # a full credit is the disputed amount
    try:
        amount = parse_amount(data.get("credit_amount"))
    except BadAmount as error:
        return f"credit amount {error}"
    if outcome == "credit_full" and amount != facts.disputed_amount:
        return f"a full credit is the disputed amount, {ceiling}"
    if outcome == "credit_partial" and amount >= facts.disputed_amount:
        return f"a partial credit is less than the disputed amount, {ceiling}"
    return None


def _evidence_problem(facts: Facts, data: Mapping[str, Any], now: datetime) -> str | None:
    missing = evidence.missing(facts.reason_code, facts.evidence_kinds)
    return "add the required evidence: " + "; ".join(missing) if missing else None


HAS_ASSIGNEE = _rule("has_assignee", "assign the case first", lambda f, d, now: bool(f.assignee_id))
REASON = _given("reason", "give a reason")
NOTE = _given("note", "write a note")
RESOLVABLE = tuple(o for o in OUTCOMES if o != "withdrawn")  # withdrawn has its own trigger
OUTCOME = _rule(
    "outcome_given",
    "choose an outcome: " + ", ".join(RESOLVABLE),
    lambda f, d, now: d.get("outcome") in RESOLVABLE,
    ["outcome"],
)
ROOT_CAUSE = _rule(
    "root_cause_given",
    "choose a root cause: " + ", ".join(ROOT_CAUSES),
    lambda f, d, now: d.get("root_cause") in ROOT_CAUSES,
    ["root_cause"],
)
CREDIT_MEMO = Guard("credit_memo_valid", _credit_problem, ("credit_amount", "gl_reason"))
EVIDENCE = Guard("required_evidence", _evidence_problem)
NOT_A_CREDIT = _rule(
    "outcome_not_credit",
    "a credited outcome cannot be reopened",
    lambda f, d, now: f.outcome not in CREDIT_OUTCOMES,
)
WITHIN_REOPEN_WINDOW = _rule(
    "within_90_days",
    "only cases resolved in the last 90 days can be reopened",
    lambda f, d, now: f.resolved_at is not None and now - f.resolved_at <= REOPEN_WINDOW,
)
NOT_WAITING = _rule(
    "not_awaiting_info", "already waiting on the advertiser", lambda f, d, now: not f.awaiting_info
)
WAITING = _rule("awaiting_info", "not waiting on the advertiser", lambda f, d, now: f.awaiting_info)
MEMO_REJECTED = _rule(
    "credit_memo_rejected",
    "only a rejected credit memo sends the case back",
    # Only this resolution's memo counts: a memo rejected in an earlier round does not.
    lambda f, d, now: f.outcome in CREDIT_OUTCOMES and f.memo_status == "rejected",
)
MEMO_APPROVED = _rule(
    "credit_memo_approved",
    "the credit memo is not approved under the approval matrix yet",
    lambda f, d, now: f.outcome in CREDIT_OUTCOMES and f.memo_status == "approved",
)
MEMO_ISSUED = _rule(
    "credit_memo_issued",
    "only an issued credit memo can be reversed",
    lambda f, d, now: f.memo_status == "issued",
)
