"""My queue and the team queue: what they list, in what order, and the actions they offer."""

import csv
import html
import re

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.triggers import fire_trigger
from tests.factories import Cast, Factory
from tests.web.helpers import (
    HX,
    Web,
    case_refs,
    case_with_memo,
    csv_body,
    section,
    show_more_url,
    table_rows,
    text,
)

# Disputed amounts (minor units) that give each priority for a standard advertiser.
P1, P2, P3, P4 = 12_000_000, 3_000_000, 150_000, 50_000


def refs(*disputes: Dispute) -> list[str]:
    return [d.ref for d in disputes]


def walk(client, first_page: str, javascript: bool = True) -> list[str]:
    """Read a queue to its end, following "Show more" as htmx would, or without JavaScript
    the "Next page" link to the whole page."""
    body = text(client.get(first_page))
    seen = case_refs(body)
    while url := (show_more_url(body) if javascript else next_page_url(body)):
        body = text(client.get(url, headers=HX if javascript else {}))
        seen += case_refs(body)
    return seen


def next_page_url(body: str) -> str | None:
    found = re.search(r'<noscript><a href="([^"]*after=[^"]*)">Next page</a>', body)
    return html.unescape(found.group(1)) if found else None


class TestMyQueue:
    def test_lists_only_my_open_cases(self, web: Web, make: Factory, cast: Cast):
        mine = [
            make.dispute(cast, state, assignee=cast.analyst)
            for state in ("filed", "investigating", "escalated")
        ]
        make.dispute(cast, "resolved", assignee=cast.analyst)
        make.dispute(cast, "investigating", assignee=cast.analyst2)
        make.dispute(cast, "filed")  # unassigned
        assert set(case_refs(text(web(cast.analyst).get("/queue")))) == set(refs(*mine))

    def test_puts_the_most_urgent_first(self, web: Web, make: Factory, cast: Cast):
        p4, older_p3, p2, p1, newer_p3 = (
            make.dispute(cast, "investigating", assignee=cast.analyst, amount=amount)
            for amount in (P4, P3, P2, P1, P3)
        )
        body = text(web(cast.analyst).get("/queue"))
        assert case_refs(body) == refs(p1, p2, older_p3, newer_p3, p4)
        first_row = table_rows(body)[1]
        assert first_row[0] == p1.ref and "P1" in first_row and "USD 120,000.00" in first_row

    @pytest.mark.parametrize(
        ("query", "matches"),
        [
            ("state=escalated", "escalated"),
            ("priority=P1", "urgent"),
            ("q={invoice}", "urgent"),
            ("q={ref}", "urgent"),
            ("state=escalated&priority=P1", None),
        ],
    )
    def test_filters_and_search_narrow_the_list(self, web: Web, make, cast, query, matches):
        cases = {
            "escalated": make.dispute(cast, "escalated", assignee=cast.analyst),
            "urgent": make.dispute(cast, "investigating", assignee=cast.analyst, amount=P1),
            "plain": make.dispute(cast, "filed", assignee=cast.analyst),
        }
        urgent = cases["urgent"]
        path = "/queue?" + query.format(invoice=urgent.invoice.number, ref=urgent.ref)
        answer = web(cast.analyst).get(path, headers=HX)  # as the filter form asks
        expected = [cases[matches].ref] if matches else []
        assert case_refs(text(answer)) == expected
        if not matches:
            assert "Try other filters." in text(answer)

    def test_show_more_walks_every_case_once(self, web: Web, make, cast, monkeypatch):
        monkeypatch.setattr("disputedesk.app.queries.queues.PAGE_SIZE", 2)
        cases = [
            make.dispute(cast, "investigating", assignee=cast.analyst, amount=amount)
            for amount in (P3, P1, P4, P2, P3)
        ]
        urgency = sorted(cases, key=lambda d: (d.priority, d.filed_at, d.id))
        assert walk(web(cast.analyst), "/queue") == refs(*urgency)
        assert walk(web(cast.analyst), "/queue", javascript=False) == refs(*urgency)

    def test_show_more_keeps_the_filters(self, web: Web, make, cast, monkeypatch):
        monkeypatch.setattr("disputedesk.app.queries.queues.PAGE_SIZE", 1)
        escalated = [make.dispute(cast, "escalated", assignee=cast.analyst) for _ in range(3)]
        make.dispute(cast, "investigating", assignee=cast.analyst)
        assert walk(web(cast.analyst), "/queue?state=escalated") == refs(*escalated)
        assert walk(web(cast.analyst), "/queue?state=escalated", False) == refs(*escalated)

    def test_a_tampered_show_more_link_is_a_bad_request(self, web: Web, cast):
        answer = web(cast.analyst).get("/queue?after=not-a-cursor", headers=HX)
        assert answer.status_code == 400
        assert "not one this page understands" in text(answer)

    def test_an_empty_queue_invites_a_claim(self, web: Web, cast):
        assert "Claim the next case to get going." in text(web(cast.analyst).get("/queue"))


