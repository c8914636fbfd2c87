"""The approval matrix for credit memos, as versioned data, and the segregation of duties."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from disputedesk.workflows.codes import a_role
from disputedesk.workflows.errors import Conflict
from disputedesk.workflows.money import REPORTING_CURRENCY, format_amount

MATRIX_VERSION = "2026-11"
SPLIT_WINDOW = timedelta(days=30)  # memos on one invoice this close together count as one


@dataclass(frozen=True)
class Tier:
    """Memos up to `up_to` (reporting-currency minor units; None = no ceiling) need this."""

    name: str
    up_to: int | None
    approvals: int
    roles: tuple[str, ...]
    raised_from: str | None = None  # the tier the amount alone falls in, when raised

    @property
    def rule(self) -> str:
        who = " or ".join(self.roles)
        many = f"{self.approvals} distinct approvers" if self.approvals > 1 else f"1 {who}"
        ceiling = f"up to {self.up_to // 100:,}" if self.up_to else "above 25,000"
        rule = f"{MATRIX_VERSION}/{self.name}: {ceiling} needs {many} whose limit covers it"
        if self.raised_from == self.name:
            rule += " (a credit above the proposal; already the highest tier)"
        elif self.raised_from:
            rule += f" (a credit above the proposal counts one tier higher than {self.raised_from})"
        return rule


TIERS = (
    Tier("small", 1_000_00, 1, ("lead", "approver")),
    Tier("standard", 25_000_00, 1, ("approver",)),
    Tier("large", None, 2, ("approver",)),
)


@dataclass(frozen=True)
class Person:
    user_id: int
    role: str
    limit: int  # approval limit, reporting-currency minor units
    top: bool = False  # the top approver an admin named: their approval covers any amount


@dataclass(frozen=True)
class Memo:
    """What the matrix needs to know about one memo awaiting approval."""

    amount: int  # reporting-currency minor units
    preparer_id: int | None
    assignee_id: int | None
    approvers: tuple[Person, ...] = ()  # who approved it so far
    split_total: int = 0  # with earlier memos on the same invoice in the window
    above_proposal: bool = False  # credits more than the comparison proposed somewhere

    @property
    def gated_amount(self) -> int:
        return max(self.amount, self.split_total)


def tier_for(amount: int) -> Tier:
    """Return the tier an amount falls in."""
    return next(t for t in TIERS if t.up_to is None or amount <= t.up_to)


def tier_of(memo: Memo) -> Tier:
    """Return the memo's tier: its gated amount's, one higher when it credits above the proposal."""
    tier = tier_for(memo.gated_amount)
    if not memo.above_proposal or tier is TIERS[-1]:
        return replace(tier, raised_from=tier.name) if memo.above_proposal else tier
    return replace(TIERS[TIERS.index(tier) + 1], raised_from=tier.name)


def refusal(memo: Memo, person: Person) -> str | None:
    """Say which rule stops this person approving the memo now, or None if they may."""
    tier = tier_of(memo)
    if person.role == "admin":
        return "segregation of duties: admins do not approve credits"
    if person.role not in tier.roles:
        return f"{tier.rule}; {a_role(person.role)} does not qualify"
    if person.user_id == memo.preparer_id:
        return "segregation of duties: the preparer never approves their own memo"
    if person.user_id == memo.assignee_id:
        return "segregation of duties: the dispute's assignee never approves its memo"
    if any(a.user_id == person.user_id for a in memo.approvers):
        return "segregation of duties: no one approves the same memo twice"
    covered = any(covers(a, memo) for a in memo.approvers)
    last_needed = len(memo.approvers) + 1 >= tier.approvals
    if not covers(person, memo) and (last_needed and not covered):
        return f"{tier.rule}; your limit {person.limit // 100:,} does not cover it"
    return None


def missing(memo: Memo) -> list[str]:
    """List what the memo still needs before it is approved (empty when approved)."""
    tier = tier_of(memo)
    who = " or ".join(tier.roles)
    needs = []
    count = len({a.user_id for a in memo.approvers if a.role in tier.roles})
    if count < tier.approvals:
        left = tier.approvals - count
        needs.append(f"{left} more approval{'s' if left > 1 else ''} ({who})")
    if not any(covers(a, memo) for a in memo.approvers):
        amount = f"{REPORTING_CURRENCY} {format_amount(memo.gated_amount)}"
        needs.append(f"an approval by {a_role(who)} whose limit covers {amount}")
    return needs


def covers(person: Person, memo: Memo) -> bool:
    """Whether the person's approval covers the memo's amount: their limit, or being the top."""
    return person.top or person.limit >= memo.gated_amount


def eligible(memo: Memo, people: Sequence[Person]) -> list[Person]:
    """Return the people who may approve the memo now."""
    if not missing(memo):
        return []
    return [p for p in people if refusal(memo, p) is None]


@dataclass(frozen=True)
class MemoMove:
    """One declared move of a memo's status: from any of `sources` to `dest`."""

    name: str
    sources: tuple[str, ...]
    dest: str


# The memo lifecycle is a second machine: a memo is prepared by `resolve` already awaiting
# approval, and these are the only moves its status makes. Only `move_memo` writes it.
MEMO_START = "pending_approval"
MEMO_MOVES = (
    MemoMove("approve", (MEMO_START,), "approved"),
    MemoMove("reject", (MEMO_START,), "rejected"),
    MemoMove("issue", ("approved",), "issued"),
    MemoMove("reverse", ("issued",), "reversed"),  # by a reversal document, never edited
)
MEMO_MOVE = {m.name: m for m in MEMO_MOVES}
MEMO_STATUSES = tuple(dict.fromkeys([MEMO_START, *(m.dest for m in MEMO_MOVES)]))
LIVE_STATUSES = (MEMO_START, "approved", "issued")  # memos that count towards a split credit


def may_move_memo(status: str, move: str) -> bool:
    """Tell whether a memo in `status` may make `move` now."""
    return status in MEMO_MOVE[move].sources


def move_memo(memo: Any, move: str) -> None:
    """Move the memo's status by a declared move, or raise Conflict saying where it stands."""
    if not may_move_memo(memo.status, move):
        raise Conflict(f"the memo is {memo.status.replace('_', ' ')}; it cannot {move} now")
    memo.status = MEMO_MOVE[move].dest
