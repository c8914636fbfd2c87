"""A lead saves the team queue's filters under a name and opens them again from the queue."""

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import SavedView
from tests.web.helpers import Web, text
from tests.web.test_page_access import ROLES


def saved(user) -> list[tuple[str, str]]:  # noqa: ANN001
    rows = db.session.scalars(db.select(SavedView).where(SavedView.user_id == user.id))
    return sorted((v.name, v.query) for v in rows)


def save(web: Web, user, name: str, **filters: str):  # noqa: ANN001, ANN201
    data = {"name": name} | {f"filter-{k}": v for k, v in filters.items()}
    return web(user).post("/team/views", data=data)


def test_a_saved_view_is_listed_and_opens_the_queue_with_its_filters(web: Web, make, cast):
    for priority in ("P1", "P3"):
        case = make.dispute(cast, "filed")
        case.priority = priority
        case.refresh_queue_keys()
    db.session.commit()
    answer = save(web, cast.lead, "Urgent, unassigned", priority="P1", assignee="none")
    assert answer.status_code == 302 and "priority=P1" in answer.headers["Location"]
    assert saved(cast.lead) == [("Urgent, unassigned", "assignee=none&priority=P1")]
    page = text(web(cast.lead).get("/team"))
    assert 'href="/team?assignee=none&amp;priority=P1">Urgent, unassigned</a>' in page
    opened = text(web(cast.lead).get("/team?assignee=none&priority=P1"))
    assert "1 case" in opened


def test_saving_the_same_name_again_replaces_its_filters(web: Web, cast):
    save(web, cast.lead, "Mine", priority="P1")
    save(web, cast.lead, "Mine", priority="P2")
    assert saved(cast.lead) == [("Mine", "priority=P2")]


def test_views_are_each_leads_own(web: Web, cast):
    save(web, cast.lead, "Mine", priority="P1")
    assert "Mine</a>" not in text(web(cast.other_lead).get("/team"))
    (view,) = db.session.scalars(db.select(SavedView)).all()
    assert web(cast.other_lead).post(f"/team/views/{view.id}/delete").status_code == 404
    assert saved(cast.lead) == [("Mine", "priority=P1")]
    assert web(cast.lead).post(f"/team/views/{view.id}/delete").status_code == 302
    assert saved(cast.lead) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "give the view a name"), ("x" * 61, "60"), ("a\x00b", "control"), ("a\nb", "line")],
)
def test_a_bad_name_is_refused_with_a_message_and_nothing_is_saved(web: Web, cast, name, message):
    answer = save(web, cast.lead, name, priority="P1")
    assert answer.status_code == 302
    page = text(web(cast.lead).get(answer.headers["Location"]))
    assert "The view was not saved" in page and message in page
    assert saved(cast.lead) == []


@pytest.mark.parametrize("role", ROLES)
def test_only_leads_keep_views(web: Web, cast, role):
    user = cast.by_role()[role]
    answer = save(web, user, "Mine", priority="P1")
    assert answer.status_code == (302 if role == "lead" else 403)
    assert len(saved(user)) == (1 if role == "lead" else 0)
