"""An analyst or lead takes an unassigned case of their own team from its page."""

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event
from tests.web.helpers import Web, section, text


def actions(web: Web, user, case: Dispute) -> str:  # noqa: ANN001
    return section(text(web(user).get(f"/disputes/{case.ref}")), "case-actions")


def test_an_unassigned_case_offers_its_teams_workers_to_take_it(web: Web, make, cast):
    case = make.dispute(cast, "filed")
    for worker in (cast.analyst, cast.analyst2, cast.lead):
        assert "Take this case" in actions(web, worker, case)
    for other in (cast.approver, cast.viewer, cast.admin):
        assert "Take this case" not in actions(web, other, case)


def test_taking_makes_it_yours_and_records_it(web: Web, make, cast):
    case = make.dispute(cast, "filed")
    answer = web(cast.analyst2).post(
        f"/disputes/{case.ref}/take", data={"version": case.version}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200 and "The case is yours now." in text(answer)
    db.session.expire_all()
    assert db.session.get(Dispute, case.id).assignee_id == cast.analyst2.id
    last = db.session.scalars(
        db.select(Event).where(Event.dispute_id == case.id).order_by(Event.seq.desc())
    ).first()
    assert (last.type, last.actor) == ("claimed", cast.analyst2.email)
    assert "Take this case" not in actions(web, cast.analyst2, case)


def test_a_case_someone_took_meanwhile_is_not_taken_from_them(web: Web, make, cast):
    case = make.dispute(cast, "filed", assignee=cast.analyst)
    answer = web(cast.analyst2).post(f"/disputes/{case.ref}/take", headers={"HX-Request": "true"})
    assert answer.status_code == 409
    assert f"already {cast.analyst.name}" in text(answer)
    db.session.expire_all()
    assert db.session.get(Dispute, case.id).assignee_id == cast.analyst.id


def test_the_panel_does_not_say_there_is_nothing_to_do_beside_the_take_button(web: Web, make, cast):
    case = make.dispute(cast, "filed")
    panel = actions(web, cast.analyst, case)
    assert "Take this case" in panel and "Nothing for you to do" not in panel
