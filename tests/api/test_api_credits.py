"""Credit memos through the API: prepared at resolve, approved under the matrix, issued once."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Dispute, User
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.triggers import fire_trigger
from tests.api.helpers import assert_problem, case_snapshot, stored_counts

PARTIAL = {"outcome": "credit_partial", "root_cause": "rate_card_error", "note": "rate was wrong",
           "credit_amount": "400.00", "gl_reason": "rate_correction"}  # fmt: skip


def resolve_with_credit(api, cast, case, **fields):
    answer = api(cast.analyst).fire(case.ref, "resolve", **(PARTIAL | fields))
    assert answer.status_code == 200, answer.get_json()
    return api(cast.analyst).get(f"/disputes/{case.ref}/credit-memo").get_json()


@pytest.fixture
def case(make, cast):
    return make.dispute(cast, "investigating", amount=100_000)  # USD 1,000.00


def test_a_partial_credit_resolve_prepares_a_memo_awaiting_approval(api, cast, case):
    memo = resolve_with_credit(api, cast, case)
    assert (memo["status"], memo["amount"], memo["currency"]) == (
        "pending_approval",
        "400.00",
        "USD",
    )
    assert memo["preparer"] == cast.analyst.email and memo["number"] is None
    assert memo["missing"] and cast.lead.email in memo["may_approve"]
    assert cast.analyst.email not in memo["may_approve"]
    assert api(cast.analyst).get(f"/disputes/{case.ref}").get_json()["state"] == "resolved"


def test_a_full_credit_is_the_disputed_amount(api, cast, case):
    memo = resolve_with_credit(api, cast, case, outcome="credit_full", credit_amount=None)
    assert memo["amount"] == "1000.00"


def test_a_lead_approves_a_small_memo_then_an_approver_issues_it(api, cast, case):
    memo = resolve_with_credit(api, cast, case)
    decision = {"decision": "approve", "comment": "matches the IO"}
    approved = api(cast.lead).post(f"/credit-memos/{memo['id']}/approvals", decision)
    assert approved.status_code == 201 and approved.get_json()["status"] == "approved"
    assert approved.get_json()["approvals"][0]["rule"].startswith("2026-11/small")
    issued = api(cast.approver).fire(case.ref, "issue_credit")
    assert issued.status_code == 200 and issued.get_json()["state"] == "credited"
    memo = api(cast.viewer).get(f"/disputes/{case.ref}/credit-memo").get_json()
    assert re.fullmatch(r"CM-\d{4}-000001", memo["number"])
    assert (memo["status"], memo["issued_by"]) == ("issued", cast.approver.email)


def test_issuing_twice_issues_once(api, cast, case):
    memo = resolve_with_credit(api, cast, case)
    api(cast.lead).post(f"/credit-memos/{memo['id']}/approvals", {"decision": "approve"})
    assert api(cast.approver).fire(case.ref, "issue_credit").status_code == 200
    assert_problem(api(cast.approver).fire(case.ref, "issue_credit"), 409)
    assert db.session.query(CreditMemo).filter(CreditMemo.number.isnot(None)).count() == 1


@pytest.mark.parametrize("who", ["preparer", "admin", "viewer", "integration"])
def test_segregation_of_duties_refuses_and_changes_nothing(api, cast, make, who):
    case = make.dispute(cast, "investigating", amount=100_000)
    memo = resolve_with_credit(api, cast, case)
    caller = {"preparer": cast.analyst, "admin": cast.admin, "viewer": cast.viewer,
              "integration": cast.integration}[who]  # fmt: skip
    before = stored_counts(), case_snapshot(case.ref)
    answer = api(caller).post(f"/credit-memos/{memo['id']}/approvals", {"decision": "approve"})
    assert answer.status_code in (403, 404)
    if answer.status_code == 403:
        assert assert_problem(answer, 403)["rule"]
    assert (stored_counts(), case_snapshot(case.ref)) == before


def test_the_assignee_never_approves_even_as_a_lead(api, cast, make):
    case = make.dispute(cast, "investigating", assignee=cast.lead, amount=100_000)
    answer = api(cast.lead).fire(case.ref, "resolve", **PARTIAL)
    assert answer.status_code == 200
    memo = api(cast.lead).get(f"/disputes/{case.ref}/credit-memo").get_json()
    refused = api(cast.lead).post(f"/credit-memos/{memo['id']}/approvals", {"decision": "approve"})
    assert "preparer" in assert_problem(refused, 403)["rule"]


def test_a_large_memo_needs_two_approvers_and_no_one_approves_twice(api, cast, make):
    second = make.user("approver", approval_limit=100_000_00)
    case = make.dispute(cast, "investigating", amount=6_000_000)
    memo = resolve_with_credit(api, cast, case, credit_amount="30000.00")
    path = f"/credit-memos/{memo['id']}/approvals"
    first = api(cast.approver).post(path, {"decision": "approve"}).get_json()
    assert first["status"] == "pending_approval" and first["missing"]
    assert (
        "twice"
        in assert_problem(api(cast.approver).post(path, {"decision": "approve"}), 403)["rule"]
    )
    done = api(second).post(path, {"decision": "approve"}).get_json()
    assert done["status"] == "approved" and done["missing"] == []


def test_a_rejection_needs_a_comment_and_sends_the_case_back(api, cast, case):
    memo = resolve_with_credit(api, cast, case)
    path = f"/credit-memos/{memo['id']}/approvals"
    assert_problem(api(cast.approver).post(path, {"decision": "reject"}), 422)
    rejected = api(cast.approver).post(path, {"decision": "reject", "comment": "IO says 6.50"})
    assert rejected.status_code == 201 and rejected.get_json()["status"] == "rejected"
    dispute = api(cast.analyst).get(f"/disputes/{case.ref}").get_json()
    assert (dispute["state"], dispute["outcome"]) == ("investigating", None)
    events = api(cast.lead).get(f"/disputes/{case.ref}/events").get_json()["items"]
    assert any(e["trigger"] == "return_for_rework" and e["actor"] == cast.approver.email
               for e in events)  # fmt: skip
    again = resolve_with_credit(api, cast, case, credit_amount="250.00")
    assert again["id"] != memo["id"] and again["status"] == "pending_approval"


def test_a_split_credit_that_crosses_a_tier_needs_the_higher_tier(api, cast, make):
    invoice = make.invoice(cast.advertiser, amounts=(2_000_000, 2_000_000))
    refs = []
    for line in (1, 2):
        filed = api(cast.integration).post("/disputes", {
            "invoice_number": invoice.number, "reason_code": "other", "description": "split",
            "disputed_amount": "900.00", "currency": "USD",
            "lines": [{"line_no": line, "amount": "900.00"}],
        })  # fmt: skip
        ref = filed.get_json()["ref"]
        api(cast.lead).post(f"/disputes/{ref}/assign", {"assignee": cast.analyst.email})
        api(cast.analyst).fire(ref, "start")
        refs.append(ref)
    first = api(cast.analyst).fire(refs[0], "resolve", **(PARTIAL | {"credit_amount": "800.00"}))
    assert first.status_code == 200
    api(cast.analyst).fire(refs[1], "resolve", **(PARTIAL | {"credit_amount": "800.00"}))
    memo = api(cast.analyst).get(f"/disputes/{refs[1]}/credit-memo").get_json()
    assert memo["split_total"] == "1600.00" and "standard" in memo["rule"]
    refused = api(cast.lead).post(f"/credit-memos/{memo['id']}/approvals", {"decision": "approve"})
    assert "does not qualify" in assert_problem(refused, 403)["rule"]


def test_concurrent_issues_give_one_number_and_numbers_stay_gapless(app, api, cast, make):
    cases = [make.dispute(cast, "investigating", amount=100_000) for _ in range(4)]
    for case in cases:
        memo = resolve_with_credit(api, cast, case)
        api(cast.lead).post(f"/credit-memos/{memo['id']}/approvals", {"decision": "approve"})
    refs = [c.ref for c in cases] * 2  # every case issued twice, all at once
    approver_id = cast.approver.id
    db.session.remove()

    def issue(ref: str) -> str:
        with app.app_context():
            try:
                fire_trigger(ref, db.session.get(User, approver_id), "issue_credit", {})
                return "issued"
            except Exception as error:  # noqa: BLE001 - the loser of each race is refused
                return type(error).__name__
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(issue, refs))
    assert outcomes.count("issued") == 4
    numbers = sorted(db.session.scalars(db.select(CreditMemo.number)).all())
    assert [int(n[-6:]) for n in numbers] == [1, 2, 3, 4]
    assert {d.state for d in db.session.scalars(db.select(Dispute))} == {"credited"}


def test_the_same_approver_approving_twice_at_once_counts_once(app, api, cast, make):
    second = make.user("approver", approval_limit=100_000_00)
    case = make.dispute(cast, "investigating", amount=6_000_000)
    memo = resolve_with_credit(api, cast, case, credit_amount="30000.00")
    approver_id, reader, ref = cast.approver.id, api(second), case.ref
    db.session.remove()

    def approve(_: int) -> str:
        with app.app_context():
            try:
                decide(memo["id"], db.session.get(User, approver_id), "approve")
                return "ok"
            except Exception as error:  # noqa: BLE001
                return type(error).__name__
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(approve, range(4)))
    assert outcomes.count("ok") == 1
    state = reader.get(f"/disputes/{ref}/credit-memo").get_json()
    assert len(state["approvals"]) == 1 and state["status"] == "pending_approval"


# Who gets what from the credit routes, for a USD 400 memo the analyst prepared on their case.
READ_MEMO = {
    "analyst": 200,
    "analyst2": 200,
    "lead": 200,
    "approver": 200,
    "viewer": 200,
    "admin": 200,
    "integration": 200,
    "other_viewer": 404,
    "other_lead": 404,
    "other_analyst": 404,
}
APPROVE_MEMO = {
    "analyst": 403, "analyst2": 403, "lead": 201, "approver": 201, "viewer": 403, "admin": 403,
    "integration": 403, "other_viewer": 404, "other_lead": 404, "other_analyst": 404,
}  # fmt: skip


@pytest.mark.parametrize("who", list(READ_MEMO))
def test_each_person_gets_the_answer_the_credit_tables_give(api, cast, case, who):
    memo = resolve_with_credit(api, cast, case)
    caller = api(getattr(cast, who))
    assert caller.get(f"/disputes/{case.ref}/credit-memo").status_code == READ_MEMO[who]
    before = stored_counts(), case_snapshot(case.ref)
    answer = caller.post(f"/credit-memos/{memo['id']}/approvals", {"decision": "approve"})
    assert answer.status_code == APPROVE_MEMO[who]
    if answer.status_code >= 400:
        assert_problem(answer, answer.status_code)
        assert (stored_counts(), case_snapshot(case.ref)) == before
    assert api(None).get(f"/disputes/{case.ref}/credit-memo").status_code == 401
