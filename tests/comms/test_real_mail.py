"""Inbound mail shaped as mail programs send it (tests/comms/mail/*.eml), each with what a person
reading it would expect: the case it threads to, the words the timeline shows (quoted text and
signature folded away), the files kept as evidence, and whether the case stops waiting."""

from pathlib import Path

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute
from disputedesk.app.services.correspondence import set_contacts
from disputedesk.app.services.triggers import fire_trigger
from tests.api.helpers import Api, events_of

MAIL = Path(__file__).parent / "mail"
CONTACT = "ap@acme-brands.example"

EXPECTED = {
    # file: (shown on the timeline, not shown there, folded, files kept, stops waiting)
    "gmail.eml": ("the contracted rate is $12 CPM, not $15.", "Please send the signed",
                  "On Mon, Dec 7, 2026", ["Acme IO signed.pdf"], True),
    "outlook.eml": ("We count 800,000 impressions", "Please send your delivery report",
                    "From: Disputedesk", ["delivery-report.pdf"], True),
    "apple_mail.eml": ("Yes — the make-good ran in the week of 12 October.",
                       "Did the make-good run?", "Did the make-good run?", [], True),
    "auto_reply.eml": ("out of the office until 14 December", None, None, [], False),
    "odd_charset.eml": ("Le tarif contractuel est de 12 € le CPM", None, None, [], True),
    "forward.eml": ("Forwarding the sales desk's message", None, None,
                    ["Signed IO for SPRING.eml"], True),
    "inline_image.eml": ("Screenshot of our ad server & its count:", "color: red", None,
                         ["inline-image-1.png"], True),
    "tnef.eml": ("The invoice numbers are listed in the attached PDF.", None, None,
                 ["invoices.pdf"], True),
}  # fmt: skip


@pytest.fixture
def waiting(make, cast):
    set_contacts(cast.integration, cast.advertiser.ref, [{"name": "Pat", "email": CONTACT}])
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    fire_trigger(case.ref, cast.analyst, "request_info", {"note": "send what you have"})
    return case


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_shaped_message_reads_as_a_person_reads_it(name, waiting, cast, api: Api):
    shown, hidden, folded, kept, answers = EXPECTED[name]
    raw = (MAIL / name).read_bytes().replace(b"{{REF}}", waiting.ref.encode())
    answer = api(cast.integration).request(
        "POST", "/inbound-email", data=raw, headers={"Content-Type": "message/rfc822"}
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.get_json()["dispute"] == waiting.ref

    (message,) = events_of(api(cast.lead), waiting.ref, "advertiser_message")
    assert shown in message["data"]["body"]
    if hidden:
        assert hidden not in message["data"]["body"]
    if folded:
        assert folded in message["data"]["folded"]
    files = message["data"]["attachments"]
    assert [f["filename"] for f in files if f.get("evidence_id")] == kept, files
    evidence = api(cast.lead).get(f"/disputes/{waiting.ref}/evidence").get_json()["items"]
    assert sorted(e["filename"] for e in evidence) == sorted(kept)

    dispute = db.session.scalar(select(Dispute).where(Dispute.id == waiting.id))
    db.session.refresh(dispute)
    assert (dispute.awaiting_info_since is None) is answers
    fired = events_of(api(cast.lead), waiting.ref, "transition")
    assert [e["trigger"] for e in fired].count("info_received") == (1 if answers else 0)


def test_the_case_page_shows_this_times_words_and_folds_the_quoted_text(waiting, cast, api, web):
    raw = (MAIL / "gmail.eml").read_bytes().replace(b"{{REF}}", waiting.ref.encode())
    api(cast.integration).request(
        "POST", "/inbound-email", data=raw, headers={"Content-Type": "message/rfc822"}
    )
    page = web(cast.lead).get(f"/disputes/{waiting.ref}").get_data(as_text=True)
    words = page.index("the contracted rate is $12 CPM")
    summary = page.index("<summary>Signature and quoted text</summary>")
    assert words < summary < page.index("Please send the signed insertion order")
