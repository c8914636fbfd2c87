"""Admin screens: only admins open them; every change is in the security log."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import SecurityEvent, Team, User
from disputedesk.app.services.tokens import issue_token
from tests.factories import PASSWORD
from tests.web.helpers import Web, csv_body, text

ROLES = ("analyst", "lead", "approver", "viewer", "admin")
PAGES = ["/admin/", "/admin/users", "/admin/users/{user}", "/admin/teams", "/admin/tokens",
         "/admin/policies", "/admin/security-log", "/admin/access-review.csv",
         "/admin/books"]  # fmt: skip
FORMS = {
    "/admin/users": {"email": "new@test.example", "role": "analyst", "timezone": "UTC"},
    "/admin/users/{user}": {"role": "analyst", "timezone": "UTC", "approval_limit": "0"},
    "/admin/users/{user}/deactivate": {},
    "/admin/users/{user}/unlock": {},
    "/admin/users/{user}/sign-out": {},
    "/admin/users/{approver}/top-approver": {"top": "1"},
    "/admin/teams/{team}": {
        "name": "Renamed",
        "timezone": "UTC",
        "holiday_country": "US",
        "hours": "09:00-17:00",
        "workday": ["0", "1", "2", "3", "4"],
    },
    "/admin/tokens/{token}/revoke": {},
    "/admin/books/reserve": {"bands": "*, 0, 10"},
    "/admin/books/gl/makegood": {"debit_account": "4950 X", "credit_account": "1200 AR"},
}


def fill(path: str, cast) -> str:  # noqa: ANN001
    _, token = issue_token(cast.analyst2)
    return path.format(user=cast.analyst2.id, team=cast.team.id, token=token.id,
                       approver=cast.approver.id)  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_only_admins_open_the_admin_pages(web: Web, cast, page, role):
    answer = web(cast.by_role()[role]).get(fill(page, cast))
    assert answer.status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
@pytest.mark.parametrize("form", FORMS)
def test_nobody_but_an_admin_posts_an_admin_form_and_nothing_changes(web: Web, cast, form, role):
    path = fill(form, cast)
    before = db.session.scalar(select(db.func.count()).select_from(SecurityEvent))
    answer = web(cast.by_role()[role]).post(path, data=FORMS[form])
    assert answer.status_code == 403
    assert db.session.scalar(select(db.func.count()).select_from(SecurityEvent)) == before


@pytest.mark.parametrize("page", ["/admin/", *FORMS])
def test_someone_signed_out_is_sent_to_sign_in(web: Web, cast, page):
    answer = (
        web(None).get(fill(page, cast))
        if page == "/admin/"
        else web(None).post(fill(page, cast), data=FORMS[page])
    )
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


@pytest.mark.parametrize("form", FORMS)
def test_every_admin_change_is_in_the_security_log(web: Web, cast, form):
    before = db.session.scalar(select(db.func.max(SecurityEvent.id))) or 0
    answer = web(cast.admin).post(fill(form, cast), data=FORMS[form])
    assert answer.status_code in (200, 302)
    logged = db.session.execute(
        select(SecurityEvent.kind, SecurityEvent.actor_id)
        .where(SecurityEvent.id > before)
        .order_by(SecurityEvent.id)
    ).all()
    assert logged and logged[-1].kind != "token_created"
    assert logged[-1].actor_id == cast.admin.id


def test_an_invitation_gives_a_one_time_link_to_set_a_password(app, web: Web, cast):
    page = text(web(cast.admin).post("/admin/users", data={
        "email": "Nova@Test.Example", "role": "analyst", "team": cast.team.name,
        "approval_limit": "500", "timezone": "Europe/Paris", "name": "Nova",
    }))  # fmt: skip
    link = re.search(r"https?://[^/]+(/set-password/[\w-]+)", page).group(1)
    nova = db.session.scalar(select(User).where(User.email == "nova@test.example"))
    assert (nova.role, nova.team_id, nova.approval_limit, nova.timezone) == (
        "analyst", cast.team.id, 50_000, "Europe/Paris")  # fmt: skip
    guest = app.test_client()
    assert guest.post("/login", data={"email": nova.email, "password": ""}).status_code == 422
    set_it = guest.post(
        link, data={"password": "a long new passphrase", "confirm": "a long new passphrase"}
    )
    assert set_it.status_code == 302
    assert (
        guest.post(
            "/login", data={"email": nova.email, "password": "a long new passphrase"}
        ).status_code
        == 302
    )
    assert app.test_client().get(link).status_code == 404  # used once, then gone


def test_an_invitation_with_bad_fields_says_which_and_creates_nobody(web: Web, cast):
    people = db.session.scalar(select(db.func.count()).select_from(User))
    answer = web(cast.admin).post("/admin/users", data={
        "email": cast.analyst.email, "role": "wizard", "timezone": "Mars/Olympus",
        "approval_limit": "-5",
    })  # fmt: skip
    assert answer.status_code == 422
    assert "whole units" in text(answer)  # the first thing wrong is said beside its field
    assert db.session.scalar(select(db.func.count()).select_from(User)) == people


def test_deactivating_shows_the_open_cases_first_and_keeps_them_assigned(web: Web, make, cast):
    case = make.dispute(cast, "investigating", assignee=cast.analyst2)
    page = text(web(cast.admin).get(f"/admin/users/{cast.analyst2.id}"))
    assert case.ref in page and "stay assigned" in page
    web(cast.admin).post(f"/admin/users/{cast.analyst2.id}/deactivate")
    db.session.expire_all()
    assert db.session.get(User, cast.analyst2.id).active is False
    assert (
        web(None)
        .post("/login", data={"email": cast.analyst2.email, "password": PASSWORD})
        .status_code
        == 422
    )


def test_a_team_calendar_is_changed_and_bad_values_are_refused(web: Web, cast):
    web(cast.admin).post(f"/admin/teams/{cast.team.id}",
                         data={"name": "Billing West", "timezone": "America/Los_Angeles",
                               "holiday_country": "ca", "hours": "08:00-16:30",
                               "workday": ["0", "1", "2", "3"]})  # fmt: skip
    db.session.expire_all()
    team = db.session.get(Team, cast.team.id)
    assert (team.name, team.timezone, team.holiday_country, team.hours, team.workdays) == (
        "Billing West", "America/Los_Angeles", "CA", "08:00-16:30", "1111000",
    )  # fmt: skip
    for bad in ({"name": "", "timezone": "Nowhere", "holiday_country": "ZZ"},
                {"name": "X", "timezone": "UTC", "holiday_country": "US", "hours": "17:00-09:00",
                 "workday": ["0"]},
                {"name": "X", "timezone": "UTC", "holiday_country": "US", "hours": "09:00-17:00"},
                {"name": "X", "timezone": "UTC", "holiday_country": "US", "hours": "９:00-17:00",
                 "workday": ["0"]}):  # fmt: skip
        answer = web(cast.admin).post(f"/admin/teams/{cast.team.id}", data=bad)
        page = web(cast.admin).get(answer.headers["Location"]).get_data(as_text=True)
        assert "Billing West" in page and (
            "hours" in page or "working day" in page or "name" in page
        )
        db.session.expire_all()
        team = db.session.get(Team, cast.team.id)
        assert (team.name, team.hours, team.workdays) == ("Billing West", "08:00-16:30", "1111000")


def test_a_teams_business_hours_set_when_its_clocks_fall_due(web: Web, make, cast):
    """Hours of 08:00-12:00 on Mondays only: a one-business-day clock runs into next week."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from disputedesk.app.queries.clocks import calendar_for
    from disputedesk.workflows.sla import add_business_time

    team = db.session.get(Team, cast.team.id)
    monday = datetime(2026, 12, 7, 9, tzinfo=ZoneInfo("America/Chicago"))
    before = add_business_time(calendar_for(team), monday, 8 * 3600)
    web(cast.admin).post(f"/admin/teams/{team.id}", data={
        "name": team.name, "timezone": "America/Chicago", "holiday_country": "US",
        "hours": "08:00-12:00", "workday": ["0"]})  # fmt: skip
    db.session.expire_all()
    after = add_business_time(calendar_for(db.session.get(Team, team.id)), monday, 8 * 3600)
    chicago = ZoneInfo("America/Chicago")
    assert before.astimezone(chicago) == monday.replace(hour=17)  # 09–17 Mon–Fri: that evening
    assert after.astimezone(ZoneInfo("America/Chicago")) == datetime(
        2026, 12, 21, 9, tzinfo=ZoneInfo("America/Chicago")
    )  # 3 h on the 7th, 4 h on the 14th, 1 h on the 21st


