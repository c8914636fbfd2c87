"""Every web parameter goes through one parser: odd input is a clear 4xx that changes nothing."""

import base64
import json

import pytest

from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.errors import InvalidInput
from tests.factories import PASSWORD
from tests.web.helpers import HX, Web, snapshot, text


def token(*values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


HUGE_ID = token("2026-11-02T15:00:00+00:00", "P1", "2026-11-02T15:00:00+00:00", 10**30)
# Each address a person could open with a value the database cannot take, and what it names.
ODD_ADDRESSES = [
    ("viewer", "/track?q=%00", "q: must not contain NUL characters"),
    ("viewer", "/track?q=a%01b", "q: must not contain control characters"),
    ("viewer", f"/track?q={'x' * 201}", "q: at most 200 characters"),
    ("lead", "/team?assignee=%C2%B2", "assignee: a whole number"),
    ("lead", "/team?assignee=99999999999999999999", "assignee: a whole number"),
    ("lead", "/team?advertiser=%00", "advertiser: must not contain NUL characters"),
    ("analyst", f"/queue?after={HUGE_ID}", None),
    ("analyst", "/queue?after=%00", None),
    ("analyst", "/disputes/new/invoices?advertiser=%C2%B2", "advertiser: a whole number"),
    ("analyst", "/disputes/new/lines?invoice_number=%00", "invoice_number: must not contain NUL"),
    ("lead", "/reports/credits.csv?month=9999-12", None),
]


@pytest.mark.parametrize(("who", "address", "named"), ODD_ADDRESSES)
def test_an_address_holding_an_odd_value_is_a_bad_request_that_says_which(
    web: Web, cast, who, address, named
):
    answer = web(cast.by_role()[who]).get(address)
    assert answer.status_code == 400
    if named:
        assert named in text(answer)


def test_a_month_past_the_books_is_refused_beside_the_month_field(web: Web, cast):
    answer = web(cast.lead).get("/reports?month=9999-12")
    assert answer.status_code == 422
    assert "Choose a month such as 2026-11." in text(answer)


def test_a_nul_in_the_login_email_is_refused_and_signs_no_one_in(client, make):
    cast = make.cast()
    answer = client.post(
        "/login", data={"email": f"{cast.analyst.email}\x00", "password": PASSWORD}
    )
    assert answer.status_code == 422
    assert "Must not contain NUL characters." in text(answer)
    assert client.get("/").status_code == 302


class TestTriggerForms:
    @pytest.fixture
    def case(self, make, cast):
        return make.dispute(cast, "investigating", assignee=cast.analyst)

    @pytest.mark.parametrize("version", ["²", "99999999999999999999", "-1"])
    def test_a_version_that_is_no_number_is_refused_in_the_actions_area(
        self, web: Web, cast, case, version
    ):
        before = snapshot(case)
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger",
            data={"trigger": "escalate", "reason": "late", "version": version},
            headers=HX,
        )
        assert answer.status_code == 422
        assert 'id="case-actions"' in text(answer) and "reload the case" in text(answer)
        assert snapshot(case) == before

    @pytest.mark.parametrize("field", ["reason", "note"])
    def test_a_nul_in_a_note_is_refused_beside_it_and_nothing_is_stored(
        self, web: Web, cast, case, field
    ):
        trigger = "escalate" if field == "reason" else "request_info"
        before = snapshot(case)
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger",
            data={"trigger": trigger, field: "late\x00", "version": case.version},
            headers=HX,
        )
        assert answer.status_code == 422
        assert "must not contain nul characters" in text(answer).lower()
        assert snapshot(case) == before

    def test_the_service_refuses_a_nul_in_a_note_whoever_calls_it(self, cast, case):
        before = snapshot(case)
        with pytest.raises(InvalidInput) as refused:
            fire_trigger(case.ref, cast.analyst, "escalate", {"reason": "late\x00"})
        assert refused.value.errors == {"reason": "must not contain NUL characters"}
        assert snapshot(case) == before

    def test_a_note_over_ten_thousand_characters_is_refused(self, web: Web, cast, case):
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger",
            data={"trigger": "escalate", "reason": "x" * 10_001},
            headers=HX,
        )
        assert answer.status_code == 422
        assert "at most 10,000 characters" in text(answer).lower()


def test_a_filing_naming_a_line_that_is_no_number_is_refused_beside_the_lines(web: Web, cast):
    answer = web(cast.analyst).post("/disputes/new", data={"lines": "²", "reason_code": "other"})
    assert answer.status_code == 422
    assert "a whole number" in text(answer).lower()
