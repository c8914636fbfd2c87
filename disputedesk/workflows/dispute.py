"""The dispute workflow as data: states, transitions, who may fire them, guards and effects."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from transitions import Machine

from disputedesk.workflows.errors import (
    GuardsFailed,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
)
from disputedesk.workflows.guards import (
    CREDIT_MEMO,
    EVIDENCE,
    HAS_ASSIGNEE,
    MEMO_APPROVED,
    MEMO_ISSUED,
    MEMO_REJECTED,
    NOT_A_CREDIT,
    NOT_WAITING,
    NOTE,
    OUTCOME,
    REASON,
    RESOLVABLE,
    ROOT_CAUSE,
    WAITING,
    WITHIN_REOPEN_WINDOW,
    Facts,
    Guard,
)

STATES = ("filed", "investigating", "escalated", "resolved", "credited")
OPEN_STATES = ("filed", "investigating", "escalated")
__all__ = ["Facts", "Guard"]  # re-exported: callers know them as workflow terms


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user (id, role, team) or the system."""

    user_id: int | None
    role: str
    team_id: int | None = None


SYSTEM = Actor(user_id=None, role="system")


RecordEffect = Callable[[Any, Mapping[str, Any], datetime], None]
Clocks = tuple[tuple[str, str], ...]  # (start | stop | pause | resume, clock name)


def resolved(record: Any, data: Mapping[str, Any], now: datetime) -> None:
    """Keep the decision: outcome, root cause, when."""
    record.outcome, record.root_cause, record.resolved_at = data["outcome"], data["root_cause"], now
    record.awaiting_info_since = None


def withdrawn(record: Any, data: Mapping[str, Any], now: datetime) -> None:
    """The advertiser withdrew: outcome `withdrawn`, no root cause."""
    record.outcome, record.root_cause, record.resolved_at = "withdrawn", None, now
    record.awaiting_info_since = None


def undecided(record: Any, data: Mapping[str, Any], now: datetime) -> None:
    """Forget the decision: the case is worked again."""
    record.outcome, record.root_cause, record.resolved_at = None, None, None


def waiting_on_advertiser(record: Any, data: Mapping[str, Any], now: datetime) -> None:
    record.awaiting_info_since = now


def heard_from_advertiser(record: Any, data: Mapping[str, Any], now: datetime) -> None:
    record.awaiting_info_since = None


@dataclass(frozen=True)
class Effects:
    """What a transition does besides moving the state, in the same transaction."""

    record: RecordEffect | None = None  # to the dispute's own fields
    memo: str | None = None  # "prepare" (a credit outcome), "issue" or "reverse"
    clocks: Clocks = ()  # to the SLA clocks (targets in workflows/sla.py)
    clocks_if_credit: Clocks = ()  # further, when the outcome is a credit


@dataclass(frozen=True)
class Transition:
    """One row of the workflow table; dest None keeps the state."""

    trigger: str
    sources: tuple[str, ...]
    dest: str | None
    who: tuple[str, ...]
    guards: tuple[Guard, ...] = ()
    effects: Effects = Effects()

    @property
    def fields(self) -> tuple[str, ...]:
        """Return the input fields the actor fills in."""
        return tuple(field for g in self.guards for field in g.fields)


WORK = ("filed", "investigating", "escalated")
EVERY_CLOCK = (("stop", "triage"), ("stop", "resolution"), ("stop", "escalation"),
               ("stop", "credit"))  # fmt: skip
# Starting a clock that still runs replaces it: "start" also means "restart".
TRANSITIONS = (
    Transition("start", ("filed",), "investigating", ("assignee", "lead"), (HAS_ASSIGNEE,),
               Effects(clocks=(("stop", "triage"),))),
    Transition("escalate", ("investigating",), "escalated", ("assignee", "lead", "system"),
               (REASON,), Effects(clocks=(("start", "escalation"),))),
    Transition("deescalate", ("escalated",), "investigating", ("lead",), (NOTE,),
               Effects(clocks=(("stop", "escalation"),))),
    Transition(
        "resolve", ("investigating", "escalated"), "resolved", ("assignee", "lead"),
        (OUTCOME, ROOT_CAUSE, NOTE, CREDIT_MEMO, EVIDENCE),
        Effects(record=resolved, memo="prepare",
                clocks=(("stop", "resolution"), ("stop", "escalation")),
                clocks_if_credit=(("start", "credit"),)),
    ),
    Transition("withdraw", WORK, "resolved", ("assignee", "lead"), (NOTE,),
               Effects(record=withdrawn, clocks=EVERY_CLOCK)),
    # A rejected memo leaves nothing to credit until the case is resolved again.
    Transition(
        "return_for_rework", ("resolved",), "investigating", ("approver", "lead"),
        (MEMO_REJECTED, REASON),
        Effects(record=undecided, clocks=(("stop", "credit"), ("start", "resolution"))),
    ),
    Transition(
        "reopen", ("resolved",), "investigating", ("lead",),
        (NOT_A_CREDIT, WITHIN_REOPEN_WINDOW, REASON),
        Effects(record=undecided, clocks=(("start", "resolution"),)),
    ),
    Transition("issue_credit", ("resolved",), "credited", ("approver", "system"), (MEMO_APPROVED,),
               Effects(memo="issue", clocks=(("stop", "credit"),))),
    Transition(
        "reverse_credit", ("credited",), "investigating", ("approver", "lead"),
        (MEMO_ISSUED, REASON),
        Effects(record=undecided, memo="reverse", clocks=(("start", "resolution"),)),
    ),
    Transition(
        "request_info", ("investigating", "escalated"), None, ("assignee", "lead"),
        (NOT_WAITING, NOTE),
        Effects(record=waiting_on_advertiser, clocks=(("pause", "resolution"),)),
    ),
    Transition(
        "info_received", ("investigating", "escalated"), None, ("assignee", "lead", "system"),
        (WAITING,), Effects(record=heard_from_advertiser, clocks=(("resume", "resolution"),)),
    ),
)  # fmt: skip
BY_TRIGGER = {t.trigger: t for t in TRANSITIONS}


