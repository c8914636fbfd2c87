"""Bulk intake: many disputed lines in one upload, grouped into cases by one rule (each
invoice's lines of one reason code), validated whole, all or nothing, idempotent."""

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event
from tests.api.helpers import assert_problem, stored_counts
from tests.api.test_api_posting import PEOPLE


def row(invoice, line_no, amount, reason="rate_mismatch", text="billed above the IO"):  # noqa: ANN001, ANN201
    return {"invoice_number": invoice.number, "line_no": line_no, "amount": amount,
            "currency": invoice.currency, "reason_code": reason, "description": text}  # fmt: skip


@pytest.fixture
def invoices(make, cast):  # noqa: ANN001, ANN201
    lines = (500_000, 300_000, 200_000)
    return make.invoice(cast.advertiser, amounts=lines), make.invoice(
        cast.advertiser, amounts=lines
    )


def upload(invoices, **more):  # noqa: ANN001, ANN201
    one, two = invoices
    rows = [row(one, 1, "100.00"), row(two, 2, "50.00"), row(one, 2, "25.50"),
            row(one, 3, "10.00", reason="delivery_shortfall")]  # fmt: skip
    return {"batch_ref": "AGENCY-2026-12-07", "rows": rows, **more}


def test_an_upload_files_one_case_per_invoice_and_reason_with_its_lines(api, cast, invoices):
    body = upload(invoices)
    answer = api(cast.integration).post("/disputes/bulk", body)
    assert answer.status_code == 200, answer.get_json()
    cases = answer.get_json()["cases"]
    assert [(c["rows"], c["invoice_number"], c["reason_code"], c["amount"]) for c in cases] == [
        ([1, 3], invoices[0].number, "rate_mismatch", "125.50"),
        ([2], invoices[1].number, "rate_mismatch", "50.00"),
        ([4], invoices[0].number, "delivery_shortfall", "10.00"),
    ]  # fmt: skip
    first = db.session.scalar(select(Dispute).where(Dispute.id == int(cases[0]["dispute"][4:])))
    assert first.intake_channel == "import" and first.disputed_amount == 12_550
    assert sorted(dl.invoice_line.line_no for dl in first.lines) == [1, 2]


def test_a_dry_run_answers_the_cases_and_files_nothing(api, cast, invoices):
    body = upload(invoices, dry_run=True)
    body["rows"] = body["rows"][:3]
    before = stored_counts()
    answer = api(cast.integration).post("/disputes/bulk", body)
    assert answer.status_code == 200
    assert [c["dispute"] for c in answer.get_json()["cases"]] == [None, None]
    assert stored_counts() == before


def test_every_bad_row_is_named_and_nothing_is_filed(api, cast, invoices):
    body = upload(invoices)
    # A line the invoice does not have, and the second invoice's line 2 twice.
    body["rows"] = [*body["rows"][:3], row(invoices[0], 9, "1.00", reason="other"),
                    row(invoices[1], 2, "5.00")]  # fmt: skip
    before = stored_counts()
    answer = api(cast.integration).post("/disputes/bulk", body)
    errors = assert_problem(answer, 422)["errors"]
    assert set(errors) == {"rows[4]", "rows[5]"}
    assert "already in rows[2]" in errors["rows[5]"]
    assert stored_counts() == before


def test_the_same_upload_again_answers_the_same_cases_and_another_under_its_ref_is_refused(
    api, cast, invoices
):
    body = upload(invoices)
    body["rows"] = body["rows"][:3]
    first = api(cast.integration).post("/disputes/bulk", body).get_json()["cases"]
    again = api(cast.integration).post("/disputes/bulk", body).get_json()["cases"]
    assert [c["dispute"] for c in again] == [c["dispute"] for c in first]
    assert db.session.scalar(select(func.count(Dispute.id))) == 2
    assert db.session.scalar(select(func.count(Event.id)).where(Event.type == "filed")) == 2
    changed = body | {"rows": [body["rows"][0] | {"amount": "99.00"}, *body["rows"][1:]]}
    refused = api(cast.integration).post("/disputes/bulk", changed)
    assert "reference of another upload" in assert_problem(refused, 409)["detail"]


@pytest.mark.parametrize("who", PEOPLE)
def test_those_who_file_disputes_upload_them(api, cast, make, who):
    invoice = make.invoice(cast.advertiser)
    body = {"batch_ref": f"B-{who}", "rows": [row(invoice, 1, "10.00")]}
    before = stored_counts()
    answer = api(getattr(cast, who)).post("/disputes/bulk", body)
    # As one filing: whoever files disputes (for any advertiser's invoice; it goes to its team).
    if who in ("analyst", "lead", "other_lead", "other_analyst", "integration"):
        assert answer.status_code == 200 and answer.get_json()["cases"][0]["dispute"]
    else:
        assert_problem(answer, 403)
        assert stored_counts() == before
