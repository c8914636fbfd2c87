"""Text and numbers the database cannot hold are refused at the edge, naming the field."""

import json
from typing import Any

import pytest

from disputedesk.workflows.edge import MAX_JSON_BYTES, MAX_TEXT
from tests.api.helpers import Api, assert_problem, case_snapshot, filing, stored_counts
from tests.factories import Cast, Factory

NUL = "a\u0000b"
TOO_LONG = "x" * (MAX_TEXT + 1)


def invoice_push(cast: Cast, **line: Any) -> dict[str, Any]:
    return {
        "number": "INV-EDGE-1",
        "advertiser_ref": cast.advertiser.ref,
        "currency": "USD",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "lines": [
            {
                "line_no": 1,
                "product": "display",
                "campaign_ref": "CMP-EDGE-1",
                "unit_kind": "cpm",
                "billed_units": 1000,
                "billed_rate": "2.00",
                "amount": "2.00",
            }
            | line
        ],
    }


# (who, path, body, the field the refusal names); {ref} is an investigating case.
BAD_TEXT = {
    "a NUL in a comment": ("lead", "/disputes/{ref}/comments", {"body": NUL}, "body"),
    "a NUL in a trigger note": (
        "lead", "/disputes/{ref}/events", {"trigger": "withdraw", "note": NUL}, "note",
    ),
    "a NUL in an escalation reason": (
        "lead", "/disputes/{ref}/events", {"trigger": "escalate", "reason": NUL}, "reason",
    ),
    "an escape character in a comment": (
        "lead", "/disputes/{ref}/comments", {"body": "\u001b[31mred"}, "body",
    ),
    "a NUL in an assignee": ("lead", "/disputes/{ref}/assign", {"assignee": NUL}, "assignee"),
    "a comment over the limit": ("lead", "/disputes/{ref}/comments", {"body": TOO_LONG}, "body"),
    "a note over the limit": (
        "lead", "/disputes/{ref}/events", {"trigger": "withdraw", "note": TOO_LONG}, "note",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("who", "path", "body", "field"), BAD_TEXT.values(), ids=BAD_TEXT)
def test_bad_text_in_a_write_is_refused_naming_the_field_and_changes_nothing(
    api: Api, make: Factory, cast: Cast, who: str, path: str, body: dict, field: str
) -> None:
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    before = stored_counts(), case_snapshot(case.ref)

    response = api(getattr(cast, who)).post(path.format(ref=case.ref), body)

    problem = assert_problem(response, 422)
    assert field in problem["errors"]
    assert (stored_counts(), case_snapshot(case.ref)) == before


FILING_TEXT = {
    "a NUL in the description": ({"description": NUL}, "description"),
    "a description over the limit": ({"description": TOO_LONG}, "description"),
    "a NUL in the invoice number": ({"invoice_number": "INV\u00001"}, "invoice_number"),
}


@pytest.mark.parametrize(("change", "field"), FILING_TEXT.values(), ids=FILING_TEXT)
def test_a_filing_with_bad_text_is_refused_and_nothing_is_filed(
    api: Api, make: Factory, cast: Cast, change: dict, field: str
) -> None:
    invoice = make.invoice(cast.advertiser)
    before = stored_counts()

    response = api(cast.analyst).post("/disputes", filing(invoice) | change)

    assert field in assert_problem(response, 422)["errors"]
    assert stored_counts() == before


def test_a_description_at_the_limit_is_filed(api: Api, make: Factory, cast: Cast) -> None:
    invoice = make.invoice(cast.advertiser)

    response = api(cast.analyst).post("/disputes", filing(invoice, description="x" * MAX_TEXT))

    assert response.status_code == 201, response.get_json()


QUERIES = {
    "a NUL assignee filter": ("/disputes?assignee=%00", "assignee"),
    "a NUL advertiser filter": ("/disputes?advertiser=a%00b", "advertiser"),
    "a NUL state filter": ("/disputes?state=%00", "state"),
    "a NUL cursor": ("/advertisers?cursor=%00", "cursor"),
}


@pytest.mark.parametrize(("path", "field"), QUERIES.values(), ids=QUERIES)
def test_a_nul_in_the_query_string_is_a_422_naming_the_parameter(
    api: Api, cast: Cast, path: str, field: str
) -> None:
    assert field in assert_problem(api(cast.lead).get(path), 422)["errors"]


PATHS = {
    "a dispute reference": ("GET", "/disputes/DSP-%00", "ref"),
    "a dispute's events": ("POST", "/disputes/DSP%0001/comments", "ref"),
    "an invoice number": ("GET", "/invoices/INV%00", "number"),
}


@pytest.mark.parametrize(("method", "path", "field"), PATHS.values(), ids=PATHS)
def test_a_nul_in_a_path_segment_is_a_422_naming_it(
    api: Api, cast: Cast, method: str, path: str, field: str
) -> None:
    response = api(cast.lead).request(method, path, json={"body": "hello"})

    assert field in assert_problem(response, 422)["errors"]


JSON_WRITES = {  # (who, path) of every JSON write endpoint; {ref} is an investigating case
    "file": ("analyst", "/disputes"),
    "fire": ("lead", "/disputes/{ref}/events"),
    "assign": ("lead", "/disputes/{ref}/assign"),
    "comment": ("lead", "/disputes/{ref}/comments"),
    "decide": ("approver", "/credit-memos/1/approvals"),
    "push an invoice": ("integration", "/invoices"),
}


@pytest.mark.parametrize(("who", "path"), JSON_WRITES.values(), ids=JSON_WRITES)
def test_deeply_nested_json_is_a_400_that_changes_nothing(
    api: Api, make: Factory, cast: Cast, who: str, path: str
) -> None:
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    before = stored_counts(), case_snapshot(case.ref)

    response = api(getattr(cast, who)).post(
        path.format(ref=case.ref), data="[" * 100_000, content_type="application/json"
    )

    assert "body" in assert_problem(response, 400)["errors"]
    assert (stored_counts(), case_snapshot(case.ref)) == before


@pytest.mark.parametrize(("who", "path"), JSON_WRITES.values(), ids=JSON_WRITES)
def test_a_json_body_over_a_mebibyte_is_a_413_that_changes_nothing(
    api: Api, make: Factory, cast: Cast, who: str, path: str
) -> None:
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    body = json.dumps(filing(case.invoice, description="x" * 12_000_000))
    before = stored_counts(), case_snapshot(case.ref)

    response = api(getattr(cast, who)).post(
        path.format(ref=case.ref), data=body, content_type="application/json"
    )

    assert_problem(response, 413)
    assert (stored_counts(), case_snapshot(case.ref)) == before


def test_a_body_just_under_the_cap_is_read(api: Api, make: Factory, cast: Cast) -> None:
    invoice = make.invoice(cast.advertiser)
    body = json.dumps(filing(invoice, description="x" * (MAX_JSON_BYTES - 500)))

    response = api(cast.analyst).post("/disputes", data=body, content_type="application/json")

    assert "description" in assert_problem(response, 422)["errors"]  # over 10,000 characters


BAD_NUMBERS = {
    "an invoice line_no of 2**31": ({"line_no": 2**31}, "lines[0].line_no"),
    "an invoice line_no of 10**30": ({"line_no": 10**30}, "lines[0].line_no"),
    "billed units past BIGINT": ({"billed_units": 2**63}, "lines[0].billed_units"),
    "a line_no as a float": ({"line_no": 1.0}, "lines[0].line_no"),
    "a line_no as a boolean": ({"line_no": True}, "lines[0].line_no"),
}


@pytest.mark.parametrize(("line", "field"), BAD_NUMBERS.values(), ids=BAD_NUMBERS)
def test_an_invoice_number_that_no_column_holds_is_refused(
    api: Api, cast: Cast, line: dict, field: str
) -> None:
    before = stored_counts()

    response = api(cast.integration).post("/invoices", invoice_push(cast, **line))

    assert field in assert_problem(response, 422)["errors"]
    assert stored_counts() == before


def test_a_disputed_line_no_of_2_to_the_31_is_refused(api: Api, make: Factory, cast: Cast) -> None:
    invoice = make.invoice(cast.advertiser)
    before = stored_counts()

    body = filing(invoice, lines=[{"line_no": 2**31, "amount": "1.00"}])
    response = api(cast.analyst).post("/disputes", body)

    assert "lines[0].line_no" in assert_problem(response, 422)["errors"]
    assert stored_counts() == before


@pytest.mark.parametrize("period", ("9999-12-01", "1999-12-31"))
def test_an_invoice_period_outside_the_books_is_refused(api: Api, cast: Cast, period: str) -> None:
    body = invoice_push(cast) | {"period_start": period}

    assert (
        "period_start"
        in assert_problem(api(cast.integration).post("/invoices", body), 422)["errors"]
    )
    assert stored_counts()["invoices"] == 0


def test_an_unknown_field_is_refused_rather_than_ignored(
    api: Api, make: Factory, cast: Cast
) -> None:
    invoice = make.invoice(cast.advertiser)

    response = api(cast.analyst).post("/disputes", filing(invoice, priority="P1"))

    assert "priority" in assert_problem(response, 422)["errors"]
    assert stored_counts()["disputes"] == 0


def test_a_405_says_which_methods_the_path_takes(api: Api, make: Factory, cast: Cast) -> None:
    case = make.dispute(cast)

    response = api(cast.lead).request("DELETE", f"/disputes/{case.ref}")

    assert_problem(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
