"""The dispute workflow table: transitions, effects, guards, check order and the shared machine."""

import dataclasses
import itertools
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from transitions import Machine, MachineError

from disputedesk.workflows import dispute
from disputedesk.workflows.dispute import (
    BY_TRIGGER,
    MACHINE,
    STATES,
    SYSTEM,
    TRANSITIONS,
    Actor,
    Facts,
    allowed_triggers,
    check,
    fire,
    mermaid,
    selectable_outcomes,
)
from disputedesk.workflows.errors import (
    DomainError,
    GuardsFailed,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
)
from disputedesk.workflows.guards import REOPEN_WINDOW

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
YESTERDAY = NOW - timedelta(days=1)
TEAM, OTHER_TEAM = 1, 2
DISPUTED = 1_500_00  # every case here disputes 1500.00
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
PARTIAL_CREDIT = GOOD_INPUT | {
    "outcome": "credit_partial",
    "root_cause": "rate_card_error",
    "credit_amount": "500.00",
    "gl_reason": "rate_correction",
}
FULL_CREDIT = PARTIAL_CREDIT | {"outcome": "credit_full", "credit_amount": "1500.00"}
INPUT_FOR = {"credit_full": FULL_CREDIT, "credit_partial": PARTIAL_CREDIT, "no_credit": GOOD_INPUT}

# DESIGN §2: the statuses of a credit memo; None is a case without one.
MEMO_STATUSES = (
    None, "draft", "pending_approval", "approved", "rejected", "issued", "void", "reversed"
)  # fmt: skip
# DESIGN §3 and §5: the memo status each credit trigger waits for, and the guard that says so.
MEMO_NEEDED = {
    "issue_credit": ("approved", "credit_memo_approved"),
    "return_for_rework": ("rejected", "credit_memo_rejected"),
    "reverse_credit": ("issued", "credit_memo_issued"),
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
    "reverse_credit": (("credited",), "investigating"),
    "request_info": (("investigating", "escalated"), None),
    "info_received": (("investigating", "escalated"), None),
}
FIREABLE = [(trigger, state) for trigger, (sources, _) in DESIGN.items() for state in sources]
UNFIREABLE = [(t, s) for t in DESIGN for s in STATES if s not in DESIGN[t][0]]


@dataclass
class Record:
    """Stands in for the Dispute row: what the workflow writes, then what it only reads."""

    state: str
    outcome: str | None = None
    root_cause: str | None = None
    resolved_at: datetime | None = None
    awaiting_info_since: datetime | None = None
    reason_code: str = "delivery_shortfall"
    evidence_kinds: tuple[str, ...] = ("delivery_report",)  # what delivery_shortfall needs
    memo_status: str | None = None  # of the latest credit memo


def facts(state: str, **changes: object) -> Facts:
    """Facts of a TEAM case of ASSIGNEE with its evidence; closed ones resolved yesterday."""
    closed = state in ("resolved", "credited")
    base = {
        "state": state,
        "team_id": TEAM,
        "assignee_id": ASSIGNEE.user_id,
        "outcome": "no_credit" if closed else None,
        "resolved_at": YESTERDAY if closed else None,
        "reason_code": "delivery_shortfall",
        "evidence_kinds": ("delivery_report",),
        "disputed_amount": DISPUTED,
    }
    return Facts(**(base | changes))


def facts_of(record: Record) -> Facts:
    """Read facts off a record the way Dispute.facts() does."""
    return facts(
        record.state,
        outcome=record.outcome,
        resolved_at=record.resolved_at,
        awaiting_info=record.awaiting_info_since is not None,
        reason_code=record.reason_code,
        evidence_kinds=record.evidence_kinds,
        memo_status=record.memo_status,
    )


def ready_for(trigger: str, state: str) -> Record:
    """Return a record in `state` whose case-side guards for `trigger` hold."""
    closed = state in ("resolved", "credited")
    memo_status = MEMO_NEEDED[trigger][0] if trigger in MEMO_NEEDED else None
    return Record(
        state=state,
        outcome=("credit_partial" if memo_status else "no_credit") if closed else None,
        root_cause=("rate_card_error" if memo_status else "no_error_found") if closed else None,
        resolved_at=YESTERDAY if closed else None,
        awaiting_info_since=YESTERDAY if trigger == "info_received" else None,
        memo_status=memo_status,
    )


