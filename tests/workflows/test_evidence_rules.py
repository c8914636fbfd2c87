"""Evidence rules (DESIGN §6): what each reason code needs before a dispute can be resolved."""

import pytest

from disputedesk.workflows.codes import REASON_CODES
from disputedesk.workflows.evidence import KINDS, REQUIRED, Requirement, checklist, missing

# What the checklist on the case page says is needed, per reason code, with no evidence yet.
NEEDS = {
    "rate_mismatch": ["contract excerpt or insertion order"],
    "delivery_shortfall": ["delivery report"],
    "invalid_traffic": ["delivery report", "ivt report"],
    "duplicate_billing": ["2 × invoice copy"],  # the invoice and the one it duplicates
    "makegood_not_applied": ["insertion order or contract excerpt"],
    "cancelled_campaign_billed": ["correspondence or insertion order"],
    "tax_or_fee": ["invoice copy"],
    "po_or_billing_details": ["invoice copy or correspondence"],
    "other": [],
}

# reason code, kinds of the files uploaded, what is still missing
CASES = [
    ("rate_mismatch", ["contract_excerpt"], []),
    ("rate_mismatch", ["insertion_order"], []),
    ("rate_mismatch", ["invoice_copy", "delivery_report"], ["contract excerpt or insertion order"]),
    ("delivery_shortfall", ["delivery_report"], []),
    ("delivery_shortfall", ["third_party_report", "ivt_report"], ["delivery report"]),
    ("invalid_traffic", ["delivery_report", "ivt_report"], []),
    ("invalid_traffic", ["ivt_report", "internal_analysis", "delivery_report"], []),
    ("invalid_traffic", ["delivery_report"], ["ivt report"]),
    ("invalid_traffic", ["ivt_report"], ["delivery report"]),
    ("invalid_traffic", ["delivery_report", "delivery_report"], ["ivt report"]),
    ("invalid_traffic", ["third_party_report"], ["delivery report", "ivt report"]),
    ("duplicate_billing", ["invoice_copy", "invoice_copy"], []),
    ("duplicate_billing", ["invoice_copy", "invoice_copy", "invoice_copy"], []),
    ("duplicate_billing", ["invoice_copy"], ["2 × invoice copy"]),
    ("duplicate_billing", ["invoice_copy", "correspondence"], ["2 × invoice copy"]),
    ("makegood_not_applied", ["insertion_order"], []),
    ("makegood_not_applied", ["contract_excerpt"], []),
    ("makegood_not_applied", ["delivery_report"], ["insertion order or contract excerpt"]),
    ("cancelled_campaign_billed", ["correspondence"], []),
    ("cancelled_campaign_billed", ["insertion_order"], []),
    ("cancelled_campaign_billed", ["invoice_copy"], ["correspondence or insertion order"]),
    ("tax_or_fee", ["invoice_copy"], []),
    ("tax_or_fee", ["correspondence"], ["invoice copy"]),
    ("po_or_billing_details", ["invoice_copy"], []),
    ("po_or_billing_details", ["correspondence"], []),
    ("po_or_billing_details", ["other"], ["invoice copy or correspondence"]),
    ("other", [], []),
    ("other", ["other"], []),
]


def test_every_reason_code_has_an_evidence_rule():
    assert set(REQUIRED) == set(REASON_CODES) == set(NEEDS)


def test_every_required_kind_is_a_kind_an_uploader_can_choose():
    required = {kind for rules in REQUIRED.values() for req in rules for kind in req.kinds}
    assert required <= set(KINDS)


@pytest.mark.parametrize("reason_code", REASON_CODES)
def test_with_no_evidence_every_requirement_of_the_reason_code_is_missing(reason_code):
    assert missing(reason_code, []) == NEEDS[reason_code]
    assert [met for _, met in checklist(reason_code, [])] == [False] * len(NEEDS[reason_code])


@pytest.mark.parametrize(("reason_code", "present", "still_missing"), CASES)
def test_missing_names_the_requirements_the_uploaded_files_do_not_meet(
    reason_code, present, still_missing
):
    assert missing(reason_code, present) == still_missing


def test_every_reason_code_has_a_case_that_meets_it_and_one_that_does_not():
    met = {code for code, _, left in CASES if not left}
    unmet = {code for code, _, left in CASES if left}
    assert met == set(REASON_CODES)
    assert unmet == set(REASON_CODES) - {"other"}


@pytest.mark.parametrize(("reason_code", "present", "still_missing"), CASES)
def test_the_checklist_pairs_each_requirement_with_whether_it_is_met(
    reason_code, present, still_missing
):
    items = checklist(reason_code, present)
    assert [req for req, _ in items] == list(REQUIRED[reason_code])
    assert [req.label for req, met in items if not met] == still_missing


def test_invalid_traffic_ticks_the_delivery_report_and_leaves_the_ivt_report_open():
    delivery, ivt = REQUIRED["invalid_traffic"]
    assert checklist("invalid_traffic", ["delivery_report"]) == [(delivery, True), (ivt, False)]


def test_duplicate_billing_needs_two_invoice_copies_not_one():
    (both_invoices,) = REQUIRED["duplicate_billing"]
    assert both_invoices == Requirement(("invoice_copy",), count=2)
    assert checklist("duplicate_billing", ["invoice_copy"]) == [(both_invoices, False)]
    assert checklist("duplicate_billing", ["invoice_copy"] * 2) == [(both_invoices, True)]


def test_the_kinds_present_may_be_any_iterable_read_once():
    kinds = iter(["delivery_report", "ivt_report"])
    assert missing("invalid_traffic", kinds) == []


@pytest.mark.parametrize(
    ("requirement", "label"),
    [
        (Requirement(("delivery_report",)), "delivery report"),
        (Requirement(("contract_excerpt", "insertion_order")),
         "contract excerpt or insertion order"),
        (Requirement(("invoice_copy",), count=2), "2 × invoice copy"),
        (Requirement(("invoice_copy", "correspondence"), count=3),
         "3 × invoice copy or correspondence"),
    ],
)  # fmt: skip
def test_a_requirement_is_labelled_in_words_with_its_count_when_more_than_one(requirement, label):
    assert requirement.label == label
