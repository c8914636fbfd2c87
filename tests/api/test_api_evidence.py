"""Evidence uploads: accepted types from content, refusals that leave nothing behind."""

import hashlib
import io
from pathlib import Path

import pytest
from flask import current_app

from tests import evidence_samples as samples
from tests.api.helpers import assert_problem, stored_counts


def upload(caller, ref: str, content: bytes, filename: str, kind="contract_excerpt", **extra):
    data = {"file": (io.BytesIO(content), filename, extra.pop("declared", None)), **extra}
    if kind is not None:
        data["kind"] = kind
    return caller.post(f"/disputes/{ref}/evidence", data=data, content_type="multipart/form-data")


def stored_files() -> list[Path]:
    root = Path(current_app.config["EVIDENCE_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def case(make, cast):
    return make.dispute(cast, "investigating")


@pytest.mark.parametrize("filename", list(samples.ACCEPTED))
def test_every_accepted_type_is_stored_with_its_hash_and_sniffed_type(api, cast, case, filename):
    build, content_type = samples.ACCEPTED[filename]
    content = build()
    answer = upload(api(cast.analyst), case.ref, content, filename, note="from the advertiser")
    assert answer.status_code == 201, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert (body["filename"], body["size"], body["content_type"]) == (
        filename, len(content), content_type,
    )  # fmt: skip
    download = api(cast.lead).get(f"/evidence/{body['id']}/download", buffered=True)
    assert download.status_code == 200 and download.data == content
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]
    assert filename in download.headers["Content-Disposition"]


REFUSALS = {
    "an executable renamed .pdf": (samples.executable, "invoice.pdf", None, 415),
    "HTML declared as image/png": (samples.html, "chart.png", "image/png", 415),
    "HTML named .txt": (samples.html, "notes.txt", "text/plain", 415),
    "a zip bomb named .xlsx": (samples.zip_bomb, "delivery.xlsx", None, 415),
    "a workbook that inflates a thousandfold": (samples.workbook_bomb, "delivery.xlsx", None, 415),
    "a PDF named .png": (samples.pdf, "chart.png", None, 415),
    "a PNG declared as application/pdf": (samples.png, "chart.png", "application/pdf", 415),
    "a path-traversal filename": (samples.pdf, "../../etc/passwd", None, 422),
    "an empty file": (lambda: b"", "empty.pdf", None, 422),
}


@pytest.mark.parametrize("case_name", list(REFUSALS))
def test_refused_uploads_leave_nothing_behind(api, cast, case, case_name):
    build, filename, declared, status = REFUSALS[case_name]
    rows, files = stored_counts(), stored_files()
    answer = upload(api(cast.analyst), case.ref, build(), filename, declared=declared)
    assert_problem(answer, status)
    assert stored_counts() == rows
    assert stored_files() == files


def test_a_missing_kind_is_refused(api, cast, case):
    rows = stored_counts()
    assert_problem(upload(api(cast.analyst), case.ref, samples.pdf(), "a.pdf", kind=None), 422)
    assert_problem(upload(api(cast.analyst), case.ref, samples.pdf(), "a.pdf", kind="gossip"), 422)
    assert stored_counts() == rows and stored_files() == []


def test_a_file_over_the_limit_is_refused_before_it_is_read(api, cast, case, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    big = b"%PDF-1.4\n" + b"0" * (26 * 1024 * 1024)
    assert len(big) > limit
    rows = stored_counts()
    body = (  # built by hand: the test client would spool a 26 MB file part to disk
        b'--B\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncontract_excerpt\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="huge.pdf"\r\n\r\n'
        + big
        + b"\r\n--B--\r\n"
    )
    answer = api(cast.analyst).post(
        f"/disputes/{case.ref}/evidence", data=body, content_type="multipart/form-data; boundary=B"
    )
    assert answer.status_code == 413
    assert stored_counts() == rows and stored_files() == []


def test_an_upload_just_over_the_evidence_limit_inside_the_body_limit_is_413(api, cast, case, app):
    old = app.config["MAX_EVIDENCE_BYTES"]
    app.config["MAX_EVIDENCE_BYTES"] = 1024
    try:
        answer = upload(api(cast.analyst), case.ref, samples.pdf() + b" " * 2048, "big.pdf")
    finally:
        app.config["MAX_EVIDENCE_BYTES"] = old
    assert_problem(answer, 413)
    assert stored_files() == []


def test_the_same_file_twice_is_recognised_and_stored_once(api, cast, case):
    first = upload(api(cast.analyst), case.ref, samples.pdf(), "io.pdf")
    again = upload(api(cast.lead), case.ref, samples.pdf(), "io-copy.pdf")
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert len(stored_files()) == 1
    listed = api(cast.analyst).get(f"/disputes/{case.ref}/evidence").get_json()["items"]
    assert [e["filename"] for e in listed] == ["io.pdf"]


def test_uploads_are_audited(api, cast, case):
    upload(api(cast.analyst), case.ref, samples.csv(), "delivery.csv", kind="delivery_report")
    events = api(cast.lead).get(f"/disputes/{case.ref}/events").get_json()["items"]
    added = [e for e in events if e["type"] == "evidence_added"]
    assert len(added) == 1 and added[0]["data"]["filename"] == "delivery.csv"


def test_downloads_are_audited_once_a_minute_per_person(api, cast, case):
    evidence = upload(api(cast.analyst), case.ref, samples.pdf(), "io.pdf").get_json()
    for _ in range(3):
        assert (
            api(cast.lead).get(f"/evidence/{evidence['id']}/download", buffered=True).status_code
            == 200
        )
    api(cast.analyst).get(f"/evidence/{evidence['id']}/download", buffered=True)
    events = api(cast.lead).get(f"/disputes/{case.ref}/events").get_json()["items"]
    downloads = [e["actor"] for e in events if e["type"] == "evidence_downloaded"]
    assert sorted(downloads) == sorted([cast.lead.email, cast.analyst.email])


def test_only_those_who_may_see_the_case_download(api, cast, case, client):
    evidence = upload(api(cast.analyst), case.ref, samples.pdf(), "io.pdf").get_json()
    path = f"/evidence/{evidence['id']}/download"
    assert (
        api(cast.viewer).get(path, buffered=True).status_code == 200
    )  # the account's own sales owner
    assert_problem(api(cast.other_viewer).get(path, buffered=True), 404)
    assert_problem(api(cast.other_lead).get(path, buffered=True), 404)
    assert api(None).get(path, buffered=True).status_code == 401


@pytest.mark.parametrize("role", ["viewer", "approver", "admin", "integration"])
def test_only_analysts_and_leads_upload(api, cast, case, role):
    answer = upload(api(cast.by_role()[role]), case.ref, samples.pdf(), "io.pdf")
    assert answer.status_code in (403, 404)
    assert stored_files() == []


def test_evidence_cannot_be_added_to_a_resolved_case(api, cast, make):
    resolved = make.dispute(cast, "resolved", reason="other")
    assert_problem(upload(api(cast.lead), resolved.ref, samples.pdf(), "late.pdf"), 409)
    assert stored_files() == []
