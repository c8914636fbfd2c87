"""Per-line credits, frozen numbers and reversals on the dispute page."""

import re

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import Contract
from tests.api.helpers import Api
from tests.api.test_api_line_credits import priced
from tests.factories import Cast
from tests.web.helpers import HX, Web, case_with_memo, memo_of, section, snapshot, table_rows, text
from tests.web.test_credit_panel import ROLES, role

RESOLVE = {"trigger": "resolve", "outcome": "credit_partial", "root_cause": "rate_card_error",
           "note": "rate was wrong", "gl_reason": "rate_correction"}  # fmt: skip


@pytest.fixture
def case(make, cast):
    """A case disputing 100.00 on a line billed 850.00 whose contract says 800.00."""
    from disputedesk.app.services.assignment import assign
    from disputedesk.app.services.filing import Filing, file_dispute
    from disputedesk.app.services.triggers import fire_trigger

    invoice = make.invoice(cast.advertiser, amounts=(85_000, 30_000))
    priced(invoice, contract_rate=80_000)
    filing = Filing(invoice_number=invoice.number, reason_code="other", description="overbilled",
                    disputed_amount="100.00", currency="USD", lines=((1, "100.00"),))  # fmt: skip
    dispute = file_dispute(cast.integration, filing)
    assign(dispute.ref, cast.lead, cast.analyst.email)
    fire_trigger(dispute.ref, cast.analyst, "start", {})
    return dispute


def actions(web: Web, user, case) -> str:  # noqa: ANN001
    return text(web(user).get(f"/disputes/{case.ref}/actions", headers=HX))


class TestResolveForm:
    def test_each_disputed_line_is_offered_prefilled_with_the_proposal(self, web: Web, cast, case):
        form = actions(web, cast.analyst, case)
        table = [r for r in table_rows(form) if r and r[0].startswith("Line 1")]
        assert table and table[0][1:6] == ["850.00", "800.00", "100.00", "50.00", "850.00"]
        assert 'name="line_credit_1"' in form and 'value="50.00"' in form
        assert 'name="justification"' in form
        # the memo amount is the lines' sum when left empty; the script shows the proposal
        assert re.search(r'name="credit_amount"[^>]*value=""[^>]*data-proposed="50.00"', form)
        assert "The comparison proposes USD 50.00" in form

    def test_the_form_sent_as_offered_resolves_with_the_proposal(self, web: Web, cast, case):
        form = actions(web, cast.analyst, case)
        sent = dict(re.findall(r'name="(credit_amount|line_credit_1)"[^>]*value="([^"]*)"', form))
        answer = web(cast.analyst).post(f"/disputes/{case.ref}/trigger", headers=HX,
                                        data=RESOLVE | sent)  # fmt: skip
        assert answer.status_code == 200, text(answer)
        assert case.credit_memos[-1].amount == 5_000

    def test_a_credit_above_the_proposal_without_justification_is_refused_inline(
        self, web: Web, cast, case
    ):
        before = snapshot(case)
        answer = web(cast.analyst).post(f"/disputes/{case.ref}/trigger", headers=HX,
                                        data=RESOLVE | {"line_credit_1": "60.00"})  # fmt: skip
        assert answer.status_code == 422
        assert "needs a written justification" in text(answer)
        assert snapshot(case) == before

    def test_the_memo_panel_shows_each_line_as_decided(self, web: Web, cast, case):
        data = RESOLVE | {"line_credit_1": "60.00", "justification": "make-good agreed"}
        answer = web(cast.analyst).post(f"/disputes/{case.ref}/trigger", headers=HX, data=data)
        assert answer.status_code == 200, text(answer)
        panel = text(web(cast.viewer).get(f"/disputes/{case.ref}/credit", headers=HX))
        line = [r for r in table_rows(panel) if r and r[0] == "Line 1"][0]
        assert line[2:] == ["850.00", "800.00", "100.00", "50.00", "60.00"]
        assert "make-good agreed" in panel and "above the proposal" in panel

    def test_a_decided_case_says_when_the_data_changed_since(self, web: Web, cast, case):
        web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger", data=RESOLVE | {"line_credit_1": "50.00"}
        )
        contract = db.session.scalars(db.select(Contract)).one()
        contract.rate_micros = 700_000_000
        db.session.commit()
        panel = text(web(cast.viewer).get(f"/disputes/{case.ref}/credit", headers=HX))
        assert "The data changed since this decision" in panel
        assert "expected 800.00 → 700.00" in panel
        line = [r for r in table_rows(panel) if r and r[0] == "Line 1"][0]
        assert line[3] == "800.00"  # the frozen number stays


