"""A case over two invoices on the dispute page: both invoices in its header, each line named
by its invoice in the resolve form, and the memo lines on both; the invoice page and the
search find it from the other invoice."""

import re

import pytest

from disputedesk.app.services.assignment import assign
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.triggers import fire_trigger
from tests.api.helpers import Api
from tests.web.helpers import HX, Web, text
from tests.web.test_credit_lines_web import RESOLVE


@pytest.fixture
def spanning(make, cast):
    first, second = make.invoice(cast.advertiser), make.invoice(cast.advertiser)
    filing = Filing(
        invoice_number=first.number, reason_code="other", description="overbilled on both",
        disputed_amount="150.00", currency="USD", lines=((1, "100.00"),),
        other_lines=((second.number, 2, "50.00"),),
    )  # fmt: skip
    dispute = file_dispute(cast.integration, filing)
    assign(dispute.ref, cast.lead, cast.analyst.email)
    fire_trigger(dispute.ref, cast.analyst, "start", {})
    return dispute, first, second


def test_the_page_names_both_invoices_and_the_form_each_line_by_its_invoice(
    web: Web, cast, spanning
):
    dispute, first, second = spanning
    page = text(web(cast.analyst).get(f"/disputes/{dispute.ref}"))
    assert "Invoices" in page and first.number in page and second.number in page
    compared = page[page.index('id="case-comparison"') :]
    assert f"{first.number} line 1" in compared and f"{second.number} line 2" in compared
    form = text(web(cast.analyst).get(f"/disputes/{dispute.ref}/actions", headers=HX))
    assert f"{first.number} line 1" in form and f"{second.number} line 2" in form
    names = set(re.findall(r'name="(line_credit_[^"]+)"', form))
    assert names == {"line_credit_1", f"line_credit_{second.number}:2"}

    data = RESOLVE | {"line_credit_1": "100.00", f"line_credit_{second.number}:2": "20.00",
                      "justification": "no contract to compare with"}  # fmt: skip
    answer = web(cast.analyst).post(f"/disputes/{dispute.ref}/trigger", headers=HX, data=data)
    assert answer.status_code == 200, text(answer)
    memo = dispute.credit_memos[-1]
    assert memo.amount == 12_000
    assert sorted((cl.invoice_line.invoice.number, cl.invoice_line.line_no, cl.amount)
                  for cl in memo.lines) == sorted(
        [(first.number, 1, 10_000), (second.number, 2, 2_000)])  # fmt: skip


def test_the_other_invoice_finds_the_case(web: Web, client, make, cast, spanning):
    dispute, _, second = spanning
    assert dispute.ref in text(web(cast.lead).get(f"/team?q={second.number}"))
    assert dispute.ref not in text(web(cast.lead).get(f"/team?q={second.number}9"))
    invoice = Api(client, make)(cast.integration).get(f"/invoices/{second.number}").get_json()
    assert [d["ref"] for d in invoice["open_disputes"]] == [dispute.ref]
