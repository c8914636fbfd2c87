"""Money as integer minor units, and priority from the disputed amount (DESIGN §4)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputedesk.workflows.money import (
    MAX_UNIT_DIGITS,
    BadAmount,
    format_amount,
    parse_amount,
    priority_for,
    to_reporting,
)

BIGINT_MAX = 2**63 - 1  # the disputed_amount and invoice amount columns are BIGINT


def test_the_largest_amount_accepted_fits_a_bigint_many_times_over():
    assert parse_amount("9" * MAX_UNIT_DIGITS + ".99") * 1000 < BIGINT_MAX


@pytest.mark.parametrize(
    ("text", "minor"),
    [("1234.50", 123450), ("1", 100), ("0.01", 1), ("1234.5", 123450), (" 42.00 ", 4200)],
)
def test_parse_amount_turns_a_decimal_string_into_minor_units(text, minor):
    assert parse_amount(text) == minor


@pytest.mark.parametrize(
    "bad",
    ["-5", "0", "0.00", "-0.01", "1.234", "1.230", "abc", "", "NaN", "sNaN", "Infinity",
     "-Infinity", 12.5, 5, Decimal("5"), None],
)  # fmt: skip
def test_parse_amount_refuses_anything_but_a_positive_two_decimal_string(bad):
    with pytest.raises(BadAmount):
        parse_amount(bad)


@pytest.mark.parametrize("huge", ["99999999999999999999", "1e30"])
def test_parse_amount_refuses_an_amount_too_large_to_store(huge):
    with pytest.raises(BadAmount):
        parse_amount(huge)


@pytest.mark.parametrize(
    ("text", "shown"),
    [("1234.50", "1234.50"), ("1234.5", "1234.50"), ("1", "1.00"), ("0.01", "0.01")],
)
def test_format_amount_shows_two_decimals(text, shown):
    assert format_amount(parse_amount(text)) == shown


@given(st.integers(min_value=1, max_value=10 ** (MAX_UNIT_DIGITS + 2) - 1))
def test_format_amount_round_trips_through_parse_amount(minor):
    assert parse_amount(format_amount(minor)) == minor


def test_to_reporting_rounds_half_a_cent_up():
    assert to_reporting(10_00, "CAD") == 7_30
    assert to_reporting(10, "MXN") == 1  # 0.55 of a cent


PRIORITIES = [
    # disputed minor units, currency, advertiser tier, priority
    (1, "USD", "strategic", "P1"),
    (1, "MXN", "strategic", "P1"),
    (100_000_00, "USD", "standard", "P1"),
    (99_999_99, "USD", "standard", "P2"),
    (25_000_00, "USD", "standard", "P2"),
    (24_999_99, "USD", "standard", "P3"),
    (1_000_00, "USD", "standard", "P3"),
    (999_99, "USD", "standard", "P4"),
    (1, "USD", "standard", "P4"),
    # 100,000 CAD is 73,000 USD and 1,000,000 MXN is 55,000 USD: both P2, not P1.
    (100_000_00, "CAD", "standard", "P2"),
    (1_000_000_00, "MXN", "standard", "P2"),
    # The first cent at or over each threshold once converted (to the cent, half up).
    (136_986_30, "CAD", "standard", "P1"),
    (136_986_29, "CAD", "standard", "P2"),
    (34_246_57, "CAD", "standard", "P2"),
    (34_246_56, "CAD", "standard", "P3"),
    (1_369_86, "CAD", "standard", "P3"),
    (1_369_85, "CAD", "standard", "P4"),
    (1_818_181_73, "MXN", "standard", "P1"),
    (1_818_181_72, "MXN", "standard", "P2"),
    (454_545_37, "MXN", "standard", "P2"),
    (454_545_36, "MXN", "standard", "P3"),
    (18_181_73, "MXN", "standard", "P3"),
    (18_181_72, "MXN", "standard", "P4"),
]


@pytest.mark.parametrize(("minor", "currency", "tier", "priority"), PRIORITIES)
def test_priority_follows_the_reporting_amount_and_the_tier(minor, currency, tier, priority):
    assert priority_for(minor, currency, tier) == priority
