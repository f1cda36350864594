"""Tests of the report's answers: the scorecard of service standards, the warnings,
the hours when the wait standard is missed (worst cells and heat map)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simoffice.reports.kit import CSS, figure_divs
from simoffice.reports.run_figures import TITLE_SERVED, served_figure
from simoffice.reports.scorecard import (
    format_standards,
    scorecard_section,
    scorecard_sentences,
    scorecard_table,
)
from simoffice.reports.served_hours import hour_cells, worst_cells, worst_cells_sentence
from simoffice.reports.warnings import format_warnings, warnings_section

EVIL = "<script>alert(1)</script>"
WALK_IN = dict(standard="walk_in_wait", kind="served_within", channel="walk_in", within=15, within_unit="min",
               target=0.8, direction="at_least", label="Walk-ins seen within 15 min", source="A charter")
PHONE = dict(standard="phone_answer", kind="served_within", channel="phone", within=1 / 3, within_unit="min",
             target=0.8, direction="at_least", label="Calls answered within 20 s", source="")
ABANDON = dict(standard="phone_abandonment", kind="abandonment", channel="phone", within=None,
               within_unit="min", target=0.10, direction="at_most", label="Calls abandoned", source="")


def entry(standard: dict, unit: str, mean: float, lo: float | None, hi: float | None, status: str,
          **own) -> dict:
    n = 1 if lo is None else 5
    return {**standard, **own, "unit": unit, "mean": mean, "ci_low": lo, "ci_high": hi, "n": n, "status": status}


def fake_summary() -> dict:
    """Four units (the network first) × three standards: every status, one unit without
    phone calls, a unit with its own walk-in target, a unit whose name is a script."""
    return {"standards": [
        entry(WALK_IN, "all", 0.85, 0.82, 0.88, "met"),
        entry(WALK_IN, "North & Co", 0.90, 0.88, 0.92, "met"),
        entry(WALK_IN, EVIL, 0.70, 0.65, 0.75, "missed"),
        entry(WALK_IN, "Rural centre", 0.60, 0.55, 0.65, "missed", target=0.7, within=20),
        entry(PHONE, "all", 0.79, 0.76, 0.82, "cannot_tell"),
        entry(PHONE, EVIL, 0.95, 0.93, 0.97, "met"),
        entry(PHONE, "Rural centre", 0.81, None, None, "cannot_tell"),
        entry(ABANDON, "all", 0.04, 0.03, 0.05, "met"),
        entry(ABANDON, EVIL, 0.05, 0.04, 0.06, "met"),
        entry(ABANDON, "Rural centre", 0.02, 0.01, 0.03, "met"),
    ]}


CELL = re.compile(r'<td class="num (\w+)" data-status="(\w+)" data-unit="([^"]*)" data-standard="(\w+)" '
                  r'title="([^"]*)">(.*?)</td>', flags=re.S)


@pytest.fixture(scope="module")
def card() -> str:
    return scorecard_section(fake_summary())


def test_each_cell_has_its_status_as_class_and_attribute(card):
    cells = {(unit, std): (cls, status, title) for cls, status, unit, std, title, _ in CELL.findall(card)}
    expected = {(e["unit"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), e["standard"]):
                e["status"] for e in fake_summary()["standards"]}
    assert {k: v[1] for k, v in cells.items()} == expected
    assert all(cls == status for cls, status, _ in cells.values())
    # The title says it in words.
    cls, status, title = cells[("Rural centre", "walk_in_wait")]
    assert title == ("Rural centre: 60.0 % (Walk-ins seen within 15 min), 95 % interval 55.0–65.0 %; "
                     "target ≥ 70 % (this unit: target ≥ 70 %, within 20 min): missed")
    assert cells[("all", "phone_answer")][2].startswith("Network: 79.0 %")


def test_statuses_have_distinct_colours():
    colours = {s: re.search(rf"\.{s}\{{background:(#[0-9a-f]{{6}})\}}", CSS).group(1)
               for s in ("met", "missed", "cannot_tell")}
    assert len(set(colours.values())) == 3
    # Green for met, red for missed, amber for cannot tell.
    r, g, b = (int(colours["met"][i:i + 2], 16) for i in (1, 3, 5))
    assert g > r and g > b
    r, g, b = (int(colours["missed"][i:i + 2], 16) for i in (1, 3, 5))
    assert r > g and r > b
    r, g, b = (int(colours["cannot_tell"][i:i + 2], 16) for i in (1, 3, 5))
    assert r > b and g > b


def test_rows_columns_and_not_applicable(card):
    table = scorecard_table(fake_summary())
    units = re.findall(r"<tr(?: class=\"network\")?><th>(.*?)</th>", table)
    assert units == ["Unit", "Network", "North &amp; Co", "&lt;script&gt;alert(1)&lt;/script&gt;", "Rural centre"]
    heads = re.findall(r"<th title=\"[^\"]*\">(.*?)</th>", table)
    assert heads == ['Walk-ins seen within 15 min<span class="target">—&nbsp;target&nbsp;≥&nbsp;80&nbsp;%</span>',
                     'Calls answered within 20 s<span class="target">—&nbsp;target&nbsp;≥&nbsp;80&nbsp;%</span>',
                     'Calls abandoned<span class="target">—&nbsp;target&nbsp;≤&nbsp;10&nbsp;%</span>']
    # North & Co has no phone calls: blank cells without a status.
    north = re.search(r"<th>North &amp; Co</th>(.*?)</tr>", table).group(1)
    assert north.count("data-status") == 1
    assert north.count('<td class="na" title="No such contacts at this unit">–</td>') == 2
    # The value in %, the interval and the status word in small print; a unit's own terms.
    rural = re.search(r"<th>Rural centre</th>(.*?)</tr>", table).group(1)
    assert ('60.0&nbsp;%<span class="ci">55.0–65.0</span><span class="ci">target ≥ 70 %, within 20 min</span>'
            '<span class="status">missed</span>') in rural
    assert '81.0&nbsp;%<span class="ci">no interval</span><span class="status">cannot tell</span>' in rural
    assert card.index('<ul class="verdict" id="standards-verdict"><li>') < card.index('<table class="scorecard">') \
        < card.index('<p class="legend note">')
    assert 'id="standards"' in card and "Sources of the targets: Walk-ins seen within 15 min: A charter." in card


def test_sentences_name_the_units_that_miss(card):
    text = " ".join(scorecard_sentences(fake_summary()))
    assert ("2 of 3 units miss “Walk-ins seen within 15 min” (target&nbsp;≥&nbsp;80&nbsp;%): "
            "&lt;script&gt;alert(1)&lt;/script&gt; (70.0&nbsp;%, 65.0–75.0) and "
            "Rural centre (60.0&nbsp;%, 55.0–65.0; target ≥ 70 %, within 20 min); "
            "the network as a whole: 85.0&nbsp;%, 82.0–88.0, met.") in text
    assert "Met everywhere: “Calls abandoned” (target&nbsp;≤&nbsp;10&nbsp;%)." in text
    assert ("Cannot tell yet, the 95&nbsp;% interval holds the target (more replications may tell): "
            "Network (79.0&nbsp;%, 76.0–82.0) and Rural centre (81.0&nbsp;%, one replication: no interval) "
            "on “Calls answered within 20 s” (target&nbsp;≥&nbsp;80&nbsp;%).") in text
    assert EVIL not in card and "alert(1)</script>" not in card


def test_one_unit_and_the_network_missing():
    summary = {"standards": [entry(WALK_IN, "all", 0.7, 0.65, 0.75, "missed"),
                             entry(WALK_IN, "Solo", 0.7, 0.65, 0.75, "missed")]}
    assert scorecard_sentences(summary) == [
        "1 of 1 unit misses “Walk-ins seen within 15 min” (target&nbsp;≥&nbsp;80&nbsp;%): Solo (70.0&nbsp;%, 65.0–75.0); "
        "so does the network as a whole (70.0&nbsp;%, 65.0–75.0)."]
    only_network = {"standards": [entry(WALK_IN, "all", 0.7, 0.65, 0.75, "missed")]}
    assert scorecard_sentences(only_network) == [
        "The network as a whole misses “Walk-ins seen within 15 min” (target&nbsp;≥&nbsp;80&nbsp;%) (70.0&nbsp;%, 65.0–75.0)."]


def test_a_summary_without_standards_has_no_scorecard():
    for summary in ({}, {"standards": []}, {"measures": {}, "meta": {}}):
        assert scorecard_section(summary) == "" and format_standards(summary) == ""
    # An entry without a measured value is left out.
    assert scorecard_section({"standards": [entry(WALK_IN, "all", None, None, None, "cannot_tell")]}) == ""


def test_terminal_scorecard():
    text = format_standards(fake_summary())
    lines = text.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert lines[2] == "Walk-ins seen within 15 min (target ≥ 80 %)"
    assert re.fullmatch(r"  Network +85\.0 %  82\.0–88\.0 +met", lines[3])
    assert re.fullmatch(r"  Rural centre +60\.0 %  55\.0–65\.0 +missed \(target ≥ 70 %, within 20 min\)", lines[6])
    assert re.fullmatch(r"  Rural centre +81\.0 %  – +cannot tell", lines[10])
    assert "Calls abandoned (target ≤ 10 %)" in lines
    # A long unit name is cut, so the table stays narrow.
    long = {"standards": [entry(WALK_IN, "x" * 80, 0.9, 0.85, 0.95, "met")]}
    assert all(len(line) <= 100 for line in format_standards(long).splitlines())


# ---------------------------------------------------------------- warnings

WARNINGS = [
    {"kind": "unstable", "unit": "expert centre",
     "text": "The expert centre's backlog grows week over week (3 → 14 cases): its mean is not a steady figure."},
    {"kind": "no_desk_on_duty", "unit": EVIL, "text": f"{EVIL} is open on Fridays with no desk on duty."},
]


def test_warnings_rendered_and_escaped():
    html = warnings_section({"warnings": WARNINGS})
    items = re.findall(r'<li class="warning" data-kind="(\w+)" data-unit="([^"]*)">(.*?)</li>', html)
    assert [(k, t) for k, _, t in items] == [
        ("unstable", "The expert centre&#x27;s backlog grows week over week (3 → 14 cases): "
                     "its mean is not a steady figure."),
        ("no_desk_on_duty", "&lt;script&gt;alert(1)&lt;/script&gt; is open on Fridays with no desk on duty.")]
    assert EVIL not in html and 'id="warnings"' in html
    lines = format_warnings({"warnings": WARNINGS}).splitlines()
    assert [line for line in lines if line.startswith("warning: ")] == [
        "warning: The expert centre's backlog grows week over week (3 → 14 cases): its mean is not a steady",
        f"warning: {EVIL} is open on Fridays with no desk on duty."]
    assert lines[1] == "  figure."


def test_long_warnings_wrap_for_the_terminal():
    text = "Only 3 replications: the intervals are wide; run run.replications=10 or more for firm answers. " * 2
    lines = format_warnings({"warnings": [{"kind": "few_replications", "unit": "all", "text": text}]}).splitlines()
    assert len(lines) == 3 and lines[0].startswith("warning: Only 3") and lines[1].startswith("  ")
    assert all(len(line) <= 100 for line in lines) and " ".join(w.strip() for w in lines) == f"warning: {text}".strip()


def test_no_warnings_no_section():
    for summary in ({}, {"warnings": []}):
        assert warnings_section(summary) == "" and format_warnings(summary) == ""


# ---------------------------------------------------- worst hours, heat map

def hours_table() -> pd.DataFrame:
    """Queued and in-time counts per replication × unit × weekday × hour, by hand."""
    rows = [
        # A, Monday 09:00: 20 queued in each of 3 replications, 10/12/14 in time: 60 %.
        *[(r, "A", 0, 9, 20, k) for r, k in enumerate((10, 12, 14))],
        # A, Monday 10:00: exactly 30 contacts, 10 %.
        *[(r, "A", 0, 10, 10, 1) for r in range(3)],
        # B, Tuesday 14:00: none in time, but contacts in one replication only.
        (0, "B", 1, 14, 100, 0),
        # B, Wednesday 08:00: none in time, but only 10 contacts.
        (0, "B", 2, 8, 5, 0), (1, "B", 2, 8, 5, 0),
        # B, Thursday 11:00: 92 %.
        (0, "B", 3, 11, 50, 45), (1, "B", 3, 11, 50, 47),
        # C, Friday 16:00: 2 of 60, an interval reaching below 0.
        *[(r, "C", 4, 16, 20, k) for r, k in enumerate((0, 2, 0))],
        # An hour without queued contacts, and the network's row: neither is a cell.
        (0, "C", 5, 9, 0, 0), (0, "all", 0, 9, 500, 0), (1, "all", 0, 9, 500, 0),
    ]
    return pd.DataFrame(rows, columns=["replication", "office", "weekday", "hour", "queued", "in_time"])


def test_hour_cells_sum_over_replications():
    cells = hour_cells(hours_table()).set_index(["office", "weekday", "hour"])
    assert len(cells) == 6 and "all" not in cells.index.get_level_values("office")
    a9 = cells.loc[("A", 0, 9)]
    assert (a9["queued"], a9["in_time"], a9["replications"]) == (60, 36, 3) and a9["share"] == pytest.approx(0.6)
    assert ("C", 5, 9) not in cells.index  # no queued contacts: blank


def test_worst_cells_lowest_share_with_enough_contacts():
    worst = worst_cells(hours_table())
    assert list(zip(worst["office"], worst["weekday"], worst["hour"])) == [("C", 4, 16), ("A", 0, 10), ("A", 0, 9)]
    assert worst["share"].tolist() == pytest.approx([2 / 60, 0.1, 0.6])
    assert worst["queued"].tolist() == [60, 30, 60]
    # The interval: Student t over the per-replication shares, cut to [0, 1].
    t = stats.t.ppf(0.975, 2)
    half = t * np.std([0.5, 0.6, 0.7], ddof=1) / np.sqrt(3)
    assert (worst.loc[2, "ci_low"], worst.loc[2, "ci_high"]) == pytest.approx((0.6 - half, 0.6 + half))
    assert worst.loc[0, "ci_low"] == 0.0 and worst.loc[0, "ci_high"] == pytest.approx(
        2 / 60 + t * np.std([0, 0.1, 0], ddof=1) / np.sqrt(3))
    assert (worst.loc[1, "ci_low"], worst.loc[1, "ci_high"]) == pytest.approx((0.1, 0.1))  # the same share in every replication
    # Stricter filters leave cells out.
    assert worst_cells(hours_table(), n=10, min_contacts=31)["office"].tolist() == ["C", "A", "B"]
    assert worst_cells(hours_table(), n=10, min_contacts=1, min_replications=3)["hour"].tolist() == [16, 10, 9]
    assert worst_cells(hours_table(), min_contacts=1000).empty


def test_worst_cells_sentence():
    text = worst_cells_sentence(worst_cells(hours_table()))
    assert text.startswith("The share of queued contacts served within the standard's wait is lowest at "
                           "C on Fridays 16:00–17:00 (3&nbsp;%, 95&nbsp;% interval 0–18&nbsp;%, 60 contacts), "
                           "A on Mondays 10:00–11:00 (10&nbsp;%, 95&nbsp;% interval 10–10&nbsp;%, 30 contacts) and "
                           "A on Mondays 09:00–10:00 (60&nbsp;%, 95&nbsp;% interval 35–85&nbsp;%, 60 contacts)")
    evil = hours_table().assign(office=lambda h: h["office"].replace("C", EVIL))
    assert EVIL not in worst_cells_sentence(worst_cells(evil))
    assert worst_cells_sentence(worst_cells(hours_table(), min_contacts=1000)).startswith("No hour of any unit had")


def test_heat_map_cells():
    fig = served_figure(hour_cells(hours_table()), ["A", "B", "C"])
    assert fig.layout.title.text == TITLE_SERVED
    assert [t.name for t in fig.data] == ["A", "B", "C"]
    a, b, c = fig.data
    assert list(a.y) == ["Mon", "Tue", "Wed", "Thu", "Fri"] and list(a.x) == list(range(8, 17))
    z = np.array(a.z, dtype=float)
    assert z[0, 1] == pytest.approx(60) and z[0, 2] == pytest.approx(10)
    assert np.isnan(z).sum() == z.size - 2  # no queued contacts: blank
    assert np.array(b.customdata)[1, 6] == 100  # n in the hover text
    assert "n = %{customdata} queued contacts" in a.hovertemplate
    axis = fig.layout.coloraxis
    assert (axis.cmin, axis.cmax) == (0, 100) and all(t.coloraxis == "coloraxis" for t in fig.data)
    assert axis.colorscale[0][1].startswith("rgb(165,0,38)")  # red at 0 %, green at 100 %
    assert served_figure(hour_cells(hours_table().iloc[:0]), []).layout.annotations[0].text.startswith("No data")


def _boxes(fig) -> tuple[list[tuple[float, float]], list[tuple[float, float]], tuple[float, float]]:
    """Pixel spans (from the top of the figure) of the subplot titles, of the plots, and of the figure's title."""
    height = fig.layout.height
    top, bottom = fig.layout.margin.t, fig.layout.margin.b
    plot = height - top - bottom

    def px(y: float) -> float:  # paper coordinates -> pixels from the figure's top
        return top + (1 - y) * plot

    titles = []
    for ann in fig.layout.annotations:
        assert ann.yanchor == "bottom" and ann.yref == "paper"
        size = ann.font.size or 16
        titles.append((px(ann.y) - 1.3 * size, px(ann.y)))  # a line of text, anchored at its bottom
    axes = sorted((k for k in fig.layout if k.startswith("yaxis")), key=lambda k: int(k[5:] or 1))
    plots = [(px(fig.layout[k].domain[1]), px(fig.layout[k].domain[0])) for k in axes]
    t = fig.layout.title
    assert t.yref == "container" and t.y == 1 and t.yanchor == "top"
    size = (t.font.size or 17)
    return titles, plots, (t.pad.t, t.pad.t + 1.3 * size)


@pytest.mark.parametrize("n_units", [1, 2, 7, 30])
def test_heat_map_titles_do_not_overlap(n_units):
    names = [f"Office {i}" for i in range(n_units)]
    h = pd.concat([hours_table().assign(office=hours_table()["office"].map({"A": n, "B": n, "C": n}))
                   for n in names]).dropna(subset=["office"])
    fig = served_figure(hour_cells(h), names)
    figure_divs([("fig", fig)])  # as the page draws it
    titles, plots, page_title = _boxes(fig)
    assert len(titles) == len(plots) == min(n_units, 24)
    for i, (title, plot) in enumerate(zip(titles, plots)):
        assert title[1] <= plot[0] + 1e-6  # above its own plot
        if i == 0:
            assert title[0] >= page_title[1]  # below the figure's title
        else:
            assert title[0] >= plots[i - 1][1] + 4  # below the plot above, with room
    assert all(b[0] - a[1] >= 0 for a, b in zip(plots, plots[1:]))
