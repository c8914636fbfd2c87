"""Credits decided line by line, capped by what each line billed, on frozen numbers."""

from datetime import date

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import Contract, DeliveryRecord, Event
from tests.api.helpers import assert_problem, case_snapshot, stored_counts

RESOLVE = {"outcome": "credit_partial", "root_cause": "rate_card_error", "note": "rate was wrong",
           "gl_reason": "rate_correction"}  # fmt: skip


def file_on_lines(api, cast, invoice, *lines: tuple[int, str]):  # noqa: ANN201
    total = sum(int(a.replace(".", "")) for _, a in lines)
    return api(cast.integration).post("/disputes", {
        "invoice_number": invoice.number, "reason_code": "other", "description": "overbilled",
        "disputed_amount": f"{total // 100}.{total % 100:02d}", "currency": invoice.currency,
        "lines": [{"line_no": n, "amount": a} for n, a in lines],
    })  # fmt: skip


def under_investigation(api, cast, invoice, *lines: tuple[int, str]) -> str:
    filed = file_on_lines(api, cast, invoice, *lines)
    assert filed.status_code == 201, filed.get_json()
    ref = filed.get_json()["ref"]
    api(cast.lead).post(f"/disputes/{ref}/assign", {"assignee": cast.analyst.email})
    assert api(cast.analyst).fire(ref, "start").status_code == 200
    return ref


def credits(*lines: tuple[int, str]) -> list[dict]:
    return [{"line_no": n, "amount": a} for n, a in lines]


def resolve(api, cast, ref: str, *lines: tuple[int, str], **fields):  # noqa: ANN201
    return api(cast.analyst).fire(ref, "resolve", **RESOLVE, line_credits=credits(*lines), **fields)


def credited(api, cast, ref: str, *lines: tuple[int, str]) -> dict:
    """Resolve with these line credits, approve and issue; return the issued memo."""
    answer = api(cast.analyst).fire(ref, "resolve", **RESOLVE, line_credits=credits(*lines))
    assert answer.status_code == 200, answer.get_json()
    memo = api(cast.analyst).get(f"/disputes/{ref}/credit-memo").get_json()
    approved = api(cast.approver).post(f"/credit-memos/{memo['id']}/approvals",
                                       {"decision": "approve"})  # fmt: skip
    assert approved.status_code == 201, approved.get_json()
    assert api(cast.approver).fire(ref, "issue_credit").status_code == 200
    return api(cast.analyst).get(f"/disputes/{ref}/credit-memo").get_json()


def priced(invoice, contract_rate: int, delivered: int = 1000, invalid: int = 0) -> None:
    """Give the invoice's advertiser a contract and each line its delivery (1,000 units billed)."""
    db.session.add(Contract(
        advertiser_id=invoice.advertiser_id, reference=f"IO-{invoice.number}", product="display",
        rate_micros=contract_rate * 10_000, discount_bp=0, effective_from=date(2026, 1, 1),
        effective_to=date(2026, 12, 31),
    ))  # fmt: skip
    for line in invoice.lines:
        db.session.add(DeliveryRecord(
            campaign_ref=line.campaign_ref, period_start=invoice.period_start,
            period_end=invoice.period_end, delivered_units=delivered, invalid_units=invalid,
        ))  # fmt: skip
    db.session.commit()


