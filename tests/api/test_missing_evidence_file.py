"""A stored evidence file that storage has lost (a restore without it, a hand deletion) is
refused clearly wherever it is asked for, never a 500, and the check command names it."""

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Event, Evidence
from disputedesk.app.services.evidence import store
from tests.api.helpers import assert_problem
from tests.web.helpers import Web


@pytest.fixture
def lost(make, cast):
    """A case with its evidence, one file of which storage no longer has."""
    case = make.dispute(cast, "investigating", assignee=cast.analyst, reason="rate_mismatch")
    make.required_evidence(case, cast.analyst)
    item = db.session.scalar(select(Evidence).where(Evidence.dispute_id == case.id))
    store()._path(item.storage_key).unlink()
    return case, item


def _downloads(case) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(Event).where(
        Event.dispute_id == case.id, Event.type == "evidence_downloaded"))  # fmt: skip


def test_the_api_answers_a_problem_document_and_records_no_download(api, cast, lost):
    case, item = lost
    answer = api(cast.analyst).get(f"/evidence/{item.id}/download")
    assert_problem(answer, 410)
    assert "flask evidence check" in answer.get_json()["detail"]
    assert _downloads(case) == 0


def test_the_web_answers_an_error_page_saying_so(app, cast, lost):
    _, item = lost
    answer = Web(app)(cast.analyst).get(f"/evidence/{item.id}/download")
    assert answer.status_code == 410
    assert "missing from storage" in answer.get_data(as_text=True)


def test_the_audit_packet_still_answers_and_says_which_file_is_missing(api, cast, lost):
    case, item = lost
    answer = api(cast.lead).get(f"/disputes/{case.ref}/audit-packet")
    assert answer.status_code == 200
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(answer.data)).read("case.json"))["evidence"]
    assert [(m["sha256"], m["missing"]) for m in manifest if m.get("missing")] == [
        (item.sha256, True)
    ]  # fmt: skip


def test_the_check_command_names_each_missing_or_changed_file(app, make, cast, lost):
    _, item = lost
    runner = app.test_cli_runner()
    answer = runner.invoke(args=["evidence", "check"])
    assert answer.exit_code == 1 and f"missing: evidence {item.id} " in answer.output


def test_the_check_command_passes_when_every_file_is_there(app, make, cast):
    case = make.dispute(cast, "investigating", assignee=cast.analyst, reason="rate_mismatch")
    make.required_evidence(case, cast.analyst)
    answer = app.test_cli_runner().invoke(args=["evidence", "check"])
    assert answer.exit_code == 0 and answer.output.startswith("ok:")
