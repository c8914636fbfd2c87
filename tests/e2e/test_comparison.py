"""In the browser: the comparison names the contract it used and warns when two matched."""

from datetime import date

from playwright.sync_api import Page, expect

from disputedesk.app.extensions import db
from disputedesk.app.models import Contract, DeliveryRecord


def test_a_lead_sees_which_contract_priced_the_line_and_the_ambiguity(page: Page, sign_in, make):
    cast = make.cast()
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    line = case.invoice.lines[0]
    terms = dict(advertiser_id=case.advertiser_id, product=line.product,
                 effective_to=date(2026, 12, 31))  # fmt: skip
    db.session.add_all([
        Contract(reference="IO-OLD", rate_micros=4_000_000_000, effective_from=date(2026, 1, 1),
                 **terms),
        Contract(reference="IO-NEW", rate_micros=4_500_000_000, effective_from=date(2026, 9, 1),
                 **terms),
        DeliveryRecord(campaign_ref=line.campaign_ref, period_start=date(2026, 10, 25),
                       period_end=date(2026, 11, 7), delivered_units=1_400, invalid_units=0),
    ])  # fmt: skip
    db.session.commit()

    sign_in(cast.lead)
    page.goto(f"/disputes/{case.ref}")

    comparison = page.locator("#case-comparison")
    expect(comparison.get_by_role("alert")).to_contain_text("Several contracts match")
    expect(comparison.locator(".c-contract").first).to_contain_text("IO-NEW v1 ambiguous")
    # 7 of the row's 14 days fall in October: 700 of 1,400 units count, at 4,500.00 a thousand
    expect(comparison).to_contain_text("counts 7 of its 14 days")
    expect(comparison.locator("td[data-label=Expected]").first).to_have_text("3,150.00")
