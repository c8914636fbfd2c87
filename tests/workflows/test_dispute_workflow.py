"""The dispute workflow table: transitions, effects, guards, check order and the shared machine."""

import dataclasses
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from transitions import Machine, MachineError

from workflows import dispute
from workflows.dispute import (
    BY_TRIGGER,
    CREDIT_TRIGGERS,
    MACHINE,
    REOPEN_WINDOW,
    STATES,
    SYSTEM,
    TRANSITIONS,
    Actor,
    Facts,
    allowed_triggers,
    check,
    fire,
    mermaid,
)
from workflows.errors import (
    DomainError,
    GuardsFailed,
    InvalidInput,
    NotAvailableYet,
    NotPermitted,
    TransitionNotAllowed,
)

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
YESTERDAY = NOW - timedelta(days=1)
TEAM, OTHER_TEAM = 1, 2
ASSIGNEE = Actor(user_id=10, role="analyst", team_id=TEAM)
OTHER_ANALYST = Actor(user_id=11, role="analyst", team_id=TEAM)
LEAD = Actor(user_id=20, role="lead", team_id=TEAM)
OTHER_LEAD = Actor(user_id=21, role="lead", team_id=OTHER_TEAM)
APPROVER = Actor(user_id=30, role="approver")
VIEWER = Actor(user_id=40, role="viewer", team_id=TEAM)
ACTING_AS = {"assignee": ASSIGNEE, "lead": LEAD, "approver": APPROVER, "system": SYSTEM}

GOOD_INPUT = {
    "reason": "advertiser chased twice",
    "note": "delivery logs checked",
    "outcome": "no_credit",
    "root_cause": "no_error_found",
}

# DESIGN §3 written out on its own, so a change to the code's table has to be a change here too.
DESIGN = {
    "start": (("filed",), "investigating"),
    "escalate": (("investigating",), "escalated"),
    "deescalate": (("escalated",), "investigating"),
    "resolve": (("investigating", "escalated"), "resolved"),
    "withdraw": (("filed", "investigating", "escalated"), "resolved"),
    "return_for_rework": (("resolved",), "investigating"),
    "reopen": (("resolved",), "investigating"),
    "issue_credit": (("resolved",), "credited"),
    "request_info": (("investigating", "escalated"), None),
    "info_received": (("investigating", "escalated"), None),
}
FIREABLE = [(trigger, state) for trigger, (sources, _) in DESIGN.items() for state in sources]
UNFIREABLE = [(t, s) for t in DESIGN for s in STATES if s not in DESIGN[t][0]]


@dataclass
class Record:
    """Stands in for the Dispute row: the attributes the workflow reads and writes."""

    state: str
    outcome: str | None = None
    root_cause: str | None = None
    resolved_at: datetime | None = None
    awaiting_info_since: datetime | None = None


def facts(state: str, **changes: object) -> Facts:
    """Facts of a case of TEAM assigned to ASSIGNEE; closed cases were resolved yesterday."""
    closed = state in ("resolved", "credited")
    base = {
        "state": state,
        "team_id": TEAM,
        "assignee_id": ASSIGNEE.user_id,
        "outcome": "no_credit" if closed else None,
        "resolved_at": YESTERDAY if closed else None,
    }
    return Facts(**(base | changes))


def facts_of(record: Record) -> Facts:
    """Read facts off a record the way Dispute.facts() does."""
    return facts(
        record.state,
        outcome=record.outcome,
        resolved_at=record.resolved_at,
        awaiting_info=record.awaiting_info_since is not None,
    )


def ready_for(trigger: str, state: str) -> Record:
    """Return a record in `state` whose case-side guards for `trigger` hold."""
    closed = state in ("resolved", "credited")
    return Record(
        state=state,
        outcome="no_credit" if closed else None,
        root_cause="no_error_found" if closed else None,
        resolved_at=YESTERDAY if closed else None,
        awaiting_info_since=YESTERDAY if trigger == "info_received" else None,
    )


def test_the_table_matches_design_section_3():
    assert {t.trigger: (t.sources, t.dest) for t in TRANSITIONS} == DESIGN


# --- 1. every trigger x every state -------------------------------------------------------


def expected_refusal(trigger: str, state: str) -> type[Exception] | None:
    if state not in DESIGN[trigger][0]:
        return TransitionNotAllowed
    return NotAvailableYet if trigger in CREDIT_TRIGGERS else None


