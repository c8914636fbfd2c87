"""Who reaches the portal and who reaches the workspace: every portal route × every role, and
every workspace page and form for a portal account. Nothing internal reaches the portal."""

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import ApiToken, Dispute
from disputedesk.app.services.comments import add_comment
from disputedesk.app.services.tokens import digest, issue_token
from disputedesk.workflows.errors import NotPermitted
from tests.web.helpers import Web, case_with_memo, memo_of, snapshot
from tests.web.test_page_access import ACTIONS, PAGES

WORKSPACE_ROLES = ("analyst", "lead", "approver", "viewer", "admin")


@pytest.fixture
def world(make, cast, person):  # noqa: ANN001, ANN201
    theirs = case_with_memo(make, cast, "issued")
    other = make.dispute(cast, "investigating", advertiser=cast.other_advertiser)
    return {"theirs": theirs, "other": other, "memo": memo_of(theirs).number, "person": person}


def portal_pages(world) -> list[str]:  # noqa: ANN001
    ref = world["theirs"].ref
    return ["/portal", "/portal/file", f"/portal/cases/{ref}",
            f"/portal/cases/{ref}/memos/{world['memo']}"]  # fmt: skip


@pytest.mark.parametrize("which", range(4))
@pytest.mark.parametrize("role", WORKSPACE_ROLES)
def test_no_workspace_role_opens_a_portal_page(web: Web, world, cast, role, which):
    user = cast.by_role()[role]
    assert web(user).get(portal_pages(world)[which]).status_code == 403


@pytest.mark.parametrize("which", range(4))
def test_the_portal_sends_someone_signed_out_to_sign_in(web: Web, world, which):
    answer = web(None).get(portal_pages(world)[which])
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


@pytest.mark.parametrize("which", range(4))
def test_the_person_opens_every_portal_page_of_their_account(web: Web, world, which):
    assert web(world["person"]).get(portal_pages(world)[which]).status_code == 200


@pytest.mark.parametrize("path", ["/portal/cases/{ref}", "/portal/cases/{ref}/memos/CM-1"])
def test_a_case_of_another_advertiser_is_not_found_as_if_it_did_not_exist(web: Web, world, path):
    other = web(world["person"]).get(path.format(ref=world["other"].ref))
    made_up = web(world["person"]).get(path.format(ref="DSP-999999"))
    assert other.status_code == made_up.status_code == 404
    assert world["other"].advertiser.name not in other.get_data(as_text=True)


def test_posting_an_answer_to_another_advertisers_case_changes_nothing(web: Web, world):
    before = snapshot(world["other"])
    answer = web(world["person"]).post(f"/portal/cases/{world['other'].ref}/answer",
                                       data={"message": "here it is"})  # fmt: skip
    assert answer.status_code == 404 and snapshot(world["other"]) == before


@pytest.mark.parametrize("role", WORKSPACE_ROLES)
def test_no_workspace_role_answers_or_files_in_the_portal(web: Web, world, cast, role):
    user, before = cast.by_role()[role], snapshot(world["theirs"])
    client = web(user)
    assert client.post(f"/portal/cases/{world['theirs'].ref}/answer",
                       data={"message": "x"}).status_code == 403  # fmt: skip
    assert client.post("/portal/file", data={"line": "INV|1"}).status_code == 403
    assert snapshot(world["theirs"]) == before


@pytest.mark.parametrize("page", ["/", *PAGES])
def test_every_workspace_page_sends_the_person_to_the_portal(web: Web, world, page):
    path = page.format(ref=world["theirs"].ref, waiting=world["theirs"].ref)
    answer = web(world["person"]).get(path)
    assert answer.status_code == 302 and answer.headers["Location"] == "/portal"


@pytest.mark.parametrize("action", ACTIONS)
def test_every_workspace_form_refuses_the_person_and_changes_nothing(web: Web, world, action):
    path, _, data = ACTIONS[action]
    theirs = world["theirs"]
    before = snapshot(theirs)
    answer = web(world["person"]).post(path.format(ref=theirs.ref, waiting=theirs.ref), data={})
    assert answer.status_code == 403 and snapshot(theirs) == before


def test_the_case_page_shows_nothing_internal(web: Web, make, cast, person):
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    add_comment(case.ref, cast.analyst, "internal: the advertiser is bluffing", "internal")
    make.required_evidence(case, cast.analyst)
    page = web(person).get(f"/portal/cases/{case.ref}").get_data(as_text=True)
    assert "bluffing" not in page and "evidence.pdf" not in page and cast.analyst.email not in page


def test_a_portal_account_gets_no_api_token_and_one_it_holds_is_not_honoured(api, person):
    with pytest.raises(NotPermitted):
        issue_token(person)
    token = "dd_" + "x" * 40
    db.session.add(ApiToken(user_id=person.id, token_hash=digest(token), name="smuggled",
                            scopes="read write"))  # fmt: skip
    db.session.commit()
    assert api.anonymous(token).get("/disputes").status_code == 401


def test_counts_agree_between_the_list_and_the_accounts(web: Web, world):
    page = web(world["person"]).get("/portal").get_data(as_text=True)
    theirs = db.session.scalar(
        select(func.count()).select_from(Dispute)
        .where(Dispute.advertiser_id == world["theirs"].advertiser_id)
    )  # fmt: skip
    assert page.count("/portal/cases/DSP-") == theirs
    assert world["other"].ref not in page
