"""Who is told what: each change to a case queues notices for the people it concerns."""

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Outbox, Watch
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.comments import add_comment
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.notices import handle_of
from tests.factories import Cast
from tests.web.helpers import case_with_memo, memo_of


def told(kind: str) -> list[int]:
    """The people a notice of this kind was queued for, in order."""
    db.session.expire_all()
    query = select(Outbox.recipient_id).where(Outbox.kind == kind, Outbox.channel == "notify")
    return list(db.session.scalars(query.order_by(Outbox.id)))


def test_the_new_assignee_is_told_but_not_the_lead_who_assigned(make, cast: Cast):
    dispute = make.dispute(cast, "filed")
    assign(dispute.ref, cast.lead, cast.analyst.email)
    assign(dispute.ref, cast.lead, cast.analyst2.email)
    assert told("assigned") == [cast.analyst.id, cast.analyst2.id]


def test_escalation_tells_the_assignee_and_the_team_leads(make, cast: Cast):
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst)
    fire_trigger(dispute.ref, cast.analyst, "escalate", {"reason": "contract unclear"})
    assert told("escalated") == [cast.lead.id]  # the analyst escalated it themselves
    [row] = db.session.scalars(select(Outbox).where(Outbox.kind == "escalated"))
    assert row.payload == {"ref": dispute.ref, "reason": "contract unclear"}


def test_information_received_tells_the_assignee(make, cast: Cast):
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst)
    fire_trigger(dispute.ref, cast.analyst, "request_info", {"note": "send the IO"})
    fire_trigger(dispute.ref, cast.lead, "info_received", {"note": "IO arrived"})
    assert told("info_received") == [cast.analyst.id]


def test_watchers_hear_of_each_state_change_of_a_watched_case(make, cast: Cast):
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst)
    db.session.add(Watch(dispute_id=dispute.id, user_id=cast.viewer.id))
    db.session.commit()
    fire_trigger(dispute.ref, cast.analyst, "escalate", {"reason": "x"})
    assert told("watched_changed") == [cast.viewer.id]


def test_a_mention_tells_the_people_named_who_can_see_the_case(make, cast: Cast):
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst)
    outsider = handle_of(cast.other_analyst.email)  # another team cannot see the case
    body = f"@{handle_of(cast.analyst2.email)} and @{outsider}, and @nobody: look at line 2"
    add_comment(dispute.ref, cast.lead, body, "internal")
    assert told("mentioned") == [cast.analyst2.id]


def test_an_internal_comment_does_not_tell_sales_it_mentions(make, cast: Cast):
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst)
    viewer = handle_of(cast.viewer.email)
    add_comment(dispute.ref, cast.lead, f"@{viewer} internal", "internal")
    assert told("mentioned") == []
    add_comment(dispute.ref, cast.lead, f"@{viewer} for you", "account_team")
    assert told("mentioned") == [cast.viewer.id]


def test_a_memo_waiting_tells_those_who_may_approve_it_now(make, cast: Cast):
    case_with_memo(make, cast)  # 400.00 USD: a lead or approver whose limit covers it
    assert set(told("memo_awaiting_approval")) == {cast.lead.id, cast.approver.id}


def test_the_preparer_hears_when_their_memo_is_approved_or_rejected(make, cast: Cast):
    approved = case_with_memo(make, cast)
    decide(memo_of(approved).id, cast.approver, "approve")
    rejected = case_with_memo(make, cast)
    decide(memo_of(rejected).id, cast.approver, "reject", "wrong GL reason")
    assert told("memo_approved") == [cast.analyst.id]
    assert told("memo_rejected") == [cast.analyst.id]


def test_an_issued_credit_tells_the_accounts_sales_and_client_services_owners(make, cast: Cast):
    cs_owner = make.user("viewer")
    cast.advertiser.cs_owner_id = cs_owner.id
    db.session.commit()
    case_with_memo(make, cast, "issued")
    assert set(told("credit_issued")) == {cast.viewer.id, cs_owner.id}
