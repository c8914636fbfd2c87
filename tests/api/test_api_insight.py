"""The dashboard's numbers, the month-end close and the audit packet through the API."""

import io
import json
import zipfile

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import Event
from disputedesk.app.queries.close import roll_forward
from disputedesk.workflows.money import format_amount
from tests.api.helpers import Api, assert_problem, stored_counts
from tests.factories import Cast, Factory
from tests.web.helpers import case_with_memo


@pytest.fixture
def credited(make: Factory, cast: Cast):  # noqa: ANN201
    return case_with_memo(make, cast, "issued", credit="400.00")


def test_the_kpis_are_the_dashboards_widgets_under_the_same_filters(
    api: Api, cast: Cast, credited
) -> None:
    answer = api(cast.approver).get("/kpis?currency=USD")
    assert answer.status_code == 200
    body = answer.get_json()
    widgets = {w["name"]: w for w in body["widgets"]}
    assert body["currency"] == "USD" and "pareto" in widgets
    for widget in widgets.values():
        assert all(len(row) == len(widget["columns"]) for row in widget["rows"])


def test_a_lead_gets_their_own_teams_numbers_whatever_team_they_ask_for(
    api: Api, cast: Cast, credited
) -> None:
    answer = api(cast.lead).get(f"/kpis?team={cast.other_team.id}")
    assert answer.status_code == 200 and answer.get_json()["team"] == cast.team.id


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2026-13-01", "from"), ("tier=gold-plated", "tier"), ("team=%C2%B2", "team"),
     ("to=1999-01-01", "to"), ("colour=red", "colour")],
)  # fmt: skip
def test_a_bad_filter_is_a_422_naming_it(api: Api, cast: Cast, query: str, field: str) -> None:
    problem = assert_problem(api(cast.approver).get(f"/kpis?{query}"), 422)
    assert field in json.dumps(problem)


def test_the_close_report_is_the_roll_forward_in_amounts(api: Api, cast: Cast, credited) -> None:
    month = f"{credited.filed_at:%Y-%m}"
    body = api(cast.approver).get(f"/reports/close?month={month}").get_json()
    expected = roll_forward(month)["currencies"]
    assert body["currencies"]["USD"] == {k: format_amount(v) for k, v in expected["USD"].items()}
    assert body["sealed"] is None


@pytest.mark.parametrize("month", ["2026-13", "26-11", "2026-1", "２０２６-11"])
def test_a_month_that_is_not_one_is_refused(api: Api, cast: Cast, month: str) -> None:
    assert_problem(api(cast.approver).get(f"/reports/close?month={month}"), 422)


PACKET = {
    "analyst": 200, "analyst2": 200, "lead": 200, "approver": 200, "admin": 200,
    "viewer": 403, "integration": 403, "other_viewer": 404, "other_lead": 404,
    "other_analyst": 404,
}  # fmt: skip


@pytest.mark.parametrize(("who", "status"), PACKET.items())
def test_the_audit_packet_follows_the_cases_visibility(
    api: Api, cast: Cast, credited, who: str, status: int
) -> None:
    before = stored_counts()
    answer = api(getattr(cast, who)).get(f"/disputes/{credited.ref}/audit-packet")
    assert answer.status_code == status
    if status != 200:
        assert_problem(answer, status)
        assert stored_counts() == before
        return
    assert answer.mimetype == "application/zip"
    packet = zipfile.ZipFile(io.BytesIO(answer.data))
    assert json.loads(packet.read("case.json"))["case"]["ref"] == credited.ref
    db.session.expire_all()
    last = db.session.scalars(
        db.select(Event).where(Event.dispute_id == credited.id).order_by(Event.seq.desc())
    ).first()
    assert last.type == "audit_packet_downloaded"


def test_an_auditors_sample_holds_each_cases_packet(api: Api, make: Factory, cast: Cast) -> None:
    cases = [make.dispute(cast, "investigating") for _ in range(2)]
    answer = api(cast.approver).get("/audit-packets?refs=" + ",".join(c.ref for c in cases))
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    sample = zipfile.ZipFile(io.BytesIO(answer.data))
    names = set(sample.namelist())
    assert names == {f"audit-packet-{c.ref}.zip" for c in cases} | {"sample.json"}
    inner = zipfile.ZipFile(io.BytesIO(sample.read(f"audit-packet-{cases[0].ref}.zip")))
    assert json.loads(inner.read("case.json"))["case"]["ref"] == cases[0].ref


@pytest.mark.parametrize(
    ("who", "status"), [("lead", 404), ("other_lead", 404), ("viewer", 403), ("integration", 403)]
)
def test_a_sample_with_a_case_they_may_not_see_is_refused_whole(
    api: Api, make: Factory, cast: Cast, who: str, status: int
) -> None:
    mine = make.dispute(cast, "investigating")
    theirs = make.dispute(cast, "filed", advertiser=make.advertiser(cast.other_team))
    refs = [mine.ref, theirs.ref] if who == "lead" else [mine.ref]
    before = stored_counts()
    answer = api(getattr(cast, who)).get("/audit-packets?refs=" + ",".join(refs))
    assert answer.status_code == status, answer.data[:200]
    assert_problem(answer, status)
    assert stored_counts() == before  # no packet download was recorded on any case


def test_a_sample_longer_than_a_search_box_is_read_whole(
    api: Api, make: Factory, cast: Cast
) -> None:
    cases = [make.dispute(cast, "investigating") for _ in range(3)]
    refs = ",".join([c.ref for c in cases] * 10)  # 329 characters: over the 200 of a search
    answer = api(cast.approver).get(f"/audit-packets?refs={refs}")
    assert answer.status_code == 200, answer.data[:200]
    assert len(zipfile.ZipFile(io.BytesIO(answer.data)).namelist()) == 3 + 1  # and sample.json


@pytest.mark.parametrize("refs", ["", ",".join(["DSP-000001"] * 201), "DSP-1%00", "DSP-1,,DSP-2"])
def test_a_sample_that_is_not_one_is_a_422(api: Api, cast: Cast, refs: str) -> None:
    assert_problem(api(cast.approver).get(f"/audit-packets?refs={refs}"), 422)
