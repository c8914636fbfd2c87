"""The dispute workflow as data: states, transitions, who may fire them, and their guards."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from transitions import Machine

from workflows.errors import GuardsFailed, InvalidInput, NotPermitted, TransitionNotAllowed
from workflows.guards import (
    CREDIT_MEMO,
    EVIDENCE,
    HAS_ASSIGNEE,
    MEMO_APPROVED,
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


@dataclass(frozen=True)
class Transition:
    """One row of the workflow table; dest None keeps the state."""

    trigger: str
    sources: tuple[str, ...]
    dest: str | None
    who: tuple[str, ...]
    guards: tuple[Guard, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Return the input fields the actor fills in."""
        return tuple(field for g in self.guards for field in g.fields)


WORK = ("filed", "investigating", "escalated")
TRANSITIONS = (
    Transition("start", ("filed",), "investigating", ("assignee", "lead"), (HAS_ASSIGNEE,)),
    Transition(
        "escalate", ("investigating",), "escalated", ("assignee", "lead", "system"), (REASON,)
    ),
    Transition("deescalate", ("escalated",), "investigating", ("lead",), (NOTE,)),
    Transition(
        "resolve", ("investigating", "escalated"), "resolved", ("assignee", "lead"),
        (OUTCOME, ROOT_CAUSE, NOTE, CREDIT_MEMO, EVIDENCE),
    ),
    Transition("withdraw", WORK, "resolved", ("assignee", "lead"), (NOTE,)),
    Transition(
        "return_for_rework", ("resolved",), "investigating", ("approver", "lead"),
        (MEMO_REJECTED, REASON),
    ),
    Transition(
        "reopen", ("resolved",), "investigating", ("lead",),
        (NOT_A_CREDIT, WITHIN_REOPEN_WINDOW, REASON),
    ),
    Transition("issue_credit", ("resolved",), "credited", ("approver", "system"), (MEMO_APPROVED,)),
    Transition(
        "request_info", ("investigating", "escalated"), None, ("assignee", "lead"),
        (NOT_WAITING, NOTE),
    ),
    Transition(
        "info_received", ("investigating", "escalated"), None, ("assignee", "lead", "system"),
        (WAITING,),
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


def check(actor: Actor, facts: Facts, trigger: str, data: Mapping[str, Any], now: datetime) -> None:
    """Raise the reason why this actor may not fire this trigger now, if there is one."""
    transition = BY_TRIGGER.get(trigger)
    if transition is None:
        raise InvalidInput({"trigger": f"unknown trigger; one of {', '.join(BY_TRIGGER)}"})
    if not may_fire(actor, transition, facts):
        raise NotPermitted(f"{trigger} may be fired by: {', '.join(transition.who)}")
    if facts.state not in transition.sources:
        raise TransitionNotAllowed(f"cannot {trigger} a case that is {facts.state}")
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
        return self.record.state

    @state.setter
    def state(self, value: str) -> None:
        self.record.state = value

    def guards_hold(self, event: Any) -> bool:
        transition = BY_TRIGGER[event.event.name]
        return all(g.holds(self.facts, event.kwargs, self.now) for g in transition.guards)

    def apply_effects(self, event: Any) -> None:
        data, record = event.kwargs, self.record
        trigger = event.event.name
        if trigger == "resolve":
            record.outcome, record.root_cause = data["outcome"], data["root_cause"]
            record.resolved_at = self.now
        elif trigger == "withdraw":
            record.outcome, record.root_cause, record.resolved_at = "withdrawn", None, self.now
        elif trigger in ("reopen", "return_for_rework"):
            record.outcome, record.root_cause, record.resolved_at = None, None, None
        elif trigger == "request_info":
            record.awaiting_info_since = self.now
        if trigger in ("info_received", "resolve", "withdraw"):
            record.awaiting_info_since = None


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
