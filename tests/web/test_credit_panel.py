"""The credit memo panel: resolving with a credit, approving and rejecting, issuing, fresh logins,
and the printable memo."""

import json
import re
import time

import pytest

from disputedesk.app.models.types import utcnow
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.app.web.auth import FRESH_SECONDS, SIGNED_IN_AT
from disputedesk.workflows.codes import GL_REASONS
from disputedesk.workflows.dispute import allowed_triggers
from tests.factories import PASSWORD, Cast, Factory
from tests.web.helpers import (
    CREDIT,
    HX,
    Web,
    case_with_memo,
    is_full_page,
    memo_of,
    section,
    snapshot,
    text,
    triggers_offered,
)

ROLES = ("analyst", "lead", "approver", "viewer", "admin")
OUTSIDERS = ("other_viewer", "other_lead", "other_analyst")


def role(cast: Cast, name: str):  # noqa: ANN201
    return cast.by_role().get(name) or getattr(cast, name)


def credit_area(web: Web, user, case) -> str:  # noqa: ANN001
    return text(web(user).get(f"/disputes/{case.ref}/credit", headers=HX))


def decide_path(case) -> str:  # noqa: ANN001
    return f"/credit-memos/{memo_of(case).id}/approvals"


class TestResolvingWithACredit:
    @pytest.fixture
    def case(self, make: Factory, cast: Cast):
        return make.dispute(cast, "investigating", assignee=cast.analyst, amount=100_000)

    def test_the_resolve_form_asks_for_an_amount_and_a_gl_reason_for_a_credit(
        self, web: Web, cast, case
    ):
        actions = section(text(web(cast.analyst).get(f"/disputes/{case.ref}")), "case-actions")
        group = re.search(r'<fieldset class="field-group"[^>]*>.*?</fieldset>', actions, re.S)
        assert group and 'data-shown-for="credit_full credit_partial"' in group.group(0)
        assert '<select name="gl_reason"' in group.group(0)
        assert '<input name="credit_amount" inputmode="decimal"' in group.group(0)
        assert re.findall(r'<option value="([a-z_]+)"', group.group(0)) == list(GL_REASONS)

    def test_a_credit_without_a_gl_reason_is_refused_beside_the_gl_reason(
        self, web: Web, cast, case
    ):
        before = snapshot(case)
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger", headers=HX,
            data={**CREDIT, "gl_reason": "", "credit_amount": "400.00", "trigger": "resolve"},
        )  # fmt: skip
        assert answer.status_code == 422
        body = text(answer)
        assert (
            'id="resolve-gl_reason-error">Choose the GL reason the credit is booked to.</p>' in body
        )
        assert '<details class="action" open>' in body and 'value="400.00"' in body
        assert snapshot(case) == before

    def test_a_partial_credit_must_be_less_than_the_disputed_amount(self, web: Web, cast, case):
        before = snapshot(case)
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger", headers=HX,
            data={**CREDIT, "credit_amount": "1000.00", "trigger": "resolve"},
        )  # fmt: skip
        assert answer.status_code == 422
        assert "A partial credit is less than the disputed amount" in text(answer)
        assert snapshot(case) == before

    def test_a_credit_resolve_prepares_a_memo_the_credit_panel_shows(self, web: Web, cast, case):
        assert "hidden" in credit_area(web, cast.analyst, case).split(">")[0]
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger", headers=HX,
            data={**CREDIT, "credit_amount": "400.00", "trigger": "resolve"},
        )  # fmt: skip
        assert answer.status_code == 200
        assert json.loads(answer.headers["HX-Trigger"]) == {"case-changed": {"area": "actions"}}
        panel = credit_area(web, cast.analyst, case)
        assert "hidden" not in panel.split(">")[0]
        assert "USD 400.00" in panel and "rate correction" in panel and "awaiting approval" in panel

    def test_credit_and_rebill_is_asked_from_the_form_and_shown_on_the_memo(
        self, web: Web, cast, case
    ):
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger", headers=HX,
            data={**CREDIT, "credit_amount": "400.00", "trigger": "resolve", "rebill": "1"},
        )  # fmt: skip
        assert answer.status_code == 200 and memo_of(case).rebill
        panel = credit_area(web, cast.analyst, case)
        assert "a corrected invoice is asked for when the memo is issued" in panel

    def test_a_rebill_without_a_credit_is_refused_beside_the_box(self, web: Web, cast, case):
        before = snapshot(case)
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger", headers=HX,
            data={"outcome": "no_credit", "root_cause": "no_error_found", "note": "as billed",
                  "trigger": "resolve", "rebill": "1"},
        )  # fmt: skip
        assert answer.status_code == 422
        assert 'id="resolve-rebill-error">Only a resolution with a credit' in text(answer)
        assert snapshot(case) == before

    def test_resolve_waiting_for_evidence_is_named_in_the_actions(self, web: Web, make, cast):
        case = make.dispute(cast, "investigating", assignee=cast.analyst, reason="invalid_traffic")
        actions = section(text(web(cast.analyst).get(f"/disputes/{case.ref}")), "case-actions")
        assert "resolve" not in triggers_offered(actions)
        assert "Resolve needs:</strong> delivery report; IVT report." in actions


