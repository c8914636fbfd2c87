"""The admin services check permission themselves (not only the web edge), and a refused
call changes nothing."""

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import ApiToken, SecurityEvent, User
from disputedesk.app.services.admin import (
    Profile,
    deactivate_user,
    invite_user,
    name_top_approver,
    update_team,
    update_user,
)
from disputedesk.app.services.tokens import issue_token, revoke_token
from disputedesk.workflows.errors import NotFound, NotPermitted

NOT_ADMINS = ("analyst", "lead", "approver", "viewer")


def _counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (User, SecurityEvent, ApiToken))  # fmt: skip


def _calls(cast):  # noqa: ANN001, ANN202
    return {
        "invite": lambda actor: invite_user("new@x.example", Profile("analyst"), actor),
        "change": lambda actor: update_user(cast.analyst, Profile("lead"), actor),
        "deactivate": lambda actor: deactivate_user(cast.analyst2, actor),
        "team": lambda actor: update_team(
            cast.team.id, "Renamed", "America/Chicago", "US", actor
        ),  # fmt: skip
        "top approver": lambda actor: name_top_approver(cast.approver, True, actor),
        "token for another": lambda actor: issue_token(cast.integration, actor=actor),
    }


CALLS = ("invite", "change", "deactivate", "team", "top approver", "token for another")


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("who", NOT_ADMINS)
def test_only_an_admin_keeps_people_teams_and_others_tokens(make, call, who):
    cast = make.cast()
    before = _counts(), cast.analyst.role, cast.team.name
    with pytest.raises(NotPermitted):
        _calls(cast)[call](cast.by_role()[who])
    db.session.expire_all()
    assert (_counts(), cast.analyst.role, cast.team.name) == before


@pytest.mark.parametrize("call", CALLS)
def test_an_admin_does_each_in_one_logged_transaction(make, call):
    cast = make.cast()
    logged = _counts()[1]
    _calls(cast)[call](cast.admin)
    db.session.expire_all()
    assert _counts()[1] > logged  # each writes its security log entry with the change


def test_someone_elses_token_is_revoked_only_by_an_admin(make):
    cast = make.cast()
    _, row = issue_token(cast.analyst)
    with pytest.raises(NotFound):
        revoke_token(row.id, cast.lead, any_user=True)  # a lead is no admin: not theirs to see
    assert db.session.get(ApiToken, row.id).revoked_at is None
    assert revoke_token(row.id, cast.admin, any_user=True).revoked_at is not None
