"""The inbox asks the approval matrix in SQL, a page at a time, and agrees with it on every row."""

from itertools import product

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Approval, CreditMemo, Dispute
from disputedesk.app.queries import inbox as inbox_query
from disputedesk.app.queries.memos import memo_facts, person
from disputedesk.workflows import approvals as matrix
from tests.factories import Cast, Factory
from tests.web.helpers import Web, case_refs, case_with_memo, text

# (credit, disputed amount in minor units): one memo in each tier of the matrix
TIER_CREDITS = [("400.00", 100_000), ("3000.00", 500_000), ("30000.00", 5_000_000)]


def memos_across_the_matrix(make: Factory, cast: Cast) -> None:
    """Memos in every tier: fresh, split into a higher tier, approved once (by a limit too low
    for the memo, or by one that covers it)."""
    variants = ("fresh", "split", "approved_once", "approved_once_covered", "above_proposal")
    for (credit, amount), variant in product(TIER_CREDITS, variants):
        case = case_with_memo(make, cast, credit=credit, amount=amount)
        memo = case.credit_memos[-1]
        if variant == "split":
            memo.split_total = memo.reporting_amount + 2_500_000
        elif variant == "above_proposal":  # credits more than proposed: one tier higher
            memo.above_proposal = True
        elif variant.startswith("approved_once"):  # the first of two approvals
            first = make.user("approver", approval_limit=200_000 if variant == "approved_once"
                              else 100_000_000)  # fmt: skip
            db.session.add(Approval(memo_id=memo.id, approver_id=first.id, decision="approve",
                                    rule="test", approver_limit=first.approval_limit))  # fmt: skip
        db.session.commit()
    case_with_memo(make, cast, assignee=cast.lead)  # the lead works it: never theirs to approve


def test_the_sql_condition_finds_exactly_the_memos_the_matrix_lets_each_person_approve(
    app, make: Factory, cast: Cast
):
    memos_across_the_matrix(make, cast)
    people = [cast.lead, cast.approver, make.user("approver", approval_limit=300_000), cast.admin]
    pending = db.session.execute(
        select(CreditMemo, Dispute)
        .join(Dispute, Dispute.id == CreditMemo.dispute_id)
        .where(CreditMemo.status == matrix.MEMO_START)
    ).all()
    for user in people:
        allowed = {
            m.id for m, d in pending if matrix.refusal(memo_facts(m, d), person(user)) is None
        }
        found = {m.id for m, _ in inbox_query.inbox_page(user).rows}
        assert found == allowed, user.email
    assert any(inbox_query.inbox_page(u).rows for u in people)  # the table is not all refusals


def test_the_inbox_shows_a_page_at_a_time_with_a_link_to_the_next(
    web: Web, make: Factory, cast: Cast, monkeypatch
):
    monkeypatch.setattr(inbox_query, "PAGE_SIZE", 2)
    refs = [case_with_memo(make, cast, credit="250.00").ref for _ in range(5)]
    client = web(cast.approver)
    seen, path = [], "/approvals"
    while path:
        page = text(client.get(path))
        assert "5 memos wait for your approval" in page  # all of them, on every page
        seen += case_refs(page)
        marker = 'href="/approvals?after='
        path = (
            page[page.index(marker) + 6 : page.index('"', page.index(marker) + 6)]
            if (marker in page)
            else None
        )
    assert seen == refs  # oldest first, each once, across three pages


def test_a_made_up_page_token_is_refused(web: Web, cast: Cast):
    assert web(cast.approver).get("/approvals?after=nonsense").status_code == 400
