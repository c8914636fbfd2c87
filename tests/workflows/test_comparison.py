"""The comparison engine: which contract applies, which delivery counts, what is expected."""

from dataclasses import replace
from datetime import date

import pytest

from disputedesk.workflows.comparison import (
    BilledLine,
    ContractTerms,
    ContractUse,
    DeliveryRow,
    compare_invoice,
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


def test_a_campaign_line_of_another_order_beats_a_line_for_every_campaign_outright():
    specific = replace(TERMS, id=20, reference="IO-2", campaign_ref="CMP-1")
    result = compare(contracts=(TERMS, specific))
    assert result.contract == specific and not result.ambiguous
    assert len(result.candidates) == 2 and result.has("campaign_specific")


@pytest.mark.parametrize(
    ("other", "chosen"),
    [
        (replace(TERMS, id=21, reference="IO-3", effective_from=date(2026, 3, 10)), 10),  # partial
        (replace(TERMS, id=22, reference="IO-4", effective_from=date(2026, 2, 1)), 22),  # latest
    ],
)
def test_two_orders_matching_is_ambiguous_and_the_most_specific_applies(other, chosen):
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


def test_a_campaign_line_beats_the_generic_line_of_the_same_version():
    # One IO version with a line for every campaign at 1.00 and one for CMP-1 at 0.80
    generic = replace(TERMS, rate_micros=1_000_000, discount_bp=0)
    specific = replace(generic, id=11, campaign_ref="CMP-1", rate_micros=800_000)
    line = replace(LINE, billed_units=1_000, billed_rate_micros=1_000_000, amount=100_000)
    rows = (replace(MONTH, delivered_units=1_000, invalid_units=0),)
    for order in ((generic, specific), (specific, generic)):
        result = compare(line=line, contracts=order, deliveries=rows)
        assert result.contract == specific and not result.ambiguous
        assert (result.expected_amount, result.proposed_credit) == (80_000, 20_000)
        messages = " ".join(f.message for f in result.flags)
        assert "supersedes" not in messages
        assert "IO-1 v1's line for CMP-1 applies over IO-1 v1's line for every campaign" in messages


def test_an_amendment_inside_the_period_splits_it_by_days():
    v1 = replace(TERMS, discount_bp=0, rate_micros=1_000_000)
    v2 = replace(v1, id=11, version=2, rate_micros=500_000, effective_from=date(2026, 3, 11))
    rows = (replace(MONTH, delivered_units=31_000, invalid_units=0),)  # 1,000 a day
    result = compare(contracts=(v1, v2), deliveries=rows)
    # 10 days at 1.00 and 21 days at 0.50, not the whole month at the amendment's rate
    assert result.expected_amount == 10_000 * 100 + 21_000 * 50
    assert [(s.contract.version, s.start, s.end) for s in result.segments] == [
        (1, START, date(2026, 3, 10)), (2, date(2026, 3, 11), END),
    ]  # fmt: skip
    assert result.contract == v2 and result.has("split_period") and not result.ambiguous
    split = next(f.message for f in result.flags if f.code == "split_period")
    assert "IO-1 v1 2026-03-01 – 2026-03-10 (10 days); IO-1 v2 2026-03-11" in split


def test_a_contract_in_another_currency_is_never_priced_silently():
    result = compare(line=replace(LINE, currency="CAD"))
    assert result.expected_amount is None and result.proposed_credit == 0
    assert result.has("currency_mismatch")
    assert "The contract and the invoice are in different currencies." in result.missing


def test_make_goods_and_caps_are_drawn_per_contract_line_across_lines_and_invoices():
    shared = replace(TERMS, makegood_units=30_000, cap_units=50_000)
    other = replace(LINE, line_id=2, line_no=2, campaign_ref="CMP-2")
    rows = (MONTH, replace(MONTH, id=101, campaign_ref="CMP-2"))
    use = ContractUse()
    first = compare_invoice([LINE, other], START, END, [shared], list(rows), use)
    # 37,000 valid each; the 30,000 free units are owed once, then the 50,000 cap is shared
    assert [r.priced_units for r in first] == [7_000, 37_000]
    assert first[1].has("makegood_units") and first[1].has("capped_units") is False
    later = compare_invoice([replace(LINE, line_id=3)], START, END, [shared], list(rows), use)
    assert later[0].priced_units == 6_000 and later[0].has("capped_units")
    assert "(44,000 on earlier lines)" in " ".join(f.message for f in later[0].flags)