def test_the_access_review_lists_everyone_with_role_team_limit_sign_in_and_token_scopes(
    web: Web, cast
):
    issue_token(cast.integration, scopes="read integration")
    body = csv_body(web(cast.admin).get("/admin/access-review.csv"))
    rows = {r["email"]: r for r in csv.DictReader(io.StringIO(body))}
    assert not any(v.startswith("'") for r in rows.values() for v in r.values())  # none evil
    assert set(rows) == {u.email for u in db.session.scalars(select(User))}
    machine = rows[cast.integration.email]
    assert machine["role"] == "integration" and "read integration" in machine["token_scopes"]
    assert rows[cast.approver.email]["approval_limit"] == str(cast.approver.approval_limit // 100)


def test_an_admin_lands_on_the_admin_page(web: Web, cast):
    assert web(cast.admin).get("/").headers["Location"] == "/admin/"


@pytest.mark.parametrize("role", [None, *ROLES])
def test_a_made_up_set_password_link_is_not_found_for_anyone(web: Web, cast, role):
    client = web(cast.by_role()[role] if role else None)
    assert client.get("/set-password/made-up").status_code == 404
    assert client.post("/set-password/made-up", data={"password": "x" * 20}).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_everyone_signed_in_may_sign_out_everywhere(web: Web, cast, role):
    client = web(cast.by_role()[role])
    assert client.post("/logout/everywhere").headers["Location"] == "/login"
    assert client.get("/track").status_code == 302


def test_the_admin_landing_leads_to_webhooks_and_the_outbox(web: Web, cast):
    page = web(cast.admin).get("/admin/").get_data(as_text=True)
    assert 'href="/admin/webhooks"' in page and 'href="/admin/outbox"' in page


def test_a_lead_clears_the_sign_in_lockout_of_someone_on_their_team(web: Web, cast):
    from disputedesk.app.extensions import limiter
    from disputedesk.app.security.throttle import SignInThrottle

    throttle = SignInThrottle(limiter.storage)
    for _ in range(6):
        throttle.failed(cast.analyst.email)
    assert throttle.lockout(cast.analyst.email) is not None
    page = web(cast.lead).get("/team").get_data(as_text=True)
    assert "sign-in locked" in page and f"Let {cast.analyst.name} sign in again" in page
    # Another team's lead learns nothing and clears nothing; the analyst's own lead clears it.
    assert web(cast.other_lead).post(f"/team/members/{cast.analyst.id}/unlock").status_code == 404
    for role in ("analyst2", "approver", "viewer", "admin"):  # admins clear it on /admin
        answer = web(getattr(cast, role)).post(f"/team/members/{cast.analyst.id}/unlock")
        assert answer.status_code == 403, role
    assert throttle.lockout(cast.analyst.email) is not None
    assert web(cast.lead).post(f"/team/members/{cast.analyst.id}/unlock").status_code == 302
    assert throttle.lockout(cast.analyst.email) is None
    kinds = db.session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)).all()
    assert kinds[-1] == "lockout_cleared"
