"""Outgoing mail as mail programs expect it: one thread per case, automatic mail marked as such,
notices as a list with a one-click unsubscribe that works without signing in."""

import re

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import NotificationPreference
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.channels import deliver_all
from disputedesk.app.services.correspondence import set_contacts
from disputedesk.app.services.triggers import fire_trigger
from tests.api.helpers import Api
from tests.web.helpers import Web, text

CONTACT = "ap@advertiser.example"


def _assigned_mail(make, cast, mailbox):  # noqa: ANN001, ANN202
    case = make.dispute(cast, "filed")
    assign(case.ref, cast.lead, cast.analyst.email)
    deliver_all()  # the notice, then its e-mail
    deliver_all()
    [sent] = mailbox.to(cast.analyst.email)
    return case, sent


def test_a_notice_is_automatic_mail_of_a_list_threaded_on_its_case(make, cast, mailbox):
    case, sent = _assigned_mail(make, cast, mailbox)
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["List-Id"].startswith("Disputedesk notices <notices.")
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent["In-Reply-To"] == sent["References"]
    assert sent["References"].startswith(f"<case-{case.ref}@")


def test_the_one_click_link_stops_that_kind_of_mail_without_signing_in(
    make, cast, mailbox, web: Web
):
    _, sent = _assigned_mail(make, cast, mailbox)
    link = re.search(
        r"<https?://[^/]+(/notifications/unsubscribe/[^>]+)>", sent["List-Unsubscribe"]
    )
    stranger = web(None)
    page = stranger.get(link.group(1))
    assert page.status_code == 200 and "A case is assigned to you" in text(page)
    done = stranger.post(link.group(1), data={"List-Unsubscribe": "One-Click"})  # no CSRF token
    assert done.status_code == 200 and "Done: no more e-mail" in text(done)
    mode = db.session.scalar(select(NotificationPreference.email).where(
        NotificationPreference.user_id == cast.analyst.id,
        NotificationPreference.kind == "assigned"))  # fmt: skip
    assert mode == "off"
    tampered = link.group(1)[:-3] + ("AAA" if not link.group(1).endswith("AAA") else "BBB")
    assert stranger.post(tampered).status_code == 404


def test_mail_to_the_advertiser_threads_on_the_case_and_only_the_automatic_one_says_so(
    make, cast, mailbox, api: Api
):
    set_contacts(cast.integration, cast.advertiser.ref, [{"name": "Pat", "email": CONTACT}])
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    # message_advertiser through the API, as the README documents it.
    answer = api(cast.analyst).fire(case.ref, "request_info", note="send the IO",
                                    message_advertiser=True)  # fmt: skip
    assert answer.status_code == 200, answer.get_json()
    deliver_all()
    [sent] = mailbox.to(CONTACT)
    assert sent["References"].startswith(f"<case-{case.ref}@")
    assert sent["Auto-Submitted"] is None  # a person wrote it


def test_a_reply_to_the_cases_thread_finds_its_case_whatever_its_subject(
    make, cast, mailbox, api: Api
):
    from tests.comms.test_correspondence import post_reply, reply

    set_contacts(cast.integration, cast.advertiser.ref, [{"name": "Pat", "email": CONTACT}])
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    fire_trigger(case.ref, cast.analyst, "request_info", {"note": "x", "message_advertiser": "1"})
    deliver_all()
    [sent] = mailbox.to(CONTACT)
    raw = reply(case, subject="Re: your question", References=sent["References"])
    answer = post_reply(api, cast, raw)
    assert answer.status_code == 201 and answer.get_json()["dispute"] == case.ref
