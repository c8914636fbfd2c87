"""API tokens expire, carry scopes enforced on every route, record their last use, are
listed without their secret and can be revoked."""

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import update

import disputedesk.app.api  # noqa: F401  (registers every operation in the registry)
from disputedesk.app.api.registry import OPERATIONS
from disputedesk.app.extensions import db
from disputedesk.app.models import ApiToken
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.tokens import issue_token
from disputedesk.workflows.scopes import SCOPES
from tests.api.helpers import Api, assert_problem
from tests.web.helpers import case_with_memo

PUBLIC = {"api.openapi"}
# The registry declares each operation's token scope (public ones need no token).
OPERATION_SCOPES = {op.endpoint: op.scope for op in OPERATIONS if op.scope != "public"}


def api_operations(app: Flask) -> dict[str, tuple[str, str]]:
    """Each API operation: (method, a path under /api/v1 that reaches it)."""
    found = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint in PUBLIC:
            continue
        path = re.sub(r"<int[^>]*>", "1", rule.rule).replace("<ref>", "DSP-000001")
        path = re.sub(r"<[^>]+>", "x", path).removeprefix("/api/v1")
        found[rule.endpoint] = (sorted(rule.methods - {"HEAD", "OPTIONS"})[0], path)
    return found


def test_every_api_operation_declares_the_scope_it_needs(app):
    assert set(api_operations(app)) == set(OPERATION_SCOPES)
    assert set(OPERATION_SCOPES.values()) <= set(SCOPES)


@pytest.fixture
def caller_with(api: Api, cast):
    """A caller whose token carries only the given scopes (as the lead: every role check passes
    before scopes for most operations, so what answers is the scope check)."""

    def make(scopes: str, user=None):  # noqa: ANN001,ANN202
        token, _ = issue_token(user or cast.lead, scopes=scopes)
        return api.anonymous(token)

    return make


@pytest.mark.parametrize("operation", sorted(OPERATION_SCOPES))
def test_a_token_without_the_operations_scope_is_refused_and_with_it_is_let_through(
    app, caller_with, operation
):
    method, url = api_operations(app)[operation]
    needed = OPERATION_SCOPES[operation]
    others = " ".join(s for s in ("read", "write", "approve", "integration") if s != needed)
    refused = caller_with(others).request(method, url, json={})
    assert_problem(refused, 403)
    assert f"lacks the '{needed}' scope" in refused.get_json()["detail"]
    allowed = caller_with(needed).request(method, url, json={})
    assert "scope" not in (allowed.get_json(silent=True) or {}).get("detail", "")


@pytest.mark.parametrize(
    ("trigger", "stage"), [("issue_credit", "approved"), ("reverse_credit", "issued")]
)
def test_moving_money_through_the_events_route_needs_the_approve_scope(
    caller_with, make, cast, trigger, stage
):
    dispute = case_with_memo(make, cast, stage)
    answer = caller_with("read write", cast.approver).fire(dispute.ref, trigger)
    assert "lacks the 'approve' scope" in assert_problem(answer, 403)["detail"]


def test_an_expired_token_gets_401(api: Api, cast):
    token, row = issue_token(cast.analyst)
    db.session.execute(update(ApiToken).where(ApiToken.id == row.id)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))  # fmt: skip
    db.session.commit()
    assert_problem(api.anonymous(token).get("/disputes"), 401)


def test_a_revoked_token_gets_401_at_once(api: Api, cast):
    token, row = issue_token(cast.analyst)
    caller = api.anonymous(token)
    assert caller.get("/disputes").status_code == 200
    revoked = caller.request("DELETE", f"/tokens/{row.id}")
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert_problem(caller.get("/disputes"), 401)


def test_a_token_of_a_deactivated_user_gets_401(api: Api, cast):
    from disputedesk.app.services.accounts import deactivate

    token, _ = issue_token(cast.analyst)
    deactivate(cast.analyst, actor=cast.admin)
    assert_problem(api.anonymous(token).get("/disputes"), 401)


def test_tokens_are_listed_with_scopes_expiry_and_last_use_never_the_secret(api: Api, cast):
    token, row = issue_token(cast.analyst, scopes="read", name="crm sync")
    caller = api.anonymous(token)
    caller.get("/disputes")
    listed = caller.get("/tokens").get_json()["items"]
    mine = next(t for t in listed if t["id"] == row.id)
    assert mine["scopes"] == ["read"] and mine["name"] == "crm sync"
    assert mine["expires_at"] and mine["last_used_at"]
    assert token not in str(listed) and row.token_hash not in str(listed)


def test_nobody_revokes_another_persons_token(api: Api, cast):
    _, theirs = issue_token(cast.lead)
    mine, _ = issue_token(cast.analyst)
    assert_problem(api.anonymous(mine).request("DELETE", f"/tokens/{theirs.id}"), 404)
    assert db.session.get(ApiToken, theirs.id).revoked_at is None


def test_tokens_default_to_every_scope_and_ninety_days(cast):
    _, row = issue_token(cast.integration)
    assert row.scopes == "read write approve integration"
    assert timedelta(days=89) < row.expires_at - utcnow() <= timedelta(days=90)


@pytest.mark.parametrize(("scopes", "days"), [("read admin", None), ("", 400), ("read", 0)])
def test_bad_token_requests_are_refused(cast, scopes, days):
    from disputedesk.workflows.errors import InvalidInput

    with pytest.raises(InvalidInput):
        issue_token(cast.analyst, scopes=scopes or None, days=days)


ROLES = ("analyst", "lead", "approver", "viewer", "admin", "integration")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_lists_and_revokes_only_its_own_tokens(api: Api, cast, role):
    person = cast.by_role()[role]
    token, row = issue_token(person)
    _, other = issue_token(cast.other_lead)
    caller = api.anonymous(token)
    assert [t["id"] for t in caller.get("/tokens").get_json()["items"]] == [row.id]
    assert_problem(caller.request("DELETE", f"/tokens/{other.id}"), 404)
    assert caller.request("DELETE", f"/tokens/{row.id}").status_code == 200


def test_listing_and_revoking_need_a_token(api: Api):
    assert_problem(api.anonymous().get("/tokens"), 401)
    assert_problem(api.anonymous().request("DELETE", "/tokens/1"), 401)
