"""HTMX: each area answers alone, actions re-render their area, refusals change nothing."""

import json
import re

import pytest

from tests.factories import Cast, Factory
from tests.web.helpers import HX, Web, is_full_page, show_more_url, snapshot, text


@pytest.fixture
def case(make: Factory, cast: Cast):
    return make.dispute(cast, "investigating", assignee=cast.analyst)


# Each page with a replaceable area: who asks, and the element that is the area.
AREAS = {
    "/queue": ("analyst", '<section id="queue"'),
    "/team": ("lead", '<section id="queue"'),
    "/track?q=Advertiser": ("viewer", '<section id="results"'),
    "/disputes/{ref}": ("analyst", '<div class="case" id="case"'),
}


@pytest.mark.parametrize("page", AREAS)
def test_an_htmx_request_gets_the_area_and_a_plain_one_the_whole_page(web: Web, cast, case, page):
    role, area = AREAS[page]
    client = web(cast.by_role()[role])
    path = page.format(ref=case.ref)

    partial, full = client.get(path, headers=HX), client.get(path)

    assert partial.status_code == full.status_code == 200
    assert not is_full_page(text(partial)) and text(partial).lstrip().startswith(area)
    assert is_full_page(text(full)) and area in text(full)
    assert "HX-Request" in partial.headers["Vary"]


@pytest.mark.parametrize("area", ["header", "actions", "evidence", "credit", "timeline"])
def test_each_area_of_the_case_page_renders_alone(web: Web, cast, case, area):
    answer = web(cast.analyst).get(f"/disputes/{case.ref}/{area}", headers=HX)
    assert answer.status_code == 200
    body = text(answer)
    assert body.lstrip().startswith(f'<section id="case-{area}"') and not is_full_page(body)
    # Each area reloads itself when another area says the case changed.
    assert 'hx-trigger="case-refresh"' in body and f'data-case-area="{area}"' in body


def test_a_history_restore_gets_the_whole_page(web: Web, cast, case):
    restore = {**HX, "HX-History-Restore-Request": "true"}
    assert is_full_page(text(web(cast.analyst).get("/queue", headers=restore)))


def test_show_more_answers_with_rows_only(web: Web, cast, make, monkeypatch):
    monkeypatch.setattr("disputedesk.app.queries.queues.PAGE_SIZE", 1)
    for _ in range(2):
        make.dispute(cast, "investigating", assignee=cast.analyst)
    client = web(cast.analyst)
    more = client.get(show_more_url(text(client.get("/queue"))), headers=HX)
    assert text(more).lstrip().startswith("<tr") and "<table" not in text(more)


@pytest.mark.parametrize(
    ("path", "params", "shows"),
    [
        ("/disputes/new/invoices", "advertiser", '<select id="invoice_number"'),
        ("/disputes/new/lines", "invoice_number", '<fieldset class="lines"'),
    ],
)
def test_the_filing_form_fetches_its_next_field_as_a_fragment(
    web: Web, cast, make, path, params, shows
):
    invoice = make.invoice(cast.advertiser)
    value = cast.advertiser.id if params == "advertiser" else invoice.number
    answer = web(cast.analyst).get(f"{path}?{params}={value}", headers=HX)
    assert answer.status_code == 200
    assert text(answer).lstrip().startswith(shows) and invoice.number in text(answer)


def changed_area(answer) -> str:
    return json.loads(answer.headers["HX-Trigger"])["case-changed"]["area"]


class TestActionsPostedWithHtmx:
    def test_a_trigger_re_renders_the_actions_and_tells_the_other_areas(self, web: Web, cast, case):
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger",
            data={"trigger": "escalate", "reason": "contract unclear", "version": case.version},
            headers=HX,
        )
        assert answer.status_code == 200
        assert text(answer).lstrip().startswith('<section id="case-actions"')
        assert "Escalate: done." in text(answer)
        assert changed_area(answer) == "actions"
        assert snapshot(case)["state"] == "escalated"

    def test_a_comment_re_renders_the_timeline(self, web: Web, cast, case):
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/comments",
            data={"body": "Asked sales for the IO", "visibility": "internal"},
            headers=HX,
        )
        assert answer.status_code == 200
        assert text(answer).lstrip().startswith('<section id="case-timeline"')
        assert "Asked sales for the IO" in text(answer)
        assert changed_area(answer) == "timeline"

    def test_watching_re_renders_the_header(self, web: Web, cast, case):
        answer = web(cast.viewer).post(
            f"/disputes/{case.ref}/watch", data={"watch": "1"}, headers=HX
        )
        assert answer.status_code == 200
        assert text(answer).lstrip().startswith('<section id="case-header"')
        assert "Unwatch" in text(answer)
        assert changed_area(answer) == "header"

    def test_an_assignment_re_renders_the_actions(self, web: Web, cast, case):
        answer = web(cast.lead).post(
            f"/disputes/{case.ref}/assign",
            data={"assignee": cast.analyst2.email, "version": case.version},
            headers=HX,
        )
        assert answer.status_code == 200
        assert "Assignment saved." in text(answer)
        assert changed_area(answer) == "actions"
        assert snapshot(case)["assignee_id"] == cast.analyst2.id

    def test_without_htmx_an_action_redirects_back_to_the_case(self, web: Web, cast, case):
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger", data={"trigger": "escalate", "reason": "unclear"}
        )
        assert answer.status_code == 302
        assert answer.headers["Location"] == f"/disputes/{case.ref}"
        assert snapshot(case)["state"] == "escalated"


