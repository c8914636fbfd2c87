"""One case over lines of several invoices of one advertiser: filed whole or refused whole,
each line capped, compared and credited on its own invoice, and each invoice holding (and
credited) only what its own lines dispute."""

import pytest
from sqlalchemy import select, update

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditLine, DeliveryRecord, Outbox
from tests.api.helpers import assert_problem, stored_counts
from tests.api.test_api_line_credits import RESOLVE, priced
from tests.services.test_audit_chain import findings


def file_over(api, cast, lead, *lines: tuple[object, int, str], amount: str | None = None):  # noqa: ANN201
    """File through the API: `lines` are (invoice, line_no, amount); the first invoice leads."""
    total = sum(int(a.replace(".", "")) for _, _, a in lines)
    return api(cast.integration).post("/disputes", {
        "invoice_number": lead.number, "reason_code": "other", "description": "overbilled",
        "disputed_amount": amount or f"{total // 100}.{total % 100:02d}",
        "currency": lead.currency,
        "lines": [{"invoice_number": inv.number, "line_no": n, "amount": a}
                  for inv, n, a in lines],
    })  # fmt: skip


@pytest.fixture
def two(make, cast):
    """Two invoices of the advertiser: 5,000.00 + 3,000.00 each."""
    return make.invoice(cast.advertiser), make.invoice(cast.advertiser)


def _started(api, cast, answer) -> str:
    assert answer.status_code == 201, answer.get_json()
    ref = answer.get_json()["ref"]
    api(cast.lead).post(f"/disputes/{ref}/assign", {"assignee": cast.analyst.email})
    assert api(cast.analyst).fire(ref, "start").status_code == 200
    return ref


def _issue(api, cast, ref: str) -> dict:
    memo = api(cast.analyst).get(f"/disputes/{ref}/credit-memo").get_json()
    approved = api(cast.approver).post(f"/credit-memos/{memo['id']}/approvals",
                                       {"decision": "approve"})  # fmt: skip
    assert approved.status_code == 201, approved.get_json()
    assert api(cast.approver).fire(ref, "issue_credit").status_code == 200
    return api(cast.analyst).get(f"/disputes/{ref}/credit-memo").get_json()


def _feed(api, cast) -> dict[str, tuple]:
    items = api(cast.integration).get("/open-items").get_json()["items"]
    return {i["invoice_number"]: (i["held"], i["credited"], i["open_disputes"]) for i in items}


def test_a_case_over_two_invoices_names_both_and_holds_each_its_own_lines(api, cast, two):
    first, second = two
    answer = file_over(api, cast, first, (first, 1, "1200.00"), (second, 2, "300.00"))
    assert answer.status_code == 201, answer.get_json()
    case = answer.get_json()
    assert case["invoice_number"] == first.number
    assert case["invoices"] == [first.number, second.number]
    assert [(x["invoice_number"], x["line_no"], x["amount"]) for x in case["lines"]] == [
        (first.number, 1, "1200.00"), (second.number, 2, "300.00")]  # fmt: skip
    assert _feed(api, cast) == {first.number: ("1200.00", "0.00", 1),
                                second.number: ("300.00", "0.00", 1)}  # fmt: skip
    [hold] = [o.payload for o in db.session.scalars(
        select(Outbox).where(Outbox.kind == "collections.hold"))]  # fmt: skip
    assert hold["invoices"] == [{"invoice": first.number, "amount": "1200.00"},
                                {"invoice": second.number, "amount": "300.00"}]  # fmt: skip


def test_a_single_invoice_case_still_names_one_invoice(api, cast, two):
    first, _ = two
    case = file_over(api, cast, first, (first, 1, "10.00")).get_json()
    assert case["invoices"] == [first.number] and case["lines"][0]["invoice_number"] == first.number


@pytest.mark.parametrize("problem", ["other_advertiser", "other_currency", "amount_not_sum",
                                     "over_cap", "no_such_line", "no_lead_lines"])  # fmt: skip
def test_a_bad_spanning_filing_is_refused_whole_and_named(api, cast, make, two, problem):
    first, second = two
    lines = [(first, 1, "100.00"), (second, 1, "100.00")]
    amount, expect = None, second.number
    if problem == "other_advertiser":
        lines[1] = (make.invoice(cast.other_advertiser), 1, "100.00")
        expect = lines[1][0].number
    elif problem == "other_currency":
        lines[1] = (make.invoice(cast.advertiser, currency="CAD"), 1, "100.00")
        expect = "one currency"
    elif problem == "amount_not_sum":
        amount, expect = "150.00", "200.00"
    elif problem == "over_cap":
        lines[1] = (second, 1, "5000.01")
        expect = f"{second.number} line 1"
    elif problem == "no_such_line":
        lines[1] = (second, 9, "1.00")
        expect = f"invoice {second.number} has no line 9"
    else:
        lines, expect = [(second, 1, "100.00")], "names its lines"
        lines = [(second, 1, "100.00")]
    before = stored_counts()
    body = file_over(api, cast, first, *lines, amount=amount)
    problem_doc = assert_problem(body, 422)
    assert expect in " ".join(problem_doc["errors"].values())
    assert stored_counts() == before


