"""The dispute page: its header, the actions each user may take, the comparison, the timeline."""

import re
from datetime import date

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import Comment, Contract, DeliveryRecord, Watch
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.comments import add_comment
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.dispute import allowed_triggers, selectable_outcomes
from tests.factories import Cast, Factory
from tests.web.helpers import Web, section, table_rows, text, triggers_offered

# (state the factory walks the case into, whether it has an assignee, whether it awaits info)
SITUATIONS = {
    "filed, unassigned": ("filed", False, False),
    "filed": ("filed", True, False),
    "investigating": ("investigating", True, False),
    "waiting on the advertiser": ("investigating", True, True),
    "escalated": ("escalated", True, False),
    "resolved": ("resolved", True, False),
}
VIEWERS = ("analyst", "analyst2", "lead", "approver", "viewer", "admin")


def case_in(make: Factory, cast: Cast, situation: str):  # noqa: ANN201
    state, assigned, waiting = SITUATIONS[situation]
    dispute = make.dispute(cast, state, assignee=cast.analyst if assigned else None)
    if waiting:
        fire_trigger(dispute.ref, cast.analyst, "request_info", {"note": "send the IO"})
    db.session.refresh(dispute)
    return dispute


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_page_offers_exactly_the_triggers_the_workflow_allows(
    web: Web, make, cast, situation, who
):
    dispute = case_in(make, cast, situation)
    user = getattr(cast, who)
    body = text(web(user).get(f"/disputes/{dispute.ref}"))
    expected = allowed_triggers(user.as_actor(), dispute.facts(), utcnow())
    assert triggers_offered(body) == set(expected)


@pytest.mark.parametrize(
    ("situation", "who", "offered"),
    [
        ("filed", "analyst", {"start", "withdraw"}),
        ("filed, unassigned", "lead", {"withdraw"}),
        ("investigating", "analyst", {"escalate", "resolve", "withdraw", "request_info"}),
        ("waiting on the advertiser", "analyst",
         {"escalate", "resolve", "withdraw", "info_received"}),
        ("escalated", "lead",
         {"deescalate", "resolve", "withdraw", "request_info"}),
        ("escalated", "analyst2", set()),
        ("resolved", "lead", {"reopen"}),
        ("investigating", "viewer", set()),
        ("investigating", "approver", set()),
        ("investigating", "admin", set()),
    ],
)  # fmt: skip
def test_each_user_sees_the_actions_they_may_take_now(
    web: Web, make, cast, situation, who, offered
):
    dispute = case_in(make, cast, situation)
    page = text(web(getattr(cast, who)).get(f"/disputes/{dispute.ref}"))
    assert triggers_offered(page) == offered


def test_a_viewer_is_told_the_billing_team_works_the_case(web: Web, make, cast):
    dispute = case_in(make, cast, "investigating")
    actions = section(text(web(cast.viewer).get(f"/disputes/{dispute.ref}")), "case-actions")
    assert "worked by the billing team" in actions and "<form" not in actions


@pytest.mark.parametrize(
    ("who", "situation", "may_assign"),
    [
        ("lead", "investigating", True),
        ("lead", "filed, unassigned", True),
        ("lead", "resolved", False),
        ("analyst", "investigating", False),
        ("approver", "investigating", False),
    ],
)
def test_only_the_teams_lead_gets_the_assignment_form_on_an_open_case(
    web: Web, make, cast, who, situation, may_assign
):
    dispute = case_in(make, cast, situation)
    body = text(web(getattr(cast, who)).get(f"/disputes/{dispute.ref}"))
    assert (f'action="/disputes/{dispute.ref}/assign"' in body) is may_assign