class TestThePanel:
    def test_it_shows_amount_gl_reason_status_rule_and_who_may_approve(self, web: Web, make, cast):
        case = case_with_memo(make, cast)
        panel = credit_area(web, cast.analyst, case)
        for shown in ("USD 400.00", "rate correction", "awaiting approval", "2026-11/small",
                      "matrix 2026-11", "None yet.", "1 more approval", cast.lead.name,
                      cast.approver.name):  # fmt: skip
            assert shown in panel, shown
        assert cast.analyst.name not in panel.split("May approve now:")[1]  # the preparer
        assert 'name="decision"' not in panel  # the preparer never decides

    @pytest.mark.parametrize(
        ("who", "may_decide"),
        [("analyst", False), ("analyst2", False), ("lead", True), ("approver", True),
         ("viewer", False), ("admin", False)],
    )  # fmt: skip
    def test_approve_and_reject_are_offered_to_whom_the_matrix_lets_decide(
        self, web: Web, make, cast, who, may_decide
    ):
        panel = credit_area(web, role(cast, who), make_case := case_with_memo(make, cast))
        assert ('value="approve"' in panel and 'value="reject"' in panel) == may_decide
        assert snapshot(make_case)["approvals"] == 0

    def test_an_approver_whose_limit_is_too_small_is_told_why(self, web: Web, make, cast):
        case = case_with_memo(make, cast, credit="3000.00", amount=500_000)  # standard tier
        panel = credit_area(web, cast.lead, case)
        assert 'value="approve"' not in panel
        assert "You cannot approve this memo: 2026-11/standard" in panel
        assert "a lead does not qualify" in panel

    def test_a_split_credit_says_what_it_was_counted_with(self, web: Web, make, cast):
        invoice = make.invoice(cast.advertiser, amounts=(2_000_000, 2_000_000))
        refs = []
        for line in (1, 2):
            filing = Filing(invoice_number=invoice.number, reason_code="other",
                            description="split", disputed_amount="900.00", currency="USD",
                            lines=((line, "900.00"),))  # fmt: skip
            dispute = file_dispute(cast.integration, filing)
            assign(dispute.ref, cast.lead, cast.analyst.email)
            fire_trigger(dispute.ref, cast.analyst, "start", {})
            fire_trigger(
                dispute.ref, cast.analyst, "resolve", {**CREDIT, "credit_amount": "800.00"}
            )
            refs.append(dispute.ref)
        page = text(web(cast.lead).get(f"/disputes/{refs[1]}"))
        panel = section(page, "case-credit")
        assert (
            "Counted with earlier credits on this invoice in the last 30 days: "
            '<span class="money">USD 1,600.00</span> → needs up to 25,000 needs 1 approver'
        ) in panel
        assert 'value="approve"' not in panel  # the standard tier is for approvers only

    def test_approvals_so_far_show_who_decided_what_and_when(self, web: Web, make, cast):
        case = case_with_memo(make, cast, "approved")
        panel = credit_area(web, cast.lead, case)
        assert f"<strong>{cast.approver.name}</strong> approved" in panel
        assert "Matches the IO." in panel and ">approved</span>" in panel
        for_sales = credit_area(web, cast.viewer, case)  # the account team sees the decision only
        assert f"<strong>{cast.approver.name}</strong> approved" in for_sales
        assert "Matches the IO." not in for_sales

    @pytest.mark.parametrize("stage", ["pending", "approved", "issued"])
    @pytest.mark.parametrize("who", ROLES)
    def test_the_page_offers_exactly_the_triggers_the_workflow_allows(
        self, web: Web, make, cast, stage, who
    ):
        case = case_with_memo(make, cast, stage)
        user = role(cast, who)
        page = text(web(user).get(f"/disputes/{case.ref}"))
        assert triggers_offered(page) == set(
            allowed_triggers(user.as_actor(), case.facts(), utcnow())
        )

    def test_an_approver_sees_issue_on_an_approved_memo_and_the_actions_point_to_it(
        self, web: Web, make, cast
    ):
        case = case_with_memo(make, cast, "approved")
        page = text(web(cast.approver).get(f"/disputes/{case.ref}"))
        assert "Issue credit memo" in section(page, "case-credit")
        assert "Issue the approved credit memo from the credit memo panel." in section(
            page, "case-actions"
        )
        assert "Issue credit memo" not in text(web(cast.lead).get(f"/disputes/{case.ref}"))


