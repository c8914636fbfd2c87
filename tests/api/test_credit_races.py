"""Memo decisions that hold when two people click at once: real concurrent requests (PostgreSQL)."""

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import Approval, CreditMemo, Dispute
from tests.api.test_api_credits import PARTIAL
from tests.concurrency import call, postgres_only, race, served

pytestmark = postgres_only


@pytest.fixture
def finance(make, cast):
    """Two approvers whose limits cover any memo here, besides the cast's own approver."""
    return make.user("approver", approval_limit=100_000_00), make.user(
        "approver", approval_limit=100_000_00
    )


def memo_awaiting(api, cast, make, credit: str) -> tuple[Dispute, int]:
    case = make.dispute(cast, "investigating", amount=6_000_000)
    answer = api(cast.analyst).fire(case.ref, "resolve", **(PARTIAL | {"credit_amount": credit}))
    assert answer.status_code == 200, answer.get_json()
    memo = api(cast.analyst).get(f"/disputes/{case.ref}/credit-memo").get_json()
    return case, memo["id"]


def stored(memo_id: int) -> tuple[CreditMemo, Dispute, list[Approval]]:
    db.session.expire_all()
    memo = db.session.get(CreditMemo, memo_id)
    return memo, db.session.get(Dispute, memo.dispute_id), list(memo.approvals)


def decide(base, token, memo_id, decision, comment=""):  # noqa: ANN001,ANN201
    path = f"/credit-memos/{memo_id}/approvals"
    return lambda: call(base, token, "POST", path, {"decision": decision, "comment": comment})


def test_two_approvals_at_once_on_a_two_approver_memo_approve_it(app, api, cast, make, finance):
    case, memo_id = memo_awaiting(api, cast, make, "30000.00")  # above 25,000: two approvers
    tokens = [make.token(person) for person in finance]
    with served(app) as base:
        replies = race(*(decide(base, t, memo_id, "approve") for t in tokens))
    # The second decision waits for the first, then sees it: both count, the memo is approved.
    assert [r.status for r in replies] == [201, 201], replies
    memo, dispute, approvals = stored(memo_id)
    assert memo.status == "approved" and len(approvals) == 2
    assert dispute.state == "resolved"


def test_two_approvals_at_once_on_a_one_approver_memo_store_one(app, api, cast, make, finance):
    case, memo_id = memo_awaiting(api, cast, make, "400.00")
    tokens = [make.token(person) for person in finance]
    with served(app) as base:
        replies = race(*(decide(base, t, memo_id, "approve") for t in tokens))
    assert sorted(r.status for r in replies) == [201, 409], replies
    memo, _, approvals = stored(memo_id)
    assert memo.status == "approved" and len(approvals) == 1


def test_approve_racing_reject_leaves_memo_and_case_agreeing(app, api, cast, make, finance):
    case, memo_id = memo_awaiting(api, cast, make, "400.00")
    approve, reject = (make.token(person) for person in finance)
    with served(app) as base:
        replies = race(
            decide(base, approve, memo_id, "approve"),
            decide(base, reject, memo_id, "reject", "the IO says 6.50"),
        )
    assert sorted(r.status for r in replies) == [201, 409], replies
    memo, dispute, approvals = stored(memo_id)
    assert len(approvals) == 1
    assert (memo.status, dispute.state) in {("approved", "resolved"), ("rejected", "investigating")}
    assert approvals[0].decision == ("approve" if memo.status == "approved" else "reject")


def test_approve_racing_issue_never_issues_an_unapproved_memo(app, api, cast, make, finance):
    case, memo_id = memo_awaiting(api, cast, make, "400.00")
    approver, issuer = (make.token(person) for person in finance)
    events = f"/disputes/{case.ref}/events"
    with served(app) as base:
        approved, issued = race(
            decide(base, approver, memo_id, "approve"),
            lambda: call(base, issuer, "POST", events, {"trigger": "issue_credit"}),
        )
    assert approved.status == 201, approved
    assert issued.status in (200, 409, 422), issued
    memo, dispute, approvals = stored(memo_id)
    assert len(approvals) == 1 and approvals[0].decision == "approve"
    if issued.status == 200:  # the issue waited for the approval
        assert (memo.status, dispute.state) == ("issued", "credited") and memo.number
    else:  # it came first, was refused, and changed nothing
        assert (memo.status, dispute.state, memo.number) == ("approved", "resolved", None)


def test_two_filings_racing_on_one_line_file_one_dispute(app, api, cast, make):
    """The line is locked before what is open and left on it is read: the second waits, sees it."""
    invoice = make.invoice(cast.advertiser, amounts=(85_000, 30_000))  # line 1 billed 850.00
    token = make.token(cast.integration)
    body = {
        "invoice_number": invoice.number, "reason_code": "other", "description": "overbilled",
        "disputed_amount": "600.00", "currency": invoice.currency,
        "lines": [{"line_no": 1, "amount": "600.00"}],
    }  # fmt: skip
    with served(app) as base:
        replies = race(*(lambda: call(base, token, "POST", "/disputes", body) for _ in range(2)))
    assert sorted(r.status for r in replies) == [201, 409], replies
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Dispute.id))) == 1
