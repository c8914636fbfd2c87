"""The ERP lists issued memos not yet posted and acknowledges each one, once."""

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditMemo, Event
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.triggers import fire_trigger
from tests.api.helpers import assert_problem, stored_counts

CREDIT = {"outcome": "credit_partial", "root_cause": "rate_card_error", "note": "rate was wrong",
          "credit_amount": "400.00", "gl_reason": "rate_correction"}  # fmt: skip
POSTED = {"external_ref": "SAP-1900001234", "posted_at": "2026-11-20T14:05:00+01:00"}


def issued_memo(make, cast) -> CreditMemo:
    case = make.dispute(cast, "investigating", amount=100_000)
    fire_trigger(case.ref, cast.analyst, "resolve", CREDIT)
    memo = db.session.scalar(db.select(CreditMemo).where(CreditMemo.dispute_id == case.id))
    decide(memo.id, cast.lead, "approve", "matches the IO")
    fire_trigger(case.ref, cast.approver, "issue_credit", {})
    db.session.refresh(memo)
    return memo


@pytest.fixture
def memo(make, cast) -> CreditMemo:
    return issued_memo(make, cast)


def test_the_erp_lists_issued_memos_until_it_posts_them(api, cast, memo):
    erp = api(cast.integration)
    listed = erp.get("/credit-memos/unposted").get_json()["items"]
    assert [(m["number"], m["amount"], m["currency"]) for m in listed] == [
        (memo.number, "400.00", "USD")
    ]  # fmt: skip

    posted = erp.post(f"/credit-memos/{memo.id}/posting", POSTED)

    assert posted.status_code == 201
    assert posted.get_json() == {"id": memo.id, "number": memo.number,
                                 "external_ref": "SAP-1900001234",
                                 "posted_at": "2026-11-20T13:05:00Z"}  # fmt: skip
    assert erp.get("/credit-memos/unposted").get_json()["items"] == []
    event = db.session.scalar(db.select(Event).where(Event.type == "credit_memo_posted"))
    assert event.data["external_ref"] == "SAP-1900001234"


def test_posting_twice_with_the_same_reference_changes_nothing(api, cast, memo):
    erp = api(cast.integration)
    erp.post(f"/credit-memos/{memo.id}/posting", POSTED)
    before = stored_counts()

    again = erp.post(f"/credit-memos/{memo.id}/posting", POSTED)

    assert again.status_code == 200 and again.get_json()["external_ref"] == "SAP-1900001234"
    assert stored_counts() == before


def test_another_reference_for_a_posted_memo_is_a_conflict(api, cast, memo):
    erp = api(cast.integration)
    erp.post(f"/credit-memos/{memo.id}/posting", POSTED)

    other = erp.post(f"/credit-memos/{memo.id}/posting", POSTED | {"external_ref": "SAP-2"})

    assert_problem(other, 409)
    assert "was posted as SAP-1900001234" in other.get_json()["detail"]
    db.session.refresh(memo)
    assert memo.external_ref == "SAP-1900001234"


def test_a_memo_not_yet_issued_cannot_be_posted(api, make, cast):
    case = make.dispute(cast, "investigating", amount=100_000)
    fire_trigger(case.ref, cast.analyst, "resolve", CREDIT)
    memo = db.session.scalar(db.select(CreditMemo).where(CreditMemo.dispute_id == case.id))
    assert_problem(api(cast.integration).post(f"/credit-memos/{memo.id}/posting", POSTED), 409)


def test_one_erp_reference_cannot_post_two_memos(api, make, cast, memo):
    second = issued_memo(make, cast)
    api(cast.integration).post(f"/credit-memos/{memo.id}/posting", POSTED)
    answer = api(cast.integration).post(f"/credit-memos/{second.id}/posting", POSTED)
    assert_problem(answer, 409)
    assert "another memo" in answer.get_json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"posted_at": "2026-11-20T14:05:00Z"}, "external_ref"),
        (POSTED | {"external_ref": "SAP\x00"}, "external_ref"),
        (POSTED | {"posted_at": "2026-11-20T14:05:00"}, "posted_at"),  # no offset
        (POSTED | {"posted_at": "yesterday"}, "posted_at"),
    ],
)
def test_a_bad_acknowledgement_is_refused_naming_the_field(api, cast, memo, body, field):
    answer = api(cast.integration).post(f"/credit-memos/{memo.id}/posting", body)
    assert_problem(answer, 422)
    assert field in answer.get_json()["errors"]


PEOPLE = ("analyst", "lead", "approver", "viewer", "other_viewer", "admin", "other_lead",
          "other_analyst", "integration")  # fmt: skip


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_integration_user_posts_a_memo(api, cast, memo, who):
    before = stored_counts()
    answer = api(getattr(cast, who)).post(f"/credit-memos/{memo.id}/posting", POSTED)
    if who == "integration":
        assert answer.status_code == 201
    else:
        assert_problem(answer, 403)
        assert stored_counts() == before