class TestDeciding:
    @pytest.mark.parametrize("who", [*ROLES, "analyst2"])
    def test_only_who_the_matrix_allows_decides(self, web: Web, make, cast, who):
        case = case_with_memo(make, cast)
        before = snapshot(case)
        answer = web(role(cast, who)).post(decide_path(case), data={"decision": "approve"})
        if who in ("lead", "approver"):
            assert answer.status_code == 302
            assert snapshot(case)["memos"] == [("approved", None)]
        else:
            assert answer.status_code == 403
            assert snapshot(case) == before

    @pytest.mark.parametrize("outsider", OUTSIDERS)
    @pytest.mark.parametrize("route", ["approvals", "issue"])
    def test_a_memo_of_another_account_or_team_is_not_found(
        self, web: Web, make, cast, outsider, route
    ):
        case = case_with_memo(make, cast, "approved")
        before = snapshot(case)
        answer = web(getattr(cast, outsider)).post(
            f"/credit-memos/{memo_of(case).id}/{route}", data={"decision": "approve"}
        )
        assert answer.status_code == 404 and snapshot(case) == before

    @pytest.mark.parametrize("route", ["approvals", "issue"])
    @pytest.mark.parametrize("memo_id", ["999999", "0", "99999999999999999999"])
    def test_an_unknown_memo_is_not_found(self, web: Web, cast, route, memo_id):
        answer = web(cast.approver).post(f"/credit-memos/{memo_id}/{route}", data={})
        assert answer.status_code == 404

    @pytest.mark.parametrize("route", ["approvals", "issue"])
    def test_someone_signed_out_is_sent_to_the_login_page(self, web: Web, make, cast, route):
        case = case_with_memo(make, cast, "approved")
        before = snapshot(case)
        answer = web(None).post(f"/credit-memos/{memo_of(case).id}/{route}", data={})
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?next=")
        assert snapshot(case) == before

    def test_an_approval_re_renders_the_panel_and_tells_the_others(self, web: Web, make, cast):
        case = case_with_memo(make, cast)
        answer = web(cast.lead).post(
            decide_path(case), data={"decision": "approve", "comment": "ok"}, headers=HX
        )
        assert answer.status_code == 200
        body = text(answer)
        assert body.lstrip().startswith('<section id="case-credit"') and not is_full_page(body)
        assert "Approved: the memo is ready to issue." in body
        assert json.loads(answer.headers["HX-Trigger"]) == {"case-changed": {"area": "credit"}}

    def test_a_rejection_needs_a_comment_shown_beside_it(self, web: Web, make, cast):
        case = case_with_memo(make, cast)
        before = snapshot(case)
        answer = web(cast.approver).post(
            decide_path(case), data={"decision": "reject", "comment": "  "}, headers=HX
        )
        assert answer.status_code == 422
        assert 'id="decision-comment-error">Say why the memo is rejected</p>' in text(answer)
        assert "HX-Trigger" not in answer.headers and snapshot(case) == before

    def test_a_rejection_sends_the_case_back_for_rework(self, web: Web, make, cast):
        case = case_with_memo(make, cast)
        answer = web(cast.approver).post(
            decide_path(case), data={"decision": "reject", "comment": "IO says 6.50"}, headers=HX
        )
        assert answer.status_code == 200 and "goes back for rework" in text(answer)
        assert snapshot(case)["state"] == "investigating"
        panel = credit_area(web, cast.analyst, case)
        assert "rejected" in panel and "IO says 6.50" in panel

    def test_a_refused_approval_says_which_rule_in_the_panel(self, web: Web, make, cast):
        case = case_with_memo(make, cast)
        before = snapshot(case)
        answer = web(cast.analyst).post(decide_path(case), data={"decision": "approve"}, headers=HX)
        assert answer.status_code == 403
        assert "2026-11/small: up to 1,000 needs 1 lead or approver" in text(answer)
        assert snapshot(case) == before