class TestCaps:
    def test_a_line_credited_799_of_850_can_no_longer_be_credited_850(self, api, cast, make):
        invoice = make.invoice(cast.advertiser, amounts=(85_000, 30_000))
        first = under_investigation(api, cast, invoice, (1, "850.00"))
        memo = credited(api, cast, first, (1, "799.00"))
        assert memo["amount"] == "799.00"

        before = stored_counts()
        again = assert_problem(file_on_lines(api, cast, invoice, (1, "850.00")), 422)
        assert "51.00" in again["errors"]["lines"] and memo["number"] in again["errors"]["lines"]
        assert stored_counts() == before

        second = under_investigation(api, cast, invoice, (1, "51.00"))
        refused = api(cast.analyst).fire(second, "resolve", **RESOLVE,
                                         line_credits=credits((1, "850.00")))  # fmt: skip
        assert_problem(refused, 422)
        remaining = api(cast.analyst).get(f"/disputes/{second}/credit-lines").get_json()
        assert remaining["lines"][0]["left"] == "51.00"
        assert remaining["lines"][0]["credited_before"] == [
            {"memo": memo["number"], "dispute": first, "amount": "799.00", "status": "issued"}
        ]

    def test_what_is_pending_counts_against_the_line_too(self, api, cast, make):
        invoice = make.invoice(cast.advertiser, amounts=(85_000, 30_000))
        first = under_investigation(api, cast, invoice, (1, "850.00"))
        answer = api(cast.analyst).fire(first, "resolve", **RESOLVE,
                                        line_credits=credits((1, "600.00")))  # fmt: skip
        assert answer.status_code == 200
        # The first dispute is resolved (not open), its memo awaits approval: 250.00 is left.
        assert_problem(file_on_lines(api, cast, invoice, (1, "300.00")), 422)
        assert file_on_lines(api, cast, invoice, (1, "250.00")).status_code == 201


class TestLineCredits:
    @pytest.fixture
    def ref(self, api, cast, make):
        invoice = make.invoice(cast.advertiser, amounts=(85_000, 30_000))
        return under_investigation(api, cast, invoice, (1, "300.00"), (2, "200.00"))

    def test_the_memo_is_the_sum_of_the_approved_line_amounts(self, api, cast, ref):
        answer = api(cast.analyst).fire(
            ref, "resolve", **RESOLVE, line_credits=credits((1, "250.00"), (2, "100.00"))
        )
        assert answer.status_code == 200, answer.get_json()
        memo = api(cast.viewer).get(f"/disputes/{ref}/credit-memo").get_json()
        assert memo["amount"] == "350.00"
        rows = [(x["line_no"], x["billed"], x["disputed"], x["approved"]) for x in memo["lines"]]
        assert rows == [
            (1, "850.00", "300.00", "250.00"),
            (2, "300.00", "200.00", "100.00"),
        ]

    @pytest.mark.parametrize("lines, field, says", [
        ([(1, "350.00"), (2, "100.00")], "line_credits", "line 1"),  # above what line 1 disputes
        ([(3, "10.00")], "line_credits", "line 3"),  # not a disputed line
        ([(1, "-5.00")], "line_credits[0].amount", "must match"),  # the schema refuses the sign
        ([(1, "10.00"), (1, "20.00")], "line_credits", "once"),
    ])  # fmt: skip
    def test_a_bad_line_credit_is_refused_and_changes_nothing(
        self, api, cast, ref, lines, field, says
    ):
        before = stored_counts(), case_snapshot(ref)
        answer = api(cast.analyst).fire(ref, "resolve", **RESOLVE, line_credits=credits(*lines))
        problem = assert_problem(answer, 422)
        assert says in problem["errors"][field]
        assert (stored_counts(), case_snapshot(ref)) == before

    def test_a_credit_amount_that_is_not_the_sum_of_the_lines_is_refused(self, api, cast, ref):
        answer = api(cast.analyst).fire(
            ref,
            "resolve",
            **RESOLVE,
            credit_amount="400.00",
            line_credits=credits((1, "250.00"), (2, "100.00")),
        )
        assert "350.00" in assert_problem(answer, 422)["errors"]["credit_amount"]

    def test_a_full_credit_without_line_amounts_credits_each_disputed_line(self, api, cast, ref):
        answer = api(cast.analyst).fire(ref, "resolve", **(RESOLVE | {"outcome": "credit_full"}))
        assert answer.status_code == 200, answer.get_json()
        memo = api(cast.viewer).get(f"/disputes/{ref}/credit-memo").get_json()
        assert memo["amount"] == "500.00"
        assert [x["approved"] for x in memo["lines"]] == ["300.00", "200.00"]


