"""Who may reach the correspondence routes: every API person and every web role."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingContact
from tests.api.helpers import Api
from tests.web.helpers import Web

PEOPLE = ("analyst", "lead", "approver", "viewer", "other_viewer", "admin", "integration",
          "other_lead", "other_analyst")  # fmt: skip
CONTACTS = {"contacts": [{"name": "Pat", "email": "ap@advertiser.example"}]}

# API: person → status. The advertiser is the first team's, owned by `viewer`.
API_ROUTES = {
    ("GET", "/advertisers/{adv}/contacts"): dict.fromkeys(PEOPLE, 200) | {"other_viewer": 404},
    ("POST", "/advertisers/{adv}/contacts"): dict.fromkeys(PEOPLE, 403)
    | {"lead": 200, "integration": 200},
    ("POST", "/inbound-email"): dict.fromkeys(PEOPLE, 403) | {"integration": 202},
}
WEB_ROLES = ("analyst", "lead", "approver", "viewer", "admin")
WEB_ROUTES = {  # path → who gets through (others 403; another team's lead 404 on contacts)
    ("GET", "/advertisers/{adv}/contacts"): {"lead"},
    ("POST", "/advertisers/{adv}/contacts"): {"lead"},
    ("GET", "/inbound"): {"lead"},
    ("POST", "/inbound/1/attach"): {"lead"},
}
RAW = b"From: someone@example.com\r\nSubject: hello\r\nMessage-ID: <x@example.com>\r\n\r\nhi\r\n"


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_each_api_person_gets_the_answer_the_table_gives(api: Api, cast, who, method, path):
    url = path.format(adv=cast.advertiser.ref)
    caller = api(getattr(cast, who))
    if path == "/inbound-email":
        answer = caller.request(method, url, data=RAW, headers={"Content-Type": "message/rfc822"})
    else:
        answer = caller.request(method, url, json=CONTACTS)
    assert answer.status_code == API_ROUTES[(method, path)][who], answer.get_json()
    stored = db.session.scalars(select(BillingContact.email)).all()
    assert stored == (
        ["ap@advertiser.example"] if answer.status_code == 200 and method == "POST" else []
    )


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_the_api_routes_want_a_token(api: Api, cast, method, path):
    answer = api(None).request(method, path.format(adv=cast.advertiser.ref))
    assert answer.status_code == 401


def test_bad_contacts_are_refused_whole(api: Api, cast):
    bad = {
        "contacts": [{"name": "Pat", "email": "ap@advertiser.example"}, {"name": "", "email": "x"}]
    }
    answer = api(cast.integration).request(
        "POST", f"/advertisers/{cast.advertiser.ref}/contacts", json=bad
    )
    assert answer.status_code == 422 and answer.get_json()["errors"]
    assert db.session.scalar(select(BillingContact.id)) is None


@pytest.mark.parametrize("role", WEB_ROLES)
@pytest.mark.parametrize(("method", "path"), WEB_ROUTES)
def test_each_web_role_gets_through_only_where_the_table_says(web: Web, cast, role, method, path):
    answer = web(cast.by_role()[role]).open(path.format(adv=cast.advertiser.ref), method=method)
    if role in WEB_ROUTES[(method, path)]:
        assert answer.status_code in (200, 302, 404)  # 404: no message 1 to attach
    else:
        assert answer.status_code == 403


def test_another_teams_lead_cannot_open_the_contacts_page(web: Web, cast):
    assert (
        web(cast.other_lead).get(f"/advertisers/{cast.advertiser.ref}/contacts").status_code == 404
    )


def test_a_lead_keeps_the_contacts_on_the_page_and_a_bad_address_saves_nothing(web: Web, cast):
    url = f"/advertisers/{cast.advertiser.ref}/contacts"
    saved = web(cast.lead).post(url, data={"name": ["Pat"], "email": ["ap@advertiser.example"]})
    assert saved.status_code == 302
    bad = web(cast.lead).post(
        url, data={"name": ["Pat", "Sam"], "email": ["ap@advertiser.example", "nope"]}
    )
    assert bad.status_code == 422
    assert db.session.scalars(select(BillingContact.email)).all() == ["ap@advertiser.example"]