class TestIssuing:
    @pytest.mark.parametrize("who", [*ROLES, "analyst2"])
    def test_only_an_approver_issues(self, web: Web, make, cast, who):
        case = case_with_memo(make, cast, "approved")
        before = snapshot(case)
        confirmed = {"confirm": "yes"} if who == "approver" else {}  # others: refused before
        answer = web(role(cast, who)).post(
            f"/credit-memos/{memo_of(case).id}/issue", data=confirmed
        )
        if who == "approver":
            assert answer.status_code == 302
            assert snapshot(case)["state"] == "credited"
        else:
            assert answer.status_code == 403
            assert snapshot(case) == before

    def test_without_javascript_issuing_asks_for_a_ticked_confirmation(self, web: Web, make, cast):
        case = case_with_memo(make, cast, "approved")
        before = snapshot(case)
        page = text(web(cast.approver).get(f"/disputes/{case.ref}"))
        assert "I confirm issuing USD" in section(page, "case-credit")  # a box to tick
        answer = web(cast.approver).post(f"/credit-memos/{memo_of(case).id}/issue")
        assert answer.status_code == 422 and snapshot(case) == before
        assert "Tick the box to confirm issuing this credit" in text(answer)

    def test_issuing_numbers_the_memo_and_the_header_shows_it(self, web: Web, make, cast):
        case = case_with_memo(make, cast, "approved")
        answer = web(cast.approver).post(
            f"/credit-memos/{memo_of(case).id}/issue", data={"version": case.version}, headers=HX
        )
        assert answer.status_code == 200
        number = memo_of(case).number
        assert re.fullmatch(rf"CM-{utcnow().year}-000001", number)
        assert f"Issued credit memo {number}." in text(answer)
        header = text(web(cast.viewer).get(f"/disputes/{case.ref}/header", headers=HX))
        assert "state-credited" in header and number in header

    def test_a_stale_issue_answers_inside_the_credit_panel_not_as_a_second_actions_area(
        self, web: Web, make, cast
    ):
        case = case_with_memo(make, cast, "approved")
        stale = case.version
        web(cast.lead).post(f"/disputes/{case.ref}/comments", data={"body": "meanwhile"})
        before = snapshot(case)
        answer = web(cast.approver).post(
            f"/credit-memos/{memo_of(case).id}/issue", data={"version": stale}, headers=HX
        )
        assert answer.status_code == 409
        assert text(answer).lstrip().startswith('<section id="case-credit"')
        assert 'id="case-actions"' not in text(answer)
        assert "changed this case" in text(answer) and "nothing was saved" in text(answer)
        assert snapshot(case) == before

    def test_issuing_twice_issues_once(self, web: Web, make, cast):
        case = case_with_memo(make, cast, "issued")
        before = snapshot(case)
        answer = web(cast.approver).post(f"/credit-memos/{memo_of(case).id}/issue", headers=HX)
        assert answer.status_code == 409
        assert "Cannot issue_credit a case that is credited" in text(answer)
        assert snapshot(case) == before