class TestClaimNext:
    def test_takes_the_most_urgent_unassigned_case_of_my_team(self, web: Web, make, cast):
        make.dispute(cast, "filed", amount=P3)
        urgent = make.dispute(cast, "filed", amount=P1)
        make.dispute(cast, "investigating", assignee=cast.analyst2, amount=P1)
        other_team = make.advertiser(cast.other_team)
        make.dispute(cast, "filed", amount=P1, advertiser=other_team)

        client = web(cast.analyst)
        answer = client.post("/queue/claim")

        assert answer.status_code == 302
        assert answer.headers["Location"] == f"/disputes/{urgent.ref}"
        db.session.refresh(urgent)
        assert urgent.assignee_id == cast.analyst.id
        page = text(client.get(answer.headers["Location"]))
        assert f"You claimed {urgent.ref}." in page
        assert urgent.ref in case_refs(text(client.get("/queue")))

    def test_with_nothing_to_claim_says_so_on_my_queue(self, web: Web, make, cast):
        make.dispute(cast, "investigating", assignee=cast.analyst2)
        client = web(cast.analyst)
        answer = client.post("/queue/claim")
        assert answer.headers["Location"] == "/queue"
        assert "No unassigned cases are waiting" in text(client.get("/queue"))


class TestTeamQueue:
    def test_shows_unassigned_then_escalated_then_the_rest(self, web: Web, make, cast):
        working = make.dispute(cast, "investigating", assignee=cast.analyst, amount=P1)
        escalated = make.dispute(cast, "escalated", assignee=cast.analyst2, amount=P3)
        unassigned_p4 = make.dispute(cast, "filed", amount=P4)
        unassigned_p1 = make.dispute(cast, "filed", amount=P1)
        make.dispute(cast, "resolved", assignee=cast.analyst)
        make.dispute(cast, "filed", advertiser=make.advertiser(cast.other_team))

        body = text(web(cast.lead).get("/team"))

        assert case_refs(body) == refs(unassigned_p1, unassigned_p4, escalated, working)

    def test_counts_the_workload_of_each_analyst(self, web: Web, make, cast):
        make.dispute(cast, "investigating", assignee=cast.analyst)
        make.dispute(cast, "escalated", assignee=cast.analyst)
        make.dispute(cast, "resolved", assignee=cast.analyst)  # closed: not counted
        make.dispute(cast, "filed", assignee=cast.analyst2)

        body = section(text(web(cast.lead).get("/team")), "workload")
        entries = re.findall(
            r"<strong>([^<]+)</strong>\s*<span><b>(\d+)</b> open</span>\s*"
            r"<span[^>]*><b>(\d+)</b> escalated</span>",
            body,
        )
        workload = {name: [open_cases, escalated] for name, open_cases, escalated in entries}

        assert workload == {
            cast.analyst.name: ["2", "1"],
            cast.analyst2.name: ["1", "0"],
            cast.lead.name: ["0", "0"],
        }

    @pytest.mark.parametrize(
        ("query", "matches"),
        [
            ("assignee=none", ["waiting"]),
            ("assignee={analyst2}", ["other"]),
            ("reason=invalid_traffic", ["other"]),
            ("state=escalated", ["other"]),
            ("priority=P1", ["waiting"]),
            ("product=display", ["waiting", "other"]),
            ("product=video", []),
            ("advertiser={advertiser}", ["waiting"]),
        ],
    )
    def test_filters_narrow_the_list(self, web: Web, make, cast, query, matches):
        cases = {
            "waiting": make.dispute(cast, "filed", amount=P1),
            "other": make.dispute(
                cast,
                "escalated",
                assignee=cast.analyst2,
                reason="invalid_traffic",
                advertiser=make.advertiser(cast.team, name="Quiet Brand"),
            ),
        }
        path = "/team?" + query.format(analyst2=cast.analyst2.id, advertiser=cast.advertiser.ref)
        found = case_refs(text(web(cast.lead).get(path, headers=HX)))
        assert sorted(found) == sorted(cases[m].ref for m in matches)

    def test_reassigns_the_selected_cases_at_once(self, web: Web, make, cast):
        first, second = (
            make.dispute(cast, "investigating", assignee=cast.analyst) for _ in range(2)
        )
        untouched = make.dispute(cast, "investigating", assignee=cast.analyst)
        client = web(cast.lead)

        answer = client.post(
            "/team/reassign",
            data={"refs": [first.ref, second.ref], "assignee": cast.analyst2.email},
        )

        assert answer.status_code == 302 and answer.headers["Location"].startswith("/team")
        db.session.expire_all()
        assert [d.assignee_id for d in (first, second, untouched)] == [
            cast.analyst2.id,
            cast.analyst2.id,
            cast.analyst.id,
        ]
        page = text(client.get(answer.headers["Location"]))
        assert f"Reassigned 2 cases to {cast.analyst2.name}." in page

    def test_reassigns_nothing_when_one_selected_case_is_not_the_teams(self, web: Web, make, cast):
        ours = make.dispute(cast, "investigating", assignee=cast.analyst)
        theirs = make.dispute(
            cast, "filed", advertiser=make.advertiser(cast.other_team), assignee=None
        )
        client = web(cast.lead)

        answer = client.post(
            "/team/reassign", data={"refs": [ours.ref, theirs.ref], "assignee": cast.analyst2.email}
        )

        db.session.expire_all()
        assert ours.assignee_id == cast.analyst.id and theirs.assignee_id is None
        page = text(client.get(answer.headers["Location"]))
        assert f"Nothing was reassigned: no dispute {theirs.ref} that you can see" in page

    def test_reassigning_returns_to_the_queue_as_it_was_filtered(self, web: Web, make, cast):
        case = make.dispute(cast, "escalated", assignee=cast.analyst)
        answer = web(cast.lead).post(
            "/team/reassign",
            data={"refs": [case.ref], "assignee": cast.analyst2.email},
            headers={"Referer": "http://localhost/team?state=escalated&priority=P3"},
        )
        assert answer.headers["Location"] == "/team?state=escalated&priority=P3"

    def test_reassigning_without_a_selection_says_what_to_do(self, web: Web, cast):
        client = web(cast.lead)
        answer = client.post("/team/reassign", data={"assignee": cast.analyst2.email})
        page = text(client.get(answer.headers["Location"]))
        assert "Nothing was reassigned: Tick at least one case to reassign." in page
        assert "disputes:" not in page

    def test_reassigning_to_nobody_chosen_asks_who_and_changes_nothing(self, web, make, cast):
        case = make.dispute(cast, "investigating", assignee=cast.analyst)
        client = web(cast.lead)
        answer = client.post("/team/reassign", data={"refs": [case.ref], "assignee": ""})
        db.session.expire_all()
        assert case.assignee_id == cast.analyst.id
        assert "Choose who should get the cases" in text(client.get(answer.headers["Location"]))

    def test_reassigning_all_matching_takes_every_case_the_filters_select(self, web, make, cast):
        escalated = [make.dispute(cast, "escalated", assignee=cast.analyst) for _ in range(3)]
        other = make.dispute(cast, "investigating", assignee=cast.analyst)
        client = web(cast.lead)
        answer = client.post(
            "/team/reassign",
            data={
                "all_matching": "1",
                "filter-state": "escalated",
                "assignee": cast.analyst2.email,
            },
        )
        db.session.expire_all()
        assert [d.assignee_id for d in escalated] == [cast.analyst2.id] * 3
        assert other.assignee_id == cast.analyst.id
        assert "Reassigned 3 cases to" in text(client.get(answer.headers["Location"]))

    def test_all_matching_beyond_the_count_cap_says_it_took_the_first_ones(
        self, web, make, cast, monkeypatch
    ):
        monkeypatch.setattr("disputedesk.app.web.queues.COUNT_CAP", 2)
        escalated = [make.dispute(cast, "escalated", assignee=cast.analyst) for _ in range(3)]
        client = web(cast.lead)
        sent = {"all_matching": "1", "filter-state": "escalated", "assignee": cast.analyst2.email}
        answer = client.post("/team/reassign", data=sent)
        db.session.expire_all()
        assert sorted(d.assignee_id for d in escalated) == sorted(
            [cast.analyst2.id] * 2 + [cast.analyst.id]
        )
        said = text(client.get(answer.headers["Location"]))
        assert "Those were the first 2 matching cases: reassign again for the rest." in said
        monkeypatch.setattr(
            "disputedesk.app.web.queues.COUNT_CAP", 3
        )  # exactly as many as match: no rest
        sent["assignee"] = cast.analyst.email
        said = text(client.get(client.post("/team/reassign", data=sent).headers["Location"]))
        assert "Reassigned" in said and "reassign again" not in said

    def test_show_more_walks_the_team_queue_once(self, web: Web, make, cast, monkeypatch):
        monkeypatch.setattr("disputedesk.app.queries.queues.PAGE_SIZE", 2)
        make.dispute(cast, "filed")
        make.dispute(cast, "escalated", assignee=cast.analyst)
        for _ in range(3):
            make.dispute(cast, "investigating", assignee=cast.analyst2)
        seen = walk(web(cast.lead), "/team")
        assert len(seen) == len(set(seen)) == 5
        assert walk(web(cast.lead), "/team", javascript=False) == seen


