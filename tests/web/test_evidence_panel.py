"""The evidence panel: its checklist, uploads and their refusals, downloads, removal."""

import io
import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Evidence
from disputedesk.app.services.evidence import remove_evidence, upload_evidence
from tests import evidence_samples as samples
from tests.factories import Cast, Factory
from tests.web.helpers import HX, Web, is_full_page, section, snapshot, text, triggers_offered
from tests.web.test_queue_queries import counted_queries

ROLES = ("analyst", "lead", "approver", "viewer", "admin")
UPLOADERS = frozenset({"analyst", "lead"})
OUTSIDERS = ("other_viewer", "other_lead", "other_analyst")


@pytest.fixture
def case(make: Factory, cast: Cast) -> Dispute:
    """Investigating, the analyst's, of the viewer's account; it needs a delivery report."""
    return make.dispute(cast, "investigating", assignee=cast.analyst, reason="delivery_shortfall")


def add_file(case: Dispute, user, content: bytes = b"", name: str = "delivery.csv", kind: str = "delivery_report") -> Evidence:  # fmt: skip  # noqa: E501
    evidence, _ = upload_evidence(
        case.ref, user, io.BytesIO(content or samples.csv()), name, None, kind
    )
    return evidence


def post_file(
    client, case: Dispute, content: bytes, name: str, kind: str = "delivery_report", **extra
):  # noqa: ANN001,ANN003,ANN201,E501
    data = {"file": (io.BytesIO(content), name), "kind": kind, "note": "from the ad server"}
    return client.post(f"/disputes/{case.ref}/evidence", data=data, **extra)


def stored_files(app: Flask) -> list[Path]:
    root = Path(app.config["EVIDENCE_DIR"])
    return [p for p in root.rglob("*") if p.is_file() and "incoming" not in p.parts]


def evidence_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence))


def role(cast: Cast, name: str):  # noqa: ANN201
    return cast.by_role().get(name) or getattr(cast, name)


class TestWhoMayUseEachRoute:
    @pytest.mark.parametrize("who", ROLES)
    def test_the_panel_opens_for_everyone_who_sees_the_case(self, web: Web, cast, case, who):
        answer = web(role(cast, who)).get(f"/disputes/{case.ref}/evidence", headers=HX)
        assert answer.status_code == 200
        assert text(answer).lstrip().startswith('<section id="case-evidence"')

    @pytest.mark.parametrize("who", ROLES)
    def test_only_analysts_and_leads_upload(self, web: Web, app, cast, case, who):
        before = snapshot(case)
        answer = post_file(web(role(cast, who)), case, samples.csv(), "delivery.csv")
        if who in UPLOADERS:
            assert (
                answer.status_code == 302 and answer.headers["Location"] == f"/disputes/{case.ref}"
            )
            assert snapshot(case)["evidence"] == before["evidence"] + 1
        else:
            assert answer.status_code == 403
            assert snapshot(case) == before and stored_files(app) == []

    @pytest.mark.parametrize("who", ROLES)
    def test_everyone_who_sees_the_case_downloads_as_an_attachment(self, web: Web, cast, case, who):
        evidence = add_file(case, cast.analyst)
        answer = web(role(cast, who)).get(f"/evidence/{evidence.id}/download", buffered=True)
        assert answer.status_code == 200
        assert answer.data == samples.csv()
        assert answer.headers["Content-Disposition"].startswith("attachment;")
        assert "delivery.csv" in answer.headers["Content-Disposition"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"

    @pytest.mark.parametrize("who", [*ROLES, "analyst2"])
    def test_only_the_uploader_or_the_lead_removes(self, web: Web, cast, case, who):
        evidence = add_file(case, cast.analyst)
        before = snapshot(case)
        answer = web(role(cast, who)).post(f"/evidence/{evidence.id}/remove")
        if who in ("analyst", "lead"):
            assert answer.status_code == 302
            assert snapshot(case)["removed"] == 1
        else:
            assert answer.status_code == 403
            assert snapshot(case) == before

    @pytest.mark.parametrize("outsider", OUTSIDERS)
    @pytest.mark.parametrize("route", ["panel", "upload", "download", "remove"])
    def test_a_case_of_another_account_or_team_is_not_found(
        self, web: Web, app, cast, case, outsider, route
    ):
        evidence = add_file(case, cast.analyst)
        client, before = web(getattr(cast, outsider)), snapshot(case)
        answer = {
            "panel": lambda: client.get(f"/disputes/{case.ref}/evidence"),
            "upload": lambda: post_file(client, case, samples.pdf(), "io.pdf"),
            "download": lambda: client.get(f"/evidence/{evidence.id}/download", buffered=True),
            "remove": lambda: client.post(f"/evidence/{evidence.id}/remove"),
        }[route]()
        assert answer.status_code == 404
        assert snapshot(case) == before and len(stored_files(app)) == 1

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("get", "/disputes/DSP-999999/evidence"),
            ("post", "/disputes/DSP-999999/evidence"),
            ("get", "/evidence/999999/download"),
            ("post", "/evidence/999999/remove"),
            ("get", "/evidence/99999999999999999999/download"),
            ("get", "/evidence/0/download"),
        ],
    )
    def test_what_does_not_exist_is_not_found(self, web: Web, cast, method, path):
        assert getattr(web(cast.lead), method)(path).status_code == 404

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("get", "/disputes/{ref}/evidence"),
            ("post", "/disputes/{ref}/evidence"),
            ("get", "/evidence/{id}/download"),
            ("post", "/evidence/{id}/remove"),
        ],
    )
    def test_someone_signed_out_is_sent_to_the_login_page(self, web: Web, cast, case, method, path):
        evidence = add_file(case, cast.analyst)
        answer = getattr(web(None), method)(
            path.format(ref=case.ref, id=evidence.id), buffered=True
        )
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?next=")
        assert snapshot(case)["removed"] == 0


