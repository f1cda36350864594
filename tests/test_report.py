"""Tests of the HTML report: self-contained, complete, escaped, written atomically."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.offline
import pytest

from simoffice.reports.report import build_report_html, write_report
from simoffice.reports.run_figures import TITLE_QUEUE, TITLE_UTIL, TITLE_VISITS, TITLE_WAIT

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
    assert "a bundle took 1.4 contacts on average" in page
    # Shares are shown in percent, with their interval.
    assert "82.0" in page and "80.0 – 84.0" in page
    # A measure without a value in this run is left out, not shown as a "–" row.
    assert 'title="overtime_min"' not in page and 'title="staff_hours"' in page
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
    # Results without splits by channel, segment or zone say so plainly.
    assert "No measures per channel were recorded" in page
    assert "No measures per client group were recorded" in page
    assert "No measures per zone were recorded" in page


# ------------------------------------------------ the answers first

from simoffice.reports.report import HEAD_HOURS  # noqa: E402
from simoffice.reports.served_hours import worst_cells, worst_cells_sentence  # noqa: E402

STATUS_CELL = re.compile(r'data-status="(\w+)" data-unit="([^"]*)" data-standard="(\w+)"')


def _standard(unit: str, mean: float, lo: float, hi: float, status: str) -> dict:
    return {"standard": "walk_in_wait", "unit": unit, "kind": "served_within", "channel": "walk_in",
            "within": 15, "within_unit": "min", "target": 0.8, "direction": "at_least",
            "label": "Walk-ins seen within 15 min", "source": "", "mean": mean, "ci_low": lo, "ci_high": hi,
            "n": 2, "status": status}


def _answers(results: SimpleNamespace) -> SimpleNamespace:
    """The fake results with standards, warnings and the hours table of a run of today."""
    r = SimpleNamespace(**vars(results))
    r.summary = dict(results.summary)
    r.summary["standards"] = [_standard("all", 0.85, 0.82, 0.88, "met"),
                              _standard("North & Co", 0.9, 0.88, 0.92, "met"),
                              _standard(EVIL, 0.7, 0.65, 0.75, "missed")]
    r.summary["warnings"] = [{"kind": "few_replications", "unit": "all",
                              "text": "Only 2 replications: intervals are wide <be careful>."}]
    rng = np.random.default_rng(5)
    grid = pd.MultiIndex.from_product([range(2), OFFICES, range(5), range(8, 16)],
                                      names=["replication", "office", "weekday", "hour"]).to_frame(index=False)
    queued = rng.integers(0, 40, len(grid))
    r.hours = grid.assign(queued=queued, in_time=rng.binomial(queued, 0.8))
    return r


@pytest.fixture(scope="module")
def answers(results) -> SimpleNamespace:
    return _answers(results)


@pytest.fixture(scope="module")
def answers_page(answers) -> str:
    return build_report_html(answers)


def test_the_answers_come_first(answers, answers_page):
    page = answers_page
    assert (page.index('<p class="subtitle">') < page.index('<h2 id="standards">') < page.index('<h2 id="warnings">')
            < page.index('<p class="summary">') < page.index(f'<h2 id="hours">{HEAD_HOURS}</h2>')
            < page.index("<h2>Measures</h2>"))
    assert STATUS_CELL.findall(page) == [("met", "all", "walk_in_wait"), ("met", "North &amp; Co", "walk_in_wait"),
                                         ("missed", "&lt;script&gt;alert(1)&lt;/script&gt;", "walk_in_wait")]
    assert '<li class="warning" data-kind="few_replications" data-unit="all">Only 2 replications: ' \
        "intervals are wide &lt;be careful&gt;.</li>" in page
    hours = _section(page, "hours")
    assert worst_cells_sentence(worst_cells(answers.hours)) in hours and 'id="fig-served"' in hours
    # plotly.js comes with the first figure on the page, the heat map, before any figure is drawn.
    bundle = plotly.offline.get_plotlyjs()
    assert page.count(bundle) == 1 and page.index(bundle) < page.index("Plotly.newPlot")
    assert page.index(bundle) < page.index('id="fig-served"') < page.index('id="fig-wait"')
    assert EVIL not in page


def test_a_summary_of_an_older_run_has_no_answers(page):
    """Results saved before standards, warnings and the hours table: those parts are left out."""
    for part in ('class="scorecard"', 'id="standards"', 'id="warnings"', 'id="hours"', "data-status"):
        assert part not in page
    empty = _answers(_results())
    empty.summary["warnings"] = []
    assert 'id="warnings"' not in build_report_html(empty, light=True)


def test_light_page(answers, answers_page):
    light = build_report_html(answers, light=True)
    assert "<script" not in light and "plotly" not in light.lower()
    for part in ('<table class="scorecard">', '<li class="warning"', worst_cells_sentence(worst_cells(answers.hours)),
                 "<h2>Measures</h2>", "a light page: figures left out"):
        assert part in light
    assert STATUS_CELL.findall(light) == STATUS_CELL.findall(answers_page)
    assert len(light.encode()) < 50_000 < len(answers_page.encode())


def test_write_report_levels(answers, tmp_path):
    write_report(answers, tmp_path / "light.html", "light")
    write_report(answers, tmp_path / "full.html", level="full")
    assert "<script" not in (tmp_path / "light.html").read_text(encoding="utf-8")
    assert plotly.offline.get_plotlyjs() in (tmp_path / "full.html").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=r"level: expected one of \['full', 'light'\] \(got 'none'\)"):
        write_report(answers, tmp_path / "none.html", "none")
    assert not (tmp_path / "none.html").exists()


# ------------------------------------------------ sections of a real network
#
# Small runs of the shipped configs: the regional network (every channel, six
# zones, an expert centre) and M/M/c (one channel, one zone, one client group).

from omegaconf import OmegaConf  # noqa: E402

import simoffice  # noqa: E402
from simoffice.measures.coverage import zone_coverage  # noqa: E402
from simoffice.reports.channels import HEAD_CHANNELS, TITLE_CHANNELS  # noqa: E402
from simoffice.reports.equity import HEAD_SEGMENTS, HEAD_ZONES  # noqa: E402
from simoffice.reports.kit import num  # noqa: E402

SMALL_RUN = ("run.replications=3", "run.jobs=1", "run.progress=false", "run.weeks=3", "run.drain_weeks=1",
             "run.check_invariants=true")
EVIL_SEGMENT = '<img src=x onerror="alert(3)">'


def _regional_config(*overrides: str) -> dict:
    return OmegaConf.to_container(simoffice.compose(*SMALL_RUN, *overrides), resolve=True)


@pytest.fixture(scope="module")
def regional():
    return simoffice.simulate(_regional_config(), progress=False)


@pytest.fixture(scope="module")
def regional_page(regional) -> str:
    return build_report_html(regional)


@pytest.fixture(scope="module")
def mmc():
    cfg = simoffice.compose("network=mmc", "network.arrivals_per_hour=40", "network.service_mean_min=6",
                            "run.replications=3", "run.jobs=1", "run.weeks=2", "run.drain_weeks=1",
                            "run.check_invariants=true")
    return simoffice.simulate(cfg, progress=False)


@pytest.fixture(scope="module")
def mmc_page(mmc) -> str:
    return build_report_html(mmc)


def _section(page: str, anchor: str) -> str:
    """The HTML from the heading with id ``anchor`` to the next h2."""
    start = page.index(f'<h2 id="{anchor}">')
    end = page.find("<h2", start + 1)
    return page[start:end if end >= 0 else len(page)]


def _rows(section: str) -> dict[str, list[str]]:
    """Table rows by their first cell: the other cells' text, intervals dropped."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        if cells:
            rows[cells[0]] = [re.sub(r'<span class="ci">.*?</span>', "", c) for c in cells[1:]]
    return rows