class TestRefusals:
    @pytest.mark.parametrize(
        ("path", "data"),
        [
            ("trigger", {"trigger": "escalate", "reason": "late"}),
            ("assign", {"assignee": "{analyst2}"}),
        ],
    )
    def test_a_stale_version_is_refused_with_a_reload_message(
        self, web: Web, cast, case, path, data
    ):
        stale = case.version
        # Someone else changes the case after the page was loaded.
        web(cast.lead).post(f"/disputes/{case.ref}/comments", data={"body": "meanwhile"})
        before = snapshot(case)
        data = {k: v.format(analyst2=cast.analyst2.email) for k, v in data.items()}
        answer = web(cast.lead).post(
            f"/disputes/{case.ref}/{path}", data={**data, "version": stale}, headers=HX
        )
        assert answer.status_code == 409
        body = text(answer)
        assert "You changed this case in another tab or window" in body  # the lead, twice
        assert "nothing was saved" in body
        assert json.loads(answer.headers["HX-Trigger"]) == {"case-changed": {"area": "actions"}}
        assert snapshot(case) == before

    def test_a_stale_tab_keeps_the_typed_text_and_sends_it_again(self, web: Web, cast, case):
        stale = case.version
        web(cast.lead).post(f"/disputes/{case.ref}/comments", data={"body": "meanwhile"})
        client = web(cast.analyst)
        sent = {"trigger": "escalate", "reason": "Contract terms unclear", "version": stale}
        answer = client.post(f"/disputes/{case.ref}/trigger", data=sent, headers=HX)
        assert answer.status_code == 409
        assert "Contract terms unclear</textarea>" in text(answer)
        assert f'title="{cast.lead.email}">{cast.lead.name}</span> changed this case' in text(
            answer
        )
        fresh_version = re.search(r'name="version" value="(\d+)"', text(answer)).group(1)
        again = client.post(f"/disputes/{case.ref}/trigger",
                            data={**sent, "version": fresh_version}, headers=HX)  # fmt: skip
        assert again.status_code == 200 and snapshot(case)["state"] == "escalated"

    def test_without_javascript_a_stale_tab_answers_the_page_with_the_typed_text(
        self, web: Web, cast, case
    ):
        stale = case.version
        web(cast.lead).post(f"/disputes/{case.ref}/comments", data={"body": "meanwhile"})
        before = snapshot(case)
        client = web(cast.analyst)
        sent = {"trigger": "escalate", "reason": "Contract terms unclear", "version": stale}
        answer = client.post(f"/disputes/{case.ref}/trigger", data=sent)  # a plain form post
        assert answer.status_code == 409 and snapshot(case) == before
        body = text(answer)
        assert "<html" in body and "meanwhile" in body  # the whole page, as the case is now
        assert "Contract terms unclear</textarea>" in body
        assert f'title="{cast.lead.email}">{cast.lead.name}</span> changed this case' in body
        fresh_version = re.search(r'name="version" value="(\d+)"', body).group(1)
        again = client.post(
            f"/disputes/{case.ref}/trigger", data={**sent, "version": fresh_version}
        )
        assert again.status_code == 302 and snapshot(case)["state"] == "escalated"

    def test_a_comment_from_a_stale_tab_is_refused_and_kept(self, web: Web, cast, case):
        stale = case.version
        web(cast.lead).post(f"/disputes/{case.ref}/comments", data={"body": "meanwhile"})
        before = snapshot(case)
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/comments",
            data={"body": "My finding", "version": stale},
            headers=HX,
        )
        assert answer.status_code == 409
        assert "My finding</textarea>" in text(answer) and "changed this case" in text(answer)
        assert snapshot(case) == before

    def test_a_failed_guard_is_shown_beside_its_field(self, web: Web, cast, case):
        before = snapshot(case)
        answer = web(cast.analyst).post(
            f"/disputes/{case.ref}/trigger",
            data={"trigger": "escalate", "reason": "  ", "version": case.version},
            headers=HX,
        )
        assert answer.status_code == 422
        body = text(answer)
        assert '<p class="field-error" id="escalate-reason-error">Give a reason</p>' in body
        assert 'name="reason" rows="2" aria-invalid="true"' in body
        assert '<details class="action" open>' in body  # the escalate form stays open
        assert "HX-Trigger" not in answer.headers
        assert snapshot(case) == before

    def test_a_failed_guard_that_is_no_field_is_shown_above_the_forms(self, web: Web, cast, case):
        client = web(cast.analyst)
        note = {"trigger": "request_info", "note": "send the IO"}
        assert client.post(f"/disputes/{case.ref}/trigger", data=note).status_code == 302
        before = snapshot(case)
        answer = client.post(f"/disputes/{case.ref}/trigger", data=note, headers=HX)
        assert answer.status_code == 422
        assert "Already waiting on the advertiser" in text(answer)
        assert snapshot(case) == before

    def test_an_empty_comment_is_refused_inline(self, web: Web, cast, case):
        before = snapshot(case)
        answer = web(cast.viewer).post(
            f"/disputes/{case.ref}/comments", data={"body": ""}, headers=HX
        )
        assert answer.status_code == 422
        assert '<p class="field-error" id="comment-body-error">Write a comment</p>' in text(answer)
        assert snapshot(case) == before

    def test_a_forbidden_action_says_so_in_its_area(self, web: Web, cast, case):
        before = snapshot(case)
        answer = web(cast.viewer).post(
            f"/disputes/{case.ref}/trigger",
            data={"trigger": "escalate", "reason": "why not"},
            headers=HX,
        )
        assert answer.status_code == 403
        assert 'id="case-actions"' in text(answer) and "may be fired by" in text(answer)
        assert snapshot(case) == before

    def test_a_forbidden_page_replaces_the_content_not_a_small_area(self, web: Web, cast, case):
        answer = web(cast.other_viewer).get(f"/disputes/{case.ref}/actions", headers=HX)
        assert answer.status_code == 404  # another account's case: as if there were none
        assert answer.headers["HX-Retarget"] == "main"
        assert "There is nothing here." in text(answer) and not is_full_page(text(answer))


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/queue"), ("get", "/disputes/DSP-000001/timeline"), ("post", "/queue/claim")],
)
def test_an_expired_session_on_an_htmx_request_sends_the_browser_to_login(web: Web, method, path):
    page = "http://localhost/queue?state=escalated"  # where the person was
    answer = getattr(web(None), method)(path, headers={**HX, "HX-Current-URL": page})
    assert answer.status_code == 401
    assert answer.headers["HX-Redirect"] == "/login?next=/queue?state%3Descalated"


