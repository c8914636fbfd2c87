"""Who may open each page and use each form of the web interface: every route × every role."""

from dataclasses import dataclass

import pytest

from disputedesk.app.models import Dispute
from disputedesk.app.queries.dashboard import WIDGETS
from tests.factories import PASSWORD, Cast, Factory
from tests.web.helpers import Web, snapshot

ROLES = ("analyst", "lead", "approver", "viewer", "admin")
EVERYONE = frozenset(ROLES)
WORKERS = frozenset({"analyst", "lead"})
INSIGHT = frozenset({"lead", "approver", "admin"})
CASE_AREAS = ("", "/header", "/actions", "/evidence", "/credit", "/timeline")

# Each page: who may open it. Everyone else signed in gets 403; nobody signed in goes to /login.
PAGES = {
    "/queue": WORKERS,
    "/team": frozenset({"lead"}),
    "/disputes/new": WORKERS,
    "/disputes/import": WORKERS,
    "/disputes/new/invoices": WORKERS,
    "/disputes/new/lines": WORKERS,
    "/track": EVERYONE,
    "/approvals": frozenset({"lead", "approver"}),
    "/reports": frozenset({"lead", "approver", "admin"}),
    "/reports/credits.csv?month=2026-11": frozenset({"lead", "approver", "admin"}),
    "/reports/credits.json?month=2026-11": frozenset({"lead", "approver", "admin"}),
    "/reports/credits.xlsx?month=2026-11": frozenset({"lead", "approver", "admin"}),
    "/workflow": EVERYONE,
    "/queue.csv": WORKERS,
    "/team.csv?state=filed": frozenset({"lead"}),
    "/track.csv?q=DSP": EVERYONE,
    "/dashboard": INSIGHT,
    **{f"/dashboard/{name}.csv": INSIGHT for name in WIDGETS},
    "/dashboard/cases?measure=open": INSIGHT,
    "/reports/close?month=2026-11": frozenset({"approver", "admin"}),
    "/reports/close/journal.csv?month=2026-11": frozenset({"approver", "admin"}),
    "/reports/close/journal.json?month=2026-11": frozenset({"approver", "admin"}),
    "/reports/close/reserve-journal.csv?month=2026-11": frozenset({"approver", "admin"}),
    "/reports/close/reserve-journal.json?month=2026-11": frozenset({"approver", "admin"}),
    **{f"/disputes/{{ref}}{area}": EVERYONE for area in CASE_AREAS},
    "/disputes/{ref}/audit-packet.zip": frozenset({"analyst", "lead", "approver", "admin"}),
}
START_PAGES = {
    "analyst": "/queue",
    "lead": "/dashboard",
    "viewer": "/track",
    "approver": "/dashboard",
    "admin": "/admin/",
}


@dataclass
class World:
    cast: Cast
    case: Dispute  # investigating, assigned to cast.analyst, of the viewer's advertiser
    waiting: Dispute  # filed and unassigned: what "claim next" takes

    def user(self, role: str):  # noqa: ANN201
        return self.cast.by_role()[role]


@pytest.fixture
def world(make: Factory, cast: Cast) -> World:
    return World(
        cast=cast,
        case=make.dispute(cast, "investigating", assignee=cast.analyst),
        waiting=make.dispute(cast, "filed"),
    )


def path_of(template: str, world: World) -> str:
    return template.format(ref=world.case.ref, waiting=world.waiting.ref)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_each_page_opens_for_its_roles_and_refuses_the_rest(web: Web, world, page, role):
    answer = web(world.user(role)).get(path_of(page, world))
    assert answer.status_code == (200 if role in PAGES[page] else 403)


@pytest.mark.parametrize("page", ["/", *PAGES])
def test_each_page_sends_someone_signed_out_to_the_login_page(web: Web, world, page):
    answer = web(None).get(path_of(page, world))
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ROLES)
def test_the_site_root_sends_each_role_to_its_start_page(web: Web, world, role):
    answer = web(world.user(role)).get("/")
    assert answer.status_code == 302
    assert answer.headers["Location"] == START_PAGES[role]


def test_a_403_page_says_so_inside_the_layout(web: Web, world):
    answer = web(world.cast.viewer).get("/team")
    assert answer.status_code == 403
    body = answer.get_data(as_text=True)
    assert "You do not have access to this page." in body and "<nav" in body


