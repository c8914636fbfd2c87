"""A lead in the browser: the dashboard's Pareto bar opens the cases behind it."""

import re
from dataclasses import replace

from playwright.sync_api import Page, expect

from disputedesk.app.services.triggers import fire_trigger


def test_a_lead_clicks_a_pareto_bar_and_lands_on_the_matching_cases(page: Page, sign_in, make):
    cast = make.cast()
    upheld = [make.dispute(cast, "resolved") for _ in range(2)]  # no error found, twice
    other = make.dispute(cast, "investigating", assignee=cast.analyst)
    fire_trigger(other.ref, cast.lead, "withdraw", {"note": "advertiser paid"})
    theirs = replace(cast, lead=cast.other_lead, analyst=cast.other_analyst)
    elsewhere = make.dispute(theirs, "resolved", advertiser=make.advertiser(cast.other_team))

    sign_in(cast.lead)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    pareto = page.locator("#w-pareto")
    expect(pareto.locator("tbody tr").first).to_contain_text("no error found")
    canvas = pareto.locator(".chart canvas")
    expect(canvas).to_be_visible()
    # Where Chart.js drew the first bar (the most frequent root cause), in canvas pixels.
    bar = page.wait_for_function(
        """() => { const box = document.querySelector('#w-pareto .chart');
                   const bar = box.chart && box.chart.getDatasetMeta(0).data[0];
                   return bar && {x: bar.x, y: (bar.y + bar.base) / 2}; }"""
    ).json_value()
    canvas.click(position={"x": bar["x"], "y": bar["y"]})

    expect(page).to_have_url(
        re.compile(r"/dashboard/cases\?.*measure=resolved.*root_cause=no_error_found")
    )
    expect(page.locator("#drill-total")).to_have_text("2")
    listed = page.locator("#cases tbody")
    for case in upheld:
        expect(listed).to_contain_text(case.ref)
    expect(listed).not_to_contain_text(other.ref)
    expect(listed).not_to_contain_text(elsewhere.ref)


def test_an_approver_seals_a_month_only_after_saying_yes(page: Page, sign_in, make):
    cast = make.cast()
    make.dispute(cast, "filed", amount=12_345)
    sign_in(cast.approver)
    page.goto("/reports/close?month=2026-10")
    close = page.locator("#close")
    expect(close.locator("tr.line-opening")).to_be_visible()
    asked: list[str] = []

    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    close.get_by_role("button", name="Seal 2026-10").click()
    expect(close.get_by_role("button", name="Seal 2026-10")).to_be_visible()
    assert asked and "Seal 2026-10?" in asked[0] and "fixed" in asked[0]
    expect(close.locator(".sealed")).to_have_count(0)  # said no: nothing sealed

    page.once("dialog", lambda dialog: dialog.accept())
    close.get_by_role("button", name="Seal 2026-10").click()
    expect(page.locator("#close .sealed")).to_contain_text("Sealed")
    expect(page.locator("#close .sealed")).to_contain_text(cast.approver.name)
