"""The billing system invites to the portal through the API; nobody else may."""

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import PortalAccess
from tests.api.helpers import assert_problem

OTHERS = ("analyst", "approver", "viewer", "admin")  # the account's lead may: below


def test_the_billing_system_invites_and_gets_the_link_of_a_new_account(api, cast):
    path = f"/advertisers/{cast.advertiser.ref}/portal-users"
    first = api(cast.integration).post(path, {"email": "AP@Agency.example", "name": "Pat"})
    assert first.status_code == 201, first.get_data(as_text=True)
    body = first.get_json()
    assert body["email"] == "ap@agency.example" and body["new_account"] is True
    assert "/set-password/" in body["set_password_url"]
    other = f"/advertisers/{cast.other_advertiser.ref}/portal-users"
    again = api(cast.integration).post(other, {"email": "ap@agency.example"})
    assert again.status_code == 201
    assert again.get_json()["new_account"] is False and again.get_json()["set_password_url"] is None
    assert db.session.scalar(select(func.count()).select_from(PortalAccess)) == 2


@pytest.mark.parametrize("who", OTHERS)
def test_no_one_else_invites_through_the_api(api, cast, who):
    path = f"/advertisers/{cast.advertiser.ref}/portal-users"
    answer = api(getattr(cast, who)).post(path, {"email": "x@agency.example"})
    assert_problem(answer, 403)
    assert db.session.scalar(select(func.count()).select_from(PortalAccess)) == 0


def test_the_accounts_lead_invites_and_another_teams_lead_learns_nothing(api, cast):
    path = f"/advertisers/{cast.advertiser.ref}/portal-users"
    assert api(cast.lead).post(path, {"email": "ap@agency.example"}).status_code == 201
    assert_problem(api(cast.other_lead).post(path, {"email": "b@agency.example"}), 404)
    assert db.session.scalar(select(func.count()).select_from(PortalAccess)) == 1


def test_an_unknown_advertiser_and_a_bad_address_are_refused_and_nothing_is_stored(api, cast):
    unknown = api(cast.integration).post("/advertisers/ADV-NOPE/portal-users", {"email": "a@b.c"})
    assert_problem(unknown, 404)
    bad = api(cast.integration).post(f"/advertisers/{cast.advertiser.ref}/portal-users",
                                     {"email": "not an address"})  # fmt: skip
    assert_problem(bad, 422)
    workspace = api(cast.integration).post(f"/advertisers/{cast.advertiser.ref}/portal-users",
                                           {"email": cast.analyst.email})  # fmt: skip
    assert_problem(workspace, 422)
    assert db.session.scalar(select(func.count()).select_from(PortalAccess)) == 0