def _summary_text(page: str) -> str:
    return re.search(r'<p class="summary">(.*?)</p>', page, flags=re.S).group(1)


def test_channel_section(regional, regional_page):
    page = regional_page
    section = _section(page, "channels")
    assert f">{HEAD_CHANNELS}</h2>" in section and "<table>" in section
    assert TITLE_CHANNELS in section and 'id="fig-channels"' in section
    rows = _rows(section)
    channels = regional.summary["groups"]["channel"]
    labels = {"walk_in": "Walk-in", "appointment": "Appointment", "phone": "Phone", "video": "Video",
              "online": "Online", "mobile": "Mobile office"}
    assert set(rows) == {labels[c] for c in channels}
    target = regional.spec.run.service_level_target_min
    for ch, ms in channels.items():
        contacts, _, wait, p90, sl, tgt, ab = rows[labels[ch]]
        assert contacts == num(ms["contacts_per_week"]["mean"])
        if ch == "online":
            assert (wait, sl, tgt, ab) == ("–", "–", "no queue", "–")
            continue
        assert wait == num(ms["wait_mean_min"]["mean"]) and p90 == num(ms["wait_p90_min"]["mean"])
        assert sl == num(100 * ms["service_level"]["mean"]) and ab == num(100 * ms["abandonment_rate"]["mean"])
        assert tgt == (f"{regional.spec.phone.target_min * 60:g} s" if ch == "phone" else f"{target:g} min")
    # One sentence of the summary on top gives the shares of contacts by channel.
    total = sum(ms["contacts_per_week"]["mean"] for ms in channels.values())
    text = _summary_text(page)
    for ch, noun in (("phone", "phone calls"), ("online", "online sessions")):
        share = 100 * channels[ch]["contacts_per_week"]["mean"] / total
        assert f"{share:.0f}&nbsp;% {noun}" in text
    assert f"Of {total:,.0f} contacts a week" in text