@pytest.mark.parametrize(
    ("trigger", "state", "role"),
    [(t.trigger, state, role) for t in TRANSITIONS for state in STATES for role in t.who],
)
def test_a_permitted_actor_with_good_input_passes_check_only_from_a_source_state(
    trigger, state, role
):
    refusal = expected_refusal(trigger, state)
    record = ready_for(trigger, state)
    with pytest.raises(refusal) if refusal else nullcontext():
        check(ACTING_AS[role], facts_of(record), trigger, GOOD_INPUT, NOW)


@pytest.mark.parametrize(("trigger", "state"), FIREABLE)
def test_fire_moves_the_record_to_the_destination_state(trigger, state):
    record = ready_for(trigger, state)
    fire(record, facts_of(record), trigger, GOOD_INPUT, NOW)
    assert record.state == (DESIGN[trigger][1] or state)


WAITING = Record("escalated", awaiting_info_since=YESTERDAY)
RESOLVED = Record("resolved", "no_credit", "no_error_found", YESTERDAY)
CLEARED = {"outcome": None, "root_cause": None, "resolved_at": None}
EFFECTS = [
    (
        "resolve",
        WAITING,
        {
            "outcome": "no_credit",
            "root_cause": "no_error_found",
            "resolved_at": NOW,
            "awaiting_info_since": None,
        },
    ),
    ("withdraw", Record("filed"), {"outcome": "withdrawn", "root_cause": None, "resolved_at": NOW}),
    ("withdraw", WAITING, {"outcome": "withdrawn", "awaiting_info_since": None}),
    ("reopen", RESOLVED, CLEARED),
    ("reopen", dataclasses.replace(RESOLVED, outcome="withdrawn", root_cause=None), CLEARED),
    ("return_for_rework", RESOLVED, CLEARED),
    ("request_info", Record("investigating"), {"awaiting_info_since": NOW}),
    ("info_received", WAITING, {"awaiting_info_since": None}),
]


@pytest.mark.parametrize(("trigger", "before", "after"), EFFECTS)
def test_fire_applies_the_effect_of_the_trigger(trigger, before, after):
    record = dataclasses.replace(before)
    fire(record, facts_of(record), trigger, GOOD_INPUT, NOW)
    assert {name: getattr(record, name) for name in after} == after


NO_EFFECTS = [
    ("start", "filed"),
    ("escalate", "investigating"),
    ("deescalate", "escalated"),
    ("issue_credit", "resolved"),
]


@pytest.mark.parametrize(("trigger", "state"), NO_EFFECTS)
def test_triggers_without_effects_change_nothing_but_the_state(trigger, state):
    record = ready_for(trigger, state)
    fire(record, facts_of(record), trigger, GOOD_INPUT, NOW)
    assert dataclasses.replace(record, state=state) == ready_for(trigger, state)


# --- 2. every guard -------------------------------------------------------------------------

REFUSALS = [
    # trigger, state, facts that differ, input that differs, the guard that refuses
    ("start", "filed", {"assignee_id": None}, {}, "has_assignee"),
    ("escalate", "investigating", {}, {"reason": None}, "reason_given"),
    ("deescalate", "escalated", {}, {"note": None}, "note_given"),
    ("resolve", "investigating", {}, {"outcome": None}, "outcome_given"),
    ("resolve", "investigating", {}, {"outcome": "withdrawn"}, "outcome_given"),
    ("resolve", "escalated", {}, {"outcome": "upheld"}, "outcome_given"),
    ("resolve", "investigating", {}, {"root_cause": None}, "root_cause_given"),
    ("resolve", "escalated", {}, {"root_cause": "gremlins"}, "root_cause_given"),
    ("resolve", "investigating", {}, {"note": None}, "note_given"),
    ("withdraw", "filed", {}, {"note": None}, "note_given"),
    ("reopen", "resolved", {"outcome": "credit_full"}, {}, "outcome_not_credit"),
    ("reopen", "resolved", {"outcome": "credit_partial"}, {}, "outcome_not_credit"),
    ("reopen", "resolved", {"resolved_at": NOW - REOPEN_WINDOW - timedelta(seconds=1)}, {},
     "within_90_days"),
    ("reopen", "resolved", {"resolved_at": None}, {}, "within_90_days"),
    ("reopen", "resolved", {}, {"reason": None}, "reason_given"),
    ("request_info", "investigating", {"awaiting_info": True}, {}, "not_awaiting_info"),
    ("request_info", "escalated", {}, {"note": None}, "note_given"),
    ("info_received", "investigating", {"awaiting_info": False}, {}, "awaiting_info"),
]  # fmt: skip