class TestAboveTheProposal:
    @pytest.fixture
    def ref(self, api, cast, make):
        invoice = make.invoice(cast.advertiser, amounts=(85_000, 30_000))
        priced(invoice, contract_rate=80_000)  # line 1 expected 800.00: 50.00 overbilled
        return under_investigation(api, cast, invoice, (1, "100.00"))

    def test_the_proposal_is_what_the_comparison_says_was_overbilled(self, api, cast, ref):
        lines = api(cast.analyst).get(f"/disputes/{ref}/credit-lines").get_json()["lines"]
        assert (lines[0]["expected"], lines[0]["proposed"]) == ("800.00", "50.00")

    def test_a_credit_above_the_proposal_needs_a_justification(self, api, cast, ref):
        before = stored_counts(), case_snapshot(ref)
        answer = resolve(api, cast, ref, (1, "60.00"))
        assert "justification" in assert_problem(answer, 422)["errors"]
        assert (stored_counts(), case_snapshot(ref)) == before

    def test_a_justified_credit_above_the_proposal_needs_one_tier_more(self, api, cast, ref):
        answer = resolve(api, cast, ref, (1, "60.00"), justification="make-good agreed")
        assert answer.status_code == 200, answer.get_json()
        memo = api(cast.analyst).get(f"/disputes/{ref}/credit-memo").get_json()
        assert memo["above_proposal"] and memo["justification"].startswith("make-good")
        assert "standard" in memo["rule"] and "above the proposal" in memo["rule"]
        refused = api(cast.lead).post(f"/credit-memos/{memo['id']}/approvals",
                                      {"decision": "approve"})  # fmt: skip
        assert "above the proposal" in assert_problem(refused, 403)["rule"]
        assert cast.lead.email not in memo["may_approve"]

    def test_a_credit_within_the_proposal_stays_in_its_tier(self, api, cast, ref):
        answer = resolve(api, cast, ref, (1, "50.00"))
        assert answer.status_code == 200, answer.get_json()
        memo = api(cast.analyst).get(f"/disputes/{ref}/credit-memo").get_json()
        assert not memo["above_proposal"] and "small" in memo["rule"]


class TestFrozenComparison:
    def test_a_decided_case_keeps_the_numbers_it_was_decided_on(self, api, cast, make):
        invoice = make.invoice(cast.advertiser, amounts=(85_000, 30_000))
        priced(invoice, contract_rate=80_000)
        ref = under_investigation(api, cast, invoice, (1, "100.00"))
        resolve(api, cast, ref, (1, "50.00"))

        contract = db.session.scalars(db.select(Contract)).one()
        contract.rate_micros = 700_000_000  # someone edits the contract after the decision
        db.session.commit()
        memo = api(cast.viewer).get(f"/disputes/{ref}/credit-memo").get_json()
        frozen = memo["comparison"]["lines"][0]
        assert (frozen["expected"], frozen["proposed"], frozen["approved"]) == (
            "800.00", "50.00", "50.00"
        )  # fmt: skip
        assert frozen["contract"]["id"] == contract.id
        assert memo["changed_since"] == [
            {"line_no": 1, "field": "expected", "frozen": "800.00", "now": "700.00"},
            {"line_no": 1, "field": "proposed", "frozen": "50.00", "now": "100.00"},
        ]
        event = db.session.scalars(
            db.select(Event).where(Event.type == "credit_memo_prepared")
        ).one()
        assert event.data["comparison"] == memo["comparison"]


def test_may_approve_names_only_people_who_can_see_the_memo(api, cast, make):
    make.user("lead", cast.other_team, approval_limit=100_000)  # another team's lead
    invoice = make.invoice(cast.advertiser, amounts=(85_000, 30_000))
    ref = under_investigation(api, cast, invoice, (1, "100.00"))
    api(cast.analyst).fire(ref, "resolve", **RESOLVE, line_credits=credits((1, "40.00")))
    memo = api(cast.analyst).get(f"/disputes/{ref}/credit-memo").get_json()
    assert set(memo["may_approve"]) == {cast.lead.email, cast.approver.email}