def test_each_queue_says_how_many_cases_match_and_in_what_order(web: Web, make, cast):
    for amount in (P1, P3, P4):
        make.dispute(cast, "investigating", assignee=cast.analyst, amount=amount)
    mine = text(web(cast.analyst).get("/queue?priority=P1"))
    assert "1 case matches" in mine and "Sorted by priority, then SLA due, then age" in mine
    team = text(web(cast.lead).get("/team"))
    assert "3 cases match" in team and "unassigned first, then escalated" in team


def test_the_sla_column_sorts_the_queue_by_what_is_due_first(web: Web, make, cast):
    p4, p1 = (make.dispute(cast, "filed", assignee=cast.analyst, amount=a) for a in (P4, P1))
    body = text(web(cast.analyst).get("/queue?sort=due"))
    assert "Sorted by SLA due, then priority, then age" in body
    assert case_refs(body) == refs(p1, p4)  # a P1's triage clock is due first


def test_queue_rows_show_the_amount_in_usd_and_the_last_activity(web: Web, make, cast):
    make.dispute(cast, "investigating", assignee=cast.analyst, amount=100_000)
    body = section(text(web(cast.analyst).get("/queue")), "queue")
    assert 'Amount <span class="unit">in USD</span>' in body
    assert body.count("USD 1,000.00") == 1  # a USD case is not said twice
    assert "Last activity" in body and " ago</td>" in body


