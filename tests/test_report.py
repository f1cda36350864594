"""Tests of the HTML report: self-contained, complete, escaped, written atomically."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.offline
import pytest

from simoffice.report import (
    TITLE_QUEUE,
    TITLE_UTIL,
    TITLE_VISITS,
    TITLE_WAIT,
    build_report_html,
    write_report,
)

EVIL = "<script>alert(1)</script>"
OFFICES = ["North & Co", EVIL]


def _results(n_contacts: int = 400, seed: int = 1) -> SimpleNamespace:
    """A small results object following the schema the simulator writes."""
    rng = np.random.default_rng(seed)
    office_cat = pd.Categorical(rng.choice(OFFICES, n_contacts), categories=OFFICES)
    outcome = rng.choice(["served", "served", "served", "reneged", "closed"], n_contacts)
    served = outcome == "served"
    arrival = rng.uniform(0, 7 * 1440, n_contacts)
    wait = np.where(outcome == "closed", np.nan, rng.exponential(8.0, n_contacts))
    contacts = pd.DataFrame({
        "replication": rng.integers(0, 2, n_contacts),
        "bundle": np.arange(n_contacts),
        "visit": 1,
        "office": office_cat,  # categorical here, str elsewhere
        "segment": "citizens",
        "service": "passport",
        "skill": "id",
        "desk_group": np.where(served, "front", ""),
        "n_needs": 1,
        "n_settled": served.astype(int),
        "arrival_min": arrival,
        "start_min": np.where(served, arrival + np.nan_to_num(wait), np.nan),
        "end_min": arrival + 20,
        "wait_min": wait,
        "service_min": np.where(served, 10.0, 0.0),
        "outcome": outcome,
        "in_window": rng.random(n_contacts) < 0.9,
        "weekday": (arrival // 1440).astype(int),
        "hour": ((arrival % 1440) // 60).astype(int),
    })

    n_b = 150
    bundles = pd.DataFrame({
        "replication": rng.integers(0, 2, n_b),
        "bundle": np.arange(n_b),
        "office": rng.choice(OFFICES, n_b),
        "segment": "citizens",
        "bundle_type": "single",
        "created_min": rng.uniform(0, 7 * 1440, n_b),
        "end_min": rng.uniform(0, 7 * 1440, n_b),
        "visits": rng.integers(1, 4, n_b),
        "tickets": 1,
        "failed_trips": 0,
        "needs": 1,
        "needs_settled": 1,
        "status": pd.Categorical(rng.choice(["settled", "abandoned", "open"], n_b, p=[0.7, 0.2, 0.1])),
        "in_window": True,
    })

    rows = []
    bins = np.arange(0, 7 * 1440, 15)
    hour = (bins % 1440) // 60
    weekday = bins // 1440
    open_ = (hour >= 8) & (hour < 16) & (weekday < 5)
    for rep in range(2):
        for office in OFFICES:
            busy = np.where(open_, rng.uniform(0.5, 3.0, bins.size), 0.0)
            duty = np.where(open_, 3.0, 0.0)
            queue = np.where(open_, rng.uniform(0, 6, bins.size), 0.0)
            for group, share in (("front", 1.0), ("all", 1.0)):
                rows.append(pd.DataFrame({
                    "replication": rep, "office": office, "desk_group": group,
                    "bin_start_min": bins, "weekday": weekday, "hour": hour,
                    "queue_mean": queue * share, "busy_mean": busy, "on_duty_mean": duty,
                }))
    timeseries = pd.concat(rows, ignore_index=True)

    def m(mean, lo, hi, n=2):
        return {"mean": mean, "ci_low": lo, "ci_high": hi, "n": n}

    summary = {
        "measures": {
            "wait_mean_min": m(7.3, 6.9, 7.8),
            "wait_p90_min": m(18.2, 16.0, 20.1),
            "service_level": m(0.82, 0.80, 0.84),
            "abandonment_rate": m(0.05, 0.04, 0.06),
            "utilisation": m(0.78, 0.75, 0.81),
            "visits_per_bundle_mean": m(1.42, 1.38, 1.46),
            "overtime_min": m(None, None, None, 0),
            "staff_hours": m(240.0, 240.0, 240.0),
        },
        "meta": {
            "network": "<script>alert(2)</script> & partners", "schedule": "standard",
            "design": "baseline", "weeks": 8, "warmup_weeks": 1, "replications": 2,
            "seed": 2026, "service_level_target_min": 15, "version": "0.1.0",
        },
    }
    replications = pd.DataFrame({"replication": [0, 1], "office": "all",
                                 "measure": "wait_mean_min", "value": [7.0, 7.6]})
    return SimpleNamespace(summary=summary, contacts=contacts, bundles=bundles,
                           timeseries=timeseries, replications=replications)


@pytest.fixture(scope="module")
def results() -> SimpleNamespace:
    return _results()


@pytest.fixture(scope="module")
def page(results) -> str:
    return build_report_html(results)


def test_plotly_inline_once_and_offline(page):
    bundle = plotly.offline.get_plotlyjs()
    assert page.count(bundle) == 1
    # No script tag loads anything from elsewhere.
    assert '<script src="http' not in page
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, flags=re.I)
    # The plotly.js bundle itself mentions cdn.plot.ly once (the default
    # topojsonURL, used only by geo maps); nothing outside it may.
    assert "cdn.plot.ly" not in page.replace(bundle, "")
    assert not re.search(r"https?://", page.replace(bundle, ""))


def test_titles_summary_and_table(page):
    for title in (TITLE_WAIT, TITLE_QUEUE, TITLE_UTIL, TITLE_VISITS):
        assert title in page
    assert '<p class="summary">Clients waited 7.3 min on average (95&nbsp;% CI 6.9–7.8)' in page
    assert "82&nbsp;% were seen within 15 min" in page
    assert "desks were busy 78&nbsp;% of their time on duty" in page
    assert "a bundle took 1.4 visits on average" in page
    # Shares are shown in percent, with their interval.
    assert "82.0" in page and "80.0 – 84.0" in page
    assert page.index("<h1>") < page.index('class="summary"') < page.index("<table>") \
        < page.index('id="fig-wait"')


def test_names_are_escaped(page):
    assert EVIL not in page
    assert "alert(2)</script>" not in page
    assert "<h1>simoffice report: &lt;script&gt;alert(2)&lt;/script&gt; &amp; partners</h1>" in page
    # plotly's JSON escapes "<", ">" and "/" so names cannot close the script tag.
    assert r"\u003cscript\u003ealert(1)\u003c\u002fscript\u003e" in page
    # Every script tag in the page is one of plotly's: the config, the bundle
    # and one per figure; none came from a name.
    assert re.findall(r"<script[^>]*>", page) == ["<script>"] * 6


def test_write_report_is_atomic_and_replaces(results, tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old report")
    out = write_report(results, target)
    assert out == target
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "old report" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    write_report(results, str(target))  # str paths work, and a second write replaces
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_figures_stay_small_for_many_contacts():
    page = build_report_html(_results(n_contacts=200_000, seed=2))
    rest = page.replace(plotly.offline.get_plotlyjs(), "")
    assert len(rest) < 300_000  # aggregated, not one point per contact


def test_no_measured_data_still_renders(results):
    empty = SimpleNamespace(**vars(results))
    empty.contacts = results.contacts.assign(in_window=False)
    empty.bundles = results.bundles.assign(in_window=False)
    empty.summary = {"measures": {}, "meta": results.summary["meta"]}
    page = build_report_html(empty)
    assert page.count(plotly.offline.get_plotlyjs()) == 1
    assert "No data in the measured window" in page
    assert "No measures were recorded" in page
