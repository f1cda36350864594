"""The report pages read in a real browser (Playwright driving headless Chromium, see
tests/browser.py): report.html, comparison.html and sweep.html draw their plotly figures
with no console message, show names from configs as text, and no chart title overlaps
another or is cut off, on screen or at a printed page's width. What the pages say is read
from the rendered page: the scorecard's cells and their status, the warnings of a scenario
that has them, the comparison's verdicts and arms, and one colour per line in sweep.html.

In CI (``CI`` set) a missing browser fails the tests rather than skipping them.
"""

from __future__ import annotations

from collections import Counter

import pytest

import simoffice
from simoffice.studies.compare import compare
from simoffice.studies.sweep import write_summary

from browser import (
    chromium,
    clipped,
    console_errors,
    figure_boxes,
    figure_title_boxes,
    legend_entries,
    opened,
    overlapping,
    resize,
    screenshot_not_blank,
    trace_colours,
)

SMALL = ("run.weeks=3", "run.warmup_weeks=1", "run.drain_weeks=1", "run.replications=3", "run.jobs=1",
         "run.progress=false")
EVIL = "<script>alert(1)</script>"
# The calibrated office's own opening hours include Friday; mon_thu staffs no Friday shift.
NO_DESK_ON_FRIDAY = ("network=sample_office", "schedule=mon_thu")
PRINT_WIDTH = 760  # CSS pixels of an A4 page's printable width
STATUSES = {"met", "missed", "cannot_tell"}
VERDICTS = {"better", "worse", "no clear difference", "higher", "lower", "no verdict"}


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def results():
    """The office open on Fridays with no desk on duty, its name a script (shown as text)."""
    cfg = simoffice.compose(*NO_DESK_ON_FRIDAY, *SMALL)
    cfg.network.offices[0].name = EVIL
    return simoffice.simulate(cfg, progress=False)


@pytest.fixture(scope="module")
def report(results, browser, tmp_path_factory):
    path = results.save(tmp_path_factory.mktemp("run")) / "report.html"
    with opened(browser, path) as page:
        yield page


@pytest.fixture(scope="module")
def comparison(browser, tmp_path_factory):
    arms = {name: simoffice.compose("network=single_office", *SMALL, f"schedule={name}")
            for name in ("five_day", "mon_thu")}
    path = compare(arms, progress=False).save(tmp_path_factory.mktemp("cmp")) / "comparison.html"
    with opened(browser, path) as page:
        yield page


@pytest.fixture(scope="module")
def sweep(browser, tmp_path_factory):
    """A 2 × 2 sweep of M/M/c: a line per number of desks against the arrival rate and back."""
    out = tmp_path_factory.mktemp("sweep")
    for job, (servers, rate) in enumerate([(1, 10), (1, 20), (2, 10), (2, 20)]):
        overrides = ["network=mmc", f"network.servers={servers}", f"network.arrivals_per_hour={rate}"]
        res = simoffice.simulate(simoffice.compose(*overrides, "network.service_mean_min=2", "run.weeks=2",
                                                   "run.warmup_weeks=1", "run.drain_weeks=0", "run.replications=2",
                                                   "run.jobs=1", "run.progress=false", "run.report=none"),
                                 progress=False)
        res.save(out / str(job))
        (out / str(job) / ".hydra").mkdir()
        (out / str(job) / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))
    write_summary(out)
    with opened(browser, out / "sweep.html") as page:
        yield page


def assert_renders(page, figures: int) -> None:
    """The page logged nothing, drew ``figures`` plotly figures or more, and its screenshot has drawing on it."""
    assert not console_errors(page)
    assert len(figure_boxes(page)) >= figures, "plotly did not draw the figures"
    assert screenshot_not_blank(page), "the screenshot is (nearly) blank or has almost no colours"


def assert_titles_fit(page) -> None:
    """No chart title overlaps another or is cut off, at the screen's width and at a printed page's."""
    for width in (1200, PRINT_WIDTH):
        resize(page, width)
        boxes = figure_title_boxes(page)
        assert boxes, "no chart titles found"
        assert not overlapping(boxes), (width, overlapping(boxes))
        assert not clipped(boxes, page), (width, clipped(boxes, page))
    resize(page, 1200)


def test_report_page_renders_and_shows_config_names_as_text(report):
    assert_renders(report, figures=3)
    dom = report.content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert EVIL not in dom


def test_report_chart_titles_neither_overlap_nor_are_cut_off(report):
    assert_titles_fit(report)


