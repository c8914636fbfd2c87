"""The comparison of a dispute's lines, as the API gives it."""

from datetime import date

from disputedesk.app.extensions import db
from disputedesk.app.models import Contract, DeliveryRecord
from tests.api.helpers import Api
from tests.factories import Cast, Factory


def test_the_comparison_names_contract_and_delivery_rows_and_every_number(
    api: Api, make: Factory, cast: Cast
) -> None:
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst)
    line = dispute.invoice.lines[0]  # 1,000 impressions at 5,000.00 a thousand
    contract = Contract(
        advertiser_id=cast.advertiser.id, reference="IO-9", product=line.product,
        rate_micros=4_000_000_000, discount_bp=250, effective_from=date(2026, 1, 1),
        effective_to=date(2026, 12, 31),
    )  # fmt: skip
    crossing = DeliveryRecord(
        campaign_ref=line.campaign_ref, period_start=date(2026, 10, 22),
        period_end=date(2026, 11, 4), delivered_units=1_400, invalid_units=0,
    )  # fmt: skip
    db.session.add_all([contract, crossing])
    db.session.commit()

    response = api(cast.viewer).get(f"/disputes/{dispute.ref}/comparison")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["basis"], body["period_start"], body["currency"]) == ("live", "2026-10-01", "USD")
    first, second = body["lines"]
    assert first["contract"]["reference"] == "IO-9" and first["contracted_rate"] == "3900.00"
    # 10 of the row's 14 days fall in October: 1,000 units count; 1,000 × 3.90 = 3,900.00
    assert first["delivery_rows"] == [{
        "id": crossing.id, "source": "first_party", "period_start": "2026-10-22",
        "period_end": "2026-11-04", "delivered_units": 1_400, "invalid_units": 0,
        "counted_units": "1000", "prorated": True, "overlap_days": 10, "row_days": 14,
    }]  # fmt: skip
    assert (first["expected_amount"], first["variance"], first["proposed_credit"]) == (
        "3900.00", "1100.00", "1100.00"
    )  # fmt: skip
    assert [f["code"] for f in first["flags"]] == ["prorated_delivery"]
    assert second["expected_amount"] is None and second["missing"]