def test_a_case_in_another_currency_shows_its_usd_amount_over_its_own(web: Web, make, cast):
    case = make.dispute(cast, "investigating", assignee=cast.analyst, amount=100_000)
    case.currency = case.invoice.currency = "CAD"
    db.session.commit()
    for user, path in ((cast.analyst, "/queue"), (cast.lead, "/team")):
        body = section(text(web(user).get(path)), "queue")
        assert '"money">USD 730.00</span><span class="orig">CAD 1,000.00</span>' in body


def test_the_team_queue_exports_its_filtered_list_as_formula_safe_csv(web: Web, make, cast):
    evil = make.advertiser(cast.team, name='=HYPERLINK("http://x")')
    hit = make.dispute(cast, "escalated", assignee=cast.analyst, advertiser=evil)
    make.dispute(cast, "investigating", assignee=cast.analyst)  # filtered out
    answer = web(cast.lead).get("/team.csv?state=escalated")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    lines = csv_body(answer).splitlines()
    assert lines[0].startswith("reference,state,priority,advertiser")
    assert len(lines) == 2 and lines[1].startswith(f"{hit.ref},escalated,")
    assert "'=HYPERLINK" in lines[1]  # a spreadsheet shows it, never runs it
    row = dict(zip(lines[0].split(","), next(csv.reader([lines[1]])), strict=True))
    assert (row["assignee"], row["assignee_name"]) == (cast.analyst.email, cast.analyst.name)


def test_a_case_whose_credit_was_rejected_shows_it_came_back_from_approval(web: Web, make, cast):
    case = case_with_memo(make, cast)
    decide(current_memo(case).id, cast.approver, "reject", "The IO says 4.50, not 4.20.")
    row = next(r for r in table_rows(text(web(cast.analyst).get("/queue"))) if case.ref in r)
    assert "returned from approval" in " ".join(row)


def test_a_case_waiting_on_the_advertiser_says_so_and_its_clock_is_paused(web: Web, make, cast):
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    fire_trigger(case.ref, cast.analyst, "request_info", {"note": "send the IO"})
    for user, path in ((cast.analyst, "/queue"), (cast.lead, "/team")):
        row = " ".join(next(r for r in table_rows(text(web(user).get(path))) if case.ref in r))
        assert "waiting on advertiser" in row and "paused" in row, row


def test_the_age_column_sorts_each_queue_oldest_first(web: Web, make, cast):
    cases = [make.dispute(cast, "investigating", assignee=cast.analyst, amount=a) for a in (P4, P1)]
    oldest_first = sorted(cases, key=lambda d: (d.filed_at, d.id))
    for user, path in ((cast.analyst, "/queue?sort=age"), (cast.lead, "/team?sort=age")):
        body = text(web(user).get(path))
        assert "Sorted by age, oldest first" in body
        assert case_refs(body) == refs(*oldest_first)
        assert 'aria-sort="ascending"' in body.split("Age")[0][-400:]  # the header says so
