"""Reversing an issued credit memo: an approver, never the preparer, with its own number series."""

import csv
import io
import re

import pytest

from disputedesk.app.models.types import utcnow
from disputedesk.app.services.audit_verify import find_broken_events
from tests.api.helpers import assert_problem, case_snapshot, stored_counts
from tests.api.test_api_credits import PARTIAL

REASON = {"reason": "credited against the wrong invoice"}


def issued(api, cast, make, credit: str = "400.00", assignee=None) -> tuple[str, dict]:  # noqa: ANN001
    case = make.dispute(cast, "investigating", amount=100_000, assignee=assignee)
    caller = api(assignee or cast.analyst)
    assert (
        caller.fire(case.ref, "resolve", **(PARTIAL | {"credit_amount": credit})).status_code == 200
    )
    memo = caller.get(f"/disputes/{case.ref}/credit-memo").get_json()
    path = f"/credit-memos/{memo['id']}/approvals"
    assert api(cast.approver).post(path, {"decision": "approve"}).status_code == 201
    assert api(cast.approver).fire(case.ref, "issue_credit").status_code == 200
    return case.ref, api(cast.approver).get(f"/disputes/{case.ref}/credit-memo").get_json()


def reverse(api, user, memo: dict, body=REASON):  # noqa: ANN001,ANN201
    return api(user).post(f"/credit-memos/{memo['id']}/reversal", body)


def test_an_approver_reverses_an_issued_memo_and_the_case_is_investigated_again(api, cast, make):
    ref, memo = issued(api, cast, make)
    answer = reverse(api, cast.approver, memo)
    assert answer.status_code == 201, answer.get_json()
    reversal = answer.get_json()
    assert re.fullmatch(r"RV-\d{4}-000001", reversal["number"])
    assert (reversal["reverses"], reversal["amount"]) == (memo["number"], "-400.00")
    assert reversal["reason"] == REASON["reason"] and reversal["reversed_by"] == cast.approver.email
    after = api(cast.viewer).get(f"/disputes/{ref}/credit-memo").get_json()
    assert after["status"] == "reversed" and after["reversal"]["number"] == reversal["number"]
    dispute = api(cast.analyst).get(f"/disputes/{ref}").get_json()
    assert (dispute["state"], dispute["outcome"]) == ("investigating", None)
    events = api(cast.lead).get(f"/disputes/{ref}/events").get_json()["items"]
    assert any(
        e["type"] == "credit_memo_reversed" and e["data"]["number"] == reversal["number"]
        for e in events
    )
    assert any(
        e["trigger"] == "reverse_credit" and e["to_state"] == "investigating" for e in events
    )
    assert all(isinstance(x, int) for x in find_broken_events())  # the chain still verifies


def test_reversing_twice_reverses_once(api, cast, make):
    ref, memo = issued(api, cast, make)
    assert reverse(api, cast.approver, memo).status_code == 201
    before = stored_counts(), case_snapshot(ref)
    again = assert_problem(reverse(api, cast.approver, memo), 409)
    assert "already reversed" in again["detail"]
    assert (stored_counts(), case_snapshot(ref)) == before


def test_reversal_numbers_are_their_own_gapless_series(api, cast, make):
    memos = [issued(api, cast, make)[1] for _ in range(3)]
    numbers = [reverse(api, cast.approver, m).get_json()["number"] for m in memos]
    assert [int(n[-6:]) for n in numbers] == [1, 2, 3]
    assert all(m["number"].startswith("CM-") for m in memos)


def test_a_reversal_needs_a_reason(api, cast, make):
    ref, memo = issued(api, cast, make)
    before = stored_counts(), case_snapshot(ref)
    assert_problem(reverse(api, cast.approver, memo, {"reason": "  "}), 422)
    assert (stored_counts(), case_snapshot(ref)) == before


def test_the_preparer_never_reverses_their_own_memo(api, cast, make):
    ref, memo = issued(api, cast, make, assignee=cast.lead)  # the lead prepared it
    before = stored_counts(), case_snapshot(ref)
    assert "preparer" in assert_problem(reverse(api, cast.lead, memo), 403)["rule"]
    assert (stored_counts(), case_snapshot(ref)) == before


def test_a_reversal_is_held_to_the_same_matrix(api, cast, make):
    ref, memo = issued(api, cast, make, credit="900.00")  # small: a lead may reverse it
    assert reverse(api, cast.lead, memo).status_code == 201
    make_big = make.dispute(cast, "investigating", amount=5_000_000)
    data = PARTIAL | {"credit_amount": "2000.00"}  # standard: approvers only
    api(cast.analyst).fire(make_big.ref, "resolve", **data)
    big = api(cast.analyst).get(f"/disputes/{make_big.ref}/credit-memo").get_json()
    api(cast.approver).post(f"/credit-memos/{big['id']}/approvals", {"decision": "approve"})
    api(cast.approver).fire(make_big.ref, "issue_credit")
    assert "does not qualify" in assert_problem(reverse(api, cast.lead, big), 403)["rule"]


def test_a_reversed_case_can_be_credited_again_within_its_caps(api, cast, make):
    ref, memo = issued(api, cast, make, credit="400.00")
    reverse(api, cast.approver, memo)
    again = api(cast.analyst).fire(ref, "resolve", **(PARTIAL | {"credit_amount": "300.00"}))
    assert again.status_code == 200, again.get_json()
    fresh = api(cast.analyst).get(f"/disputes/{ref}/credit-memo").get_json()
    assert fresh["id"] != memo["id"] and fresh["amount"] == "300.00"


def test_the_month_end_export_shows_the_reversal_as_a_negative_line(app, api, cast, make):
    ref, memo = issued(api, cast, make, credit="400.00")
    reversal = reverse(api, cast.approver, memo).get_json()
    month = utcnow().strftime("%Y-%m")
    output = app.test_cli_runner().invoke(args=["credits", "export", "--month", month]).output
    rows = {r["number"]: r for r in csv.DictReader(io.StringIO(output))}
    assert rows[memo["number"]]["amount"] == "400.00"
    assert (rows[reversal["number"]]["amount"], rows[reversal["number"]]["reverses"]) == (
        "-400.00", memo["number"]
    )  # fmt: skip


# Who may reverse a USD 400 memo the analyst prepared and the approver approved and issued.
REVERSE_MEMO = {
    "analyst": 403, "analyst2": 403, "lead": 201, "approver": 201, "viewer": 403, "admin": 403,
    "integration": 403, "other_viewer": 404, "other_lead": 404, "other_analyst": 404,
}  # fmt: skip


@pytest.mark.parametrize("who", list(REVERSE_MEMO))
def test_each_person_gets_the_answer_the_reversal_table_gives(api, cast, make, who):
    ref, memo = issued(api, cast, make)
    before = stored_counts(), case_snapshot(ref)
    answer = reverse(api, getattr(cast, who), memo)
    assert answer.status_code == REVERSE_MEMO[who], answer.get_json()
    if answer.status_code >= 400:
        assert_problem(answer, answer.status_code)
        assert (stored_counts(), case_snapshot(ref)) == before
    assert api(None).post(f"/credit-memos/{memo['id']}/reversal", REASON).status_code == 401