class TestTheChecklist:
    def test_it_names_what_the_reason_needs_and_what_is_missing(self, web: Web, cast, case):
        panel = section(text(web(cast.analyst).get(f"/disputes/{case.ref}")), "case-evidence")
        assert "Delivery report" in panel and 'data-met="no"' in panel and "missing" in panel

    def test_an_upload_ticks_it_and_lets_the_actions_offer_resolve(self, web: Web, cast, case):
        client = web(cast.analyst)
        actions = section(text(client.get(f"/disputes/{case.ref}")), "case-actions")
        assert "resolve" not in triggers_offered(actions)
        assert "Resolve needs:</strong> delivery report" in actions

        answer = post_file(client, case, samples.csv(), "delivery.csv", headers=HX)

        assert answer.status_code == 200
        assert text(answer).lstrip().startswith('<section id="case-evidence"')
        assert 'data-met="yes"' in text(answer) and "Added delivery.csv." in text(answer)
        # The actions area hears that the case changed, reloads, and now offers resolve.
        assert json.loads(answer.headers["HX-Trigger"]) == {"case-changed": {"area": "evidence"}}
        actions = text(client.get(f"/disputes/{case.ref}/actions", headers=HX))
        assert "resolve" in triggers_offered(actions) and "Resolve needs" not in actions

    def test_a_reason_without_requirements_says_so(self, web: Web, make, cast):
        other = make.dispute(cast, "investigating", assignee=cast.analyst, reason="other")
        panel = text(web(cast.analyst).get(f"/disputes/{other.ref}/evidence"))
        assert "No particular evidence is needed" in panel


class TestTheList:
    def test_it_shows_name_kind_uploader_time_size_and_a_download_link(self, web: Web, cast, case):
        evidence = add_file(case, cast.lead)
        panel = text(web(cast.viewer).get(f"/disputes/{case.ref}/evidence"))
        assert f'href="/evidence/{evidence.id}/download">delivery.csv</a>' in panel
        assert "delivery report" in panel and cast.lead.name in panel
        assert f"{len(samples.csv())} B" in panel

    def test_removed_files_are_struck_through_for_billing_and_hidden_from_viewers(
        self, web: Web, cast, case
    ):
        evidence = add_file(case, cast.analyst)
        remove_evidence(evidence.id, cast.analyst)
        for user in (cast.analyst, cast.lead, cast.approver):
            panel = text(web(user).get(f"/disputes/{case.ref}/evidence"))
            assert "<del><a" in panel and "removed" in panel
        assert "delivery.csv" not in text(web(cast.viewer).get(f"/disputes/{case.ref}/evidence"))
        download = web(cast.viewer).get(f"/evidence/{evidence.id}/download", buffered=True)
        assert download.status_code == 404

    @pytest.mark.parametrize("who", [*ROLES, "analyst2"])
    def test_remove_is_offered_to_whom_the_service_lets_remove(self, web: Web, cast, case, who):
        evidence = add_file(case, cast.analyst)
        panel = text(web(role(cast, who)).get(f"/disputes/{case.ref}/evidence"))
        assert (f"/evidence/{evidence.id}/remove" in panel) == (who in ("analyst", "lead"))

    def test_nothing_can_be_added_or_removed_once_the_case_is_resolved(self, web: Web, make, cast):
        resolved = make.dispute(cast, "resolved", assignee=cast.analyst, reason="tax_or_fee")
        panel = text(web(cast.lead).get(f"/disputes/{resolved.ref}/evidence"))
        assert "/remove" not in panel and 'name="file"' not in panel
        evidence_id = db.session.scalar(
            select(Evidence.id).where(Evidence.dispute_id == resolved.id)
        )
        before = snapshot(resolved)
        answer = web(cast.lead).post(f"/evidence/{evidence_id}/remove", headers=HX)
        assert answer.status_code == 409 and "resolved" in text(answer)
        assert snapshot(resolved) == before