class TestFreshLogin:
    """Approving and issuing need the password entered in the last 15 minutes."""

    @pytest.mark.parametrize("route", ["approvals", "issue", "trigger"])
    def test_a_stale_session_is_sent_to_sign_in_again_and_back_to_the_case(
        self, web: Web, make, cast, route
    ):
        case = case_with_memo(make, cast, "approved" if route != "approvals" else "pending")
        before = snapshot(case)
        path, data = {
            "approvals": (decide_path(case), {"decision": "approve"}),
            "issue": (f"/credit-memos/{memo_of(case).id}/issue", {}),
            "trigger": (f"/disputes/{case.ref}/trigger", {"trigger": "issue_credit"}),
        }[route]
        page = f"http://localhost/disputes/{case.ref}"
        answer = web.stale(cast.approver).post(
            path, data=data, headers={**HX, "HX-Current-URL": page}
        )
        assert answer.status_code == 401
        assert answer.headers["HX-Redirect"] == f"/login?next=/disputes/{case.ref}"
        assert snapshot(case) == before

    def test_without_javascript_the_password_is_asked_on_a_page_that_keeps_the_comment(
        self, web: Web, make, cast
    ):
        case = case_with_memo(make, cast)
        client = web.stale(cast.lead)
        sent = {"decision": "approve", "comment": "IO confirms 4.20"}
        asked = client.post(decide_path(case), data=sent)
        assert asked.status_code == 200 and "Confirm it is you" in text(asked)
        assert f'action="{decide_path(case)}"' in text(asked)
        assert '<input type="hidden" name="comment" value="IO confirms 4.20">' in text(asked)
        assert snapshot(case)["memos"] == [("pending_approval", None)]

        wrong = client.post(decide_path(case), data={**sent, "stepup_password": "nope"})
        assert "That password is not right" in text(wrong)
        assert snapshot(case)["memos"] == [("pending_approval", None)]

        done = client.post(decide_path(case), data={**sent, "stepup_password": PASSWORD})
        assert done.status_code == 302 and snapshot(case)["memos"] == [("approved", None)]

    def test_signing_in_again_brings_the_person_back_and_lets_them_approve(
        self, web: Web, make, cast
    ):
        case = case_with_memo(make, cast)
        client = web.stale(cast.lead)
        client.post(decide_path(case), data={"decision": "approve"}, headers=HX)
        login = client.get(f"/login?next=/disputes/{case.ref}")
        assert "Sign in again to confirm it is you." in text(login)
        assert f'value="{cast.lead.email}"' in text(login)  # they only type the password
        back = client.post(
            f"/login?next=/disputes/{case.ref}",
            data={"email": cast.lead.email, "password": PASSWORD},
        )
        assert back.headers["Location"] == f"/disputes/{case.ref}"
        answer = client.post(decide_path(case), data={"decision": "approve"}, headers=HX)
        assert answer.status_code == 200 and snapshot(case)["memos"] == [("approved", None)]

    def test_in_the_page_the_password_is_asked_in_place_and_the_approval_keeps_its_comment(
        self, web: Web, make, cast
    ):
        case = case_with_memo(make, cast)
        client = web.stale(cast.lead)
        area = {**HX, "HX-Target": "case-credit"}
        sent = {"decision": "approve", "comment": "IO confirms 4.20"}
        asked = client.post(decide_path(case), data=sent, headers=area)
        assert asked.status_code == 200 and asked.headers["HX-Retarget"] == "#case-credit"
        assert 'name="stepup_password"' in text(asked)
        assert '<input type="hidden" name="comment" value="IO confirms 4.20">' in text(asked)
        assert snapshot(case)["memos"] == [("pending_approval", None)]

        wrong = client.post(decide_path(case), data={**sent, "stepup_password": "nope"},
                            headers=area)  # fmt: skip
        assert "That password is not right" in text(wrong)
        assert snapshot(case)["memos"] == [("pending_approval", None)]

        done = client.post(decide_path(case), data={**sent, "stepup_password": PASSWORD},
                           headers=area)  # fmt: skip
        assert done.status_code == 200 and snapshot(case)["memos"] == [("approved", None)]
        assert "IO confirms 4.20" in text(done)
        # the page's notice of the fresh-login window moves on without a reload
        assert "X-Fresh-Until" not in asked.headers and "X-Fresh-Until" not in wrong.headers
        assert int(done.headers["X-Fresh-Until"]) >= time.time() + FRESH_SECONDS - 5

    def test_a_login_of_14_minutes_ago_is_still_fresh(self, web: Web, make, cast):
        case = case_with_memo(make, cast)
        client = web(cast.lead)
        with client.session_transaction() as session:
            session[SIGNED_IN_AT] = int(time.time()) - FRESH_SECONDS + 60
        answer = client.post(decide_path(case), data={"decision": "approve"}, headers=HX)
        assert answer.status_code == 200

    def test_a_stale_session_still_reads_and_comments(self, web: Web, make, cast):
        case = case_with_memo(make, cast)
        client = web.stale(cast.lead)
        assert client.get(f"/disputes/{case.ref}").status_code == 200
        answer = client.post(f"/disputes/{case.ref}/comments", data={"body": "looking"})
        assert answer.status_code == 302 and answer.headers["Location"] == f"/disputes/{case.ref}"


