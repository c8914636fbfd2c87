"""The comparison engine: which contract applies, which delivery counts, what is expected."""

from dataclasses import replace
from datetime import date

import pytest

from workflows.comparison import (
    BilledLine,
    ContractTerms,
    DeliveryRow,
    compare_line,
)

START, END = date(2026, 3, 1), date(2026, 3, 31)
LINE = BilledLine(
    line_id=1, line_no=1, kind="charge", product="sponsored_products", campaign_ref="CMP-1",
    unit_kind="cpc", billed_units=40_000, billed_rate_micros=850_000, amount=3_400_000,
)  # fmt: skip
TERMS = ContractTerms(
    id=10, reference="IO-1", version=1, product="sponsored_products", campaign_ref="",
    unit_kind="cpc", rate_micros=850_000, discount_bp=500, cap_units=None, cap_amount=None,
    makegood_units=0, tolerance_bp=0, delivery_source="first_party",
    effective_from=date(2026, 1, 1), effective_to=date(2026, 12, 31),
)  # fmt: skip
MONTH = DeliveryRow(100, "CMP-1", "first_party", START, END, 37_500, 500)


def compare(line=LINE, contracts=(TERMS,), deliveries=(MONTH,)):
    return compare_line(line, START, END, list(contracts), list(deliveries))


def test_the_discounted_rate_is_never_truncated_to_a_cent():
    result = compare()
    # 37,000 valid clicks at 0.85 less 5% = 0.8075 → 29,877.50 (truncating gave 29,600.00)
    assert result.expected_amount == 2_987_750
    assert result.variance == 3_400_000 - 2_987_750 == result.proposed_credit
    assert result.contract == TERMS and result.deliveries[0].row == MONTH


def test_an_amendment_supersedes_its_earlier_version_without_ambiguity():
    amended = replace(TERMS, id=11, version=2, discount_bp=1_000)
    result = compare(contracts=(TERMS, amended))
    assert result.contract == amended and not result.ambiguous
    assert result.has("superseded_version")


@pytest.mark.parametrize(
    ("other", "chosen"),
    [
        (replace(TERMS, id=20, reference="IO-2", campaign_ref="CMP-1"), 20),  # campaign-specific
        (replace(TERMS, id=21, reference="IO-3", effective_from=date(2026, 3, 10)), 10),  # partial
        (replace(TERMS, id=22, reference="IO-4", effective_from=date(2026, 2, 1)), 22),  # latest
    ],
)
def test_two_contracts_matching_is_ambiguous_and_the_most_specific_applies(other, chosen):
    result = compare(contracts=(TERMS, other))
    assert result.ambiguous and result.contract.id == chosen
    assert len(result.candidates) == 2
    assert "Several contracts match" in " ".join(f.message for f in result.flags)


@pytest.mark.parametrize(
    "contract",
    [
        replace(TERMS, product="display"),
        replace(TERMS, campaign_ref="CMP-OTHER"),
        replace(TERMS, effective_to=date(2026, 2, 28)),
    ],
)
def test_no_contract_applies_and_the_line_says_why(contract):
    result = compare(contracts=(contract,))
    assert result.contract is None and result.expected_amount is None
    assert result.proposed_credit == 0
    assert result.missing == ("No contract for sponsored_products in effect during "
                              "2026-03-01 – 2026-03-31.",)  # fmt: skip


def test_a_contract_covering_part_of_the_period_is_used_and_flagged():
    result = compare(contracts=(replace(TERMS, effective_to=date(2026, 3, 15)),))
    assert result.expected_amount is not None and result.has("partial_contract_cover")


def test_weekly_and_mid_month_rows_are_all_summed():
    weeks = [
        DeliveryRow(i, "CMP-1", "first_party", date(2026, 3, d), date(2026, 3, d + 6), 9_000, 0)
        for i, d in enumerate((8, 15, 22), start=1)
    ]
    result = compare(deliveries=weeks)
    assert result.billable_units == 27_000 and not result.has("prorated_delivery")
    assert [u.row.id for u in result.deliveries] == [1, 2, 3]


