"""The approval matrix: tiers at their boundaries, and every segregation-of-duties rule."""

import pytest

from disputedesk.workflows.approvals import (
    Memo,
    Person,
    eligible,
    missing,
    refusal,
    tier_for,
    tier_of,
)
from disputedesk.workflows.money import to_reporting

PREPARER, ASSIGNEE = 1, 2
LEAD = Person(10, "lead", 1_000_00)
SMALL_APPROVER = Person(11, "approver", 5_000_00)
APPROVER = Person(12, "approver", 100_000_00)
APPROVER_2 = Person(13, "approver", 50_000_00)
ADMIN = Person(14, "admin", 10_000_000_00)


def memo(amount: int, *approvers: Person, split_total: int = 0) -> Memo:
    return Memo(amount, PREPARER, ASSIGNEE, tuple(approvers), split_total)


@pytest.mark.parametrize(
    ("amount", "tier"),
    [
        (1, "small"), (1_000_00, "small"), (1_000_01, "standard"),
        (25_000_00, "standard"), (25_000_01, "large"), (10_000_000_00, "large"),
    ],
)  # fmt: skip
def test_each_tier_ends_exactly_at_its_boundary(amount, tier):
    assert tier_for(amount).name == tier


@pytest.mark.parametrize(
    ("currency", "last_small", "first_standard"),
    [("USD", 1_000_00, 1_000_01), ("CAD", 1_369_86, 1_369_88), ("MXN", 18_181_81, 18_181_91)],
)
def test_thresholds_apply_to_the_amount_in_the_reporting_currency(
    currency, last_small, first_standard
):
    assert tier_for(to_reporting(last_small, currency)).name == "small"
    assert tier_for(to_reporting(first_standard, currency)).name == "standard"


def test_a_lead_approves_a_small_credit_within_their_limit():
    small = memo(1_000_00)
    assert refusal(small, LEAD) is None
    assert missing(memo(1_000_00, LEAD)) == []


def test_a_lead_cannot_approve_a_credit_one_cent_above_the_small_tier():
    assert "does not qualify" in refusal(memo(1_000_01), LEAD)


def test_an_approver_whose_limit_does_not_cover_the_memo_cannot_approve_it():
    assert "does not cover" in refusal(memo(5_000_01), SMALL_APPROVER)
    assert refusal(memo(5_000_00), SMALL_APPROVER) is None


def test_a_large_credit_needs_two_distinct_approvers_one_covering_it():
    large = memo(60_000_00)
    assert len(missing(large)) == 2
    after_one = memo(60_000_00, SMALL_APPROVER)  # the first need not cover it...
    assert refusal(large, SMALL_APPROVER) is None
    assert "does not cover" in refusal(after_one, APPROVER_2)  # ...but then the second must
    assert refusal(after_one, APPROVER) is None
    assert missing(memo(60_000_00, SMALL_APPROVER, APPROVER)) == []


def test_a_large_credit_with_one_covering_approval_still_needs_a_second():
    (still,) = missing(memo(60_000_00, APPROVER))
    assert still == "1 more approval (approver)"
    assert refusal(memo(60_000_00, APPROVER), APPROVER_2) is None


@pytest.mark.parametrize(
    ("who", "rule"),
    [
        (Person(PREPARER, "approver", 10**12), "preparer"),
        (Person(ASSIGNEE, "lead", 10**12), "assignee"),
        (ADMIN, "admins do not approve"),
        (Person(20, "viewer", 10**12), "does not qualify"),
        (Person(21, "analyst", 10**12), "does not qualify"),
        (Person(22, "integration", 10**12), "does not qualify"),
    ],
)
def test_segregation_of_duties_names_the_rule_that_refuses(who, rule):
    assert rule in refusal(memo(500_00), who)


def test_no_one_approves_the_same_memo_twice():
    assert "twice" in refusal(memo(60_000_00, APPROVER), APPROVER)


def test_a_split_credit_that_crosses_a_tier_needs_the_higher_tiers_approvals():
    split = memo(900_00, split_total=1_800_00)  # small alone, standard with the earlier memo
    assert tier_for(split.gated_amount).name == "standard"
    assert "does not qualify" in refusal(split, LEAD)


def test_eligible_lists_who_may_approve_now_and_no_one_once_approved():
    people = [LEAD, SMALL_APPROVER, APPROVER, APPROVER_2, ADMIN]
    assert eligible(memo(3_000_00), people) == [SMALL_APPROVER, APPROVER, APPROVER_2]
    assert eligible(memo(3_000_00, APPROVER), people) == []


@pytest.mark.parametrize(
    ("amount", "tier", "lead_may_approve"),
    [(60_00, "standard", False), (1_000_01, "large", False), (25_000_01, "large", False)],
)
def test_a_credit_above_the_proposal_counts_one_tier_higher(amount, tier, lead_may_approve):
    raised = Memo(amount, PREPARER, ASSIGNEE, above_proposal=True)
    assert tier_of(raised).name == tier and "above the proposal" in tier_of(raised).rule
    assert (refusal(raised, LEAD) is None) is lead_may_approve
    assert "above the proposal" in refusal(raised, LEAD)


def test_a_credit_within_the_proposal_keeps_its_tier():
    assert tier_of(memo(60_00)).name == "small" and refusal(memo(60_00), LEAD) is None