@pytest.mark.parametrize("area", CASE_AREAS)
@pytest.mark.parametrize("outsider", ["other_viewer", "other_lead", "other_analyst"])
def test_a_case_of_another_account_or_team_is_not_found_as_if_it_did_not_exist(
    web: Web, world, outsider, area
):
    user = getattr(world.cast, outsider)
    answer = web(user).get(f"/disputes/{world.case.ref}{area}")
    made_up = web(user).get(f"/disputes/DSP-999999{area}")
    assert answer.status_code == made_up.status_code == 404
    assert "There is nothing here." in answer.get_data(as_text=True)
    assert world.case.advertiser.name not in answer.get_data(as_text=True)


@pytest.mark.parametrize("area", CASE_AREAS)
@pytest.mark.parametrize("ref", ["DSP-999999", "nonsense"])
@pytest.mark.parametrize("role", ROLES)
def test_an_unknown_case_is_not_found(web: Web, world, role, ref, area):
    assert web(world.user(role)).get(f"/disputes/{ref}{area}").status_code == 404


class TestIntegrationUsers:
    def test_cannot_sign_in_on_the_web(self, web: Web, cast):
        client = web(None)
        answer = client.post("/login", data={"email": cast.integration.email, "password": PASSWORD})
        assert answer.status_code == 422
        assert b"do not match an active account" in answer.data
        assert client.get("/track").status_code == 302

    def test_a_session_of_theirs_is_not_honoured(self, web: Web, cast):
        client = web(None)
        with client.session_transaction() as session:
            session["_user_id"] = str(cast.integration.id)
            session["_fresh"] = True
        answer = client.get("/track")
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


# The forms: who may post each, the data a permitted post sends, and where it lands.
ACTIONS = {
    "claim": ("/queue/claim", WORKERS, lambda w: {}),
    "reassign": (
        "/team/reassign",
        frozenset({"lead"}),
        lambda w: {"refs": [w.case.ref], "assignee": w.cast.analyst2.email},
    ),
    "trigger": (
        "/disputes/{ref}/trigger",
        WORKERS,
        lambda w: {"trigger": "escalate", "reason": "needs a contract check"},
    ),
    "assign": (
        "/disputes/{ref}/assign",
        frozenset({"lead"}),
        lambda w: {"assignee": w.cast.analyst2.email},
    ),
    "comment": (
        "/disputes/{ref}/comments",
        frozenset({"analyst", "lead", "approver", "viewer"}),
        lambda w: {"body": "checked with the account", "visibility": "account_team"},
    ),
    "take": ("/disputes/{waiting}/take", WORKERS, lambda w: {}),  # the unassigned case
    "watch": (
        "/disputes/{ref}/watch",
        frozenset({"analyst", "lead", "approver", "viewer"}),
        lambda w: {"watch": "1"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_form_works_for_its_roles_and_changes_nothing_for_the_rest(
    web: Web, world, action, role
):
    path, allowed, data = ACTIONS[action]
    before = {d.ref: snapshot(d) for d in (world.case, world.waiting)}
    answer = web(world.user(role)).post(path_of(path, world), data=data(world))
    after = {d.ref: snapshot(d) for d in (world.case, world.waiting)}
    if role in allowed:
        assert answer.status_code == 302
        assert before != after
    else:
        assert answer.status_code == 403
        assert before == after


ON_A_CASE = [a for a in ACTIONS if ACTIONS[a][0].startswith("/disputes/")]


@pytest.mark.parametrize("action", ON_A_CASE)
@pytest.mark.parametrize("outsider", ["other_viewer", "other_lead", "other_analyst"])
def test_a_case_of_another_account_or_team_cannot_be_changed(web: Web, world, outsider, action):
    path, _, data = ACTIONS[action]
    before = {d.ref: snapshot(d) for d in (world.case, world.waiting)}
    answer = web(getattr(world.cast, outsider)).post(path_of(path, world), data=data(world))
    assert answer.status_code == 404  # as for a case that does not exist: nothing is given away
    assert {d.ref: snapshot(d) for d in (world.case, world.waiting)} == before


@pytest.mark.parametrize("action", ON_A_CASE)
def test_posting_to_an_unknown_case_is_not_found(web: Web, world, action):
    path, _, data = ACTIONS[action]
    unknown = path.format(ref="DSP-999999", waiting="DSP-999999")
    answer = web(world.cast.lead).post(unknown, data=data(world))
    assert answer.status_code == 404


def test_a_viewer_cannot_write_an_internal_comment(web: Web, world):
    before = snapshot(world.case)
    answer = web(world.cast.viewer).post(
        f"/disputes/{world.case.ref}/comments", data={"body": "psst", "visibility": "internal"}
    )
    assert answer.status_code == 403
    assert snapshot(world.case) == before