def ready_facts(trigger: str, state: str, **changes: object) -> Facts:
    """Facts of a case ready for `trigger`, but for `changes`."""
    return dataclasses.replace(facts_of(ready_for(trigger, state)), **changes)


def permitted(trigger: str) -> Actor:
    """Return someone who may fire `trigger` on a TEAM case: its lead, else an approver."""
    return LEAD if "lead" in BY_TRIGGER[trigger].who else APPROVER


def test_the_table_matches_design_section_3():
    assert {t.trigger: (t.sources, t.dest) for t in TRANSITIONS} == DESIGN


# --- 1. every trigger x every state -------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "state", "role"),
    [(t.trigger, state, role) for t in TRANSITIONS for state in STATES for role in t.who],
)
def test_a_permitted_actor_with_good_input_passes_check_only_from_a_source_state(
    trigger, state, role
):
    refusal = None if state in DESIGN[trigger][0] else TransitionNotAllowed
    record = ready_for(trigger, state)
    with pytest.raises(refusal) if refusal else nullcontext():
        check(ACTING_AS[role], facts_of(record), trigger, GOOD_INPUT, NOW)


@pytest.mark.parametrize(("trigger", "state"), FIREABLE)
def test_fire_moves_the_record_to_the_destination_state(trigger, state):
    record = ready_for(trigger, state)
    fire(record, facts_of(record), trigger, GOOD_INPUT, NOW)
    assert record.state == (DESIGN[trigger][1] or state)


# --- 2. the credit triggers wait for the memo -------------------------------------------------

CREDIT_ROLES = [(trigger, role) for trigger in MEMO_NEEDED for role in BY_TRIGGER[trigger].who]
NOT_READY = [
    (trigger, role, status)
    for trigger, role in CREDIT_ROLES
    for status in MEMO_STATUSES
    if status != MEMO_NEEDED[trigger][0]
]


@pytest.mark.parametrize(("trigger", "role"), CREDIT_ROLES)
def test_a_credit_trigger_passes_once_the_memo_has_the_status_it_waits_for(trigger, role):
    status, _ = MEMO_NEEDED[trigger]
    case = ready_facts(trigger, DESIGN[trigger][0][0], memo_status=status)
    check(ACTING_AS[role], case, trigger, {"reason": "the rate on the memo is wrong"}, NOW)


@pytest.mark.parametrize(("trigger", "role", "status"), NOT_READY)
def test_a_credit_trigger_is_refused_by_its_memo_guard_for_every_other_memo_status(
    trigger, role, status
):
    _, guard = MEMO_NEEDED[trigger]
    case = ready_facts(trigger, DESIGN[trigger][0][0], memo_status=status)
    with pytest.raises(GuardsFailed) as refused:
        check(ACTING_AS[role], case, trigger, GOOD_INPUT, NOW)
    assert set(refused.value.failures) == {guard}
    assert refused.value.extra["guards"] == [guard]


@pytest.mark.parametrize(("trigger", "status"), sorted({(t, s) for t, _, s in NOT_READY}, key=str))
def test_fire_refuses_a_credit_trigger_before_the_memo_is_ready_and_leaves_the_record_alone(
    trigger, status
):
    record = dataclasses.replace(ready_for(trigger, DESIGN[trigger][0][0]), memo_status=status)
    with pytest.raises(GuardsFailed):
        fire(record, facts_of(record), trigger, GOOD_INPUT, NOW)
    before = dataclasses.replace(ready_for(trigger, DESIGN[trigger][0][0]), memo_status=status)
    assert record == before


def test_a_person_resolving_chooses_a_full_credit_a_partial_credit_or_no_credit():
    assert selectable_outcomes() == ("credit_full", "credit_partial", "no_credit")


@pytest.mark.parametrize("state", DESIGN["resolve"][0])
@pytest.mark.parametrize("outcome", selectable_outcomes())
def test_every_selectable_outcome_resolves_the_case_and_is_recorded(outcome, state):
    record = ready_for("resolve", state)
    check(ASSIGNEE, facts_of(record), "resolve", INPUT_FOR[outcome], NOW)
    fire(record, facts_of(record), "resolve", INPUT_FOR[outcome], NOW)
    assert (record.state, record.outcome, record.root_cause, record.resolved_at) == (
        "resolved",
        outcome,
        INPUT_FOR[outcome]["root_cause"],
        NOW,
    )