def test_the_header_shows_what_the_case_is_about(web: Web, make, cast):
    dispute = make.dispute(
        cast, "escalated", assignee=cast.analyst, amount=3_000_000, reason="tax_or_fee"
    )
    header = section(text(web(cast.lead).get(f"/disputes/{dispute.ref}")), "case-header")
    for shown in (
        dispute.ref,
        "escalated",
        "P2",
        "USD 30,000.00",
        cast.advertiser.name,
        dispute.invoice.number,
        cast.analyst.name,
        "tax or fee",
        cast.team.name,
    ):
        assert shown in header, shown


def test_a_resolved_case_shows_its_outcome_and_root_cause(web: Web, make, cast):
    dispute = make.dispute(cast, "resolved", assignee=cast.analyst)
    header = section(text(web(cast.viewer).get(f"/disputes/{dispute.ref}")), "case-header")
    assert "no credit" in header and "no error found" in header


def test_resolving_offers_the_outcomes_the_workflow_lets_people_choose(web: Web, make, cast):
    dispute = case_in(make, cast, "investigating")
    body = text(web(cast.analyst).get(f"/disputes/{dispute.ref}"))
    choice = body[
        body.index('<select name="outcome"') : body.index("</select>", body.index('name="outcome"'))
    ]
    offered = set(re.findall(r'<option value="([a-z_]+)"', choice))
    assert offered == set(selectable_outcomes()) and "withdrawn" not in offered


def test_the_comparison_sets_billed_beside_contracted_and_delivered(web: Web, make, cast):
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst)
    invoice = dispute.invoice
    line = invoice.lines[0]  # 1,000 impressions billed at 5,000.00 a thousand
    db.session.add_all(
        [
            Contract(
                advertiser_id=cast.advertiser.id,
                reference="IO-77",
                product=line.product,
                rate_micros=4_000_000_000,
                discount_bp=1_000,
                effective_from=date(2026, 1, 1),
                effective_to=date(2026, 12, 31),
            ),
            DeliveryRecord(
                campaign_ref=line.campaign_ref,
                period_start=invoice.period_start,
                period_end=invoice.period_end,
                delivered_units=900,
                invalid_units=50,
            ),
        ]
    )
    db.session.commit()

    body = section(text(web(cast.analyst).get(f"/disputes/{dispute.ref}")), "case-comparison")
    header, first, second, second_notes = table_rows(body)

    assert header[2:9] == [
        "Billed units",
        "Delivered (valid)",
        "Billed rate",
        "Contract rate",
        "Billed",
        "Expected",
        "Difference",
    ]
    # 850 valid of 900 delivered; 4,000.00 less 10% = 3,600.00 a thousand; 850 × 3.60 = 3,060.00
    assert first[2:9] == [
        "1,000",
        "850 50 invalid · 1 row",
        "5,000.00 /k",
        "3,600.00 /k 10% off 4,000.00 IO-77 v1",
        "5,000.00",
        "3,060.00",
        "+1,940.00",
    ]
    assert first[9] == "1,940.00"  # proposed credit: the contract has no tolerance
    # Line 2 has no delivery record: no expected amount is guessed, and the page says why.
    assert second[3] == "no data" and second[7:9] == ["—", "—"]
    assert "No first_party delivery rows for " + invoice.lines[1].campaign_ref in second_notes[0]


def test_the_timeline_lists_events_newest_first(web: Web, make, cast):
    dispute = make.dispute(cast, "escalated", assignee=cast.analyst)
    timeline = section(text(web(cast.lead).get(f"/disputes/{dispute.ref}")), "case-timeline")
    events = timeline.split('<li class="event')[1:]

    def position(words: str) -> int:
        return next(i for i, event in enumerate(events) if words in event)

    assert position("contract unclear") < position(" start: ") < position("filed the dispute")


