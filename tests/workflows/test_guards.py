"""The guards credit memos and evidence added: the memo amount, the evidence, the memo status."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputedesk.workflows.codes import GL_REASONS, OUTCOMES, REASON_CODES
from disputedesk.workflows.evidence import REQUIRED
from disputedesk.workflows.guards import (
    CREDIT_MEMO,
    EVIDENCE,
    MEMO_APPROVED,
    MEMO_REJECTED,
    NOTE,
    Facts,
    Guard,
)
from disputedesk.workflows.money import format_amount

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DISPUTED = 1_500_00
CASE = Facts(state="investigating", team_id=1, assignee_id=10, disputed_amount=DISPUTED)
MEMO_STATUSES = (None, "draft", "pending_approval", "approved", "rejected", "issued", "void")


def credit(outcome: str, amount: object = None, gl_reason: object = "rate_correction") -> dict:
    """Return resolve input for a credit outcome; None leaves a field out."""
    data = {"outcome": outcome, "credit_amount": amount, "gl_reason": gl_reason}
    return {field: value for field, value in data.items() if value is not None}


def memo_problem(data: dict, disputed: int = DISPUTED) -> str | None:
    return CREDIT_MEMO.problem(Facts("investigating", 1, disputed_amount=disputed), data, NOW)


# --- the Guard itself -------------------------------------------------------------------------


def test_a_guard_that_holds_has_nothing_to_explain():
    data = {"note": "checked the delivery logs"}
    assert NOTE.problem(CASE, data, NOW) is None
    assert NOTE.holds(CASE, data, NOW) is True
    assert NOTE.explain(CASE, data, NOW) == ""


def test_a_guard_that_fails_explains_why():
    assert NOTE.holds(CASE, {}, NOW) is False
    assert NOTE.explain(CASE, {}, NOW) == "write a note"


@pytest.mark.parametrize(
    ("guard", "name", "fields"),
    [
        (CREDIT_MEMO, "credit_memo_valid", ("credit_amount", "gl_reason")),
        (EVIDENCE, "required_evidence", ()),
        (MEMO_REJECTED, "credit_memo_rejected", ()),
        (MEMO_APPROVED, "credit_memo_approved", ()),
    ],
)
def test_each_new_guard_has_its_name_and_judges_input_only_if_it_names_fields(guard, name, fields):
    assert isinstance(guard, Guard)
    assert (guard.name, guard.fields) == (name, fields)


# --- the credit memo asked for at resolve -----------------------------------------------------

ACCEPTED = [
    credit("credit_full"),  # a full credit is the disputed amount
    credit("credit_full", ""),
    credit("credit_full", "1500.00"),
    credit("credit_full", "1500"),
    credit("credit_full", " 1500.00 "),
    credit("credit_partial", "1499.99"),  # one cent less than the disputed amount
    credit("credit_partial", "0.01"),
    credit("credit_partial", "750"),
]


@pytest.mark.parametrize("data", ACCEPTED, ids=str)
def test_a_credit_within_the_disputed_amount_with_a_gl_reason_is_accepted(data):
    assert memo_problem(data) is None


NOT_PARTIAL = "a partial credit is less than the disputed amount, 1500.00"
NOT_FULL = "a full credit is the disputed amount, 1500.00"
REFUSED = [
    (credit("credit_partial", "1500.00"), NOT_PARTIAL),  # exactly the disputed amount
    (credit("credit_partial", "1500"), NOT_PARTIAL),
    (credit("credit_partial", "1500.01"), NOT_PARTIAL),
    (credit("credit_full", "1499.99"), NOT_FULL),
    (credit("credit_full", "1500.01"), NOT_FULL),
    (credit("credit_full", "0"), "credit amount must be greater than zero"),
    (credit("credit_partial", "0"), "credit amount must be greater than zero"),
    (credit("credit_partial", "0.00"), "credit amount must be greater than zero"),
    (credit("credit_partial", "-10.00"), "credit amount must be greater than zero"),
    (credit("credit_partial", "0.001"), "credit amount must have at most two decimals"),
    (credit("credit_partial", "12,00"), "credit amount '12,00' is not an amount"),
    (credit("credit_partial", "1e3"), "credit amount '1e3' is not an amount"),
    (credit("credit_partial"), "credit amount must be a decimal string"),
    (credit("credit_partial", ""), "credit amount '' is not an amount"),
    (credit("credit_partial", 500), "credit amount must be a decimal string"),
    (credit("credit_full", 1500.0), "credit amount must be a decimal string"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "message"), REFUSED, ids=str)
def test_a_credit_amount_outside_its_outcome_is_refused_saying_why(data, message):
    assert message in memo_problem(data)


@pytest.mark.parametrize("outcome", ["credit_full", "credit_partial"])
@pytest.mark.parametrize("gl_reason", [None, "", "goodwill", "Rate_Correction", " makegood"])
def test_a_credit_without_a_known_gl_reason_is_refused_listing_the_reasons(outcome, gl_reason):
    data = credit(outcome, "1000.00") | {"gl_reason": gl_reason}
    assert memo_problem(data) == "choose a GL reason: " + ", ".join(GL_REASONS)


@pytest.mark.parametrize("gl_reason", GL_REASONS)
def test_every_gl_reason_is_accepted_on_a_credit(gl_reason):
    assert memo_problem(credit("credit_partial", "10.00", gl_reason)) is None


def test_a_missing_gl_reason_is_named_before_a_bad_amount():
    assert memo_problem(credit("credit_partial", "1500.00", None)).startswith("choose a GL reason")


@pytest.mark.parametrize("outcome", [None, "no_credit", "withdrawn", "upheld", ""])
def test_outcomes_that_are_not_credits_are_not_judged_for_a_memo(outcome):
    data = {"outcome": outcome, "credit_amount": "not money", "gl_reason": "goodwill"}
    assert memo_problem(data) is None


def test_the_non_credit_outcomes_are_exactly_the_ones_left_unjudged():
    unjudged = {o for o in OUTCOMES if memo_problem({"outcome": o}) is None}
    assert unjudged == {"no_credit", "withdrawn"}


def test_a_one_cent_dispute_can_be_credited_in_full_but_not_in_part():
    assert memo_problem(credit("credit_full"), disputed=1) is None
    assert memo_problem(credit("credit_full", "0.01"), disputed=1) is None
    assert "less than the disputed amount, 0.01" in memo_problem(
        credit("credit_partial", "0.01"), disputed=1
    )


@given(
    disputed=st.integers(min_value=1, max_value=10**12),
    amount=st.integers(min_value=1, max_value=10**12),
)
def test_a_partial_credit_is_accepted_exactly_when_it_is_below_the_disputed_amount(
    disputed, amount
):
    problem = memo_problem(credit("credit_partial", format_amount(amount)), disputed)
    assert (problem is None) is (amount < disputed)


@given(
    disputed=st.integers(min_value=1, max_value=10**12),
    amount=st.integers(min_value=1, max_value=10**12),
)
def test_a_full_credit_is_accepted_exactly_when_it_is_the_disputed_amount(disputed, amount):
    problem = memo_problem(credit("credit_full", format_amount(amount)), disputed)
    assert (problem is None) is (amount == disputed)


# --- the evidence a resolve needs -------------------------------------------------------------


def evidence_problem(reason_code: str, kinds: tuple[str, ...]) -> str | None:
    facts = Facts("investigating", 1, reason_code=reason_code, evidence_kinds=kinds)
    return EVIDENCE.problem(facts, {}, NOW)


def enough_for(reason_code: str) -> tuple[str, ...]:
    """Return evidence kinds that meet every requirement of the reason code."""
    return tuple(req.kinds[0] for req in REQUIRED[reason_code] for _ in range(req.count))


@pytest.mark.parametrize("reason_code", REASON_CODES)
def test_the_evidence_guard_holds_once_every_requirement_is_met(reason_code):
    assert evidence_problem(reason_code, enough_for(reason_code)) is None


@pytest.mark.parametrize(
    ("reason_code", "kinds", "message"),
    [
        ("delivery_shortfall", (), "add the required evidence: delivery report"),
        ("invalid_traffic", (), "add the required evidence: delivery report; ivt report"),
        ("invalid_traffic", ("delivery_report",), "add the required evidence: ivt report"),
        ("invalid_traffic", ("ivt_report",), "add the required evidence: delivery report"),
        ("duplicate_billing", ("invoice_copy",), "add the required evidence: 2 × invoice copy"),
        ("rate_mismatch", ("delivery_report",),
         "add the required evidence: contract excerpt or insertion order"),
        ("tax_or_fee", ("correspondence",), "add the required evidence: invoice copy"),
    ],
)  # fmt: skip
def test_the_evidence_guard_names_the_kinds_still_missing(reason_code, kinds, message):
    assert evidence_problem(reason_code, kinds) == message


def test_a_dispute_for_another_reason_needs_no_evidence():
    assert evidence_problem("other", ()) is None


def test_the_evidence_guard_judges_the_case_not_what_the_actor_typed():
    facts = Facts("investigating", 1, reason_code="delivery_shortfall")
    typed = {"evidence_kinds": ["delivery_report"], "outcome": "no_credit"}
    assert not EVIDENCE.holds(facts, typed, NOW)


# --- the memo status the credit triggers need -------------------------------------------------


@pytest.mark.parametrize("status", MEMO_STATUSES)
@pytest.mark.parametrize(
    ("guard", "needed", "message"),
    [
        (MEMO_APPROVED, "approved",
         "the credit memo is not approved under the approval matrix yet"),
        (MEMO_REJECTED, "rejected", "only a rejected credit memo sends the case back"),
    ],
)  # fmt: skip
def test_a_memo_guard_holds_only_for_the_memo_status_it_needs(guard, needed, message, status):
    facts = Facts("resolved", 1, outcome="credit_partial", memo_status=status)
    assert guard.holds(facts, {}, NOW) is (status == needed)
    assert guard.explain(facts, {}, NOW) == ("" if status == needed else message)
