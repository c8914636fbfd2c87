"""What a case waits on, as the pages show it: a trigger held back only by missing evidence,
and a case sent back from approval."""

from datetime import datetime

from disputedesk.workflows import evidence
from disputedesk.workflows.dispute import TRANSITIONS, Actor, Facts, Transition, may_fire
from disputedesk.workflows.guards import EVIDENCE


def evidence_waits(actor: Actor, facts: Facts, now: datetime) -> list[tuple[Transition, list[str]]]:
    """The triggers the actor could fire now but for missing evidence, with what is missing."""
    waits = []
    for t in TRANSITIONS:
        if EVIDENCE not in t.guards or facts.state not in t.sources:
            continue
        others = [g for g in t.guards if not g.fields and g is not EVIDENCE]
        if (
            may_fire(actor, t, facts)
            and all(g.holds(facts, {}, now) for g in others)
            and not EVIDENCE.holds(facts, {}, now)
        ):
            waits.append((t, evidence.missing(facts.reason_code, facts.evidence_kinds)))
    return waits


def returned_from_approval(state: str, last_memo_status: str | None) -> bool:
    """A case back under investigation because its last credit memo was rejected."""
    return state == "investigating" and last_memo_status == "rejected"
