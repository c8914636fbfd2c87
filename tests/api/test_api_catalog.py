"""Advertisers and invoices through the API."""

from typing import Any

import pytest

from tests.api.helpers import PREFIX, Api, assert_problem, filing, stored_counts, walk
from tests.factories import Cast, Factory

LINES = [
    {
        "line_no": 1,
        "product": "sponsored_products",
        "campaign_ref": "CMP-9001",
        "unit_kind": "cpc",
        "billed_units": 4_000,
        "billed_rate": "0.85",
        "amount": "3400.00",
        "kind": "charge",
    },
    {
        "line_no": 2,
        "product": "display",
        "campaign_ref": "CMP-9002",
        "unit_kind": "cpm",
        "billed_units": 1_200_000,
        "billed_rate": "6.25",
        "amount": "7500.00",
        "kind": "charge",
    },
]


def invoice_body(cast: Cast, **changes: Any) -> dict[str, Any]:
    body = {
        "number": "INV-2026-11-0042",
        "advertiser_ref": cast.advertiser.ref,
        "currency": "USD",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "lines": LINES,
    }
    return {k: v for k, v in (body | changes).items() if v is not None}


def test_the_billing_system_pushes_an_invoice_and_can_read_it_back(api: Api, cast: Cast) -> None:
    caller = api(cast.integration)

    response = caller.post("/invoices", invoice_body(cast))

    assert response.status_code == 201
    assert response.headers["Location"].endswith("/api/v1/invoices/INV-2026-11-0042")
    shown = caller.get("/invoices/INV-2026-11-0042")
    assert shown.status_code == 200
    invoice = shown.get_json()
    assert invoice == response.get_json()
    assert invoice["lines"] == LINES
    assert invoice["total"] == "10900.00"
    assert invoice["advertiser_ref"] == cast.advertiser.ref
    assert (invoice["period_start"], invoice["period_end"]) == ("2026-11-01", "2026-11-30")
    assert invoice["open_disputes"] == []


MAKE_GOOD = LINES[0] | {
    "line_no": 3,
    "billed_rate": "0.8075",
    "amount": "0.00",
    "kind": "make_good",
}
ADJUSTMENT = LINES[1] | {"line_no": 4, "billed_units": 0, "amount": "-125.50", "kind": "adjustment"}


def test_invoices_carry_zero_make_goods_negative_adjustments_and_six_decimal_rates(api, cast):
    caller = api(cast.integration)
    response = caller.post("/invoices", invoice_body(cast, lines=[*LINES, MAKE_GOOD, ADJUSTMENT]))
    assert response.status_code == 201
    lines = caller.get("/invoices/INV-2026-11-0042").get_json()["lines"]
    assert lines[2:] == [MAKE_GOOD, ADJUSTMENT]
    assert caller.get("/invoices/INV-2026-11-0042").get_json()["total"] == "10774.50"


@pytest.mark.parametrize(
    "line",
    [
        LINES[0] | {"amount": "0.00"},  # a zero charge is a make-good
        LINES[0] | {"amount": "-1.00"},  # a negative charge is an adjustment
        MAKE_GOOD | {"amount": "5.00"},
        ADJUSTMENT | {"amount": "5.00"},
        LINES[0] | {"kind": "refund"},
        LINES[0] | {"billed_rate": "0.8500001"},  # a seventh decimal
    ],
)
def test_an_invoice_line_whose_kind_and_amount_disagree_is_refused(api, cast, line):
    response = api(cast.integration).post("/invoices", invoice_body(cast, lines=[line]))
    assert response.status_code == 422
    assert any(field.startswith("lines[") for field in response.get_json()["errors"])
    assert api(cast.integration).get("/invoices/INV-2026-11-0042").status_code == 404