@pytest.mark.parametrize(("trigger", "state", "case", "given", "guard"), REFUSALS)
def test_check_refuses_naming_the_guard_that_failed(trigger, state, case, given, guard):
    with pytest.raises(GuardsFailed) as refused:
        check(LEAD, facts(state, **case), trigger, GOOD_INPUT | given, NOW)
    assert set(refused.value.failures) == {guard}
    assert refused.value.extra["guards"] == [guard]


def test_every_guard_in_the_table_has_a_refusal_case():
    guards = {guard.name for t in TRANSITIONS for guard in t.guards}
    assert guards == {guard for *_, guard in REFUSALS}


@pytest.mark.parametrize("blank", ["", " ", "\t\n  "])
@pytest.mark.parametrize(
    ("trigger", "state", "field"),
    [
        ("escalate", "investigating", "reason"),
        ("deescalate", "escalated", "note"),
        ("resolve", "investigating", "note"),
        ("withdraw", "filed", "note"),
        ("reopen", "resolved", "reason"),
        ("request_info", "investigating", "note"),
    ],
)
def test_blank_or_whitespace_text_counts_as_missing(trigger, state, field, blank):
    with pytest.raises(GuardsFailed) as refused:
        check(LEAD, facts(state), trigger, GOOD_INPUT | {field: blank}, NOW)
    assert set(refused.value.failures) == {f"{field}_given"}


def test_resolve_without_input_names_every_missing_field():
    with pytest.raises(GuardsFailed) as refused:
        check(ASSIGNEE, facts("investigating"), "resolve", {}, NOW)
    assert set(refused.value.failures) == {"outcome_given", "root_cause_given", "note_given"}
    assert "withdrawn" not in refused.value.failures["outcome_given"]


def test_a_case_resolved_exactly_90_days_ago_can_still_be_reopened():
    check(LEAD, facts("resolved", resolved_at=NOW - REOPEN_WINDOW), "reopen", GOOD_INPUT, NOW)


def test_a_withdrawn_case_can_be_reopened():
    check(LEAD, facts("resolved", outcome="withdrawn"), "reopen", GOOD_INPUT, NOW)


def test_fire_refuses_when_a_guard_fails_and_leaves_the_record_alone():
    record = Record("investigating")
    with pytest.raises(GuardsFailed):
        fire(record, facts_of(record), "escalate", {"reason": "  "}, NOW)
    assert record == Record("investigating")


@pytest.mark.parametrize(
    ("trigger", "fields"),
    [
        ("start", ()),
        ("escalate", ("reason",)),
        ("deescalate", ("note",)),
        ("resolve", ("outcome", "root_cause", "note")),
        ("withdraw", ("note",)),
        ("return_for_rework", ("reason",)),
        ("reopen", ("reason",)),
        ("issue_credit", ()),
        ("request_info", ("note",)),
        ("info_received", ()),
    ],
)
def test_each_transition_names_the_fields_its_form_asks_for(trigger, fields):
    assert BY_TRIGGER[trigger].fields == fields


# --- 4. the order in which check refuses ---------------------------------------------------

CHECK_ORDER = [
    (VIEWER, facts("filed"), "close", GOOD_INPUT, InvalidInput),
    (VIEWER, facts("credited"), "deescalate", GOOD_INPUT, NotPermitted),
    (OTHER_ANALYST, facts("filed"), "start", GOOD_INPUT, NotPermitted),
    (OTHER_LEAD, facts("credited"), "reopen", {}, NotPermitted),
    (LEAD, facts("filed"), "escalate", {}, TransitionNotAllowed),
    (LEAD, facts("credited"), "reopen", {}, TransitionNotAllowed),
    (APPROVER, facts("investigating"), "issue_credit", GOOD_INPUT, TransitionNotAllowed),
    (ASSIGNEE, facts("investigating"), "resolve", GOOD_INPUT | {"outcome": "credit_full"},
     NotAvailableYet),
    (LEAD, facts("escalated"), "resolve", {"outcome": "credit_partial"}, NotAvailableYet),
    (APPROVER, facts("resolved"), "issue_credit", GOOD_INPUT, NotAvailableYet),
    (SYSTEM, facts("resolved"), "issue_credit", GOOD_INPUT, NotAvailableYet),
    (APPROVER, facts("resolved"), "return_for_rework", GOOD_INPUT, NotAvailableYet),
    (LEAD, facts("resolved"), "return_for_rework", {}, NotAvailableYet),
]  # fmt: skip


