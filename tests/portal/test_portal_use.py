"""The portal as an advertiser's people use it: invited by the lead, filing over lines of two
invoices, answering a request for information with backup, seeing the decision and the memo."""

import io

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Event, Evidence, PortalAccess, User
from disputedesk.app.services import portal
from disputedesk.app.services.admin import use_password_link
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.errors import InvalidInput, NotFound, NotPermitted
from tests.evidence_samples import pdf
from tests.factories import PASSWORD
from tests.web.helpers import Web, case_with_memo, memo_of, snapshot


def count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_lead_invites_a_person_who_sets_a_password_and_lands_in_the_portal(web: Web, cast):
    answer = web(cast.lead).post(f"/advertisers/{cast.advertiser.ref}/portal-invites",
                                 data={"email": "Pat@Agency.example", "name": "Pat"})  # fmt: skip
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    token = page.split("/set-password/")[1].split("<")[0].strip()
    person = db.session.scalar(select(User).where(User.email == "pat@agency.example"))
    assert person.can("use_portal") and not person.can("use_workspace")
    use_password_link(token, PASSWORD)
    client = web(None)
    signed_in = client.post("/login", data={"email": person.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get(signed_in.headers["Location"]).headers["Location"] == "/portal"
    contacts = web(cast.lead).get(f"/advertisers/{cast.advertiser.ref}/contacts")
    assert "pat@agency.example" in contacts.get_data(as_text=True)


def test_an_agency_person_invited_again_for_a_second_advertiser_gets_no_new_account(cast):
    first, token = portal.invite(cast.lead, cast.advertiser.ref, "desk@agency.example")
    again, none = portal.invite(cast.integration, cast.other_advertiser.ref, "desk@agency.example")
    assert first.id == again.id and token and none is None
    assert count(PortalAccess) == 2


@pytest.mark.parametrize("who", ["other_lead", "analyst", "viewer", "approver", "admin"])
def test_only_the_accounts_lead_or_the_billing_system_invites(cast, who):
    with pytest.raises((NotPermitted, NotFound)):
        portal.invite(getattr(cast, who), cast.advertiser.ref, "x@agency.example")
    assert count(PortalAccess) == 0


def test_a_workspace_account_cannot_be_made_a_portal_one(cast):
    with pytest.raises(InvalidInput):
        portal.invite(cast.lead, cast.advertiser.ref, cast.analyst.email)
    assert count(PortalAccess) == 0


def _form(*lines: tuple[str, int, str], reason="rate_mismatch", description="billed above IO"):
    data = {"reason_code": reason, "description": description, "line": []}
    for number, line_no, amount in lines:
        data["line"].append(f"{number}|{line_no}")
        data[f"amount|{number}|{line_no}"] = amount
    return data


def test_filing_over_two_invoices_makes_one_case_over_both(web: Web, make, cast, person):
    first, second = make.invoice(cast.advertiser), make.invoice(cast.advertiser)
    answer = web(person).post(
        "/portal/file",
        data=_form(
            (first.number, 1, "1200.00"), (first.number, 2, "300.00"), (second.number, 2, "50.00")
        ),
    )
    assert answer.status_code == 302
    filed = db.session.scalars(select(Dispute).order_by(Dispute.id)).all()
    assert [(d.invoice_id, d.disputed_amount, len(d.lines)) for d in filed] == [
        (first.id, 155_000, 3)
    ]  # the older invoice is the case's own
    assert [i.number for i in filed[0].invoices] == [first.number, second.number]
    assert {(d.intake_channel, d.filed_by_id) for d in filed} == {("portal", person.id)}
    listed = web(person).get("/portal").get_data(as_text=True)
    assert all(d.ref in listed for d in filed)


def test_a_bad_line_on_the_second_invoice_files_nothing_and_keeps_what_was_typed(
    web: Web, make, cast, person
):
    first, second = make.invoice(cast.advertiser), make.invoice(cast.advertiser)
    answer = web(person).post(
        "/portal/file",
        data=_form(
            (first.number, 1, "100.00"), (second.number, 1, "999999.00"), description="typed text"
        ),
    )
    assert answer.status_code == 422 and count(Dispute) == 0
    page = answer.get_data(as_text=True)
    assert second.number in page and "typed text" in page and 'value="999999.00"' in page


def test_another_advertisers_invoice_cannot_be_filed_on(web: Web, make, cast, person):
    theirs_not = make.invoice(cast.other_advertiser)
    answer = web(person).post("/portal/file", data=_form((theirs_not.number, 1, "10.00")))
    assert answer.status_code == 422 and count(Dispute) == 0


@pytest.fixture
def waiting(make, cast):  # noqa: ANN001, ANN201
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    fire_trigger(case.ref, cast.analyst, "request_info",
                 {"note": "Please send the signed IO.", "message_advertiser": "1"})  # fmt: skip
    return case


def test_an_answer_with_backup_reaches_the_case_and_stops_the_wait(web: Web, cast, person, waiting):
    page = web(person).get(f"/portal/cases/{waiting.ref}").get_data(as_text=True)
    assert "waiting for you" in page and "Please send the signed IO." in page
    answer = web(person).post(
        f"/portal/cases/{waiting.ref}/answer",
        data={"message": "Signed IO attached.", "file": (io.BytesIO(pdf()), "signed-io.pdf")},
    )
    assert answer.status_code == 302
    db.session.expire_all()
    case = db.session.get(Dispute, waiting.id)
    assert case.awaiting_info_since is None
    (evidence,) = db.session.scalars(select(Evidence).where(Evidence.dispute_id == case.id))
    assert (evidence.filename, evidence.uploaded_by_id, evidence.kind) == (
        "signed-io.pdf",
        person.id,
        "correspondence",
    )
    types = db.session.scalars(select(Event.trigger).where(Event.dispute_id == case.id)).all()
    assert "info_received" in types
    team_view = web(cast.analyst).get(f"/disputes/{case.ref}").get_data(as_text=True)
    assert "Signed IO attached." in team_view and "signed-io.pdf" in team_view
    theirs = web(person).get(f"/portal/cases/{case.ref}").get_data(as_text=True)
    assert "Signed IO attached." in theirs and "signed-io.pdf" in theirs


def test_a_refused_file_keeps_the_answer_out_and_says_why(web: Web, person, waiting):
    before = snapshot(waiting)
    answer = web(person).post(
        f"/portal/cases/{waiting.ref}/answer",
        data={
            "message": "see attached",
            "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "io.pdf.exe"),
        },
    )
    assert answer.status_code == 422 and snapshot(waiting) == before
    page = answer.get_data(as_text=True)
    assert "Nothing was sent" in page and "see attached" in page


def test_a_request_not_sent_to_the_advertiser_keeps_its_note_internal(web: Web, make, cast, person):
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    fire_trigger(case.ref, cast.analyst, "request_info", {"note": "check the CRM first"})
    page = web(person).get(f"/portal/cases/{case.ref}").get_data(as_text=True)
    assert "We asked you for information" in page and "check the CRM first" not in page


def test_the_decision_and_the_credit_memo_show_and_download(web: Web, make, cast, person):
    case = case_with_memo(make, cast, "issued")
    memo = memo_of(case)
    page = web(person).get(f"/portal/cases/{case.ref}").get_data(as_text=True)
    assert "credited" in page and memo.number in page and "400.00" in page
    document = web(person).get(f"/portal/cases/{case.ref}/memos/{memo.number}")
    assert document.status_code == 200
    assert f'filename="{memo.number}.html"' in document.headers["Content-Disposition"]
    assert memo.number in document.get_data(as_text=True)
    closed = web(person).post(f"/portal/cases/{case.ref}/answer", data={"message": "thanks"})
    assert closed.status_code == 409
