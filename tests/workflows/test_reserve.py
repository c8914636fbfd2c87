"""The reserve's rule: a case's rate by its reason and age, rounding, and the age buckets."""

from hypothesis import given
from hypothesis import strategies as st

from disputedesk.workflows.reserve import (
    Band,
    age_buckets,
    bucket_label,
    policy_problems,
    rate_for,
    reserve_of,
)

BANDS = [Band("*", 0, 1000), Band("*", 60, 4000), Band("invalid_traffic", 30, 7000)]


def test_a_reason_with_its_own_bands_takes_them_once_reached_and_every_reasons_before():
    assert rate_for(BANDS, "invalid_traffic", 29) == 1000  # before its own first band
    assert rate_for(BANDS, "invalid_traffic", 30) == 7000
    assert rate_for(BANDS, "invalid_traffic", 90) == 7000  # its own band, not * from 60
    assert rate_for(BANDS, "rate_mismatch", 59) == 1000
    assert rate_for(BANDS, "rate_mismatch", 60) == 4000
    assert rate_for([], "rate_mismatch", 10) == 0  # no policy: nothing reserved


def test_the_reserve_rounds_half_up_away_from_zero_to_the_minor_unit():
    assert reserve_of(12_345, 1000) == 1235  # 1,234.5 cents
    assert reserve_of(-12_345, 1000) == -1235  # an adjustment down
    assert reserve_of(1, 4999) == 0 and reserve_of(1, 5000) == 1


@given(st.integers(-(10**15), 10**15), st.integers(0, 10_000))
def test_the_reserve_never_exceeds_the_open_amount(amount, rate):
    held = reserve_of(amount, rate)
    assert abs(held) <= abs(amount) and (held == 0 or (held > 0) == (amount > 0))


def test_the_buckets_are_cut_at_every_bands_start():
    assert [bucket_label(b) for b in age_buckets(BANDS)] == [
        "0–29 days", "30–59 days", "60+ days"]  # fmt: skip


def test_every_problem_of_a_policy_is_named_by_row():
    problems = policy_problems([
        {"reason": "nope", "from_days": 0, "rate_bp": 1},
        {"reason": "*", "from_days": True, "rate_bp": 20_000},
    ])  # fmt: skip
    assert set(problems) == {"bands.0.reason", "bands.1.from_days", "bands.1.rate_bp", "bands"}
    assert policy_problems([{"reason": "*", "from_days": 0, "rate_bp": 0}]) == {}