def test_a_pushed_invoice_can_be_disputed_up_to_its_total(api: Api, cast: Cast) -> None:
    api(cast.integration).post("/invoices", invoice_body(cast))
    body = {
        "invoice_number": "INV-2026-11-0042",
        "reason_code": "delivery_shortfall",
        "description": "display under-delivered",
        "disputed_amount": "10900.00",
        "currency": "USD",
        "lines": [{"line_no": 2, "amount": "7500.00"}, {"line_no": 1, "amount": "3400.00"}],
    }

    response = api(cast.analyst).post("/disputes", body)

    assert response.status_code == 201
    assert response.get_json()["priority"] == "P3"


def test_an_invoice_number_that_exists_is_a_409_and_the_first_invoice_is_kept(
    api: Api, cast: Cast
) -> None:
    caller = api(cast.integration)
    caller.post("/invoices", invoice_body(cast))
    before = stored_counts()

    response = caller.post("/invoices", invoice_body(cast, currency="CAD", lines=LINES[:1]))

    assert_problem(response, 409)
    assert stored_counts() == before
    assert caller.get("/invoices/INV-2026-11-0042").get_json()["total"] == "10900.00"


def test_the_same_invoice_pushed_again_is_answered_200_and_stored_once(api: Api, cast: Cast):
    caller = api(cast.integration)
    first = caller.post("/invoices", invoice_body(cast))
    before = stored_counts()

    again = caller.post("/invoices", invoice_body(cast))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json() and stored_counts() == before


@pytest.mark.parametrize("number", ["INV/2026/0042", "INV 2026 0042", "INV#42", "INV?42"])
def test_an_invoice_is_readable_at_its_location_whatever_its_number_holds(
    api: Api, cast: Cast, number: str
) -> None:
    caller = api(cast.integration)

    pushed = caller.post("/invoices", invoice_body(cast, number=number))

    assert pushed.status_code == 201
    shown = caller.get(pushed.headers["Location"].split(PREFIX, 1)[1])
    assert shown.status_code == 200
    assert shown.get_json()["number"] == number


def _line(**changes: Any) -> list[dict[str, Any]]:
    return [LINES[0] | changes]


BAD_INVOICES: dict[str, dict[str, Any]] = {
    "unknown advertiser": {"advertiser_ref": "ADV-NOPE"},
    "no advertiser": {"advertiser_ref": None},
    "no number": {"number": None},
    "a blank number": {"number": "  "},
    "a number too long to store": {"number": "INV-" + "9" * 60},
    "an unknown currency": {"currency": "EUR"},
    "an impossible date": {"period_start": "2026-13-01"},
    "a date in another format": {"period_end": "30/11/2026"},
    "the period ending before it starts": {"period_start": "2026-12-01"},
    "no period": {"period_start": None},
    "empty lines": {"lines": []},
    "no lines": {"lines": None},
    "lines not a list": {"lines": LINES[0]},
    "a line that is not an object": {"lines": ["CMP-9001"]},
    "a bad unit kind": {"lines": _line(unit_kind="cpx")},
    "the same line number twice": {"lines": [LINES[0], LINES[1] | {"line_no": 1}]},
    "a line number of zero": {"lines": _line(line_no=0)},
    "negative units": {"lines": _line(billed_units=-1)},
    "units as text": {"lines": _line(billed_units="4000")},
    "a malformed amount": {"lines": _line(amount="3,400.00")},
    "an amount as a number": {"lines": _line(amount=3400)},
    "no product": {"lines": _line(product=None)},
    "a product name too long to store": {"lines": _line(product="p" * 200)},
    "an amount too large to store": {"lines": _line(amount="99999999999999999999.00")},
    "units too many to store": {"lines": _line(billed_units=10**20)},
}


@pytest.mark.parametrize("changes", BAD_INVOICES.values(), ids=BAD_INVOICES.keys())
def test_a_bad_invoice_is_refused_and_nothing_is_stored(
    api: Api, cast: Cast, changes: dict[str, Any]
) -> None:
    before = stored_counts()

    response = api(cast.integration).post("/invoices", invoice_body(cast, **changes))

    assert_problem(response, 422)
    assert stored_counts() == before