class TestWithoutJavaScript:
    def test_a_refused_credit_resolve_keeps_what_was_typed_and_says_it_plainly(
        self, web: Web, make, cast
    ):
        case = make.dispute(cast, "investigating", assignee=cast.analyst, reason="other")
        before = snapshot(case)
        sent = {"trigger": "resolve", "outcome": "credit_partial", "root_cause": "rate_card_error",
                "note": "IO rate 4.20 applies", "credit_amount": "", "gl_reason": "",
                "version": case.version}  # fmt: skip
        answer = web(cast.analyst).post(f"/disputes/{case.ref}/trigger", data=sent)
        assert answer.status_code == 422 and is_full_page(text(answer))
        body = text(answer)
        assert "IO rate 4.20 applies</textarea>" in body
        assert '<option value="credit_partial" selected>' in body
        assert "Choose the GL reason the credit is booked to." in body
        assert "credit_memo_valid" not in body
        assert snapshot(case) == before

    def test_an_amount_that_is_no_number_is_explained_beside_the_amount(self, web: Web, make, cast):
        case = make.dispute(cast, "investigating", assignee=cast.analyst, reason="other")
        sent = {"trigger": "resolve", "outcome": "credit_partial", "root_cause": "rate_card_error",
                "note": "n", "credit_amount": "", "gl_reason": "rate_correction",
                "version": case.version}  # fmt: skip
        body = text(web(cast.analyst).post(f"/disputes/{case.ref}/trigger", data=sent, headers=HX))
        assert 'id="resolve-credit_amount-error">Enter the credit amount, such as 1234.50.' in body