def test_report_scorecard_shows_each_standards_status_from_the_summary(report, results):
    """Selectors: ``table.scorecard td[data-status]`` with ``data-unit`` and ``data-standard``."""
    cells = report.eval_on_selector_all(
        "table.scorecard td[data-status]",
        "tds => tds.map(td => ({unit: td.dataset.unit, standard: td.dataset.standard, status: td.dataset.status,"
        " colour: getComputedStyle(td).backgroundColor}))")
    shown = {(c["unit"], c["standard"]): c["status"] for c in cells}
    assert shown == {(s["unit"], s["standard"]): s["status"] for s in results.summary["standards"]}
    assert set(shown.values()) <= STATUSES
    colour = {}
    for c in cells:  # a status has one colour, and no two statuses share one
        assert colour.setdefault(c["status"], c["colour"]) == c["colour"], c
    assert len(set(colour.values())) == len(colour)


def test_report_warns_of_an_office_open_with_no_desk_on_duty(report, results):
    """Selector: ``li.warning[data-kind]``; every warning of summary.json is on the page, as text."""
    items = report.eval_on_selector_all("li.warning[data-kind]",
                                        "lis => lis.map(li => ({kind: li.dataset.kind, text: li.innerText}))")
    warnings = results.summary["warnings"]
    assert "no_desk_on_duty" in {w["kind"] for w in warnings}
    assert Counter(i["kind"] for i in items) == Counter(w["kind"] for w in warnings)
    page_text = " ".join(i["text"] for i in items)
    for w in warnings:
        assert w["text"] in page_text


def test_comparison_page_renders(comparison):
    assert_renders(comparison, figures=1)


def test_comparison_chart_titles_neither_overlap_nor_are_cut_off(comparison):
    assert_titles_fit(comparison)


def test_comparison_gives_a_verdict_per_measure_and_describes_each_arm(comparison):
    """Selectors: ``[data-verdict]`` cells (one of VERDICTS) and ``.arm-description``."""
    verdicts = comparison.eval_on_selector_all(
        "[data-verdict]", "els => els.map(e => ({verdict: e.dataset.verdict, colour: getComputedStyle(e).color,"
        " background: getComputedStyle(e).backgroundColor}))")
    assert verdicts and {v["verdict"] for v in verdicts} <= VERDICTS
    look = {v["verdict"]: (v["colour"], v["background"]) for v in verdicts}
    assert len(set(look.values())) == len(look), "better, worse and none look alike"
    arms = comparison.locator(".arm-description").all_inner_texts()
    assert len(arms) == 2
    assert "mon_thu" in arms[1] or "Mon" in arms[1]  # what the arm changes: the schedule


def test_comparison_keeps_one_colour_per_arm_on_its_card_and_in_every_figure(comparison):
    """Selectors: ``.arm-card[data-arm]`` (its top border) and the bars of every figure of
    ``.figure-grid`` (one bar per arm, in the arm's colour)."""
    cards = comparison.eval_on_selector_all(
        ".arm-card[data-arm]", "els => els.map(e => [e.dataset.arm, getComputedStyle(e).borderTopColor])")
    card_colour = dict(cards)
    assert len(card_colour) == 2 and len(set(card_colour.values())) == 2
    bars = comparison.eval_on_selector_all(".figure-grid .js-plotly-plot", """plots => plots.map(p =>
        Array.from(p.querySelectorAll('.point path')).map(path => getComputedStyle(path).fill))""")
    arms = comparison.eval_on_selector_all(".figure-grid .js-plotly-plot", "plots => plots.map(p => p.data[0].x)")
    assert bars
    for fills, names in zip(bars, arms):
        assert [card_colour[a] for a in names] == fills


def test_sweep_page_renders(sweep):
    assert_renders(sweep, figures=2)


def test_sweep_chart_titles_neither_overlap_nor_are_cut_off(sweep):
    assert_titles_fit(sweep)


def test_sweep_keeps_one_colour_per_line_in_every_chart_with_a_legend_entry_each(sweep):
    for div in figure_boxes(sweep):
        traces = trace_colours(sweep, div)
        colours: dict[str, set] = {}
        for t in traces:
            colours.setdefault(t["legendgroup"], set()).update({t["line"], t["marker"]})
        assert len(colours) == 2, (div, colours)  # two values of the other parameter
        assert all(len(c) == 1 for c in colours.values()), (div, colours)
        assert len({c for cs in colours.values() for c in cs}) == len(colours), "two lines share a colour"
        legend = legend_entries(sweep, div)
        assert sorted(e["text"] for e in legend) == sorted(colours)
        assert [t["showlegend"] for t in traces].count(True) == len(colours)

