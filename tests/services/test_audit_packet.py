"""The audit packet: everything about one case in a zip, its chain checked, its download audited."""

import hashlib
import io
import json
import zipfile

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event
from disputedesk.app.services.audit_packet import audit_packet
from disputedesk.workflows.errors import NotFound, NotPermitted
from tests.web.helpers import case_with_memo


def _open(case: Dispute, user) -> zipfile.ZipFile:  # noqa: ANN001
    _, body = audit_packet(case.ref, user)
    return zipfile.ZipFile(io.BytesIO(body))


def test_the_packet_holds_the_case_timeline_evidence_memos_and_chain_check(make):
    cast = make.cast()
    case = case_with_memo(make, cast, "issued", credit="400.00")
    packet = _open(case, cast.approver)
    content = json.loads(packet.read("case.json"))
    timeline = json.loads(packet.read("timeline.json"))
    assert content["case"]["ref"] == case.ref and content["chain"]["intact"] is True
    assert (
        content["chain"]["events"] == len(timeline)
        and timeline[-1]["hash"] == content["chain"]["head"]
    )
    (memo,) = content["credit_memos"]
    assert memo["status"] == "issued" and memo["matrix_version"] and memo["approvals"][0]["rule"]
    for item in content["evidence"]:
        assert hashlib.sha256(packet.read(item["file"])).hexdigest() == item["sha256"]
    assert case.ref in packet.read("case.html").decode()


def test_an_altered_event_shows_in_the_packets_chain_check(make):
    cast = make.cast()
    case = make.dispute(cast, "investigating")
    event = db.session.scalars(db.select(Event).where(Event.dispute_id == case.id)).first()
    event.data = {**event.data, "disputed_amount": "1.00"}
    db.session.commit()
    chain = json.loads(_open(case, cast.lead).read("case.json"))["chain"]
    assert chain["intact"] is False and chain["first_broken"] == event.seq


def test_the_download_is_audited_without_changing_the_case(make):
    cast = make.cast()
    case = make.dispute(cast, "investigating")
    version = case.version
    _open(case, cast.lead)
    db.session.expire_all()
    last = db.session.scalars(db.select(Event).where(Event.dispute_id == case.id)
                              .order_by(Event.seq.desc())).first()  # fmt: skip
    assert last.type == "audit_packet_downloaded" and last.actor == cast.lead.email
    assert db.session.get(Dispute, case.id).version == version


@pytest.mark.parametrize(("who", "error"), [("viewer", NotPermitted), ("other_lead", NotFound)])
def test_people_outside_the_case_or_the_billing_team_get_no_packet(make, who, error):
    cast = make.cast()
    case = make.dispute(cast, "investigating")
    with pytest.raises(error):
        audit_packet(case.ref, getattr(cast, who))


def test_the_packet_holds_per_line_credits_the_frozen_numbers_posting_reversal_and_rebill(make):
    from disputedesk.app.services.posting import post_memo
    from disputedesk.app.services.rebill import record_rebill
    from disputedesk.app.services.reversals import reverse_memo
    from tests.api.test_api_rebill import _rebill_memo

    cast = make.cast()
    memo = _rebill_memo(make, cast)
    post_memo(memo.id, cast.integration, "SAP-77", "2026-11-20T14:05:00Z")
    record_rebill(memo.id, cast.integration, "INV-R-77")
    reverse_memo(memo.id, cast.approver, "credited the wrong line")
    case = db.session.get(Dispute, memo.dispute_id)
    (shown,) = json.loads(_open(case, cast.approver).read("case.json"))["credit_memos"]
    assert [(x["line_no"], x["credited"]) for x in shown["lines"]] == [
        (cl.invoice_line.line_no, f"{cl.amount / 100:.2f}") for cl in memo.lines
    ]
    assert sum(int(x["credited"].replace(".", "")) for x in shown["lines"]) == memo.amount
    assert shown["comparison"] == memo.comparison and shown["comparison"]["lines"]
    assert (
        shown["approvals"][0]["approver_limit"] == f"{memo.approvals[0].approver_limit / 100:.2f}"
    )
    assert shown["posting"]["external_ref"] == "SAP-77"
    assert shown["reversal"]["number"] == memo.reversal.number
    assert shown["reversal"]["amount"] == "-400.00"
    assert shown["rebill"]["corrected_invoice"] == "INV-R-77"
