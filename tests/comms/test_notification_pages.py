"""The bell, the notifications page, e-mail settings and @mention lookup, for every role."""

import re

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Notification
from disputedesk.app.services import bell
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.channels import deliver_all
from disputedesk.workflows.notices import KINDS, handle_of
from tests.factories import Cast
from tests.web.helpers import HX, Web, section, text

ROLES = ("analyst", "lead", "approver", "viewer", "admin")
EVERYONE = frozenset(ROLES)
CASE_READERS = frozenset({"analyst", "lead", "approver", "viewer"})  # who writes comments

# Every route of the notifications blueprint: method, path, who gets through (else 403).
ROUTES = [
    ("GET", "/notifications", EVERYONE),
    ("GET", "/notifications/bell", EVERYONE),
    ("GET", "/notifications/settings", EVERYONE),
    ("POST", "/notifications/settings", EVERYONE),
    ("POST", "/notifications/read-all", EVERYONE),
    ("GET", "/notifications/mentionable/{ref}?q=a", CASE_READERS),
]


@pytest.fixture
def case(make, cast: Cast):
    return make.dispute(cast, "investigating", assignee=cast.analyst)


def bell_count(web: Web, user) -> int:  # noqa: ANN001
    found = re.search(
        r'data-unread="(\d+)"', text(web(user).get("/notifications/bell", headers=HX))
    )
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "allowed"), ROUTES)
def test_each_notification_route_lets_in_its_roles_only(
    web, cast, case, method, path, allowed, role
):
    user = cast.by_role()[role]
    answer = web(user).open(path.format(ref=case.ref), method=method)
    assert (answer.status_code in (200, 302)) == (role in allowed), answer.status_code
    if role not in allowed:
        assert answer.status_code == 403


@pytest.mark.parametrize(("method", "path", "allowed"), ROUTES)
def test_someone_signed_out_is_sent_to_sign_in(web, case, method, path, allowed):
    answer = web(None).open(path.format(ref=case.ref), method=method)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_each_page_of_the_site_carries_a_bell_that_loads_itself(web, cast):
    body = text(web(cast.analyst).get("/queue"))
    assert 'id="bell"' in body and 'hx-get="/notifications/bell"' in body


def test_the_bell_counts_unread_notices_and_opening_one_marks_it_read_and_opens_the_case(
    web, cast, make
):
    dispute = make.dispute(cast, "filed")
    assert bell_count(web, cast.analyst) == 0
    assign(dispute.ref, cast.lead, cast.analyst.email)
    deliver_all()
    assert bell_count(web, cast.analyst) == 1
    page = text(web(cast.analyst).get("/notifications"))
    assert f"{dispute.ref} is assigned to you" in page and "unread" in page
    [notice] = db.session.scalars(select(Notification))
    opened = web(cast.analyst).get(f"/notifications/{notice.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/disputes/{dispute.ref}"
    assert bell_count(web, cast.analyst) == 0
    assert "Nothing unread" in text(web(cast.analyst).get("/notifications?unread=1"))


def test_nobody_opens_or_marks_someone_elses_notice(web, cast, make):
    assign(make.dispute(cast, "filed").ref, cast.lead, cast.analyst.email)
    deliver_all()
    [notice] = db.session.scalars(select(Notification))
    assert web(cast.analyst2).get(f"/notifications/{notice.id}/open").status_code == 404
    assert web(cast.analyst2).post(f"/notifications/{notice.id}/read").status_code == 404
    assert web(cast.analyst2).post("/notifications/x/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, notice.id).read_at is None


def test_the_list_counts_every_notice_and_pages_back_through_all_of_them(
    web, cast, make, monkeypatch
):
    monkeypatch.setattr(bell, "PAGE", 2)
    refs = [make.dispute(cast, "filed").ref for _ in range(5)]
    for ref in refs:
        assign(ref, cast.lead, cast.analyst.email)
    deliver_all()
    client, path, seen = web(cast.analyst), "/notifications", []
    while path:
        page = text(client.get(path))
        assert "5 notifications · newest first" in page
        seen += re.findall(r"DSP-\d+", section(page, "notices"))
        older = re.search(r'href="(/notifications\?before=\d+)">Older notifications', page)
        path = older and older.group(1)
    assert seen == refs[::-1]  # newest first, each once, over three pages
    assert client.get("/notifications?before=x").status_code == 400


def test_mark_all_read_empties_the_bell(web, cast, make):
    for _ in range(2):
        assign(make.dispute(cast, "filed").ref, cast.lead, cast.analyst.email)
    deliver_all()
    assert bell_count(web, cast.analyst) == 2
    answer = web(cast.analyst).post("/notifications/read-all", headers=HX)
    assert answer.status_code == 200 and 'id="notices"' in text(answer)
    assert bell_count(web, cast.analyst) == 0


def test_email_settings_are_saved_per_kind_and_a_bad_choice_changes_nothing(web, cast):
    choices = {kind: "immediate" for kind in KINDS} | {"sla_warning": "digest", "mentioned": "off"}
    saved = web(cast.analyst).post("/notifications/settings", data=choices)
    assert saved.status_code == 200 and "Settings saved" in text(saved)
    page = text(web(cast.analyst).get("/notifications/settings"))
    assert re.search(r'name="sla_warning">.*?<option value="digest" selected', page, re.S)
    bad = web(cast.analyst).post("/notifications/settings", data=choices | {"mentioned": "weekly"})
    assert bad.status_code == 422 and "nothing changed" in text(bad)
    page = text(web(cast.analyst).get("/notifications/settings"))
    assert re.search(r'name="mentioned">.*?<option value="off" selected', page, re.S)


def test_mention_lookup_offers_only_people_who_can_see_the_case(web, cast, case):
    found = web(cast.lead).get(f"/notifications/mentionable/{case.ref}?q=")
    handles = {p["handle"] for p in found.get_json()}
    assert handle_of(cast.analyst.email) in handles and handle_of(cast.viewer.email) in handles
    assert handle_of(cast.other_analyst.email) not in handles  # another team's analyst
    assert handle_of(cast.other_viewer.email) not in handles  # another account's sales owner
    internal = web(cast.lead).get(f"/notifications/mentionable/{case.ref}?visibility=internal")
    assert handle_of(cast.viewer.email) not in {p["handle"] for p in internal.get_json()}
    outsider = web(cast.other_viewer).get(f"/notifications/mentionable/{case.ref}")
    assert outsider.status_code == 404
