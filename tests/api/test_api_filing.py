"""Filing a dispute through POST /api/v1/disputes."""

import re

import pytest

from tests.api.helpers import PREFIX, Api, assert_problem, filing, stored_counts
from tests.factories import Cast, Factory


def test_filing_answers_201_with_the_new_case_and_where_to_find_it(
    api: Api, make: Factory, cast: Cast
) -> None:
    invoice = make.invoice(cast.advertiser)

    response = api(cast.analyst).post("/disputes", filing(invoice, "1000.00"))

    assert response.status_code == 201
    case = response.get_json()
    assert re.fullmatch(r"DSP-\d{6}", case["ref"])
    assert response.headers["Location"].endswith(f"/api/v1/disputes/{case['ref']}")
    assert response.headers["ETag"] == f'"{case["version"]}"'
    assert case["state"] == "filed"
    assert case["assignee"] is None
    assert case["invoice_number"] == invoice.number
    assert case["advertiser"]["ref"] == cast.advertiser.ref
    assert case["disputed_amount"] == "1000.00"
    assert case["currency"] == "USD"
    assert case["reason_code"] == "rate_mismatch"
    assert case["team"] == cast.team.name
    assert case["intake_channel"] == "api"
    assert isinstance(case["allowed_triggers"], list)
    assert case["filed_at"].endswith("Z")


def test_the_location_of_a_filed_case_reads_back_the_same_case(
    api: Api, make: Factory, cast: Cast
) -> None:
    caller = api(cast.lead)
    filed = caller.post("/disputes", filing(make.invoice(cast.advertiser)))
    location = filed.headers["Location"]

    shown = caller.get(location.split(PREFIX, 1)[1])

    assert shown.status_code == 200
    assert shown.get_json() == filed.get_json()
    assert shown.headers["ETag"] == filed.headers["ETag"]


@pytest.mark.parametrize(
    ("tier", "currency", "amount", "priority"),
    [
        ("strategic", "USD", "10.00", "P1"),
        ("standard", "USD", "100000.00", "P1"),
        ("standard", "USD", "25000.00", "P2"),
        ("standard", "USD", "24999.99", "P3"),
        ("standard", "USD", "1000.00", "P3"),
        ("standard", "USD", "999.99", "P4"),
        ("standard", "CAD", "1000.00", "P4"),  # 730 USD in the reporting currency
        ("standard", "CAD", "2000.00", "P3"),  # 1,460 USD
    ],
)
def test_priority_follows_the_amount_in_usd_and_the_advertisers_tier(
    api: Api, make: Factory, cast: Cast, tier: str, currency: str, amount: str, priority: str
) -> None:
    advertiser = make.advertiser(cast.team, tier=tier)
    invoice = make.invoice(advertiser, amounts=(20_000_000,), currency=currency)

    response = api(cast.integration).post("/disputes", filing(invoice, amount))

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["priority"] == priority


def test_the_filer_is_recorded_as_the_actor_of_the_first_event(
    api: Api, make: Factory, cast: Cast
) -> None:
    caller = api(cast.analyst)
    ref = caller.post("/disputes", filing(make.invoice(cast.advertiser))).get_json()["ref"]

    first = caller.get(f"/disputes/{ref}/events").get_json()["items"][0]

    assert (first["seq"], first["type"], first["actor"]) == (1, "filed", cast.analyst.email)
    assert (first["from_state"], first["to_state"]) == (None, "filed")


def test_the_same_idempotency_key_and_body_give_back_the_same_case(
    api: Api, make: Factory, cast: Cast
) -> None:
    caller, body = api(cast.integration), filing(make.invoice(cast.advertiser))
    headers = {"Idempotency-Key": "billing-run-42"}

    first = caller.post("/disputes", body, headers=headers)
    before = stored_counts()
    again = caller.post("/disputes", body, headers=headers)

    assert first.status_code == 201
    assert again.status_code in (200, 201)
    assert again.get_json()["ref"] == first.get_json()["ref"]
    assert stored_counts() == before
    assert len(caller.get("/disputes").get_json()["items"]) == 1


def test_the_same_idempotency_key_with_another_body_is_a_conflict(
    api: Api, make: Factory, cast: Cast
) -> None:
    caller, headers = api(cast.integration), {"Idempotency-Key": "billing-run-42"}
    first, other = make.invoice(cast.advertiser), make.invoice(cast.advertiser)
    caller.post("/disputes", filing(first), headers=headers)
    before = stored_counts()

    response = caller.post("/disputes", filing(other), headers=headers)

    assert_problem(response, 409)
    assert stored_counts() == before


def test_different_users_may_use_the_same_idempotency_key_independently(
    api: Api, make: Factory, cast: Cast
) -> None:
    headers = {"Idempotency-Key": "retry-1"}
    mine = api(cast.analyst).post(
        "/disputes", filing(make.invoice(cast.advertiser)), headers=headers
    )
    theirs = api(cast.integration).post(
        "/disputes", filing(make.invoice(cast.advertiser)), headers=headers
    )

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.get_json()["ref"] != theirs.get_json()["ref"]


@pytest.mark.parametrize("key", ["", "   ", "k" * 201])
def test_an_unusable_idempotency_key_is_refused(
    api: Api, make: Factory, cast: Cast, key: str
) -> None:
    invoice = make.invoice(cast.advertiser)
    before = stored_counts()

    response = api(cast.integration).post(
        "/disputes", filing(invoice), headers={"Idempotency-Key": key}
    )

    assert_problem(response, 422)
    assert stored_counts() == before


