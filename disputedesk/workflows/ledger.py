"""The close's ledger: dated movements of a dispute's open amount, posted once, never rewritten.

A dispute's open amount moves when it is filed (+), settled (credited and the rest upheld,
upheld without credit, or withdrawn: −), reopened after a settlement (+), or reopened by the
reversal of its credit (+). Each movement is posted when it happens, dated then, and kept: a
later change posts a new movement instead of rewriting an old one, so a past month stays as it
was whether or not it is sealed. What a dispute last posted is kept with it (`Posted`), and
`postings` returns what differs from it.

    opening + filed − credited − upheld − withdrawn + reopened + reversals ± adjusted = closing
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from disputedesk.workflows.insight import Case

KINDS = ("filed", "credited", "upheld", "withdrawn", "reopened", "reversals", "adjusted")
SIGN = {"filed": 1, "credited": -1, "upheld": -1, "withdrawn": -1, "reopened": 1,
        "reversals": 1, "adjusted": 1}  # fmt: skip
SETTLING = ("credited", "upheld", "withdrawn")

Settled = dict[str, tuple[int, int]]  # kind → (amount, amount in the reporting currency)


@dataclass(frozen=True)
class Movement:
    """One dated change of a dispute's open amount; `adjusted` carries its own sign."""

    kind: str
    at: datetime
    amount: int
    reporting: int
    reason: str = ""

    def signed(self) -> tuple[int, int]:
        return SIGN[self.kind] * self.amount, SIGN[self.kind] * self.reporting


@dataclass(frozen=True)
class Posted:
    """What a dispute has posted: its settlement now in force ({} while open), reversals seen."""

    settled: Settled = field(default_factory=dict)
    reversals: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "settled": {k: list(v) for k, v in self.settled.items()},
            "reversals": self.reversals,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Posted":
        settled = {k: (int(v[0]), int(v[1])) for k, v in data.get("settled", {}).items()}
        return cls(settled, int(data.get("reversals", 0)))


def settlement(case: Case) -> tuple[datetime, Settled] | None:
    """When and how the case left the open amount, or None while it is open (or awaits credit)."""
    amount, rep, memo = case.disputed_amount, case.reporting_amount, case.memo
    if case.state == "credited" and memo and memo.issued_at:
        credited = (memo.amount, memo.reporting_amount)
        kept = (amount - memo.amount, rep - memo.reporting_amount)
        return memo.issued_at, {"credited": credited, "upheld": kept}
    if case.state == "resolved" and case.resolved_at and case.outcome == "no_credit":
        return case.resolved_at, {"upheld": (amount, rep)}
    if case.state == "resolved" and case.resolved_at and case.outcome == "withdrawn":
        return case.resolved_at, {"withdrawn": (amount, rep)}
    return None


def _settling(at: datetime, settled: Settled) -> list[Movement]:
    return [Movement(k, at, *settled[k]) for k in SETTLING if settled.get(k, (0, 0)) != (0, 0)]


def first_postings(case: Case) -> tuple[list[Movement], Posted]:
    """A case never posted: its filing, each reversed credit and its reversal, its settlement."""
    amount, rep = case.disputed_amount, case.reporting_amount
    out = [Movement("filed", case.filed_at, amount, rep)]
    for gone in case.reversed:
        kept = (amount - gone.amount, rep - gone.reporting_amount)
        credited = {"credited": (gone.amount, gone.reporting_amount), "upheld": kept}
        out += _settling(gone.issued_at, credited)
        out.append(Movement("reversals", gone.reversed_at, amount, rep, "credit reversed"))
    now = settlement(case)
    out += _settling(*now) if now else []
    return out, Posted(now[1] if now else {}, len(case.reversed))


def postings(case: Case, posted: Posted, now: datetime) -> tuple[list[Movement], Posted]:
    """What changed since the case last posted, dated when it happened (a reopening: now)."""
    current = settlement(case)
    settled = current[1] if current else {}
    reversed_now = case.reversed[posted.reversals :]
    out: list[Movement] = []
    held = posted.settled
    if held and (reversed_now or settled != held):
        back, back_rep = (sum(v[i] for v in held.values()) for i in (0, 1))
        if reversed_now:
            at = reversed_now[-1].reversed_at
            out.append(Movement("reversals", at, back, back_rep, "credit reversed"))
        else:
            out.append(Movement("reopened", now, back, back_rep, "reopened"))
        held = {}
    if current and not held:
        out += _settling(*current)
        held = settled
    return out, Posted(held, len(case.reversed))