def reverse_path(case) -> str:  # noqa: ANN001
    return f"/credit-memos/{memo_of(case).id}/reversal"


class TestReversing:
    def test_an_approver_is_offered_the_reversal_with_a_confirmation(self, web: Web, make, cast):
        case = case_with_memo(make, cast, "issued")
        panel = section(text(web(cast.approver).get(f"/disputes/{case.ref}")), "case-credit")
        assert 'data-trigger="reverse_credit"' in panel and 'name="confirm"' in panel

    def test_without_the_confirmation_nothing_is_reversed(self, web: Web, make, cast):
        case = case_with_memo(make, cast, "issued")
        before = snapshot(case)
        answer = web(cast.approver).post(reverse_path(case), headers=HX,
                                         data={"reason": "wrong invoice"})  # fmt: skip
        assert answer.status_code == 422 and "Tick the box to confirm" in text(answer)
        assert snapshot(case) == before

    def test_a_confirmed_reversal_names_its_number_and_reopens_the_case(self, web: Web, make, cast):
        case = case_with_memo(make, cast, "issued")
        number = memo_of(case).number
        answer = web(cast.approver).post(
            reverse_path(case), headers=HX, data={"reason": "wrong invoice", "confirm": "yes"}
        )
        assert answer.status_code == 200, text(answer)
        assert f"Reversed {number} by RV-" in text(answer)
        assert snapshot(case)["state"] == "investigating"
        panel = text(web(cast.viewer).get(f"/disputes/{case.ref}/credit", headers=HX))
        assert "Reversed by RV-" in panel and "wrong invoice" in panel

    @pytest.mark.parametrize("who", [*ROLES, "analyst2"])
    def test_only_an_approver_or_the_teams_lead_reverses(self, web: Web, make, cast: Cast, who):
        case = case_with_memo(make, cast, "issued")
        before = snapshot(case)
        answer = web(role(cast, who)).post(
            reverse_path(case), data={"reason": "wrong invoice", "confirm": "yes"}
        )
        if who in ("approver", "lead"):
            assert answer.status_code == 302
            assert snapshot(case)["state"] == "investigating"
        else:
            assert answer.status_code == 403
            assert snapshot(case) == before

    @pytest.mark.parametrize("outsider", ["other_viewer", "other_lead", "other_analyst"])
    def test_a_case_of_another_team_or_account_cannot_be_reversed(
        self, web: Web, make, cast, outsider
    ):
        case = case_with_memo(make, cast, "issued")
        before = snapshot(case)
        answer = web(getattr(cast, outsider)).post(
            reverse_path(case), data={"reason": "x", "confirm": "yes"}
        )
        assert answer.status_code == 404  # as for a case that does not exist
        assert snapshot(case) == before

    def test_signed_out_goes_to_the_login_page(self, web: Web, make, cast):
        case = case_with_memo(make, cast, "issued")
        answer = web(None).post(reverse_path(case), data={"reason": "x", "confirm": "yes"})
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]


@pytest.mark.parametrize(("who", "reads"), [("viewer", False), ("lead", True), ("analyst", True)])
def test_approvers_comments_are_not_shown_to_sales_and_cs(web: Web, client, make, cast, who, reads):
    api = Api(client, make)
    case = case_with_memo(make, cast, "approved")  # approved with "Matches the IO."
    user = getattr(cast, who)
    panel = text(web(user).get(f"/disputes/{case.ref}/credit", headers=HX))
    memo = api(user).get(f"/disputes/{case.ref}/credit-memo").get_json()
    assert ("Matches the IO." in panel) is reads
    assert (memo["approvals"][0]["comment"] == "Matches the IO.") is reads


def test_the_printable_memo_lists_each_credited_line_and_any_reversal(web: Web, make, cast):
    case = case_with_memo(make, cast, "issued", credit="400.00")
    memo = memo_of(case)
    page = text(web(cast.viewer).get(f"/credit-memos/{memo.id}"))
    line = [r for r in table_rows(page) if r and r[0].startswith("Line 1")][0]
    assert line[1:] == ["5000.00", "—", "5000.00", "400.00"]
    web(cast.approver).post(reverse_path(case), data={"reason": "wrong invoice", "confirm": "yes"})
    assert "Reversed by RV-" in text(web(cast.viewer).get(f"/credit-memos/{memo.id}"))