def test_a_row_crossing_the_period_edge_is_pro_rated_and_said_so():
    crossing = DeliveryRow(
        7, "CMP-1", "first_party", date(2026, 3, 25), date(2026, 4, 3), 10_000, 0
    )
    result = compare(deliveries=(crossing,))
    assert result.billable_units == 7_000  # 7 of its 10 days fall in March
    assert result.deliveries[0].prorated and result.has("prorated_delivery")


def test_rows_of_the_other_source_are_not_counted_and_are_mentioned():
    third = replace(MONTH, id=101, source="third_party")
    result = compare(deliveries=(third,))
    assert result.expected_amount is None
    assert result.missing == ("No first_party delivery rows for CMP-1 overlapping 2026-03-01 – "
                              "2026-03-31 (1 third_party rows exist).",)  # fmt: skip
    assert compare(contracts=(replace(TERMS, delivery_source="third_party"),),
                   deliveries=(MONTH, third)).deliveries[0].row == third  # fmt: skip


def test_make_goods_owed_are_free_and_caps_hold():
    assert compare(contracts=(replace(TERMS, makegood_units=1_000),)).priced_units == 36_000
    assert compare(contracts=(replace(TERMS, cap_units=20_000),)).priced_units == 20_000
    capped = compare(contracts=(replace(TERMS, cap_amount=1_000_000),))
    assert capped.expected_amount == 1_000_000 and capped.has("capped_amount")


def test_more_delivered_than_billed_prices_only_what_was_billed():
    result = compare(deliveries=(replace(MONTH, delivered_units=50_000, invalid_units=0),))
    assert result.priced_units == 40_000 and result.has("delivery_exceeds_billed")


@pytest.mark.parametrize(
    ("tolerance_bp", "proposed"),
    [(0, 412_250), (1_370, 412_250), (1_380, 0)],  # variance is 13.798% of expected
)
def test_a_variance_within_the_contracts_tolerance_proposes_no_credit(tolerance_bp, proposed):
    result = compare(contracts=(replace(TERMS, tolerance_bp=tolerance_bp),))
    assert result.variance == 412_250 and result.proposed_credit == proposed
    assert result.has("within_tolerance") == (proposed == 0)


def test_an_invoice_line_whose_amount_is_not_units_times_rate_is_flagged():
    result = compare(line=replace(LINE, amount=3_400_100))
    assert result.invoice_amount_computed == 3_400_000 and result.has("invoice_arithmetic")
    assert not compare().has("invoice_arithmetic")


@pytest.mark.parametrize(("kind", "amount"), [("make_good", 0), ("adjustment", -50_000)])
def test_make_good_and_adjustment_lines_are_shown_but_not_priced(kind, amount):
    result = compare(line=replace(LINE, kind=kind, amount=amount))
    assert result.expected_amount is None and result.proposed_credit == 0
    assert result.missing[-1].startswith(f"A {kind.replace('_', '-')} line is not priced")
    assert not result.has("invoice_arithmetic")


def test_a_contract_in_other_units_is_not_priced():
    result = compare(contracts=(replace(TERMS, unit_kind="cpm"),))
    assert result.expected_amount is None and result.has("unit_kind_mismatch")


def test_flat_lines_without_delivery_price_the_units_billed():
    flat = replace(LINE, product="in_store", unit_kind="flat", billed_units=1,
                   billed_rate_micros=2_500_000_000, amount=250_000)  # fmt: skip
    terms = replace(TERMS, product="in_store", unit_kind="flat", rate_micros=2_500_000_000)
    assert compare(line=flat, contracts=(terms,), deliveries=()).expected_amount == 237_500


def test_the_comparison_as_data_names_every_number_and_row():
    data = compare().as_dict()
    assert data["contract"]["reference"] == "IO-1" and data["contracted_rate"] == "0.8075"
    assert data["delivery_rows"][0]["id"] == 100 and data["billable_units"] == "37000"
    assert (data["expected_amount"], data["variance"], data["proposed_credit"]) == (
        "29877.50", "4122.50", "4122.50"
    )  # fmt: skip
