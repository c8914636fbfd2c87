"""Contract and delivery feeds: typed, idempotent by external reference, all or nothing."""

from typing import Any

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Contract, DeliveryRecord
from tests.api.helpers import Api
from tests.factories import Cast


def contract(cast: Cast, **changes: Any) -> dict[str, Any]:
    return {
        "advertiser_ref": cast.advertiser.ref, "reference": "IO-2026-0042", "version": 1,
        "effective_from": "2026-01-01", "effective_to": "2026-12-31", "tolerance_bp": 100,
        "delivery_source": "third_party",
        "lines": [
            {"product": "sponsored_products", "unit_kind": "cpc", "rate": "0.8075",
             "discount_bp": 500, "cap_units": 100_000, "cap_amount": "50000.00"},
            {"product": "display", "unit_kind": "cpm", "rate": "6.50", "makegood_units": 20_000,
             "campaign_ref": "CMP-7", "effective_from": "2026-03-01"},
        ],
    } | changes  # fmt: skip


def record(n: int, **changes: Any) -> dict[str, Any]:
    return {
        "external_ref": f"DCM-{n}", "campaign_ref": "CMP-7", "source": "third_party",
        "period_start": f"2026-10-{n:02d}", "period_end": f"2026-10-{n:02d}",
        "delivered_units": 1_000 + n, "invalid_units": 10,
    } | changes  # fmt: skip


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_contract_with_its_lines_is_recorded_once_however_often_it_is_sent(api: Api, cast):
    caller = api(cast.integration)
    first = caller.post("/feeds/contracts", {"contracts": [contract(cast)]})
    again = caller.post("/feeds/contracts", {"contracts": [contract(cast)]})

    assert first.status_code == again.status_code == 200
    assert (first.get_json()["created"], again.get_json()["unchanged"]) == (1, 1)
    assert again.get_json()["created"] == 0 and count(Contract) == 2
    line = db.session.scalar(select(Contract).where(Contract.product == "sponsored_products"))
    assert (line.rate_micros, line.discount_bp, line.cap_units, line.cap_amount) == (
        807_500, 500, 100_000, 5_000_000
    )  # fmt: skip
    assert (line.tolerance_bp, line.delivery_source, line.version) == (100, "third_party", 1)
    display = db.session.scalar(select(Contract).where(Contract.product == "display"))
    assert (display.campaign_ref, display.makegood_units, str(display.effective_from)) == (
        "CMP-7", 20_000, "2026-03-01"
    )  # fmt: skip


def test_an_amendment_is_a_new_version_and_changed_terms_of_a_version_are_refused(api, cast):
    caller = api(cast.integration)
    caller.post("/feeds/contracts", {"contracts": [contract(cast)]})
    changed = contract(cast, tolerance_bp=0)

    refused = caller.post("/feeds/contracts", {"contracts": [changed]})
    amended = caller.post("/feeds/contracts", {"contracts": [changed | {"version": 2}]})

    assert refused.status_code == 422
    assert "recorded with other terms" in refused.get_json()["errors"]["contracts[1]"]
    assert amended.status_code == 200 and amended.get_json()["created"] == 1
    assert count(Contract) == 4


def test_one_bad_row_refuses_the_whole_request_naming_each_bad_row(api: Api, cast: Cast):
    bad_rate = contract(cast, reference="IO-B")
    bad_rate["lines"] = [{"product": "display", "rate": "6.5000001"}]
    rows = [contract(cast), contract(cast, advertiser_ref="ADV-NOPE"), bad_rate]

    response = api(cast.integration).post("/feeds/contracts", {"contracts": rows})

    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"contracts[2]", "contracts[3]"}
    assert "no advertiser 'ADV-NOPE'" in errors["contracts[2]"]
    assert errors["contracts[3]"].startswith("lines[1]: rate must have at most 6 decimals")
    assert count(Contract) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"delivered_units": "12x"}, "delivered_units must be a whole number"),
        ({"delivered_units": -1}, "delivered_units must be a whole number"),
        ({"invalid_units": 5_000}, "invalid_units is more than delivered_units"),
        ({"source": "guess"}, "source is one of first_party, third_party"),
        ({"period_end": "2026-09-30"}, "the delivery period ends before it starts"),
        ({"period_start": "2026-02-30"}, "period_start must be a date"),
        ({"external_ref": "DCM\x00"}, "external_ref must not contain NUL characters"),
        ({"campaign_ref": None}, "campaign_ref is required"),
    ],
)
def test_a_bad_delivery_row_is_named_and_nothing_is_stored(api, cast, change, message):
    rows = [record(1), record(2, **change)]
    response = api(cast.integration).post("/feeds/delivery", {"records": rows})
    assert response.status_code == 422
    assert response.get_json()["errors"]["records[2]"].startswith(message)
    assert count(DeliveryRecord) == 0


def test_delivery_is_idempotent_by_external_ref_and_a_restated_row_is_updated(api, cast):
    caller = api(cast.integration)
    caller.post("/feeds/delivery", {"records": [record(1), record(2)]})

    response = caller.post("/feeds/delivery", {"records": [record(1), record(2, invalid_units=40)]})

    body = response.get_json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 1, 1)
    assert body["rows"][1]["detail"] == "invalid_units 10 → 40"
    assert count(DeliveryRecord) == 2


def test_a_second_reference_for_the_same_campaign_period_and_source_is_refused(api, cast):
    caller = api(cast.integration)
    caller.post("/feeds/delivery", {"records": [record(1)]})
    response = caller.post("/feeds/delivery", {"records": [record(1, external_ref="OTHER")]})
    assert response.status_code == 422
    assert response.get_json()["errors"]["records[1]"].startswith("DCM-1 already covers CMP-7")


def test_a_dry_run_says_what_would_change_and_stores_nothing(api: Api, cast: Cast):
    response = api(cast.integration).post(
        "/feeds/delivery", {"records": [record(1), record(2)], "dry_run": True}
    )
    assert response.get_json()["dry_run"] is True and response.get_json()["created"] == 2
    assert count(DeliveryRecord) == 0


def test_a_request_above_the_bulk_limit_is_refused_whole(api: Api, cast: Cast):
    rows = [contract(cast, reference=f"IO-{n}") for n in range(501)]
    response = api(cast.integration).post("/feeds/contracts", {"contracts": rows})
    assert response.status_code == 422
    assert "at most 500" in response.get_json()["errors"]["contracts"]


def test_a_misspelt_field_of_a_row_is_refused_by_name_and_the_rows_are_typed(api, cast):
    rows = [record(1) | {"delivred_units": 5}]
    response = api(cast.integration).post("/feeds/delivery", {"records": rows})
    assert response.status_code == 422
    assert "records[0].delivred_units" in response.get_json()["errors"]
    schemas = api(cast.integration).get("/openapi.json").get_json()["components"]["schemas"]
    assert {"external_ref", "delivered_units", "period_start"} <= set(
        schemas["DeliveryRow"]["properties"]
    )
    assert schemas["ContractRow"]["properties"]["lines"]["anyOf"][0]["items"]["$ref"].endswith(
        "ContractLineRow"
    )
    assert schemas["DeliveryRow"]["additionalProperties"] is False