def test_a_full_credit_without_an_amount_credits_the_disputed_amount():
    given = FULL_CREDIT | {"credit_amount": ""}
    check(ASSIGNEE, facts("investigating"), "resolve", given, NOW)


@pytest.mark.parametrize(
    ("disputed", "passes"), [(DISPUTED, False), (DISPUTED + 1, True), (DISPUTED - 1, False)]
)
def test_a_partial_credit_is_judged_against_this_cases_disputed_amount(disputed, passes):
    case = facts("investigating", disputed_amount=disputed)
    given = PARTIAL_CREDIT | {"credit_amount": "1500.00"}
    with nullcontext() if passes else pytest.raises(GuardsFailed):
        check(ASSIGNEE, case, "resolve", given, NOW)


def test_a_partial_credit_of_the_whole_disputed_amount_is_refused_naming_the_amount():
    given = PARTIAL_CREDIT | {"credit_amount": "1500.00"}
    with pytest.raises(GuardsFailed) as refused:
        check(ASSIGNEE, facts("escalated"), "resolve", given, NOW)
    assert refused.value.failures == {
        "credit_memo_valid": "a partial credit is less than the disputed amount, 1500.00"
    }


def test_a_credited_case_cannot_be_credited_twice():
    issued = facts("credited", outcome="credit_full", memo_status="issued")
    with pytest.raises(TransitionNotAllowed):
        check(APPROVER, issued, "issue_credit", {}, NOW)


# --- 3. effects -------------------------------------------------------------------------------

WAITING = Record("escalated", awaiting_info_since=YESTERDAY)
RESOLVED = Record("resolved", "no_credit", "no_error_found", YESTERDAY)
SENT_BACK = Record(
    "resolved", "credit_partial", "rate_card_error", YESTERDAY, memo_status="rejected"
)
CLEARED = {"outcome": None, "root_cause": None, "resolved_at": None}
EFFECTS = [
    (
        "resolve",
        WAITING,
        GOOD_INPUT,
        {
            "outcome": "no_credit",
            "root_cause": "no_error_found",
            "resolved_at": NOW,
            "awaiting_info_since": None,
        },
    ),
    (
        "resolve",
        Record("investigating"),
        PARTIAL_CREDIT,
        {"outcome": "credit_partial", "root_cause": "rate_card_error", "resolved_at": NOW},
    ),
    (
        "withdraw",
        Record("filed"),
        GOOD_INPUT,
        {"outcome": "withdrawn", "root_cause": None, "resolved_at": NOW},
    ),
    ("withdraw", WAITING, GOOD_INPUT, {"outcome": "withdrawn", "awaiting_info_since": None}),
    ("reopen", RESOLVED, GOOD_INPUT, CLEARED),
    ("reopen", dataclasses.replace(RESOLVED, outcome="withdrawn", root_cause=None), GOOD_INPUT,
     CLEARED),
    ("return_for_rework", SENT_BACK, GOOD_INPUT, CLEARED),
    ("request_info", Record("investigating"), GOOD_INPUT, {"awaiting_info_since": NOW}),
    ("info_received", WAITING, GOOD_INPUT, {"awaiting_info_since": None}),
]  # fmt: skip


@pytest.mark.parametrize(("trigger", "before", "given", "after"), EFFECTS)
def test_fire_applies_the_effect_of_the_trigger(trigger, before, given, after):
    record = dataclasses.replace(before)
    fire(record, facts_of(record), trigger, given, NOW)
    assert {name: getattr(record, name) for name in after} == after


NO_EFFECTS = [
    ("start", "filed"),
    ("escalate", "investigating"),
    ("deescalate", "escalated"),
    ("issue_credit", "resolved"),  # the credit outcome stays; the memo is the service's to issue
]


@pytest.mark.parametrize(("trigger", "state"), NO_EFFECTS)
def test_triggers_without_effects_change_nothing_but_the_state(trigger, state):
    record = ready_for(trigger, state)
    fire(record, facts_of(record), trigger, GOOD_INPUT, NOW)
    assert dataclasses.replace(record, state=state) == ready_for(trigger, state)


