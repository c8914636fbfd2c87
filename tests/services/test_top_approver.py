"""A memo beyond every approver's limit goes to the top approver an admin names, and the memo
says so; without one it says that nobody can approve it and what an admin can do."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Approval, CreditMemo, Event
from disputedesk.app.queries.memos import inbox, memo_summary
from disputedesk.app.services.admin import Profile, name_top_approver, update_user
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.errors import InvalidInput, NotPermitted

CREDIT = {"outcome": "credit_partial", "root_cause": "rate_card_error", "note": "rate was wrong",
          "credit_amount": "20000.00", "gl_reason": "rate_correction"}  # fmt: skip


@pytest.fixture
def big(make):
    """A memo of USD 20,000.00 where every approver's limit is USD 10,000.00."""
    cast = make.cast()
    cast.approver.approval_limit = 1_000_000
    other = make.user("approver", approval_limit=1_000_000)
    case = make.dispute(cast, "investigating", amount=3_000_000)
    fire_trigger(case.ref, cast.analyst, "resolve", CREDIT)
    memo = db.session.scalar(select(CreditMemo).where(CreditMemo.dispute_id == case.id))
    return cast, other, case, memo


def test_without_a_top_approver_the_memo_says_nobody_can_approve_it(big):
    cast, other, case, memo = big
    summary = memo_summary(memo, case, cast.approver)
    assert summary.approvers == []
    assert any("no top approver may take it" in m for m in summary.missing)
    with pytest.raises(NotPermitted):
        decide(memo.id, other, "approve", "ok")


def test_the_top_approver_is_told_takes_it_and_the_approval_remembers(big):
    cast, other, case, memo = big
    name_top_approver(other, True, actor=cast.admin)
    summary = memo_summary(memo, case, cast.approver)
    assert [u.id for u in summary.approvers] == [other.id]
    assert any(f"goes to the top approver, {other.name}" in m for m in summary.missing)
    assert [m.id for m, _ in inbox(other).rows] == [memo.id]  # in their approvals inbox
    assert inbox(cast.approver).rows == []

    decide(memo.id, other, "approve", "beyond every limit; approved as the top approver")

    db.session.refresh(memo)
    assert memo.status == "approved"
    approval = db.session.scalar(select(Approval).where(Approval.memo_id == memo.id))
    assert (approval.as_top, approval.approver_limit) == (True, 1_000_000)
    approved = (Event.dispute_id == case.id, Event.type == "credit_memo_approved")
    event = db.session.scalar(select(Event).where(*approved))
    assert event.data["as_top_approver"] is True and event.data["approver_limit"] == "10000.00"


def test_there_is_one_top_approver_at_most_and_only_an_admin_names_an_approver(big):
    cast, other, _, _ = big
    name_top_approver(other, True, actor=cast.admin)
    name_top_approver(cast.approver, True, actor=cast.admin)
    db.session.refresh(other)
    assert (other.top_approver, cast.approver.top_approver) == (False, True)
    with pytest.raises(NotPermitted):
        name_top_approver(other, True, actor=cast.lead)
    with pytest.raises(InvalidInput):
        name_top_approver(cast.lead, True, actor=cast.admin)


def test_the_top_approver_who_stops_being_an_approver_stops_being_the_top(big):
    cast, other, _, _ = big
    name_top_approver(other, True, actor=cast.admin)
    update_user(other, Profile(role="lead", approval_limit=1_000_000), actor=cast.admin)
    db.session.refresh(other)
    assert (other.role, other.top_approver) == ("lead", False)
