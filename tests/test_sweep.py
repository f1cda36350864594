"""Specifications of simoffice.studies.sweep: a multirun's jobs, summary.parquet (the network's
and each unit's rows) and sweep.html (a colour per line in every chart), the same tables whichever
launcher ran the jobs, and the jobs' light pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simoffice.measures.metrics import MEASURES
from simoffice.reports.sweep import line_colours, sweep_figures
from simoffice.studies.sweep import collect

SCRIPT = Path(sys.executable).parent / "simoffice"
SWEEP = ("network=mmc", "network.servers=3,4", "network.arrivals_per_hour=50,80", "network.service_mean_min=2",
         "run.weeks=2", "run.warmup_weeks=1", "run.drain_weeks=0", "run.replications=2")


def multirun(out: Path, *extra: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(SCRIPT), "-m", *SWEEP, *extra, f"hydra.sweep.dir={out}"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def joblib_sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "joblib"
    multirun(out)
    return out


def test_a_sweep_writes_a_job_per_combination_and_the_summary(joblib_sweep):
    jobs = sorted(p.name for p in joblib_sweep.iterdir() if p.is_dir() and p.name.isdigit())
    assert jobs == ["0", "1", "2", "3"]
    table = pd.read_parquet(joblib_sweep / "summary.parquet")
    assert (table["office"] == "all").sum() == 4 * len(MEASURES)
    assert {"network.servers", "network.arrivals_per_hour"} <= set(table.columns)
    assert sorted(set(zip(table["network.servers"], table["network.arrivals_per_hour"]))) == \
        [(3, 50), (3, 80), (4, 50), (4, 80)]
    assert (joblib_sweep / "sweep.html").exists()


def test_the_summary_holds_each_jobs_own_intervals_for_the_network_and_each_unit(joblib_sweep):
    table = pd.read_parquet(joblib_sweep / "summary.parquet")
    for job in range(4):
        summary = json.loads((joblib_sweep / str(job) / "summary.json").read_text())
        assert set(table.loc[table["job"] == job, "office"]) == {"all", *summary["units"]}
        for office, own in [("all", summary["measures"]), *summary["units"].items()]:
            rows = table[(table["job"] == job) & (table["office"] == office)].set_index("measure")
            assert sorted(rows.index) == sorted(own), (job, office)
            for m, interval in own.items():
                for k in ("mean", "ci_low", "ci_high"):
                    got = rows.loc[m, k]
                    assert (interval[k] is None and pd.isna(got)) or got == pytest.approx(interval[k]), \
                        (job, office, m, k)


def test_the_summary_has_a_row_per_job_unit_and_measure(tmp_path):
    """Units as each job's summary.json lists them (a network of one unit lists none: it is the network)."""
    def interval(mean):
        return {"mean": mean, "ci_low": mean - 1, "ci_high": mean + 1, "n": 3}

    for job, desks in enumerate((2, 3)):
        (tmp_path / str(job) / ".hydra").mkdir(parents=True)
        (tmp_path / str(job) / ".hydra" / "overrides.yaml").write_text(f"- network.desks={desks}\n")
        summary = {"measures": {"wait_mean_min": interval(10 / desks), "utilisation": interval(0.9 / desks)},
                   "units": {"Town hall": {"wait_mean_min": interval(12 / desks)},
                             "Library": {"wait_mean_min": interval(8 / desks), "utilisation": interval(0.5)}}}
        (tmp_path / str(job) / "summary.json").write_text(json.dumps(summary))
    table = collect(tmp_path)
    assert list(table.columns) == ["job", "overrides", "network.desks", "office", "measure", "mean", "ci_low",
                                   "ci_high", "n", "error"]
    assert table["error"].isna().all()  # no job failed
    assert len(table) == 2 * (2 + 1 + 2)
    got = table.set_index(["network.desks", "office", "measure"])["mean"]
    assert got[(3, "Library", "wait_mean_min")] == pytest.approx(8 / 3)
    assert got[(2, "Town hall", "wait_mean_min")] == pytest.approx(6)
    assert got[(2, "all", "utilisation")] == pytest.approx(0.45)


def test_a_sweep_job_writes_a_light_page_by_default(joblib_sweep):
    """No figures and no plotly.js in a job's report.html; sweep.html draws the figures."""
    for job in range(4):
        page = (joblib_sweep / str(job) / "report.html").read_text()
        assert len(page.encode()) < 100_000
        assert "Plotly.newPlot" not in page and "plotly.js" not in page
    assert "Plotly.newPlot" in (joblib_sweep / "sweep.html").read_text()


