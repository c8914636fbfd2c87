"""The approvals inbox: the memos a lead or approver may approve now, oldest first."""

import io

import pytest

from disputedesk.app.services.evidence import remove_evidence, upload_evidence
from disputedesk.app.services.triggers import fire_trigger
from tests import evidence_samples as samples
from tests.factories import Cast, Factory
from tests.web.helpers import (
    CREDIT,
    HX,
    Web,
    case_refs,
    case_with_memo,
    is_full_page,
    table_rows,
    text,
)
from tests.web.test_queue_queries import counted_queries

ROLES = ("analyst", "lead", "approver", "viewer", "admin")
INBOX = frozenset({"lead", "approver"})
FEW, MANY = 3, 40


def role(cast: Cast, name: str):  # noqa: ANN201
    return cast.by_role()[name]


@pytest.mark.parametrize("who", ROLES)
def test_the_inbox_opens_for_leads_and_approvers_only(web: Web, cast, who):
    answer = web(role(cast, who)).get("/approvals")
    assert answer.status_code == (200 if who in INBOX else 403)


def test_someone_signed_out_is_sent_to_the_login_page(web: Web):
    answer = web(None).get("/approvals")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login?next=/approvals"


@pytest.mark.parametrize("who", ROLES)
def test_the_navigation_shows_approvals_to_leads_and_approvers(web: Web, cast, who):
    page = text(web(role(cast, who)).get("/workflow"))
    assert ('href="/approvals"' in page) == (who in INBOX)


def test_an_approver_starts_at_the_dashboard_with_the_inbox_one_click_away(web: Web, cast):
    assert web(cast.approver).get("/").headers["Location"] == "/dashboard"
    assert 'href="/approvals"' in text(web(cast.approver).get("/dashboard"))


def test_it_lists_what_each_may_approve_now_oldest_first(web: Web, make, cast):
    small_first = case_with_memo(make, cast, credit="400.00")
    standard = case_with_memo(make, cast, credit="3000.00", amount=500_000)
    small_second = case_with_memo(make, cast, credit="250.00")
    case_with_memo(make, cast, "approved")  # approved already: nothing to do
    own = case_with_memo(make, cast, assignee=cast.lead)  # the lead prepared it and works it

    approver = case_refs(text(web(cast.approver).get("/approvals")))
    lead = case_refs(text(web(cast.lead).get("/approvals")))

    assert approver == [small_first.ref, standard.ref, small_second.ref, own.ref]
    assert lead == [small_first.ref, small_second.ref]  # the standard tier is not a lead's


def test_each_row_shows_amount_advertiser_reason_and_evidence_count(web: Web, make, cast):
    case = make.dispute(cast, "investigating", assignee=cast.analyst, reason="delivery_shortfall")
    for name, content in (("a.csv", samples.csv()), ("b.pdf", samples.pdf()),
                          ("c.txt", samples.txt()), ("d.eml", samples.eml())):  # fmt: skip
        evidence, _ = upload_evidence(
            case.ref, cast.lead, io.BytesIO(content), name, None, "delivery_report"
        )
    remove_evidence(evidence.id, cast.lead)  # removed files are not counted
    fire_trigger(case.ref, cast.analyst, "resolve", {**CREDIT, "credit_amount": "400.00"})
    rows = table_rows(text(web(cast.approver).get("/approvals")))
    assert rows[1][:2] == [case.ref, "USD 400.00"]
    assert case.advertiser.name in rows[1] and "delivery shortfall" in rows[1]
    assert "3 files" in rows[1]


def test_an_empty_inbox_says_so(web: Web, cast):
    assert "Nothing waits for your approval." in text(web(cast.approver).get("/approvals"))


def test_htmx_gets_the_list_alone_and_a_plain_request_the_page(web: Web, make, cast):
    case_with_memo(make, cast)
    client = web(cast.approver)
    partial, full = client.get("/approvals", headers=HX), client.get("/approvals")
    assert text(partial).lstrip().startswith('<section id="inbox"')
    assert not is_full_page(text(partial)) and is_full_page(text(full))
    assert 'hx-trigger="every 60s"' in text(partial)


def test_the_inbox_reads_40_memos_in_as_many_queries_as_3(web: Web, make: Factory, cast):
    client = web(cast.approver)

    def add() -> None:
        advertiser = make.advertiser(cast.team)  # its own advertiser: no lazy load hides
        case_with_memo(make, cast, advertiser=advertiser, reason="tax_or_fee")  # with a file

    def queries(expect: int) -> int:
        with counted_queries() as statements:
            answer = client.get("/approvals")
        assert len(case_refs(text(answer))) == expect
        return len(statements)

    for _ in range(FEW):
        add()
    few = queries(FEW)
    for _ in range(MANY - FEW):
        add()
    assert queries(MANY) == few