def test_segment_section(regional, regional_page):
    section = _section(regional_page, "segments")
    assert f">{HEAD_SEGMENTS}</h2>" in section
    rows = _rows(section)
    segments = regional.summary["groups"]["segment"]
    assert set(rows) == {name.replace("_", " ") for name in segments}
    for name, ms in segments.items():
        cells = rows[name.replace("_", " ")]
        assert cells[1] == num(ms["wait_mean_min"]["mean"])
        assert cells[2] == num(100 * ms["service_level"]["mean"])
        assert cells[4] == num(ms["visits_per_bundle_mean"]["mean"])
        assert cells[5] == num(100 * ms["one_visit_resolution"]["mean"])
        assert cells[6] == num(ms["travel_min_per_bundle"]["mean"])
    # Equity in plain language: "Pensioners wait 2.7 min longer on average than disabled (2.1–3.3)".
    gap = regional.summary["equity"]["segment"]["wait_mean_min"]
    g = gap["gap"]
    line = (f"{gap['highest'].replace('_', ' ').capitalize()} wait {g['mean']:.1f} min longer on average "
            f"than {gap['lowest'].replace('_', ' ')} ({g['ci_low']:.1f}–{g['ci_high']:.1f})")
    assert "<h3>Gaps between client groups</h3>" in section
    assert line.replace("-", "−") in section
    travel = regional.summary["equity"]["segment"]["travel_min_per_bundle"]
    assert f"travel {travel['gap']['mean']:.1f} min more per bundle than" in section


