"""The weekly rollups answer every dashboard and close question exactly as the daily facts do."""

import random
from datetime import date, timedelta

from disputedesk.app.extensions import db
from disputedesk.app.queries import facts_read
from disputedesk.app.queries.close import roll_forward
from disputedesk.app.queries.dashboard import dashboard
from disputedesk.app.queries.insight_filters import InsightFilters
from disputedesk.workflows.insight import CUBOIDS, cuboid_for, grain_of, rolled_up
from tests.services.test_facts import START, _step

TODAY = date(2026, 12, 20)
PERIODS = [
    (date(2026, 10, 26), TODAY),  # from a Monday to a Sunday
    (date(2026, 10, 28), date(2026, 12, 2)),  # a Wednesday to a Wednesday
    (date(2026, 11, 3), date(2026, 11, 5)),  # inside one week
    (date(2026, 11, 1), date(2026, 11, 30)),  # a month, across the change of the clocks
    (date(2025, 12, 21), TODAY),  # a year
]


def answers(f: InsightFilters, monkeypatch, daily: bool) -> tuple:
    with monkeypatch.context() as patch:
        if daily:  # no whole weeks: every question is read from the daily facts alone
            patch.setattr(facts_read, "split_weeks", lambda start, end: (None, [(start, end)]))
            patch.setattr(facts_read, "cuboid_for", lambda dimensions: None)
        return dashboard(f), roll_forward("2026-11")


def test_every_widget_and_the_close_read_the_same_from_the_rollups_as_from_the_days(
    make, monkeypatch
):
    rng, cast = random.Random(5), make.cast()
    now = START
    for _ in range(50):
        now += timedelta(hours=rng.choice((3, 9, 30, 80)))
        _step(make, cast, rng, now)
        db.session.expire_all()
    cuts = [{}, {"team_id": cast.team.id}, {"reason_code": "other"}, {"currency": "CAD"},
            {"team_id": cast.team.id, "reason_code": "other"}, {"team_id": cast.other_team.id},
            {"product": "display"}, {"tier": "standard"},
            {"reason_code": "tax_or_fee", "currency": "USD"},
            {"reason_code": "other", "product": "display"}]  # fmt: skip
    for start, end in PERIODS:
        for cut in cuts:
            f = InsightFilters(start=start, end=end, today=TODAY, **cut)
            assert answers(f, monkeypatch, daily=False) == answers(f, monkeypatch, daily=True), (
                start,
                end,
                cut,
            )


def test_a_period_is_cut_into_whole_weeks_and_the_days_either_side():
    wed, sun = date(2026, 10, 28), date(2026, 12, 6)
    assert facts_read.split_weeks(wed, sun) == (
        (date(2026, 11, 2), sun),
        [(wed, date(2026, 11, 1))],
    )
    assert facts_read.split_weeks(date(2026, 11, 2), date(2026, 11, 4)) == (
        None,
        [(date(2026, 11, 2), date(2026, 11, 4))],
    )
    assert facts_read.split_weeks(date(2026, 11, 2), date(2026, 11, 15)) == (
        (date(2026, 11, 2), date(2026, 11, 15)),
        [],
    )


def test_a_fact_rolls_into_its_weeks_monday_in_every_cuboid_and_ages_keep_their_day():
    key = ("filed", "2026-11-05", 3, "other", "display", "CAD", "gold", "", "", 0)
    rolled = rolled_up({key: (1, 500, 370)})
    assert len(rolled) == len(CUBOIDS)
    assert ("team_id", "filed", "2026-11-02", 3, "", "", "", "", "", "", 0) in rolled
    assert ("", "filed", "2026-11-02", 0, "", "", "", "", "", "", 0) in rolled  # every team
    assert ("currency", "filed", "2026-11-02", 0, "", "", "CAD", "", "", "", 0) in rolled
    assert ("team_id+tier", "filed", "2026-11-02", 3, "", "", "", "gold", "", "", 0) in rolled
    assert grain_of("open", date(2026, 11, 5)) == date(2026, 11, 5)
    assert cuboid_for({"team_id", "reason_code"}) == "team_id+reason_code"
    assert cuboid_for({"reason_code"}) == "reason_code" and cuboid_for(set()) == ""
    assert cuboid_for({"reason_code", "product"}) == "reason_code+product"
    assert cuboid_for({"team_id", "product", "reason_code"}) is None  # a team's: the days
    assert cuboid_for({"reason_code", "currency"}) is None