def test_an_invoice_lists_its_open_disputes_but_not_the_closed_ones(
    api: Api, make: Factory, cast: Cast
) -> None:
    invoice = make.invoice(cast.advertiser)
    caller = api(cast.lead)
    lines = [[{"line_no": 1, "amount": "10.00"}], [{"line_no": 2, "amount": "10.00"}]]
    first, second = (
        caller.post("/disputes", filing(invoice, "10.00", lines=x)).get_json()["ref"] for x in lines
    )
    assert caller.fire(first, "withdraw", note="advertiser withdrew").status_code == 200

    shown = api(cast.viewer).get(f"/invoices/{invoice.number}").get_json()

    assert shown["open_disputes"] == [{"ref": second, "state": "filed"}]
    assert [line["line_no"] for line in shown["lines"]] == [1, 2]


def test_an_unknown_invoice_is_a_404(api: Api, cast: Cast) -> None:
    assert_problem(api(cast.lead).get("/invoices/INV-NOPE"), 404)


def test_a_viewer_cannot_read_another_accounts_invoice(api: Api, make: Factory, cast: Cast) -> None:
    theirs = make.invoice(cast.other_advertiser)

    problem = assert_problem(api(cast.viewer).get(f"/invoices/{theirs.number}"), 404)

    assert problem == assert_problem(api(cast.viewer).get("/invoices/INV-NOPE"), 404) | {
        "detail": problem["detail"]
    }


def test_advertisers_are_listed_with_their_tier_and_owners(
    api: Api, make: Factory, cast: Cast
) -> None:
    make.advertiser(cast.team, tier="strategic", cs_owner=cast.viewer, name="Acme Foods")

    items = api(cast.analyst).get("/advertisers").get_json()["items"]

    assert {item["ref"] for item in items} == {
        cast.advertiser.ref, cast.other_advertiser.ref, items[-1]["ref"],
    }  # fmt: skip
    assert items[-1] == {
        "ref": items[-1]["ref"],
        "name": "Acme Foods",
        "kind": "supplier",
        "tier": "strategic",
        "sales_owner": None,
        "cs_owner": cast.viewer.email,
    }
    assert items[0]["sales_owner"] == cast.viewer.email


# Who lists which advertisers: viewers only the accounts they own (sales or client services).
ADVERTISER_READERS = {
    "viewer": {"advertiser", "serviced"},
    "other_viewer": {"other_advertiser"},
    "analyst": {"advertiser", "other_advertiser", "serviced", "unowned"},
    "approver": {"advertiser", "other_advertiser", "serviced", "unowned"},
    "integration": {"advertiser", "other_advertiser", "serviced", "unowned"},
}


@pytest.mark.parametrize(("who", "expected"), ADVERTISER_READERS.items())
def test_a_viewer_lists_only_advertisers_they_own(
    api: Api, make: Factory, cast: Cast, who: str, expected: set[str]
) -> None:
    refs = {
        "advertiser": cast.advertiser.ref,
        "other_advertiser": cast.other_advertiser.ref,
        "serviced": make.advertiser(cast.team, cs_owner=cast.viewer).ref,
        "unowned": make.advertiser(cast.other_team).ref,
    }

    items = api(getattr(cast, who)).get("/advertisers").get_json()["items"]

    assert {item["ref"] for item in items} == {refs[name] for name in expected}


def test_walking_the_advertiser_cursor_lists_each_advertiser_once(
    api: Api, make: Factory, cast: Cast
) -> None:
    for _ in range(3):
        make.advertiser(cast.team)
    everyone = [a["ref"] for a in api(cast.lead).get("/advertisers").get_json()["items"]]

    pages = list(walk(api(cast.lead), "/advertisers", limit=2))

    assert len(everyone) == 5
    assert [len(page["items"]) for page in pages] == [2, 2, 1]
    assert [a["ref"] for page in pages for a in page["items"]] == everyone