def test_zone_section(regional, regional_page):
    section = _section(regional_page, "zones")
    assert f">{HEAD_ZONES}</h2>" in section
    spec = regional.spec
    rows = _rows(section)
    assert list(rows) == [z.name for z in spec.zones]
    _, _, per_zone = zone_coverage(spec)
    g = regional.groups[regional.groups["by"] == "zone"]
    for z, zone in enumerate(spec.zones):
        pop, rural, nearest, minutes, covered, travel, wait = rows[zone.name]
        assert pop == f"{zone.population:,.0f}" and rural == ("yes" if zone.rural else "no")
        unit, best = min(((u, t) for u, t in zone.travel if spec.offices[u].physical), key=lambda x: x[1])
        assert nearest.startswith(spec.offices[unit].name) and minutes == num(best)
        assert nearest.endswith("(mobile office)") == (spec.offices[unit].kind == "mobile")
        cov = g[(g["group"] == zone.name) & (g["measure"] == "coverage_within_min")]["value"].mean()
        assert covered == num(100 * cov) == num(100 * per_zone[z])
        rows_z = g[g["group"] == zone.name]
        assert travel == num(rows_z[rows_z["measure"] == "travel_min_per_bundle"]["value"].mean())
        assert wait == num(rows_z[rows_z["measure"] == "wait_mean_min"]["value"].mean())
    assert any(r[2].endswith("(mobile office)") for r in rows.values())
    assert f"open within {spec.run.coverage_target_min:g} min (% of all days)" in section
    # The largest gaps between zones, in plain language.
    assert "<h3>Largest gaps between zones</h3>" in section
    travel = regional.summary["equity"]["zone"]["travel_min_per_bundle"]
    assert (f"Clients in {travel['highest']} travel {travel['gap']['mean']:.1f} min more per bundle than "
            f"clients in {travel['lowest']}") in section
    # The network's coverage is in the summary on top and in the measures table.
    # Per calendar day, and per day a service point is open.
    cov = regional.summary["measures"]["coverage_within_min"]["mean"]
    open_days = regional.summary["measures"]["coverage_open_days"]["mean"]
    assert (f"On an average day, {100 * cov:.0f}&nbsp;% of residents have a service point open that day within "
            f"{spec.run.coverage_target_min:g} min (one way); counting only the days a service point is open, "
            f"{100 * open_days:.0f}&nbsp;%.") in _summary_text(regional_page)
    assert 'title="coverage_within_min"' in regional_page and 'title="coverage_open_days"' in regional_page
    assert (f"Residents with a service point open that day within {spec.run.coverage_target_min:g} min, "
            "per calendar day") in regional_page


def _measure_means(page: str) -> dict[str, str]:
    """The measures table's mean cell by measure key."""
    table = page[page.index("<h2>Measures</h2>"):page.index('<h2 id="channels">')]
    return dict(re.findall(r'<tr><td title="(\w+)">[^<]*</td><td class="num">([^<]*)</td>', table))


def test_expert_centre_lines(regional, regional_page):
    m = regional.summary["measures"]
    means = _measure_means(regional_page)
    for key in ("expert_cases_per_week", "expert_turnaround_days", "expert_backlog"):
        assert means[key] == num(m[key]["mean"])
    assert f"The expert centre received {m['expert_cases_per_week']['mean']:.1f} cases a week" \
        in _summary_text(regional_page)
    # Every measure with a value has its row, and no row lacks a value.
    assert set(means) == {k for k, v in m.items() if v["mean"] is not None and np.isfinite(v["mean"])}
    assert "–" not in means.values()
    assert regional_page.count(plotly.offline.get_plotlyjs()) == 1


def test_mmc_sections_are_plain(mmc, mmc_page):
    page = mmc_page
    assert page.count(plotly.offline.get_plotlyjs()) == 1
    assert f">{HEAD_CHANNELS}</h2>" in page and "Every contact in this run came through one channel (walk-in)" in page
    assert "All clients belong to one client group (all)" in page
    assert "All clients live in one zone" in page
    # No empty figure, no table or gap list for a single group.
    assert 'id="fig-channels"' not in page and '<ul class="gaps">' not in page
    for anchor in ("channels", "segments", "zones"):
        assert "<table" not in _section(page, anchor)
    # Measures without a value (no expert centre) are left out, not shown as "–".
    assert 'title="expert_' not in page and "Expert centre" not in page
    means = _measure_means(page)
    assert "–" not in means.values() and not any(k.startswith("expert_") for k in means)
    # Nothing about channels, residents or an expert centre in the summary.
    text = _summary_text(page)
    assert "contacts a week" not in text and "residents" not in text and "expert" not in text
    assert 'title="coverage_within_min"' not in page
    assert "were seen within 15 min" in text  # no phone target to mention


