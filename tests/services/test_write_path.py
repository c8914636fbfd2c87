"""Each use case is one transaction: refused changes leave no trace, stale writes are refused."""

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.comments import add_comment
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.errors import GuardsFailed, NotFound, NotPermitted, StaleCase


def _events() -> int:
    return db.session.scalar(select(func.count()).select_from(Event))


def test_a_refused_trigger_changes_nothing(make):
    cast = make.cast()
    dispute = make.dispute(cast, "investigating")
    before = (_events(), dispute.version)
    with pytest.raises(GuardsFailed) as refused:
        fire_trigger(dispute.ref, cast.analyst, "resolve", {"outcome": "no_credit"})
    assert set(refused.value.failures) == {"root_cause_given", "note_given"}
    db.session.refresh(dispute)
    assert (dispute.state, _events(), dispute.version) == ("investigating", *before)


def test_a_stale_version_is_refused_and_changes_nothing(make):
    cast = make.cast()
    dispute = make.dispute(cast, "investigating")
    seen = dispute.version
    add_comment(dispute.ref, cast.lead, "looking at this too", "internal")
    events = _events()
    with pytest.raises(StaleCase):
        fire_trigger(dispute.ref, cast.analyst, "escalate", {"reason": "x"}, expected_version=seen)
    db.session.refresh(dispute)
    assert dispute.state == "investigating" and _events() == events


def test_every_change_bumps_the_version_even_a_comment(make):
    cast = make.cast()
    dispute = make.dispute(cast, "investigating")
    before = dispute.version
    add_comment(dispute.ref, cast.viewer, "advertiser called again", "account_team")
    db.session.refresh(dispute)
    assert dispute.version == before + 1


def test_a_lead_of_another_team_cannot_see_let_alone_change_the_case(make):
    cast = make.cast()
    dispute = make.dispute(cast, "investigating")
    with pytest.raises(NotFound):
        fire_trigger(dispute.ref, cast.other_lead, "escalate", {"reason": "mine now"})
    with pytest.raises(NotFound):
        assign(dispute.ref, cast.other_lead, cast.other_analyst.email)


def test_system_escalation_is_recorded_as_system(make):
    from disputedesk.app.services.triggers import fire_on

    cast = make.cast()
    dispute = make.dispute(cast, "investigating")
    fire_on(db.session.get(Dispute, dispute.id), None, "escalate", {"reason": "SLA breached"})
    last = db.session.scalars(
        select(Event).where(Event.type == "transition").order_by(Event.id.desc())
    ).first()
    assert (last.actor, last.actor_id, last.to_state) == ("system", None, "escalated")


def test_an_analyst_who_is_not_the_assignee_cannot_work_the_case(make):
    cast = make.cast()
    dispute = make.dispute(cast, "filed", assignee=cast.analyst)
    with pytest.raises(NotPermitted):
        fire_trigger(dispute.ref, cast.analyst2, "start", {})