@pytest.mark.parametrize("trigger", ["resolve", "withdraw"])
def test_a_memo_rejected_in_an_earlier_round_cannot_send_back_a_later_non_credit_resolution(
    trigger,
):
    # A credit is rejected and sent back; the case is then closed without a credit, long ago.
    record = dataclasses.replace(SENT_BACK)
    fire(record, facts_of(record), "return_for_rework", GOOD_INPUT, NOW)
    fire(record, facts_of(record), trigger, GOOD_INPUT, NOW - REOPEN_WINDOW - timedelta(days=30))
    closed = facts_of(record)
    assert (closed.state, closed.memo_status) == ("resolved", "rejected")
    assert "reopen" not in allowed_triggers(LEAD, closed, NOW)  # past the reopen window
    for actor in (APPROVER, LEAD):
        assert "return_for_rework" not in allowed_triggers(actor, closed, NOW)
        with pytest.raises(GuardsFailed) as refused:
            check(actor, closed, "return_for_rework", GOOD_INPUT, NOW)
        assert "credit_memo_rejected" in refused.value.failures


# --- 4. every guard -------------------------------------------------------------------------

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
    ("resolve", "investigating", {}, PARTIAL_CREDIT | {"credit_amount": "1500.00"},
     "credit_memo_valid"),
    ("resolve", "escalated", {}, FULL_CREDIT | {"credit_amount": "1499.99"}, "credit_memo_valid"),
    ("resolve", "investigating", {}, FULL_CREDIT | {"gl_reason": None}, "credit_memo_valid"),
    ("resolve", "escalated", {}, PARTIAL_CREDIT | {"gl_reason": "goodwill"}, "credit_memo_valid"),
    ("resolve", "investigating", {"evidence_kinds": ()}, {}, "required_evidence"),
    ("resolve", "escalated", {"reason_code": "invalid_traffic"}, {}, "required_evidence"),
    ("resolve", "investigating", {"reason_code": "duplicate_billing",
                                  "evidence_kinds": ("invoice_copy",)}, {}, "required_evidence"),
    ("withdraw", "filed", {}, {"note": None}, "note_given"),
    ("return_for_rework", "resolved", {"memo_status": "pending_approval"}, {},
     "credit_memo_rejected"),
    ("return_for_rework", "resolved", {}, {"reason": None}, "reason_given"),
    ("reopen", "resolved", {"outcome": "credit_full"}, {}, "outcome_not_credit"),
    ("reopen", "resolved", {"outcome": "credit_partial"}, {}, "outcome_not_credit"),
    ("reopen", "resolved", {"resolved_at": NOW - REOPEN_WINDOW - timedelta(seconds=1)}, {},
     "within_90_days"),
    ("reopen", "resolved", {"resolved_at": None}, {}, "within_90_days"),
    ("reopen", "resolved", {}, {"reason": None}, "reason_given"),
    ("issue_credit", "resolved", {"memo_status": "pending_approval"}, {}, "credit_memo_approved"),
    ("issue_credit", "resolved", {"memo_status": None}, {}, "credit_memo_approved"),
    ("request_info", "investigating", {"awaiting_info": True}, {}, "not_awaiting_info"),
    ("request_info", "escalated", {}, {"note": None}, "note_given"),
    ("info_received", "investigating", {"awaiting_info": False}, {}, "awaiting_info"),
    ("reverse_credit", "credited", {"memo_status": "reversed"}, {}, "credit_memo_issued"),
    ("reverse_credit", "credited", {"memo_status": "issued"}, {"reason": None}, "reason_given"),
]  # fmt: skip


@pytest.mark.parametrize(("trigger", "state", "case", "given", "guard"), REFUSALS)
def test_check_refuses_naming_the_guard_that_failed(trigger, state, case, given, guard):
    case = ready_facts(trigger, state, **case)
    with pytest.raises(GuardsFailed) as refused:
        check(permitted(trigger), case, trigger, GOOD_INPUT | given, NOW)
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
        ("return_for_rework", "resolved", "reason"),
        ("reopen", "resolved", "reason"),
        ("request_info", "investigating", "note"),
    ],
)
def test_blank_or_whitespace_text_counts_as_missing(trigger, state, field, blank):
    given = GOOD_INPUT | {field: blank}
    with pytest.raises(GuardsFailed) as refused:
        check(permitted(trigger), ready_facts(trigger, state), trigger, given, NOW)
    assert set(refused.value.failures) == {f"{field}_given"}