class TestRefusals:
    """Each refusal is shown in the panel, with its status, and leaves nothing behind."""

    @pytest.mark.parametrize(
        ("content", "name", "kind", "status", "says"),
        [
            (samples.executable(), "invoice.pdf", "delivery_report", 415, "not a PDF, CSV"),
            (samples.html(), "page.txt", "delivery_report", 415, "not a PDF, CSV"),
            (samples.zip_bomb(), "delivery.xlsx", "delivery_report", 415, "not a PDF, CSV"),
            (samples.pdf(), "report.png", "delivery_report", 415, "its name ends in .png"),
            (b"", "empty.csv", "delivery_report", 422, "The file is empty"),
            (samples.csv(), "../../etc/passwd", "delivery_report", 422, "without folders"),
            (samples.csv(), "delivery.csv", "", 422, "Choose what kind of evidence"),
        ],
        ids=["exe as pdf", "html", "zip bomb", "pdf as png", "empty", "traversal", "no kind"],
    )
    def test_a_refused_upload_changes_nothing(
        self, web: Web, app, cast, case, content, name, kind, status, says
    ):
        before = snapshot(case)
        answer = post_file(web(cast.analyst), case, content, name, kind, headers=HX)
        assert answer.status_code == status
        body = text(answer)
        assert body.lstrip().startswith('<section id="case-evidence"') and says in body
        assert "HX-Trigger" not in answer.headers
        assert snapshot(case) == before and stored_files(app) == []

    def test_no_file_chosen_is_shown_beside_the_picker(self, web: Web, cast, case):
        before = snapshot(case)
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/evidence", data={"kind": "delivery_report"}, headers=HX
        )
        assert answer.status_code == 422
        assert '<span class="field-error" id="file-error">Choose a file to upload</span>' in text(
            answer
        )
        assert snapshot(case) == before

    def test_a_file_over_the_evidence_limit_is_413(self, web: Web, app, cast, case, monkeypatch):
        monkeypatch.setitem(app.config, "MAX_EVIDENCE_BYTES", 1024)
        before = snapshot(case)
        answer = post_file(web(cast.analyst), case, samples.pdf() + b" " * 2048, "io.pdf",
                           headers=HX)  # fmt: skip
        assert answer.status_code == 413
        assert 'id="case-evidence"' in text(answer) and "The file is larger than" in text(answer)
        assert snapshot(case) == before and stored_files(app) == []

    def test_a_body_over_the_request_limit_is_refused_in_the_panel_before_it_is_read(
        self, web: Web, app, cast, case
    ):
        big = b"%PDF-1.4\n" + b"0" * (26 * 1024 * 1024)
        assert len(big) > app.config["MAX_CONTENT_LENGTH"]
        body = (  # built by hand: the test client would spool a 26 MB file part to disk
            b'--B\r\nContent-Disposition: form-data; name="kind"\r\n\r\ndelivery_report\r\n'
            b'--B\r\nContent-Disposition: form-data; name="file"; filename="huge.pdf"\r\n\r\n'
            + big
            + b"\r\n--B--\r\n"
        )
        before = snapshot(case)
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/evidence", data=body, headers=HX,
            content_type="multipart/form-data; boundary=B",
        )  # fmt: skip
        assert answer.status_code == 413
        assert 'id="case-evidence"' in text(answer) and "larger than 25 MB" in text(answer)
        assert snapshot(case) == before and stored_files(app) == []

    def test_the_same_file_twice_is_kept_once_and_said_so(self, web: Web, app, cast, case):
        client = web(cast.analyst)
        post_file(client, case, samples.csv(), "delivery.csv", headers=HX)
        before = snapshot(case)
        again = post_file(client, case, samples.csv(), "copy.csv", headers=HX)
        assert again.status_code == 200 and "delivery.csv is on the case already." in text(again)
        assert "HX-Trigger" not in again.headers
        assert snapshot(case) == before and len(stored_files(app)) == 1

    def test_without_htmx_a_refusal_answers_the_whole_case_page_with_its_message(
        self, web: Web, cast, case
    ):
        before = snapshot(case)
        answer = post_file(web(cast.analyst), case, samples.executable(), "a.pdf")
        assert answer.status_code == 415  # the API's status for the same refusal
        assert is_full_page(text(answer)) and "not a PDF, CSV" in text(answer)
        assert snapshot(case) == before


def test_the_panel_is_part_of_the_page_and_alone_for_htmx(web: Web, cast, case):
    page, alone = (web(cast.analyst).get(f"/disputes/{case.ref}/evidence", headers=h)
                   for h in ({}, HX))  # fmt: skip
    assert not is_full_page(text(alone)) and "case-refresh" in text(alone)
    full = text(web(cast.analyst).get(f"/disputes/{case.ref}"))
    assert is_full_page(full) and 'id="case-evidence"' in full and "data-dropzone" in full


def test_the_case_page_reads_many_files_in_as_many_queries_as_one(web: Web, make, cast):
    uploaders = [make.user("analyst", cast.team) for _ in range(6)]
    small = make.dispute(cast, "investigating", assignee=cast.analyst, reason="invalid_traffic")
    big = make.dispute(cast, "investigating", assignee=cast.analyst, reason="invalid_traffic")
    add_file(small, cast.analyst)
    for n, user in enumerate(uploaders * 2):
        add_file(big, user, f"day,count\n{n},1\n".encode(), f"day{n}.csv")
    client = web(cast.lead)
    counts = []
    for case in (small, big):
        with counted_queries() as statements:
            assert client.get(f"/disputes/{case.ref}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
