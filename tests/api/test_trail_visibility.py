"""Sales/CS read in the trail only what their other screens show them; billing reads it all."""

import io

import pytest

from disputedesk.app.services.comments import add_comment
from disputedesk.app.services.evidence import open_download, remove_evidence, upload_evidence
from disputedesk.app.services.triggers import fire_trigger
from tests import evidence_samples as samples
from tests.api.helpers import Api
from tests.web.helpers import Web


@pytest.fixture
def case(make, cast):
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst)
    kept, _ = upload_evidence(dispute.ref, cast.analyst, io.BytesIO(samples.csv()),
                              "delivery.csv", None, "delivery_report")  # fmt: skip
    gone, _ = upload_evidence(dispute.ref, cast.analyst, io.BytesIO(samples.pdf()),
                              "secret-margin.pdf", None, "other")  # fmt: skip
    _, stream = open_download(gone.id, cast.lead)
    stream.close()
    remove_evidence(gone.id, cast.analyst)
    add_comment(dispute.ref, cast.analyst, "our margin is thin here", "internal")
    add_comment(dispute.ref, cast.viewer, "agency confirms the IO", "account_team")
    fire_trigger(dispute.ref, cast.analyst, "escalate", {"reason": "ops keyed the wrong rate"})
    fire_trigger(dispute.ref, cast.lead, "deescalate", {"note": "rate card checked"})
    fire_trigger(dispute.ref, cast.analyst, "withdraw", {"note": "advertiser withdrew"})
    return dispute


def trail_text(api: Api, user, ref: str) -> str:
    answer = api(user).get(f"/disputes/{ref}/events")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


HIDDEN_FROM_SALES = [
    "secret-margin.pdf",  # a file removed from the case: name, hash and size
    "evidence_downloaded",  # who downloaded what
    "our margin is thin here",  # an internal comment
    "ops keyed the wrong rate",  # the escalation's reason
    "rate card checked",  # the de-escalation note
]
SHOWN_TO_SALES = ["delivery.csv", "agency confirms the IO", "advertiser withdrew", "escalated"]


@pytest.mark.parametrize("hidden", HIDDEN_FROM_SALES)
def test_sales_do_not_read_in_the_trail_what_their_screens_hide(api: Api, cast, case, hidden):
    assert hidden not in trail_text(api, cast.viewer, case.ref)


@pytest.mark.parametrize("shown", SHOWN_TO_SALES)
def test_sales_read_the_moves_account_notes_and_files_still_on_the_case(api, cast, case, shown):
    assert shown in trail_text(api, cast.viewer, case.ref)


@pytest.mark.parametrize("role", ["analyst", "lead", "approver", "admin"])
def test_the_billing_team_reads_the_whole_trail(api: Api, cast, case, role):
    body = trail_text(api, cast.by_role()[role], case.ref)
    assert all(text in body for text in HIDDEN_FROM_SALES)


def test_the_case_page_timeline_agrees_with_the_api(app, cast, case):
    page = Web(app)(cast.viewer).get(f"/disputes/{case.ref}/timeline").get_data(as_text=True)
    assert "secret-margin.pdf" not in page and "ops keyed the wrong rate" not in page
    assert "agency confirms the IO" in page


def test_reading_the_trail_leaves_the_stored_chain_untouched(app, api: Api, cast, case):
    trail_text(api, cast.viewer, case.ref)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