@pytest.mark.parametrize(("actor", "case", "trigger", "given", "error"), CHECK_ORDER)
def test_check_refuses_unknown_then_unpermitted_then_wrong_state_then_unavailable(
    actor, case, trigger, given, error
):
    with pytest.raises(error):
        check(actor, case, trigger, given, NOW)


def test_an_unknown_trigger_is_reported_as_bad_input_listing_the_known_ones():
    with pytest.raises(InvalidInput) as refused:
        check(LEAD, facts("filed"), "close", {}, NOW)
    assert "start" in refused.value.errors["trigger"]


# --- 5. the triggers an actor may fire now ----------------------------------------------------

ALLOWED = [
    ("filed", ASSIGNEE, {}, ["start", "withdraw"]),
    ("filed", LEAD, {}, ["start", "withdraw"]),
    ("filed", LEAD, {"assignee_id": None}, ["withdraw"]),
    ("filed", OTHER_ANALYST, {}, []),
    ("investigating", ASSIGNEE, {}, ["escalate", "resolve", "withdraw", "request_info"]),
    ("investigating", ASSIGNEE, {"awaiting_info": True},
     ["escalate", "resolve", "withdraw", "info_received"]),
    ("investigating", SYSTEM, {}, ["escalate"]),
    ("investigating", OTHER_LEAD, {}, []),
    ("escalated", LEAD, {}, ["deescalate", "resolve", "withdraw", "request_info"]),
    ("escalated", ASSIGNEE, {}, ["resolve", "withdraw", "request_info"]),
    ("resolved", LEAD, {}, ["reopen"]),
    ("resolved", LEAD, {"outcome": "credit_partial"}, []),
    ("resolved", LEAD, {"resolved_at": NOW - timedelta(days=91)}, []),
    ("resolved", APPROVER, {}, []),
    ("resolved", SYSTEM, {}, []),
    ("credited", LEAD, {}, []),
]  # fmt: skip


@pytest.mark.parametrize(("state", "actor", "case", "expected"), ALLOWED)
def test_allowed_triggers_lists_exactly_what_the_actor_may_fire_now(state, actor, case, expected):
    assert allowed_triggers(actor, facts(state, **case), NOW) == expected


@pytest.mark.parametrize("state", STATES)
def test_a_viewer_is_offered_no_triggers(state):
    assert allowed_triggers(VIEWER, facts(state), NOW) == []


@pytest.mark.parametrize("waiting", [False, True])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("actor", [ASSIGNEE, OTHER_ANALYST, LEAD, OTHER_LEAD, APPROVER, SYSTEM])
def test_the_offered_triggers_are_exactly_those_check_lets_through(actor, state, waiting):
    case = facts(state, awaiting_info=waiting)
    offered = allowed_triggers(actor, case, NOW)
    for trigger in BY_TRIGGER:
        try:
            check(actor, case, trigger, GOOD_INPUT, NOW)
        except DomainError:
            assert trigger not in offered
        else:
            assert trigger in offered


# --- 6. the shared machine -----------------------------------------------------------------


def test_every_dispute_shares_one_machine_that_keeps_no_records(monkeypatch):
    def no_new_machines(*args, **kwargs):
        raise AssertionError("fire() built a machine of its own")

    monkeypatch.setattr(Machine, "__init__", no_new_machines)
    first, second = Record("filed"), Record("investigating")
    fire(first, facts_of(first), "start", {}, NOW)
    fire(second, facts_of(second), "escalate", GOOD_INPUT, NOW)
    assert (first.state, second.state) == ("investigating", "escalated")
    assert dispute.MACHINE is MACHINE
    assert MACHINE.models == []
    assert not hasattr(first, "start") and not hasattr(first, "is_investigating")


def test_the_machine_knows_only_the_table_triggers():
    assert set(MACHINE.events) == set(BY_TRIGGER)


@pytest.mark.parametrize(("trigger", "state"), UNFIREABLE)
def test_firing_a_trigger_from_the_wrong_state_raises_instead_of_being_ignored(trigger, state):
    record = ready_for(trigger, state)
    with pytest.raises(MachineError):
        fire(record, facts_of(record), trigger, GOOD_INPUT, NOW)
    assert record == ready_for(trigger, state)


# --- 7. the diagram -------------------------------------------------------------------------


def test_the_diagram_draws_one_edge_per_source_and_trigger():
    lines = mermaid().splitlines()
    edges = [line.strip() for line in lines if ": " in line]
    assert lines[0] == "stateDiagram-v2"
    assert sorted(edges) == sorted(
        f"{state} --> {DESIGN[trigger][1] or state}: {trigger}" for trigger, state in FIREABLE
    )