def test_run_report_on_the_command_line_is_kept_in_a_sweep(tmp_path):
    """run.report=full writes the whole page, run.report=none none; the summary is complete either way."""
    out = tmp_path / "reports"
    proc = subprocess.run([str(SCRIPT), "-m", *SWEEP[:1], "network.servers=3", "network.arrivals_per_hour=50",
                           *SWEEP[3:], "run.report=full,none", f"hydra.sweep.dir={out}"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    overrides = {job: (out / str(job) / ".hydra" / "overrides.yaml").read_text() for job in (0, 1)}
    full, none = (0, 1) if "run.report=full" in overrides[0] else (1, 0)
    assert "Plotly.newPlot" in (out / str(full) / "report.html").read_text()
    assert not (out / str(none) / "report.html").exists()
    table = pd.read_parquet(out / "summary.parquet")
    assert sorted(table["job"].unique()) == [0, 1]
    assert (table["office"] == "all").sum() == 2 * len(MEASURES)
    assert "Plotly.newPlot" in (out / "sweep.html").read_text()


def test_more_desks_lower_the_wait_in_the_sweep(joblib_sweep):
    table = pd.read_parquet(joblib_sweep / "summary.parquet")
    wait = table[table["measure"] == "wait_mean_min"].set_index(["network.servers", "network.arrivals_per_hour"])
    for rate in (50, 80):
        assert wait.loc[(4, rate), "mean"] < wait.loc[(3, rate), "mean"]


@pytest.mark.slow  # four jobs again under another launcher (make test-slow)
def test_submitit_local_gives_the_same_tables_as_joblib(joblib_sweep, tmp_path):
    """Reproducibility across launchers: each job's tables are identical."""
    out = tmp_path / "submitit"
    multirun(out, "hydra/launcher=submitit_local")
    for job in range(4):
        for table in ("replications", "contacts", "bundles"):
            a = pd.read_parquet(joblib_sweep / str(job) / f"{table}.parquet")
            b = pd.read_parquet(out / str(job) / f"{table}.parquet")
            pd.testing.assert_frame_equal(a, b)
    assert pd.read_parquet(out / "summary.parquet").drop(columns="job").equals(
        pd.read_parquet(joblib_sweep / "summary.parquet").drop(columns="job"))


def test_jobs_without_results_are_left_out_of_the_summary(joblib_sweep, tmp_path):
    import shutil

    copy = tmp_path / "partial"
    shutil.copytree(joblib_sweep, copy)
    (copy / "2" / "summary.json").unlink()
    table = collect(copy)
    assert sorted(table["job"].unique()) == [0, 1, 3]


def sweep_table(means: dict[tuple, float]) -> pd.DataFrame:
    """A sweep's table from ``{(a, b, measure): mean}``, each interval mean ± 1, and a unit row per network row
    whose mean is 1,000 more."""
    rows = []
    for job, ((a, b, m), mean) in enumerate(means.items()):
        for office, v in (("all", mean), ("Town hall", mean + 1000)):
            rows.append({"job": job, "overrides": f"a={a} b={b}", "a": a, "b": b, "office": office, "measure": m,
                         "mean": v, "ci_low": v - 1, "ci_high": v + 1, "n": 3})
    return pd.DataFrame(rows)


def test_line_colours_follow_the_lines_sorted_by_value():
    colours = line_colours([(10,), (9,), (2,), (9,)])
    assert list(colours) == [(2,), (9,), (10,)]
    assert len(set(colours.values())) == 3


def test_sweep_page_keeps_a_lines_colour_in_every_chart_and_gives_each_line_a_legend_entry():
    """b=9 has no mean wait: its line is missing from the first chart, yet has its legend entry."""
    means = {(a, b, m): 1.0 + a + b for a in (1, 2) for b in (3, 9, 10) for m in ("wait_mean_min", "staff_hours")
             if not (b == 9 and m == "wait_mean_min")}
    figures = {p: fig for p, _, fig in sweep_figures(sweep_table(means))}
    assert list(figures) == ["a", "b"]
    fig = figures["a"]  # a line per value of b
    colour = {}
    for t in fig.data:
        assert colour.setdefault(t.legendgroup, t.line.color) == t.line.color == t.marker.color, t.legendgroup
    assert sorted(colour) == ["10", "3", "9"] and len(set(colour.values())) == 3
    assert sorted(t.legendgroup for t in fig.data if t.showlegend) == ["10", "3", "9"]


def test_sweep_page_draws_the_networks_intervals_as_the_summary_gives_them():
    """Error bars end at the table's ci_low and ci_high (the page neither cuts nor widens them);
    the unit rows stay out of the figures."""
    means = {(a, b, m): 5.0 * a + b for a in (1, 2) for b in (3, 4) for m in ("wait_mean_min",)}
    fig = {p: fig for p, _, fig in sweep_figures(sweep_table(means))}["a"]
    for t in fig.data:
        b = int(t.legendgroup)
        for x, y, plus, minus in zip(t.x, t.y, t.error_y.array, t.error_y.arrayminus):
            assert y == 5.0 * int(x) + b
            assert (y - minus, y + plus) == (y - 1, y + 1)


@pytest.mark.ray
def test_a_sweep_on_a_ray_cluster_gives_the_same_tables_as_joblib(joblib_sweep, tmp_path):
    """Needs the `ray` extra and a running head node (`make test-ray` starts one)."""
    out = tmp_path / "ray"
    multirun(out, "hydra/launcher=ray", "+hydra.launcher.ray.init.address=auto",
             "+hydra.launcher.ray.init.object_store_memory=null")
    for job in range(4):
        a = pd.read_parquet(joblib_sweep / str(job) / "replications.parquet")
        b = pd.read_parquet(out / str(job) / "replications.parquet")
        pd.testing.assert_frame_equal(a, b)


def test_a_sweep_job_reopens_as_the_results_of_its_own_run(joblib_sweep):
    """Results.load on a job's folder gives the tables that job's config gives when run
    alone (same seed: the same tables, whichever launcher ran it)."""
    import simoffice
    from simoffice.run.results import TABLES

    job = simoffice.Results.load(joblib_sweep / "0")
    overrides = yaml.safe_load((joblib_sweep / "0" / ".hydra" / "overrides.yaml").read_text())
    alone = simoffice.simulate(simoffice.compose(*overrides, "run.progress=false"))
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(job, name), getattr(alone, name), obj=name)
    assert job.summary["meta"]["config_hash"] == alone.summary["meta"]["config_hash"]
