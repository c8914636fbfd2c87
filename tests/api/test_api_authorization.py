"""Every API route answered for every kind of user, and for callers without a valid token."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from disputedesk.app.extensions import db
from disputedesk.app.models import ApiToken, Dispute, Invoice
from tests.api.helpers import PREFIX, Api, assert_problem, case_snapshot, filing, stored_counts
from tests.factories import Cast, Factory

# The people of the cast: the first team's staff, finance, admin, both viewers, the billing
# system, and the other team's staff. The case under test belongs to the first team's
# advertiser, which `viewer` owns; it is filed and assigned to `analyst`.
PEOPLE = (
    "analyst",
    "analyst2",
    "lead",
    "approver",
    "viewer",
    "other_viewer",
    "admin",
    "integration",
    "other_lead",
    "other_analyst",
)


def answers(usual: int | tuple[int, ...], **exceptions: int | tuple[int, ...]) -> dict:
    """Return the status each person gets: `usual`, except where named."""
    assert set(exceptions) <= set(PEOPLE)
    return dict.fromkeys(PEOPLE, usual) | exceptions


# Those who cannot see the case learn nothing about it, not even that it exists.
SEES_THE_CASE = answers(200, other_viewer=404, other_lead=404, other_analyst=404)


@dataclass
class Scene:
    cast: Cast
    case: Dispute  # filed, assigned to cast.analyst
    spare_invoice: Invoice  # an invoice nobody disputes yet


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # {ref} is the case's reference, {invoice} its invoice number
    answers: dict[str, int | tuple[int, ...]]
    body: Callable[[Scene], dict[str, Any]] | None = None

    def url(self, scene: Scene) -> str:
        return self.path.format(ref=scene.case.ref, invoice=scene.case.invoice.number)


def new_invoice(scene: Scene) -> dict[str, Any]:
    line = {
        "line_no": 1,
        "product": "display",
        "campaign_ref": "CMP-NEW-1",
        "unit_kind": "cpm",
        "billed_units": 20_000,
        "billed_rate": "12.50",
        "amount": "250.00",
    }
    return {
        "number": "INV-PUSHED-1",
        "advertiser_ref": scene.cast.advertiser.ref,
        "currency": "USD",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "lines": [line],
    }


def feed_contract(scene: Scene) -> dict[str, Any]:
    return {
        "advertiser_ref": scene.cast.advertiser.ref, "reference": "IO-FEED", "version": 1,
        "effective_from": "2026-01-01", "effective_to": "2026-12-31",
        "lines": [{"product": "display", "unit_kind": "cpm", "rate": "6.50"}],
    }  # fmt: skip


FEED_RECORD = {
    "external_ref": "DCM-1", "campaign_ref": "CMP-FEED", "source": "first_party",
    "period_start": "2026-10-01", "period_end": "2026-10-31", "delivered_units": 1_000,
}  # fmt: skip


ROUTES = (
    Route("list disputes", "GET", "/disputes", answers(200)),
    Route(
        "file a dispute",
        "POST",
        "/disputes",
        answers(
            403, analyst=201, analyst2=201, lead=201, integration=201, other_lead=201,
            other_analyst=201,
        ),
        body=lambda scene: filing(scene.spare_invoice),
    ),
    Route("read a dispute", "GET", "/disputes/{ref}", SEES_THE_CASE),
    Route("read the timeline", "GET", "/disputes/{ref}/events", SEES_THE_CASE),
    Route("read the comparison", "GET", "/disputes/{ref}/comparison", SEES_THE_CASE),
    Route(
        "start the case",
        "POST",
        "/disputes/{ref}/events",
        answers(403, analyst=200, lead=200, other_viewer=404, other_lead=404, other_analyst=404),
        body=lambda scene: {"trigger": "start"},
    ),
    Route(
        "reassign the case",
        "POST",
        "/disputes/{ref}/assign",
        answers(403, lead=200, other_viewer=404, other_lead=404, other_analyst=404),
        body=lambda scene: {"assignee": scene.cast.analyst2.email},
    ),
    Route(
        "claim the next case",
        "POST",
        "/disputes/claim-next",
        # The first team has an unassigned case waiting; the other team has none.
        answers(403, analyst=200, analyst2=200, lead=200, other_lead=204, other_analyst=204),
    ),
    Route("read comments", "GET", "/disputes/{ref}/comments", SEES_THE_CASE),
    Route("read what each line may be credited", "GET", "/disputes/{ref}/credit-lines",
          SEES_THE_CASE),
    Route(
        "comment for the account team",
        "POST",
        "/disputes/{ref}/comments",
        answers(
            201, admin=403, integration=403, other_viewer=404, other_lead=404, other_analyst=404
        ),
        body=lambda scene: {"body": "Advertiser called again", "visibility": "account_team"},
    ),
    Route(
        "comment internally",
        "POST",
        "/disputes/{ref}/comments",
        answers(
            201, viewer=403, other_viewer=(403, 404), admin=403, integration=403,
            other_lead=404, other_analyst=404,
        ),
        body=lambda scene: {"body": "Rate card looks wrong", "visibility": "internal"},
    ),
    Route("list advertisers", "GET", "/advertisers", answers(200)),
    Route("push an invoice", "POST", "/invoices", answers(403, integration=201), body=new_invoice),
    Route("read an invoice", "GET", "/invoices/{invoice}", answers(200, other_viewer=404)),
    Route("read the API description", "GET", "/openapi.json", answers(200)),
    Route("send contracts", "POST", "/feeds/contracts", answers(403, integration=200),
          body=lambda scene: {"contracts": [feed_contract(scene)]}),
    Route("send delivery records", "POST", "/feeds/delivery", answers(403, integration=200),
          body=lambda scene: {"records": [FEED_RECORD]}),
    Route("list memos to post", "GET", "/credit-memos/unposted", answers(403, integration=200)),
    # The dashboard is for leads (their own team's numbers) and finance; the close for finance.
    Route("read the KPIs", "GET", "/kpis?from=2026-10-01",
          answers(403, lead=200, approver=200, admin=200, other_lead=200)),
    Route("read the month-end close", "GET", "/reports/close?month=2026-11",
          answers(403, approver=200, admin=200)),
)  # fmt: skip


def build_scene(make: Factory, cast: Cast) -> Scene:
    case = make.dispute(cast, "filed", assignee=cast.analyst)
    make.dispute(cast, "filed")  # waits unassigned in the first team's queue
    return Scene(cast, case, make.invoice(cast.advertiser))


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_each_person_gets_the_answer_the_table_gives(
    api: Api, make: Factory, cast: Cast, route: Route, who: str
) -> None:
    scene = build_scene(make, cast)
    expected = route.answers[who]
    before = stored_counts(), case_snapshot(scene.case.ref)

    body = route.body(scene) if route.body else None
    response = api(getattr(cast, who)).request(route.method, route.url(scene), json=body)

    assert response.status_code in (expected if isinstance(expected, tuple) else (expected,))
    if response.status_code >= 400:
        assert_problem(response, response.status_code)
        assert (stored_counts(), case_snapshot(scene.case.ref)) == before
    elif response.status_code != 204:
        assert response.mimetype == "application/json"


# Routes whose own test module holds their table of people and answers.
COVERED_ELSEWHERE = {
    ("POST", "/credit-memos/{}/posting"): "test_api_posting.py",
    ("GET", "/reversals/unposted"): "test_api_reversal_posting.py",
    ("GET", "/open-items"): "test_api_open_items.py",
    ("GET", "/journal"): "test_api_journal.py",
    ("GET", "/reserve"): "test_api_reserve.py",
    ("POST", "/disputes/bulk"): "test_api_bulk.py",
    ("GET", "/rebills/pending"): "test_api_rebill.py",
    ("POST", "/credit-memos/{}/rebill"): "test_api_rebill.py",
    ("GET", "/reserve/journal"): "test_api_reserve.py",
    ("GET", "/reserve-policy"): "test_api_reserve.py",
    ("POST", "/reserve-policy"): "test_api_reserve.py",
    ("POST", "/feeds/fx-rates"): "test_api_fx.py",
    ("GET", "/fx-rates"): "test_api_fx.py",
    ("GET", "/gl-accounts"): "test_api_journal.py",
    ("POST", "/gl-accounts/{}"): "test_api_journal.py",
    ("POST", "/reversals/{}/posting"): "test_api_reversal_posting.py",
    ("GET", "/disputes/{}/evidence"): "test_api_evidence.py",
    ("POST", "/disputes/{}/evidence"): "test_api_evidence.py",
    ("GET", "/evidence/{}/download"): "test_api_evidence.py",
    ("GET", "/disputes/{}/credit-memo"): "test_api_credits.py",
    ("POST", "/credit-memos/{}/approvals"): "test_api_credits.py",
    ("GET", "/tokens"): "test_api_tokens.py",
    ("DELETE", "/tokens/{}"): "test_api_tokens.py",
    ("POST", "/credit-memos/{}/reversal"): "test_api_reversals.py",
    ("GET", "/advertisers/{}/contacts"): "tests/comms/test_correspondence_access.py",
    ("POST", "/advertisers/{}/contacts"): "tests/comms/test_correspondence_access.py",
    ("POST", "/advertisers/{}/portal-users"): "tests/portal/test_portal_api.py",
    ("POST", "/inbound-email"): "tests/comms/test_correspondence_access.py",
    ("GET", "/disputes/{}/audit-packet"): "test_api_insight.py",
    ("GET", "/audit-packets"): "test_api_insight.py",
    ("GET", "/audit-packets/public-key"): "test_api_packet_signature.py",
    ("GET", "/exceptions"): "test_api_exceptions.py",
    ("GET", "/exceptions/{}"): "test_api_exceptions.py",
    ("POST", "/exceptions/{}/claim"): "test_api_exceptions.py",
    ("POST", "/exceptions/{}/resolution"): "test_api_exceptions.py",
    ("POST", "/exceptions/{}/dispute"): "test_api_exceptions.py",
    ("GET", "/problems"): "test_api_problems.py",
    ("POST", "/problems"): "test_api_problems.py",
    ("GET", "/problems/{}"): "test_api_problems.py",
    ("POST", "/problems/{}"): "test_api_problems.py",
    ("POST", "/disputes/{}/problem"): "test_api_problems.py",
    ("POST", "/exceptions/{}/problem"): "test_api_problems.py",
}


def shape(path: str) -> str:
    """Blank out the variable parts of a path: /disputes/<ref> and /disputes/{ref} alike."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path.partition("?")[0])


