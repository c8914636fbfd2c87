"""Inbound mail shaped as mail programs send it: automatic replies fire nothing, odd charsets
are read or refused by name without stopping a batch, HTML is read as text."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event
from disputedesk.app.services.correspondence import set_contacts
from disputedesk.app.services.triggers import fire_trigger
from tests.api.helpers import Api
from tests.comms.test_correspondence import CONTACT, post_reply
from tests.web.helpers import Web, text


@pytest.fixture
def case(make, cast):  # noqa: ANN001, ANN201
    set_contacts(
        cast.integration, cast.advertiser.ref, [{"name": "Pat Payables", "email": CONTACT}]
    )
    return make.dispute(cast, "investigating", assignee=cast.analyst)


def raw_message(dispute, headers: dict[str, str], body: bytes, content_type: str) -> bytes:  # noqa: ANN001
    head = {"From": f"Pat Payables <{CONTACT}>", "To": "disputes@billing.example",
            "Subject": f"Re: [{dispute.ref}] Information needed",
            "Message-ID": f"<{abs(hash((dispute.id, str(headers))))}@mail.example>",
            "MIME-Version": "1.0", "Content-Type": content_type,
            **{k: v.format(ref=dispute.ref) for k, v in headers.items()}}  # fmt: skip
    lines = "".join(f"{k}: {v}\r\n" for k, v in head.items())
    return lines.encode() + b"\r\n" + body


# As Gmail's vacation responder, Outlook's (Exchange) and Apple's iCloud send them.
AUTO_REPLIES = {
    "gmail vacation": {"Auto-Submitted": "auto-replied", "Precedence": "bulk"},
    "outlook out of office": {
        "Subject": "Automatic reply: [{ref}] Information needed",
        "X-Auto-Response-Suppress": "All",
        "Auto-Submitted": "auto-generated",
    },  # fmt: skip
    "apple mail vacation": {"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
    "a subject only": {"Subject": "Out of Office: back on Monday (re {ref})"},
}


@pytest.mark.parametrize("headers", AUTO_REPLIES.values(), ids=AUTO_REPLIES.keys())
def test_an_automatic_reply_goes_on_the_timeline_marked_and_the_case_keeps_waiting(
    case, cast, api: Api, web: Web, headers
):
    fire_trigger(case.ref, cast.analyst, "request_info", {"note": "send the IO"})
    raw = raw_message(case, headers, b"I am away until Monday.\r\n", "text/plain; charset=utf-8")
    answer = post_reply(api, cast, raw)
    assert answer.status_code == 201 and answer.get_json()["dispute"] == case.ref
    db.session.expire_all()
    assert db.session.get(Dispute, case.id).awaiting_info_since is not None  # still waiting
    assert db.session.scalar(select(Event.id).where(Event.trigger == "info_received")) is None
    [event] = db.session.scalars(select(Event).where(Event.type == "advertiser_message"))
    assert event.data["auto_reply"]
    assert "automatic reply" in text(web(cast.analyst).get(f"/disputes/{case.ref}"))


def test_a_person_answering_auto_submitted_no_is_a_real_answer(case, cast, api: Api):
    fire_trigger(case.ref, cast.analyst, "request_info", {"note": "send the IO"})
    raw = raw_message(case, {"Auto-Submitted": "no"}, b"Here it is.\r\n", "text/plain")
    assert post_reply(api, cast, raw).status_code == 201
    db.session.expire_all()
    assert db.session.get(Dispute, case.id).awaiting_info_since is None


def test_html_only_mail_is_read_as_text_with_its_entities(case, cast, api: Api):
    body = (b"<html><head><style>p{color:red}</style></head><body><p>Rate is &euro;6.50 "
            b"&amp; not 7.00</p><div>Thanks</div></body></html>")  # fmt: skip
    answer = post_reply(api, cast, raw_message(case, {}, body, "text/html; charset=utf-8"))
    assert answer.status_code == 201
    [event] = db.session.scalars(select(Event).where(Event.type == "advertiser_message"))
    assert "Rate is €6.50 & not 7.00" in event.data["body"] and "color" not in event.data["body"]


def test_an_unknown_charset_is_read_as_windows_1252_when_it_is(case, cast, api: Api):
    body = "Café invoice, 6,50 €\r\n".encode("cp1252")
    raw = raw_message(case, {}, body, "text/plain; charset=x-mac-unknown")
    assert post_reply(api, cast, raw).status_code == 201
    [event] = db.session.scalars(select(Event).where(Event.type == "advertiser_message"))
    assert event.data["body"].startswith("Café invoice, 6,50 €")


def test_a_batch_goes_on_past_a_message_it_cannot_read(case, cast, app, tmp_path):
    unreadable = tmp_path / "1-unreadable.eml"
    unreadable.write_bytes(raw_message(case, {"Message-ID": "<u@x>"}, b"\x81\x8d\x8f\x90\x9d",
                                       "text/plain; charset=x-unknown"))  # fmt: skip
    good = tmp_path / "2-good.eml"
    good.write_bytes(raw_message(case, {"Message-ID": "<g@x>"}, b"Fine.\r\n", "text/plain"))
    result = app.test_cli_runner().invoke(args=["inbound", "read", str(unreadable), str(good)])
    assert "1-unreadable.eml: refused" in result.output and "unknown charset" in result.output
    assert f"2-good.eml: threaded → {case.ref}" in result.output


def test_a_forwarded_message_and_an_inline_image_are_kept_as_evidence(case, cast, api: Api):
    from email.message import EmailMessage

    from tests.evidence_samples import png

    forwarded = EmailMessage()
    forwarded["From"], forwarded["Subject"] = "ops@agency.example", "the signed IO"
    forwarded.set_content("Signed IO below; rate 6.50.")
    outer = EmailMessage()
    outer["From"], outer["To"] = f"Pat <{CONTACT}>", "disputes@billing.example"
    outer["Subject"], outer["Message-ID"] = f"Fwd: [{case.ref}] IO", "<fwd-1@mail.example>"
    outer.set_content("See the forward, and the screenshot.")
    outer.add_alternative('<p>See <img src="cid:shot1"></p>', subtype="html")
    outer.get_payload()[1].add_related(png(), maintype="image", subtype="png", cid="<shot1>")
    outer.add_attachment(forwarded)  # as Gmail and Apple Mail forward "as attachment"
    answer = post_reply(api, cast, outer.as_bytes())
    assert answer.status_code == 201, answer.get_json()
    files = {f["filename"]: f for f in answer.get_json()["attachments"]}
    assert set(files) == {"forwarded-1.eml", "inline-image-1.png"}
    assert all("evidence_id" in f for f in files.values()), files