class TestViewers:
    @pytest.fixture
    def dispute(self, make: Factory, cast: Cast):
        dispute = make.dispute(cast, "investigating", assignee=cast.analyst)
        add_comment(dispute.ref, cast.analyst, "internal: the IO looks wrong", "internal")
        add_comment(dispute.ref, cast.analyst, "shared: we are on it", "account_team")
        return dispute

    def test_see_only_the_comments_shared_with_the_account_team(self, web: Web, cast, dispute):
        timeline = section(text(web(cast.viewer).get(f"/disputes/{dispute.ref}")), "case-timeline")
        assert "shared: we are on it" in timeline
        assert "the IO looks wrong" not in timeline

    def test_the_billing_team_sees_both_kinds_of_comments(self, web: Web, cast, dispute):
        timeline = section(text(web(cast.lead).get(f"/disputes/{dispute.ref}")), "case-timeline")
        assert "the IO looks wrong" in timeline and "shared: we are on it" in timeline

    def test_comment_for_the_account_team(self, web: Web, cast, dispute):
        client = web(cast.viewer)
        timeline = section(text(client.get(f"/disputes/{dispute.ref}")), "case-timeline")
        assert '<input type="hidden" name="visibility" value="account_team">' in timeline

        answer = client.post(
            f"/disputes/{dispute.ref}/comments",
            data={"body": "Client says the IO was amended", "visibility": "account_team"},
        )

        assert answer.status_code == 302
        comment = db.session.query(Comment).order_by(Comment.id.desc()).first()
        assert (comment.body, comment.visibility, comment.author_id) == (
            "Client says the IO was amended",
            "account_team",
            cast.viewer.id,
        )
        assert "Client says the IO was amended" in text(client.get(f"/disputes/{dispute.ref}"))

    def test_watch_and_unwatch_a_case(self, web: Web, cast, dispute):
        client = web(cast.viewer)
        assert ">Watch</button>" in text(client.get(f"/disputes/{dispute.ref}"))

        client.post(f"/disputes/{dispute.ref}/watch", data={"watch": "1"})
        watches = db.session.query(Watch).filter_by(dispute_id=dispute.id, user_id=cast.viewer.id)
        assert watches.count() == 1
        assert ">Unwatch</button>" in text(client.get(f"/disputes/{dispute.ref}"))

        client.post(f"/disputes/{dispute.ref}/watch", data={"watch": "0"})
        assert watches.count() == 0

    def test_an_admin_is_offered_neither_comments_nor_watching(self, web: Web, cast, dispute):
        body = text(web(cast.admin).get(f"/disputes/{dispute.ref}"))
        assert 'name="body"' not in body and 'id="watch"' not in body


def test_the_comparison_names_the_contract_warns_on_ambiguity_and_counts_weekly_rows(
    web: Web, make, cast
):
    dispute = make.dispute(cast, "investigating", assignee=cast.analyst)
    line = dispute.invoice.lines[0]  # October 2026, 1,000 impressions at 5,000.00 a thousand
    terms = dict(advertiser_id=cast.advertiser.id, product=line.product,
                 effective_to=date(2026, 12, 31))  # fmt: skip
    weeks = [
        DeliveryRecord(campaign_ref=line.campaign_ref, period_start=date(2026, 10, d),
                       period_end=date(2026, 10, d + 6), delivered_units=200, invalid_units=0)
        for d in (8, 15, 22)
    ]  # fmt: skip
    db.session.add_all([
        Contract(reference="IO-1", rate_micros=4_000_000_000, effective_from=date(2026, 1, 1),
                 **terms),
        Contract(reference="IO-2", rate_micros=4_500_000_000, effective_from=date(2026, 9, 1),
                 **terms),
        *weeks,
    ])  # fmt: skip
    db.session.commit()

    body = section(text(web(cast.analyst).get(f"/disputes/{dispute.ref}")), "case-comparison")
    _, first, notes, *_ = table_rows(body)

    assert "Several contracts match some lines" in body
    assert first[3] == "600 0 invalid · 3 rows"  # mid-month weekly rows all count
    assert first[5] == "4,500.00 /k IO-2 v1 ambiguous" and first[7] == "2,700.00"
    assert "IO-2 v1 chosen (most specific, then latest) over IO-1 v1" in notes[0]