def test_the_table_has_a_row_for_every_api_route(app: Flask) -> None:
    routes = {
        (method, shape(rule.rule.removeprefix(PREFIX)))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    rows = {(route.method, shape(route.path)) for route in ROUTES}

    assert routes - rows - set(COVERED_ELSEWHERE) == set()
    assert rows <= routes


AUTHORIZATIONS = {
    "no header": None,
    "unknown token": "Bearer dd_this-token-was-never-issued",
    "empty bearer": "Bearer ",
    "other scheme": "Basic YW5hbHlzdDpwYXNzd29yZA==",
}


@pytest.mark.parametrize("authorization", AUTHORIZATIONS.values(), ids=AUTHORIZATIONS.keys())
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_caller_without_a_valid_token_is_turned_away_except_from_the_api_description(
    api: Api, make: Factory, cast: Cast, route: Route, authorization: str | None
) -> None:
    scene = build_scene(make, cast)
    before = stored_counts()
    headers = {"Authorization": authorization} if authorization else {}
    body = route.body(scene) if route.body else None

    response = api.anonymous().request(route.method, route.url(scene), json=body, headers=headers)

    if route.path == "/openapi.json":
        assert response.status_code == 200
        return
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored_counts() == before


def test_a_real_token_sent_with_another_scheme_is_refused(api: Api, cast: Cast) -> None:
    token = api.make.token(cast.analyst)

    response = api.anonymous().get("/disputes", headers={"Authorization": f"Token {token}"})

    assert_problem(response, 401)


def test_a_revoked_token_is_refused(api: Api, cast: Cast) -> None:
    caller = api(cast.analyst)
    assert caller.get("/disputes").status_code == 200
    db.session.execute(update(ApiToken).values(revoked_at=datetime.now(UTC)))
    db.session.commit()

    assert_problem(caller.get("/disputes"), 401)


def test_a_deactivated_users_token_is_refused(api: Api, cast: Cast) -> None:
    caller = api(cast.analyst)
    assert caller.get("/disputes").status_code == 200
    cast.analyst.active = False
    db.session.commit()

    assert_problem(caller.get("/disputes"), 401)


def test_a_client_services_owner_sees_their_accounts_case_like_a_sales_owner(
    api: Api, make: Factory, cast: Cast
) -> None:
    advertiser = make.advertiser(cast.team, cs_owner=cast.other_viewer)
    case = make.dispute(cast, advertiser=advertiser)

    assert api(cast.other_viewer).get(f"/disputes/{case.ref}").status_code == 200
    assert_problem(api(cast.viewer).get(f"/disputes/{case.ref}"), 404)


def test_an_analyst_sees_a_case_they_filed_for_another_team(
    api: Api, make: Factory, cast: Cast
) -> None:
    invoice = make.invoice(cast.advertiser)
    filed = api(cast.other_analyst).post("/disputes", filing(invoice))
    assert filed.status_code == 201
    ref = filed.get_json()["ref"]

    assert api(cast.other_analyst).get(f"/disputes/{ref}").status_code == 200
    assert_problem(api(cast.other_lead).get(f"/disputes/{ref}"), 404)