def test_config_names_are_escaped():
    """Office, zone and segment names from a config never reach the page raw."""
    cfg = _regional_config("run.replications=2")
    net = cfg["network"]
    # The office "Rural centre" and the zone "Forest settlements" are renamed to EVIL,
    # the segment "job_seekers" to EVIL_SEGMENT, everywhere they are referred to.
    for office in net["offices"]:
        if office["name"] == "Rural centre":
            office["name"] = EVIL
    for zone in net["zones"].values():
        travel = zone["travel_min"]
        if "Rural centre" in travel:
            travel[EVIL] = travel.pop("Rural centre")
        if "job_seekers" in (zone.get("segment_mix") or {}):
            zone["segment_mix"][EVIL_SEGMENT] = zone["segment_mix"].pop("job_seekers")
    net["zones"] = {(EVIL if k == "Forest settlements" else k): v for k, v in net["zones"].items()}
    for route in net["mobile_routes"]:
        for stop in route["stops"]:
            if stop["zone"] == "Forest settlements":
                stop["zone"] = EVIL
    net["segments"] = {(EVIL_SEGMENT if k == "job_seekers" else k): v for k, v in net["segments"].items()}
    for bundle in net["bundles"].values():
        if "job_seekers" in (bundle.get("segment_mix") or {}):
            bundle["segment_mix"][EVIL_SEGMENT] = bundle["segment_mix"].pop("job_seekers")
    results = simoffice.simulate(cfg, progress=False)
    assert results.spec.offices[2].name == EVIL and results.spec.zones[-1].name == EVIL
    page = build_report_html(results)
    assert EVIL not in page and "alert(1)</script>" not in page
    assert EVIL_SEGMENT not in page and 'onerror="alert(3)"' not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    # The zone's row, its nearest office (the mobile office) and the Villages
    # south row, whose nearest service point is the renamed office.
    zones = _rows(_section(page, "zones"))
    assert escaped in zones and zones["Villages south"][2] == escaped
    assert "&lt;img src=x onerror=&quot;alert(3)&quot;&gt;" in _section(page, "segments")
    # Every script tag is one of plotly's: the config, the bundle and one per figure.
    tags = re.findall(r"<script[^>]*>", page)
    assert set(tags) == {"<script>"} and len(tags) == 2 + page.count('class="plotly-graph-div"')


def test_gap_lines_and_intervals_without_a_spec(results):
    """Splits given only in the summary (no spec): a gap whose interval holds zero
    says so, and share intervals are cut to 0–100 %."""
    r = SimpleNamespace(**vars(results))
    r.summary = dict(results.summary)

    def m(mean, lo, hi):
        return {"mean": mean, "ci_low": lo, "ci_high": hi, "n": 3}

    r.summary["groups"] = {"segment": {
        "pensioners": {"wait_mean_min": m(6.0, 5.0, 7.0), "abandonment_rate": m(0.01, -0.02, 0.04)},
        "job_seekers": {"wait_mean_min": m(4.0, 3.5, 4.5), "abandonment_rate": m(0.05, 0.03, 0.07)},
    }}
    r.summary["equity"] = {"segment": {
        "wait_mean_min": {"highest": "pensioners", "lowest": "job_seekers", "gap": m(2.0, -0.5, 4.5)},
        "abandonment_rate": {"highest": "job_seekers", "lowest": "pensioners", "gap": m(0.04, 0.01, 0.07)},
    }}
    section = _section(build_report_html(r), "segments")
    assert "Pensioners wait 2.0 min longer on average than job seekers (−0.5–4.5), " \
        "which could also be no gap at all." in section
    assert "Job seekers give up waiting 4.0 percentage points more often than pensioners (1.0–7.0)." in section
    assert '1.00<span class="ci">0.00 – 4.00</span>' in section  # not -2.00