def test_resolve_without_input_names_every_missing_field():
    with pytest.raises(GuardsFailed) as refused:
        check(ASSIGNEE, facts("investigating"), "resolve", {}, NOW)
    assert set(refused.value.failures) == {"outcome_given", "root_cause_given", "note_given"}
    assert "withdrawn" not in refused.value.failures["outcome_given"]


def test_resolve_names_every_problem_at_once_including_the_memo_and_the_evidence():
    case = facts("investigating", reason_code="invalid_traffic")
    with pytest.raises(GuardsFailed) as refused:
        check(ASSIGNEE, case, "resolve", {"outcome": "credit_full"}, NOW)
    failures = refused.value.failures
    assert list(failures) == [
        "root_cause_given",
        "note_given",
        "credit_memo_valid",
        "required_evidence",
    ]
    assert failures["credit_memo_valid"].startswith("choose a GL reason: ")
    assert failures["required_evidence"] == "add the required evidence: ivt report"


def test_the_evidence_guard_holds_back_a_no_credit_resolution_too():
    with pytest.raises(GuardsFailed) as refused:
        check(ASSIGNEE, facts("investigating", evidence_kinds=()), "resolve", GOOD_INPUT, NOW)
    assert refused.value.failures == {
        "required_evidence": "add the required evidence: delivery report"
    }


@pytest.mark.parametrize("state", DESIGN["withdraw"][0])
def test_a_case_can_be_withdrawn_without_its_evidence(state):
    check(ASSIGNEE, facts(state, evidence_kinds=()), "withdraw", GOOD_INPUT, NOW)


def test_a_case_resolved_exactly_90_days_ago_can_still_be_reopened():
    check(LEAD, facts("resolved", resolved_at=NOW - REOPEN_WINDOW), "reopen", GOOD_INPUT, NOW)


def test_a_withdrawn_case_can_be_reopened():
    check(LEAD, facts("resolved", outcome="withdrawn"), "reopen", GOOD_INPUT, NOW)


def test_fire_refuses_when_a_guard_fails_and_leaves_the_record_alone():
    record = Record("investigating")
    with pytest.raises(GuardsFailed):
        fire(record, facts_of(record), "escalate", {"reason": "  "}, NOW)
    assert record == Record("investigating")


def test_fire_refuses_a_credit_resolve_with_a_bad_memo_and_leaves_the_record_alone():
    record = Record("investigating")
    with pytest.raises(GuardsFailed):
        fire(record, facts_of(record), "resolve", FULL_CREDIT | {"credit_amount": "1.00"}, NOW)
    assert record == Record("investigating")