class TestTheMemoPage:
    @pytest.mark.parametrize("who", ROLES)
    def test_everyone_who_sees_the_case_opens_the_issued_memo(self, web: Web, make, cast, who):
        case = case_with_memo(make, cast, "issued")
        memo = memo_of(case)
        answer = web(role(cast, who)).get(f"/credit-memos/{memo.id}")
        assert answer.status_code == 200
        page = text(answer)
        for shown in (memo.number, "USD 400.00", case.advertiser.name, case.invoice.number,
                      cast.approver.name, cast.approver.email, "rate correction"):  # fmt: skip
            assert shown in page, shown

    @pytest.mark.parametrize("outsider", OUTSIDERS)
    def test_a_memo_of_another_account_or_team_is_not_found(self, web: Web, make, cast, outsider):
        case = case_with_memo(make, cast, "issued")
        answer = web(getattr(cast, outsider)).get(f"/credit-memos/{memo_of(case).id}")
        assert answer.status_code == 404

    @pytest.mark.parametrize("stage", ["pending", "approved"])
    def test_a_memo_not_issued_yet_is_no_document(self, web: Web, make, cast, stage):
        case = case_with_memo(make, cast, stage)
        assert web(cast.approver).get(f"/credit-memos/{memo_of(case).id}").status_code == 404

    def test_an_unknown_memo_is_not_found_and_signed_out_goes_to_login(self, web: Web, cast):
        assert web(cast.approver).get("/credit-memos/999999").status_code == 404
        answer = web(None).get("/credit-memos/1")
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")

    def test_it_prints_without_the_navigation(self, web: Web, app, make, cast):
        case = case_with_memo(make, cast, "issued")
        page = text(web(cast.lead).get(f"/credit-memos/{memo_of(case).id}"))
        assert 'class="page-head no-print"' in page and "data-print" in page
        css = (app.static_folder + "/app.css", "@media print")
        with open(css[0]) as handle:
            rules = handle.read().split(css[1])[1]
        assert ".topbar" in rules and ".no-print" in rules