def test_real_run_answers(regional, regional_page):
    """The scorecard's cells are the summary's standards; its warnings and worst hours are on the page."""
    page = regional_page
    shown = STATUS_CELL.findall(_section(page, "standards"))
    given = [(e["status"], e["unit"], e["standard"]) for e in regional.summary["standards"]
             if e["mean"] is not None]
    assert sorted(shown) == sorted(given) and len(shown) > 10
    assert shown[0][1] == "all"  # the network's row first
    assert {s for s, _, _ in shown} <= {"met", "missed", "cannot_tell"}
    kinds = re.findall(r'<li class="warning" data-kind="(\w+)"', page)
    assert kinds == [w["kind"] for w in regional.summary["warnings"]]
    assert "few_replications" in kinds  # three replications
    hours = _section(page, "hours")
    assert worst_cells_sentence(worst_cells(regional.hours)) in hours and 'id="fig-served"' in hours
    assert "Rural centre" in hours


def test_light_page_of_the_default_network(regional):
    light = build_report_html(regional, light=True)
    assert len(light.encode()) < 200_000
    assert "<script" not in light and "plotly-graph-div" not in light
    for anchor in ("standards", "hours", "channels", "segments", "zones"):
        assert f'<h2 id="{anchor}">' in light
    assert sorted(STATUS_CELL.findall(light)) == sorted(STATUS_CELL.findall(build_report_html(regional)))


def test_one_office_scorecard(mmc, mmc_page):
    cells = STATUS_CELL.findall(mmc_page)
    units = {u for _, u, _ in cells}
    assert units == {"all", mmc.spec.offices[0].name}
    # A walk-in office: no phone, appointment or expert standard.
    assert "walk_in_wait" in {std for _, _, std in cells}
    assert not {std for _, _, std in cells} & {"phone_answer", "appointment_wait", "expert_decision"}


def test_the_utilisation_chart_shows_serving_after_closing_as_overtime(regional):
    """Utilisation is read during opening hours only; the desk time spent serving the
    clients still waiting at closing is its own series, and over a week it is part of
    the overtime the run measured (all of it where every shift ends at closing)."""
    from simoffice.reports.run_figures import _office_series, opening_share, util_figure

    ts_all, offices, hours = _office_series(regional)
    share = opening_share(ts_all, regional.spec)
    fig = util_figure(ts_all, offices, hours, share)
    lines = {t.name: pd.Series(t.y, index=hours, dtype=float) for t in fig.data if t.type == "scatter"}
    bars = {t.name.split(":")[0]: pd.Series(t.y, index=hours, dtype=float) for t in fig.data if t.type == "bar"}
    assert bars, "the regional network serves after closing: its overtime must show"
    weeks = regional.spec.run.weeks - regional.spec.run.warmup_weeks
    matched = 0
    for unit in regional.spec.offices:
        if unit.name not in bars:
            continue
        closing = max(hi for day in unit.opening if day for _, hi in day) if unit.kind == "office" else None
        if closing is not None:
            assert lines[unit.name][[h for h in hours if h * 60 >= closing]].isna().all()
            assert bars[unit.name][[h for h in hours if (h + 1) * 60 <= closing]].isna().all()
        rows = (ts_all["office"] == unit.name).to_numpy()
        open_days = (ts_all[rows & (share > 0)].assign(day=lambda t: t["bin_start_min"] // 1440)
                     .drop_duplicates(["replication", "day"]).shape[0] / regional.spec.run.replications)
        per_week = bars[unit.name].sum() * open_days / weeks
        overtime = regional.summary["units"][unit.name]["overtime_min"]["mean"]
        assert per_week <= overtime * (1 + 1e-9)
        matched += per_week == pytest.approx(overtime, rel=1e-9)
    assert matched >= 1