@pytest.mark.parametrize(
    ("trigger", "fields"),
    [
        ("start", ()),
        ("escalate", ("reason",)),
        ("deescalate", ("note",)),
        ("resolve", ("outcome", "root_cause", "note", "credit_amount", "gl_reason")),
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


# --- 5. the order in which check refuses ---------------------------------------------------

APPROVED = {"outcome": "credit_full", "memo_status": "approved"}
CHECK_ORDER = [
    (VIEWER, facts("filed"), "close", GOOD_INPUT, InvalidInput),
    (VIEWER, facts("credited"), "deescalate", GOOD_INPUT, NotPermitted),
    (OTHER_ANALYST, facts("filed"), "start", GOOD_INPUT, NotPermitted),
    (OTHER_LEAD, facts("credited"), "reopen", {}, NotPermitted),
    (LEAD, facts("resolved", **APPROVED), "issue_credit", {}, NotPermitted),
    (ASSIGNEE, facts("resolved", **APPROVED), "issue_credit", {}, NotPermitted),
    (ASSIGNEE, facts("resolved", memo_status="rejected"), "return_for_rework", GOOD_INPUT,
     NotPermitted),
    (LEAD, facts("filed"), "escalate", {}, TransitionNotAllowed),
    (LEAD, facts("credited"), "reopen", {}, TransitionNotAllowed),
    (APPROVER, facts("investigating", memo_status="approved"), "issue_credit", GOOD_INPUT,
     TransitionNotAllowed),
    (APPROVER, facts("credited", memo_status="issued"), "issue_credit", {}, TransitionNotAllowed),
    (LEAD, facts("investigating", memo_status="rejected"), "return_for_rework", {},
     TransitionNotAllowed),
    (ASSIGNEE, facts("resolved", evidence_kinds=()), "resolve", {}, TransitionNotAllowed),
    (ASSIGNEE, facts("investigating", evidence_kinds=()), "resolve", PARTIAL_CREDIT,
     GuardsFailed),
    (LEAD, facts("escalated"), "resolve", {"outcome": "credit_partial"}, GuardsFailed),
    (APPROVER, facts("resolved"), "issue_credit", GOOD_INPUT, GuardsFailed),
    (SYSTEM, facts("resolved", memo_status="pending_approval"), "issue_credit", GOOD_INPUT,
     GuardsFailed),
    (APPROVER, facts("resolved", memo_status="approved"), "return_for_rework", GOOD_INPUT,
     GuardsFailed),
    (LEAD, facts("resolved", memo_status="rejected"), "return_for_rework", {}, GuardsFailed),
]  # fmt: skip


@pytest.mark.parametrize(("actor", "case", "trigger", "given", "error"), CHECK_ORDER)
def test_check_refuses_unknown_then_unpermitted_then_wrong_state_then_failing_guards(
    actor, case, trigger, given, error
):
    with pytest.raises(error):
        check(actor, case, trigger, given, NOW)


def test_an_unknown_trigger_is_reported_as_bad_input_listing_the_known_ones():
    with pytest.raises(InvalidInput) as refused:
        check(LEAD, facts("filed"), "close", {}, NOW)
    assert "start" in refused.value.errors["trigger"]


# --- 6. the triggers an actor may fire now ----------------------------------------------------

PARTIAL = {"outcome": "credit_partial"}
NO_EVIDENCE = {"evidence_kinds": ()}
ONE_INVOICE = {"reason_code": "duplicate_billing", "evidence_kinds": ("invoice_copy",)}
TWO_INVOICES = {"reason_code": "duplicate_billing", "evidence_kinds": ("invoice_copy",) * 2}
ALLOWED = [
    ("filed", ASSIGNEE, {}, ["start", "withdraw"]),
    ("filed", LEAD, {}, ["start", "withdraw"]),
    ("filed", LEAD, {"assignee_id": None}, ["withdraw"]),
    ("filed", OTHER_ANALYST, {}, []),
    ("investigating", ASSIGNEE, {}, ["escalate", "resolve", "withdraw", "request_info"]),
    ("investigating", ASSIGNEE, {"awaiting_info": True},
     ["escalate", "resolve", "withdraw", "info_received"]),
    ("investigating", ASSIGNEE, NO_EVIDENCE, ["escalate", "withdraw", "request_info"]),
    ("investigating", LEAD, {"reason_code": "other", **NO_EVIDENCE},
     ["escalate", "resolve", "withdraw", "request_info"]),
    ("investigating", SYSTEM, {}, ["escalate"]),
    ("investigating", OTHER_LEAD, {}, []),
    ("investigating", APPROVER, {"memo_status": "rejected"}, []),
    ("escalated", LEAD, {}, ["deescalate", "resolve", "withdraw", "request_info"]),
    ("escalated", LEAD, ONE_INVOICE, ["deescalate", "withdraw", "request_info"]),
    ("escalated", LEAD, TWO_INVOICES, ["deescalate", "resolve", "withdraw", "request_info"]),
    ("escalated", ASSIGNEE, {}, ["resolve", "withdraw", "request_info"]),
    ("resolved", LEAD, {}, ["reopen"]),
    ("resolved", LEAD, PARTIAL, []),
    ("resolved", LEAD, {"resolved_at": NOW - timedelta(days=91)}, []),
    ("resolved", LEAD, PARTIAL | {"memo_status": "pending_approval"}, []),
    ("resolved", LEAD, PARTIAL | {"memo_status": "rejected"}, ["return_for_rework"]),
    ("resolved", LEAD, PARTIAL | {"memo_status": "approved"}, []),
    ("resolved", APPROVER, {}, []),
    ("resolved", APPROVER, PARTIAL | {"memo_status": "pending_approval"}, []),
    ("resolved", APPROVER, PARTIAL | {"memo_status": "rejected"}, ["return_for_rework"]),
    ("resolved", APPROVER, PARTIAL | {"memo_status": "approved"}, ["issue_credit"]),
    ("resolved", SYSTEM, {}, []),
    ("resolved", SYSTEM, PARTIAL | {"memo_status": "rejected"}, []),
    ("resolved", SYSTEM, PARTIAL | {"memo_status": "approved"}, ["issue_credit"]),
    ("resolved", ASSIGNEE, PARTIAL | {"memo_status": "approved"}, []),
    ("credited", LEAD, {}, []),
    ("credited", APPROVER, PARTIAL | {"memo_status": "issued"}, ["reverse_credit"]),
    ("credited", LEAD, PARTIAL | {"memo_status": "issued"}, ["reverse_credit"]),
    ("credited", SYSTEM, PARTIAL | {"memo_status": "issued"}, []),
]  # fmt: skip


@pytest.mark.parametrize(("state", "actor", "case", "expected"), ALLOWED)
def test_allowed_triggers_lists_exactly_what_the_actor_may_fire_now(state, actor, case, expected):
    assert allowed_triggers(actor, facts(state, **case), NOW) == expected


@pytest.mark.parametrize("state", STATES)
def test_a_viewer_is_offered_no_triggers(state):
    assert allowed_triggers(VIEWER, facts(state), NOW) == []


EVIDENCE_CASES = (
    {},  # delivery_shortfall with its delivery report
    NO_EVIDENCE,
    ONE_INVOICE,
    TWO_INVOICES,
    {"reason_code": "invalid_traffic", "evidence_kinds": ("ivt_report", "delivery_report")},
    {"reason_code": "other", **NO_EVIDENCE},
)
ACTORS = (ASSIGNEE, OTHER_ANALYST, LEAD, OTHER_LEAD, APPROVER, SYSTEM, VIEWER)


def variations(state: str) -> Iterator[Facts]:
    """Yield the case in `state` under every mix of waiting, memo, evidence and resolution."""
    closed = state in ("resolved", "credited")
    outcomes = ("no_credit", "credit_full", "credit_partial", "withdrawn") if closed else (None,)
    resolved = (YESTERDAY, NOW - REOPEN_WINDOW - timedelta(days=1)) if closed else (None,)
    for waiting, memo, evidence, outcome, resolved_at in itertools.product(
        (False, True), MEMO_STATUSES, EVIDENCE_CASES, outcomes, resolved
    ):
        yield facts(
            state,
            awaiting_info=waiting,
            memo_status=memo,
            outcome=outcome,
            resolved_at=resolved_at,
            **evidence,
        )


def passes_check(actor: Actor, case: Facts, trigger: str) -> bool:
    try:
        check(actor, case, trigger, GOOD_INPUT, NOW)
    except DomainError:
        return False
    return True


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("actor", ACTORS, ids=lambda a: f"{a.role}-{a.user_id}")
def test_the_offered_triggers_are_exactly_those_check_lets_through(actor, state):
    disagreements = [
        (case, offered, passing)
        for case in variations(state)
        if (offered := allowed_triggers(actor, case, NOW))
        != (passing := [t for t in BY_TRIGGER if passes_check(actor, case, t)])
    ]
    assert disagreements == []


def test_the_variations_offer_every_trigger_to_someone():
    offered = {
        trigger
        for actor in ACTORS
        for state in STATES
        for case in variations(state)
        for trigger in allowed_triggers(actor, case, NOW)
    }
    assert offered == set(BY_TRIGGER)


# --- 7. the shared machine -----------------------------------------------------------------


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


# --- 8. the diagram -------------------------------------------------------------------------


def test_the_diagram_draws_one_edge_per_source_and_trigger():
    lines = mermaid().splitlines()
    edges = [line.strip() for line in lines if ": " in line]
    assert lines[0] == "stateDiagram-v2"
    assert sorted(edges) == sorted(
        f"{state} --> {DESIGN[trigger][1] or state}: {trigger}" for trigger, state in FIREABLE
    )
