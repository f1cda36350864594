"""Specifications of comparison.html: a reader of the page alone can say what was compared,
which arm is better on what, by how much, and where (unit, weekday, zone)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import simoffice
from simoffice.config.build import build_spec
from simoffice.reports.comparison import build_comparison_html
from simoffice.reports.comparison_arms import ARM_COLOURS
from simoffice.reports.comparison_figures import (
    LINE_HEIGHT,
    MIN_WIDTH,
    TITLE_PAD,
    TITLE_SIZE,
    measure_figure,
    top_margin,
)
from simoffice.studies.arm_description import changes, describe, plain, text
from simoffice.studies.compare import compare

REGIONAL = ("run.weeks=3", "run.warmup_weeks=1", "run.drain_weeks=1", "run.replications=3", "run.jobs=1",
            "run.progress=false")
SMALL = ("network=single_office", *REGIONAL)
EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def routes():
    """The mobile_coverage study, small: the regional network without and with its mobile route."""
    arms = {"without_route": ["network.mobile_routes=[]"], "with_route": []}
    return compare({n: simoffice.compose(*REGIONAL, *o) for n, o in arms.items()}, progress=False, overrides=arms)


@pytest.fixture(scope="module")
def schedules():
    arms = {"mon_thu": ["schedule=mon_thu"], "five_day": ["schedule=five_day"]}
    return compare({n: simoffice.compose(*SMALL, "run.currency=SEK", *o) for n, o in arms.items()}, progress=False,
                   overrides=arms)


def cells(page: str, attr: str) -> list[str]:
    return re.findall(rf'{attr}="([^"]*)"', page)


# What each arm is


def test_a_schedule_arm_is_described_by_its_schedule_and_the_shifts_that_change():
    base, arm = (simoffice.compose(*SMALL, f"schedule={s}") for s in ("mon_thu", "five_day"))
    found = [str(c) for c in changes(plain(base), plain(arm))]
    assert "schedule.name: mon_thu → five_day" in found
    assert "schedule.shifts.full.end: 19:15 → 17:00" in found
    assert "schedule.shifts.full.days: [mon, tue, wed, thu] → [mon, tue, wed, thu, fri]" in found
    assert "schedule.opening_hours.fri: none → 08:00-17:00" in found
    items = describe({"mon_thu": base, "five_day": arm},
                     {"mon_thu": build_spec(base), "five_day": build_spec(arm)},
                     {"mon_thu": ["schedule=mon_thu"], "five_day": ["schedule=five_day"]})
    assert items["five_day"][:3] == ["set by: schedule=five_day", "schedule: mon_thu → five_day",
                                     "schedule.shifts.full.end: 19:15 → 17:00"]
    assert not any("opening_hours" in i for i in items["five_day"])  # in the opening hours table instead
    assert items["mon_thu"] == ["set by: schedule=mon_thu", "the baseline: every other arm is compared with it"]


def test_an_arm_without_the_mobile_route_is_described_by_the_routes_it_has():
    base, arm = (simoffice.compose(*REGIONAL, *o) for o in (["network.mobile_routes=[]"], []))
    assert [str(c) for c in changes(plain(base), plain(arm))] == [
        "network.mobile_routes: none → 1 mobile route (North bus)"]


def test_lists_are_compared_item_by_item_when_they_hold_the_same_named_items():
    a = {"network": {"offices": [{"name": "A", "desks": 2}, {"name": "B", "desks": 1}]}, "compare": {"x": 1}}
    b = {"network": {"offices": [{"name": "A", "desks": 3}, {"name": "B", "desks": 1}]}, "compare": {"x": 2}}
    assert [str(c) for c in changes(a, b)] == ["network.offices[A].desks: 2 → 3"]  # compare.* is the study's own
    assert text([{"name": "x"}, {"name": "y"}], "network.offices") == "2 offices (x, y)"
    assert text(list(range(10)), "run.days") == "10 days"
    assert text(None) == "none"


def test_opening_hours_are_side_by_side_per_weekday(schedules):
    rows = {(tuple(r["units"]), r["weekday"]): r for r in schedules.opening_hours}
    fri = rows[(("Social centre",), "Fri")]
    assert fri["hours"] == {"mon_thu": "closed", "five_day": "08:00–17:00"} and fri["differs"]
    assert rows[(("Social centre",), "Mon")]["hours"] == {"mon_thu": "08:00–19:15", "five_day": "08:00–17:00"}
    assert rows[(("Social centre",), "Week")]["hours"] == {"mon_thu": "45 h", "five_day": "45 h"}
    assert not any(r["weekday"] in ("Sat", "Sun") for r in schedules.opening_hours)  # closed in every arm
    page = build_comparison_html(schedules)
    assert '<td class="changed" data-arm="mon_thu">closed</td>' in page


def test_a_mobile_route_shows_its_stops_and_only_in_the_arm_that_has_it(routes):
    bus = [r for r in routes.opening_hours if r["units"] == ["North bus (mobile office)"]]
    assert {r["weekday"]: r["hours"]["with_route"] for r in bus if r["weekday"] != "Week"} == {
        "Tue": "10:00–14:00 (Villages north)", "Thu": "10:00–13:00 (Forest settlements)"}
    assert {r["hours"]["without_route"] for r in bus} == {"–"}


def test_arm_specs_are_described_from_the_specs():
    specs = {n: build_spec(simoffice.compose(*SMALL, f"schedule={n}")) for n in ("mon_thu", "five_day")}
    assert describe(specs, specs)["five_day"] == ["schedule: mon_thu → five_day"]


# The headline and the verdict


def test_the_headline_table_colours_each_verdict_by_the_measures_direction(schedules):
    page = build_comparison_html(schedules)
    head = schedules.headline
    for _, r in head.iterrows():
        cell = re.search(rf'<td class="verdict-word ([\w -]+)" data-verdict="([^"]+)" data-arm="five_day" '
                         rf'data-measure="{r["measure"]}">', page)
        assert cell, r["measure"]
        assert cell.group(2) == r["verdict"]
        assert cell.group(1) == {"better": "v-better", "worse": "v-worse", "no clear difference": "v-unclear",
                                 "higher": "v-neutral v-higher", "lower": "v-neutral v-lower"}[r["verdict"]]
    wait = head.set_index("measure").loc["wait_mean_min"]
    expected = "better" if wait["ci_high"] < 0 else "worse" if wait["ci_low"] > 0 else "no clear difference"
    assert wait["verdict"] == expected  # lower is better for a wait
    assert head.set_index("measure").loc["utilisation", "verdict"] in ("higher", "lower", "no clear difference")


def test_the_summary_comes_first_with_the_headline(schedules):
    page = build_comparison_html(schedules)
    verdict = page.index('id="verdict"')
    assert verdict < page.index('id="arms"') < page.index('id="headline"')
    assert re.search(r'<p class="headline">five_day is better than mon_thu on \d+ measures?, worse on \d+, '
                     r"no clear difference on \d+\.</p>", page)


def test_cost_is_shown_in_the_configured_currency(schedules):
    assert schedules.currency == "SEK"
    page = build_comparison_html(schedules)
    assert "Cost (staff hours × rate, and vehicles) (SEK per week)" in page
    assert "cost in SEK" in page
    assert "EUR" not in page
    assert schedules.headline.set_index("measure").loc["cost", "unit"] == "SEK a week"


# Where


def test_the_unit_breakdown_has_a_row_per_unit_and_the_headline_measures(routes):
    page = build_comparison_html(routes)
    part = page[page.index('data-breakdown="unit"'):]
    part = part[:part.index("</table>")]
    offices = [o.name for o in routes.arms["with_route"].spec.offices]
    assert cells(part, "data-group") == [o for o in offices if o != "North bus"] + ["North bus"]
    assert set(cells(part, "data-measure")) == {"wait_mean_min", "service_level", "failed_trip_rate", "cost"}
    assert "only in this arm" in part  # the bus is in with_route only


def test_a_study_about_coverage_names_the_zones_that_gain(routes):
    """The arms differ in mobile routes: a breakdown by zone, and the zones the bus stops in are named."""
    zones = routes.breakdowns["zone"]
    gained = zones[(zones["measure"] == "coverage_within_min") & (zones["verdict"] == "better")]
    assert set(gained["group"]) == {"Villages north", "Forest settlements"}
    sentence = next(s for s in routes.verdicts if s.startswith("By zone: "))
    assert re.search(r"residents with a service point open nearby \+[\d.]+ points in "
                     r"(Villages north and Forest settlements|Forest settlements and Villages north)", sentence)
    page = build_comparison_html(routes)
    assert 'data-breakdown="zone"' in page and 'id="by-zone"' in page


def test_the_weekday_breakdown_has_the_days_contacts_begin(schedules):
    page = build_comparison_html(schedules)
    part = page[page.index('data-breakdown="weekday"'):]
    assert cells(part[:part.index("</table>")], "data-group") == ["Mon", "Tue", "Wed", "Thu", "Fri"]


def test_standards_are_side_by_side_for_the_network(routes):
    page = build_comparison_html(routes)
    part = page[page.index('id="standards"'):]
    part = part[:part.index("</table>")]
    network = [s["standard"] for s in routes.arms["with_route"].summary["standards"] if s["unit"] == "all"]
    rows = re.findall(r'<tr class="network" data-unit="all" data-standard="([^"]+)">', part)
    assert rows == network
    assert set(cells(part, "data-status")) <= {"met", "missed", "cannot_tell"}


def test_each_arms_warnings_are_under_the_arm(routes):
    page = build_comparison_html(routes)
    for arm, res in routes.arms.items():
        card = page[page.index(f'<div class="arm-card" data-arm="{arm}"'):]
        card = card[:card.index('<div class="arm-card"', 10) if '<div class="arm-card"' in card[10:] else None]
        for w in res.summary["warnings"]:
            assert f'data-kind="{w["kind"]}"' in card


# Figures


def test_figure_titles_fit_their_figure_and_do_not_meet(schedules):
    """One figure per measure, with its one title: no subplot titles that could overlap. Each
    title line (about 0.6 × font size a character, an upper bound for plotly's sans-serif
    font) fits in the narrowest figure the grid lays out, centred; the top margin holds
    every line."""
    page = build_comparison_html(schedules)
    assert f"minmax({MIN_WIDTH}px,1fr)" in page
    margins = []
    for m in schedules.headline["measure"]:
        fig = measure_figure(schedules, m)
        assert len(fig.layout.annotations) == 0
        lines = fig.layout.title.text.split("<br>")
        for line in lines:
            width = len(line) * 0.6 * TITLE_SIZE
            left, right = MIN_WIDTH * 0.5 - width / 2, MIN_WIDTH * 0.5 + width / 2  # x = 0.5 of the paper
            assert 0 <= left and right <= MIN_WIDTH, line
        # The title stands on the plot and grows upwards into the top margin, which holds it.
        assert (fig.layout.title.yref, fig.layout.title.yanchor, fig.layout.title.y) == ("paper", "bottom", 1)
        margins.append(top_margin(len(lines)) >= len(lines) * LINE_HEIGHT + TITLE_PAD)
    assert all(margins)


def test_each_arm_has_one_colour_everywhere(schedules):
    page = build_comparison_html(schedules)
    divs = re.findall(r'<div class="figure" data-measure="(\w+)">', page)
    assert len(divs) == len(schedules.headline) and divs == list(schedules.headline["measure"])
    for m in divs:
        bar = measure_figure(schedules, m).data[0]
        assert list(bar.marker.color) == [ARM_COLOURS[list(schedules.arms).index(a)] for a in bar.x]
    assert f'data-arm="five_day" style="border-top-color:{ARM_COLOURS[1]}"' in page


# Files and safety


def test_comparison_json_holds_descriptions_headline_and_summary(routes, tmp_path):
    doc = json.loads((routes.save(tmp_path / "cmp") / "comparison.json").read_text())
    assert doc["descriptions"]["with_route"][-1] == "network.mobile_routes: none → 1 mobile route (North bus)"
    row = doc["headline"][0]
    assert set(row) >= {"arm", "measure", "baseline_mean", "arm_mean", "mean", "ci_low", "ci_high", "verdict"}
    assert doc["summary"]["headline"]["with_route"].startswith("with_route is better than without_route on")
    assert set(doc["breakdowns"]) == {"unit", "weekday", "zone"}
    assert pd.DataFrame(doc["breakdowns"]["unit"])["group"].nunique() >= 4


def test_names_from_configs_are_escaped():
    cfg = simoffice.compose(*SMALL, "run.replications=2")
    cfg.network.offices[0].name = EVIL
    other = simoffice.compose(*SMALL, "run.replications=2", "schedule=five_day")
    other.network.offices[0].name = EVIL
    # Arm names must be plain folder names; an office's name and an arm's override are free text.
    cmp = compare({"mon_thu": cfg, "five_day": other}, progress=False,
                  overrides={"mon_thu": [f"x={EVIL}"], "five_day": []})
    page = build_comparison_html(cmp)
    assert EVIL not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
