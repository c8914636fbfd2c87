"""The ERP lists reversals not yet posted and acknowledges each one, once, as it does memos;
a memo reversed before the ERP posted it is still listed, so the ERP books both."""

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import Event, Reversal
from disputedesk.app.services.reversals import reverse_memo
from tests.api.helpers import assert_problem, stored_counts
from tests.api.test_api_posting import PEOPLE, POSTED, issued_memo


@pytest.fixture
def reversal(make, cast) -> Reversal:
    memo = issued_memo(make, cast)
    return reverse_memo(memo.id, cast.approver, "credited on the wrong invoice")


def test_the_erp_lists_a_reversal_until_it_posts_it_and_the_memo_it_reverses(api, cast, reversal):
    erp = api(cast.integration)
    listed = erp.get("/reversals/unposted").get_json()["items"]
    memo = reversal.memo
    assert [(r["number"], r["memo_number"], r["amount"], r["currency"]) for r in listed] == [
        (reversal.number, memo.number, "-400.00", "USD")
    ]  # fmt: skip
    # the memo was reversed before the ERP posted it: it is still to be posted
    assert [m["number"] for m in erp.get("/credit-memos/unposted").get_json()["items"]] == [
        memo.number
    ]  # fmt: skip
    assert erp.post(f"/credit-memos/{memo.id}/posting", POSTED).status_code == 201

    posted = erp.post(f"/reversals/{reversal.id}/posting", POSTED | {"external_ref": "SAP-R-1"})

    assert posted.status_code == 201, posted.get_json()
    assert posted.get_json() == {"id": reversal.id, "number": reversal.number,
                                 "memo_number": memo.number, "external_ref": "SAP-R-1",
                                 "posted_at": "2026-11-20T13:05:00Z"}  # fmt: skip
    assert erp.get("/reversals/unposted").get_json()["items"] == []
    event = db.session.scalar(db.select(Event).where(Event.type == "credit_memo_reversal_posted"))
    assert (event.data["number"], event.data["external_ref"]) == (reversal.number, "SAP-R-1")


def test_posting_a_reversal_twice_with_the_same_reference_changes_nothing(api, cast, reversal):
    erp = api(cast.integration)
    erp.post(f"/reversals/{reversal.id}/posting", POSTED)
    before = stored_counts()
    again = erp.post(f"/reversals/{reversal.id}/posting", POSTED)
    assert again.status_code == 200 and again.get_json()["external_ref"] == POSTED["external_ref"]
    assert stored_counts() == before


def test_another_reference_or_a_memos_reference_is_a_conflict(api, cast, reversal):
    erp = api(cast.integration)
    erp.post(f"/credit-memos/{reversal.memo_id}/posting", POSTED)  # the memo holds SAP-19…
    taken = erp.post(f"/reversals/{reversal.id}/posting", POSTED)
    assert_problem(taken, 409)
    assert "another memo" in taken.get_json()["detail"]
    erp.post(f"/reversals/{reversal.id}/posting", POSTED | {"external_ref": "SAP-R-1"})
    other = erp.post(f"/reversals/{reversal.id}/posting", POSTED | {"external_ref": "SAP-R-2"})
    assert_problem(other, 409)
    assert "was posted as SAP-R-1" in other.get_json()["detail"]


def test_an_unknown_reversal_is_not_found_and_a_bad_body_names_the_field(api, cast, reversal):
    erp = api(cast.integration)
    assert_problem(erp.post("/reversals/999999/posting", POSTED), 404)
    bad = erp.post(f"/reversals/{reversal.id}/posting", POSTED | {"posted_at": "yesterday"})
    assert_problem(bad, 422)
    assert "posted_at" in bad.get_json()["errors"]


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_integration_user_lists_and_posts_reversals(api, cast, reversal, who):
    caller = api(getattr(cast, who))
    before = stored_counts()
    listed = caller.get("/reversals/unposted")
    answer = caller.post(f"/reversals/{reversal.id}/posting", POSTED)
    if who == "integration":
        assert (listed.status_code, answer.status_code) == (200, 201)
    else:
        assert_problem(listed, 403)
        assert_problem(answer, 403)
        assert stored_counts() == before
