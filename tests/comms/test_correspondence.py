"""Correspondence with the advertiser: messages out through SMTP, replies threaded back in."""

from email.message import EmailMessage

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event, Evidence, InboundEmail, Outbox
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.channels import deliver_all
from disputedesk.app.services.correspondence import set_contacts
from disputedesk.app.services.triggers import fire_trigger
from tests.api.helpers import Api
from tests.evidence_samples import pdf
from tests.web.helpers import CREDIT, Web, memo_of, text

CONTACT = "ap@advertiser.example"


@pytest.fixture
def case(make, cast):
    set_contacts(
        cast.integration, cast.advertiser.ref, [{"name": "Pat Payables", "email": CONTACT}]
    )
    return make.dispute(cast, "investigating", assignee=cast.analyst)


def reply(case, body="The IO is attached.", sender=CONTACT, subject=None, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = f"Pat Payables <{sender}>"
    message["To"] = "disputes@billing.example"
    message["Subject"] = subject if subject is not None else f"Re: [{case.ref}] Information needed"
    message["Message-ID"] = headers.pop("message_id", f"<reply-{case.id}@advertiser.example>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    message.add_attachment(pdf(), maintype="application", subtype="pdf", filename="io.pdf")
    message.add_attachment(b"MZ\x90\x00 not a pdf", maintype="application",
                           subtype="pdf", filename="invoice.pdf.exe")  # fmt: skip
    return message.as_bytes()


def post_reply(api: Api, cast, raw: bytes):  # noqa: ANN001, ANN201
    return api(cast.integration).request(
        "POST", "/inbound-email", data=raw, headers={"Content-Type": "message/rfc822"}
    )


def test_request_info_emails_the_note_to_the_billing_contacts(case, cast, mailbox, app):
    note = "Please send the signed insertion order for October."
    fire_trigger(case.ref, cast.analyst, "request_info", {"note": note, "message_advertiser": "1"})
    deliver_all()
    [sent] = mailbox.to(CONTACT)
    assert sent["Subject"].startswith(f"[{case.ref}] Information needed")
    assert note in sent.get_body(("plain",)).get_content()
    assert note in sent.get_body(("html",)).get_content()
    assert sent["Reply-To"] and sent["Disputedesk-Case"] == case.ref
    events = db.session.scalars(select(Event).where(Event.type == "advertiser_messaged")).all()
    assert [e.data["to"] for e in events] == [[CONTACT]]


def test_without_asking_no_message_goes_to_the_advertiser(case, cast, mailbox):
    fire_trigger(case.ref, cast.analyst, "request_info", {"note": "internal only"})
    deliver_all()
    assert mailbox.to(CONTACT) == []


def test_the_decision_carries_outcome_and_credit_and_the_issued_memo_its_number(
    case, cast, mailbox, make
):
    make.required_evidence(case, cast.analyst)
    fire_trigger(case.ref, cast.analyst, "resolve",
                 {**CREDIT, "credit_amount": "400.00", "message_advertiser": "1"})  # fmt: skip
    decide(memo_of(case).id, cast.approver, "approve")
    fire_trigger(case.ref, cast.approver, "issue_credit", {})
    deliver_all()
    decision, credit = mailbox.to(CONTACT)
    body = decision.get_body(("plain",)).get_content()
    assert "partial credit" in body and "USD 400.00" in body and CREDIT["note"] in body
    number = memo_of(case).number
    assert number in credit["Subject"] and number in credit.get_body(("plain",)).get_content()


def test_a_reply_threads_onto_the_case_its_files_become_evidence_and_info_is_received(
    case, cast, api: Api, web: Web
):
    fire_trigger(case.ref, cast.analyst, "request_info", {"note": "send the IO"})
    answer = post_reply(api, cast, reply(case))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["dispute"] == case.ref
    files = {f["filename"]: f for f in answer.get_json()["attachments"]}
    assert "evidence_id" in files["io.pdf"] and "refused" in files["invoice.pdf.exe"]
    db.session.expire_all()
    dispute = db.session.get(Dispute, case.id)
    assert dispute.awaiting_info_since is None  # info_received fired
    [kept] = db.session.scalars(select(Evidence).where(Evidence.dispute_id == case.id))
    assert (kept.kind, kept.filename) == ("correspondence", "io.pdf")
    received = db.session.scalars(
        select(Event).where(Event.dispute_id == case.id, Event.trigger == "info_received")
    ).one()
    assert received.actor == "system"
    timeline = text(web(cast.viewer).get(f"/disputes/{case.ref}"))  # the account team sees it
    assert "message from " + CONTACT in timeline and "The IO is attached." in timeline
    notices = db.session.scalars(select(Outbox.recipient_id).where(Outbox.kind == "info_received"))
    assert list(notices) == [cast.analyst.id]


def test_a_reply_without_the_reference_threads_by_its_in_reply_to_header(
    case, cast, api: Api, mailbox
):
    fire_trigger(case.ref, cast.analyst, "request_info", {"note": "x", "message_advertiser": "1"})
    deliver_all()
    [sent] = mailbox.to(CONTACT)
    raw = reply(case, subject="Re: your question", In_Reply_To=sent["Message-ID"])
    answer = post_reply(api, cast, raw)
    assert answer.status_code == 201 and answer.get_json()["dispute"] == case.ref


@pytest.mark.parametrize(
    ("sender", "subject", "reason"),
    [
        ("stranger@elsewhere.example", None, "not a billing contact"),
        (CONTACT, "Invoice question", "names no case"),
    ],
)
def test_a_message_that_matches_no_case_waits_for_a_lead_who_files_it(
    case, cast, api: Api, web: Web, sender, subject, reason
):
    answer = post_reply(api, cast, reply(case, sender=sender, subject=subject))
    assert answer.status_code == 202 and reason in answer.get_json()["reason"]
    assert db.session.scalar(select(Event.id).where(Event.type == "advertiser_message")) is None
    [waiting] = db.session.scalars(select(InboundEmail).where(InboundEmail.status == "triage"))
    page = text(web(cast.lead).get("/inbound"))
    assert f'data-inbound="{waiting.id}"' in page
    wrong = web(cast.other_lead).post(f"/inbound/{waiting.id}/attach", data={"ref": case.ref})
    assert wrong.status_code == 404  # not their team's case
    filed = web(cast.lead).post(f"/inbound/{waiting.id}/attach", data={"ref": case.ref})
    assert filed.status_code == 302
    assert "Nothing to triage" in text(web(cast.lead).get("/inbound"))
    assert "The IO is attached." in text(web(cast.lead).get(f"/disputes/{case.ref}"))


def test_the_same_message_delivered_twice_is_recorded_once(case, cast, api: Api):
    raw = reply(case)
    first, second = post_reply(api, cast, raw), post_reply(api, cast, raw)
    assert first.get_json()["id"] == second.get_json()["id"]
    events = db.session.scalars(select(Event).where(Event.type == "advertiser_message")).all()
    assert len(events) == 1


def test_a_body_that_is_not_a_message_is_refused_and_nothing_is_stored(cast, api: Api):
    empty = api(cast.integration).request(
        "POST", "/inbound-email", data=b"", headers={"Content-Type": "message/rfc822"}
    )
    as_json = api(cast.integration).post("/inbound-email", {"raw": "x"})
    assert (empty.status_code, as_json.status_code) == (422, 415)  # JSON is not a message
    assert db.session.scalar(select(InboundEmail.id)) is None


def test_the_cli_reads_eml_files(case, cast, app, tmp_path):
    saved = tmp_path / "reply.eml"
    saved.write_bytes(reply(case))
    result = app.test_cli_runner().invoke(args=["inbound", "read", str(saved)])
    assert result.exit_code == 0, result.output
    assert f"threaded → {case.ref}" in result.output