# Line numbers contested by a first and by a second filing on the same two-line invoice;
# no lines means the whole invoice.
OVERLAPS = {
    "whole invoice twice": ((), ()),
    "whole invoice, then a line": ((), (1,)),
    "a line, then the whole invoice": ((1,), ()),
    "the same line": ((1, 2), (2,)),
}


def _lines(line_nos: tuple[int, ...]) -> list[dict]:
    return [{"line_no": n, "amount": "10.00"} for n in line_nos]


@pytest.mark.parametrize(("first", "second"), OVERLAPS.values(), ids=OVERLAPS.keys())
def test_a_second_open_dispute_on_the_same_lines_is_refused_naming_the_first(
    api: Api, make: Factory, cast: Cast, first: tuple[int, ...], second: tuple[int, ...]
) -> None:
    caller, invoice = api(cast.analyst), make.invoice(cast.advertiser)
    ref = caller.post("/disputes", filing(invoice, "10.00", lines=_lines(first))).get_json()["ref"]
    before = stored_counts()

    response = caller.post("/disputes", filing(invoice, "10.00", lines=_lines(second)))

    problem = assert_problem(response, 409)
    assert ref in problem["detail"]
    assert problem["dispute"] == ref
    assert stored_counts() == before


def test_disputes_on_different_lines_of_one_invoice_may_be_open_together(
    api: Api, make: Factory, cast: Cast
) -> None:
    caller, invoice = api(cast.analyst), make.invoice(cast.advertiser)

    first = caller.post("/disputes", filing(invoice, "10.00", lines=_lines((1,))))
    second = caller.post("/disputes", filing(invoice, "10.00", lines=_lines((2,))))

    assert (first.status_code, second.status_code) == (201, 201)


CLOSINGS = {
    "resolved": {"trigger": "resolve", "outcome": "no_credit", "root_cause": "no_error_found"},
    "withdrawn": {"trigger": "withdraw"},
}


@pytest.mark.parametrize("closing", CLOSINGS.values(), ids=CLOSINGS.keys())
def test_an_invoice_can_be_disputed_again_once_its_dispute_is_closed(
    api: Api, make: Factory, cast: Cast, closing: dict
) -> None:
    case = make.dispute(cast, "investigating")
    closed = api(cast.lead).post(f"/disputes/{case.ref}/events", closing | {"note": "done"})
    assert closed.status_code == 200, closed.get_json()

    response = api(cast.analyst).post("/disputes", filing(case.invoice))

    assert response.status_code == 201
    assert response.get_json()["ref"] != case.ref


def test_the_disputed_lines_are_kept_with_their_amounts(
    api: Api, make: Factory, cast: Cast
) -> None:
    invoice = make.invoice(cast.advertiser, amounts=(500_000, 300_000))
    lines = [{"line_no": 1, "amount": "1200.00"}, {"line_no": 2, "amount": "3000.00"}]

    response = api(cast.analyst).post("/disputes", filing(invoice, "4200.00", lines=lines))

    assert response.status_code == 201
    assert response.get_json()["lines"] == [
        line | {"invoice_number": invoice.number} for line in lines
    ]


# The invoice has line 1 billed 5,000.00 and line 2 billed 3,000.00 (8,000.00 in all).
BAD_LINES = {
    "a line above its billed amount": ("100.00", [{"line_no": 2, "amount": "3000.01"}]),
    "more than the disputed lines": (
        "1500.01",
        [{"line_no": 1, "amount": "1000.00"}, {"line_no": 2, "amount": "500.00"}],
    ),
    "more than the invoice total": ("8000.01", []),
    "a line the invoice lacks": ("10.00", [{"line_no": 3, "amount": "10.00"}]),
    "the same line twice": (
        "20.00",
        [{"line_no": 1, "amount": "10.00"}, {"line_no": 1, "amount": "10.00"}],
    ),
    "a line without a number": ("10.00", [{"amount": "10.00"}]),
    "a line number as text": ("10.00", [{"line_no": "1", "amount": "10.00"}]),
    "a line amount as a number": ("10.00", [{"line_no": 1, "amount": 10}]),
    "a negative line amount": ("10.00", [{"line_no": 1, "amount": "-10.00"}]),
    "lines not a list": ("10.00", {"line_no": 1, "amount": "10.00"}),
}


@pytest.mark.parametrize(("amount", "lines"), BAD_LINES.values(), ids=BAD_LINES.keys())
def test_amounts_beyond_what_was_billed_are_refused(
    api: Api, make: Factory, cast: Cast, amount: str, lines: list
) -> None:
    invoice = make.invoice(cast.advertiser, amounts=(500_000, 300_000))
    before = stored_counts()

    response = api(cast.analyst).post("/disputes", filing(invoice, amount, lines=lines))

    assert_problem(response, 422)
    assert stored_counts() == before


def test_the_whole_invoice_total_may_be_disputed(api: Api, make: Factory, cast: Cast) -> None:
    invoice = make.invoice(cast.advertiser, amounts=(500_000, 300_000))

    response = api(cast.analyst).post("/disputes", filing(invoice, "8000.00"))

    assert response.status_code == 201