def test_an_open_spanning_case_blocks_its_lines_on_the_other_invoice(api, cast, two):
    first, second = two
    taken = file_over(api, cast, first, (first, 1, "100.00"), (second, 1, "100.00")).get_json()
    again = assert_problem(file_over(api, cast, second, (second, 1, "50.00")), 409)
    assert taken["ref"] in again["detail"]
    whole = api(cast.integration).post("/disputes", {
        "invoice_number": second.number, "reason_code": "other", "description": "all of it",
        "disputed_amount": "10.00", "currency": "USD",
    })  # fmt: skip
    assert_problem(whole, 409)
    assert file_over(api, cast, second, (second, 2, "50.00")).status_code == 201


def test_each_line_is_compared_on_its_own_invoice_and_credited_there(api, cast, two):
    first, second = two
    priced(first, contract_rate=4_000)  # billed 5,000.00 on line 1 for 4,000.00 contracted
    for line in second.lines:  # the same contract prices the second invoice's campaigns
        db.session.add(DeliveryRecord(
            campaign_ref=line.campaign_ref, period_start=second.period_start,
            period_end=second.period_end, delivered_units=1000, invalid_units=0,
        ))  # fmt: skip
    db.session.commit()
    ref = _started(api, cast, file_over(api, cast, first, (first, 1, "1000.00"),
                                        (second, 1, "500.00")))  # fmt: skip
    lines = api(cast.analyst).get(f"/disputes/{ref}/credit-lines").get_json()["lines"]
    assert [(x["invoice_number"], x["line_no"], x["proposed"]) for x in lines] == [
        (first.number, 1, "1000.00"), (second.number, 1, "500.00")]  # fmt: skip

    unnamed = api(cast.analyst).fire(
        ref, "resolve", **RESOLVE, line_credits=[{"line_no": 2, "amount": "500.00"}]
    )  # line 2 of the case's own invoice is not disputed
    assert f"{first.number} line 1" in assert_problem(unnamed, 422)["errors"]["line_credits"]

    resolved = api(cast.analyst).fire(ref, "resolve", **RESOLVE, line_credits=[
        {"line_no": 1, "amount": "1000.00"},
        {"invoice_number": second.number, "line_no": 1, "amount": "400.00"},
    ])  # fmt: skip
    assert resolved.status_code == 200, resolved.get_json()
    memo = _issue(api, cast, ref)
    assert memo["amount"] == "1400.00"
    assert [(x["invoice_number"], x["line_no"], x["approved"]) for x in memo["lines"]] == [
        (first.number, 1, "1000.00"), (second.number, 1, "400.00")]  # fmt: skip

    # Each invoice is credited only its own lines' share: a later case on each shows it.
    file_over(api, cast, first, (first, 2, "10.00"))
    file_over(api, cast, second, (second, 2, "10.00"))
    assert _feed(api, cast) == {first.number: ("10.00", "1000.00", 1),
                                second.number: ("10.00", "400.00", 1)}  # fmt: skip
    # What is left on the credited line of the other invoice is what it billed less the credit.
    capped = assert_problem(file_over(api, cast, second, (second, 1, "4600.01")), 422)
    assert "4600.00" in capped["errors"]["lines"]
    assert findings() == []  # the trail and the money columns agree, line by line


def test_an_edited_credit_line_on_the_other_invoice_is_named_by_the_audit(api, cast, two):
    first, second = two
    ref = _started(api, cast, file_over(api, cast, first, (first, 1, "100.00"),
                                        (second, 1, "100.00")))  # fmt: skip
    api(cast.analyst).fire(ref, "resolve", **{**RESOLVE, "outcome": "credit_full"})
    memo = _issue(api, cast, ref)
    assert memo["amount"] == "200.00"
    [line] = [x for x in memo["lines"] if x["invoice_number"] == second.number]
    db.session.execute(
        update(CreditLine)
        .where(CreditLine.memo_id == memo["id"], CreditLine.amount == 10_000)
        .where(CreditLine.invoice_line_id == second.lines[0].id)
        .values(amount=1)
    )
    db.session.commit()
    assert [f[0] for f in findings()] == ["money"]