def may_fire(actor: Actor, transition: Transition, facts: Facts) -> bool:
    """Tell whether the actor holds one of the roles the transition names."""
    roles = transition.who
    return (
        ("assignee" in roles and actor.user_id is not None and actor.user_id == facts.assignee_id
         and actor.role in ("analyst", "lead"))
        or ("lead" in roles and actor.role == "lead" and actor.team_id is not None
            and actor.team_id == facts.team_id)
        or ("approver" in roles and actor.role == "approver")
        or ("system" in roles and actor.role == "system")
    )  # fmt: skip


def selectable_outcomes() -> tuple[str, ...]:
    """Return the outcomes a person chooses from when resolving."""
    return RESOLVABLE


def check_actor(actor: Actor, facts: Facts, trigger: str) -> Transition:
    """Raise why this actor may not fire this trigger in this state, whatever they typed."""
    transition = BY_TRIGGER.get(trigger)
    if transition is None:
        raise InvalidInput({"trigger": f"unknown trigger; one of {', '.join(BY_TRIGGER)}"})
    if not may_fire(actor, transition, facts):
        raise NotPermitted(f"{trigger} may be fired by: {', '.join(transition.who)}")
    if facts.state not in transition.sources:
        raise TransitionNotAllowed(f"cannot {trigger} a case that is {facts.state}")
    return transition


def check(actor: Actor, facts: Facts, trigger: str, data: Mapping[str, Any], now: datetime) -> None:
    """Raise the reason why this actor may not fire this trigger now, if there is one."""
    transition = check_actor(actor, facts, trigger)
    failures = {
        g.name: g.explain(facts, data, now)
        for g in transition.guards
        if not g.holds(facts, data, now)
    }
    if failures:
        raise GuardsFailed(failures)


def allowed_triggers(actor: Actor, facts: Facts, now: datetime) -> list[str]:
    """List the triggers this actor may fire now, leaving out what depends on their input."""
    return [
        t.trigger
        for t in TRANSITIONS
        if facts.state in t.sources
        and may_fire(actor, t, facts)
        and all(g.holds(facts, {}, now) for g in t.guards if not g.fields)
    ]


class DisputeFlow:
    """Wraps a dispute record so the shared machine can move it and apply each effect."""

    def __init__(self, record: Any, facts: Facts, now: datetime) -> None:
        self.record = record
        self.facts = facts
        self.now = now

    @property
    def state(self) -> str:
        state: str = self.record.state
        return state

    @state.setter
    def state(self, value: str) -> None:
        self.record.state = value

    def guards_hold(self, event: Any) -> bool:
        transition = BY_TRIGGER[event.event.name]
        return all(g.holds(self.facts, event.kwargs, self.now) for g in transition.guards)

    def apply_effects(self, event: Any) -> None:
        if effect := BY_TRIGGER[event.event.name].effects.record:
            effect(self.record, event.kwargs, self.now)


MACHINE = Machine(
    model=None,
    states=list(STATES),
    transitions=[
        {
            "trigger": t.trigger,
            "source": list(t.sources),
            "dest": t.dest,
            "conditions": "guards_hold",
            "after": "apply_effects",
        }
        for t in TRANSITIONS
    ],
    initial="filed",
    auto_transitions=False,
    send_event=True,
)


def fire(record: Any, facts: Facts, trigger: str, data: Mapping[str, Any], now: datetime) -> None:
    """Move the record through the shared machine; call `check` first for a clear refusal."""
    moved = MACHINE.events[trigger].trigger(DisputeFlow(record, facts, now), **data)
    if not moved:
        raise GuardsFailed({"guards": "the workflow refused the transition"})


def mermaid() -> str:
    """Draw the workflow as Mermaid state-diagram text."""
    lines = ["stateDiagram-v2", "    [*] --> filed"]
    for t in TRANSITIONS:
        for source in t.sources:
            lines.append(f"    {source} --> {t.dest or source}: {t.trigger}")
    lines.append("    credited --> [*]")
    return "\n".join(lines) + "\n"
