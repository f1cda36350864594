"""The ``simoffice`` console script, run as a user runs it (a subprocess).

A config error is one line on stderr naming the key, with exit status 2 and no
traceback; a valid run writes its tables, summary.json and report.html into
Hydra's run directory; a run directory holding earlier results is refused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "simoffice"
OUTPUTS = ("contacts.parquet", "bundles.parquet", "cases.parquet", "timeseries.parquet", "replications.parquet",
           "groups.parquet", "summary.json", "report.html")
MEASURES = ("wait_mean_min", "wait_p90_min", "service_level", "abandonment_rate", "visits_per_bundle_mean",
            "one_visit_resolution", "failed_trip_rate", "utilisation", "overtime_min", "staff_hours")
SMALL_RUN = ("network=mmc", "run.weeks=2", "run.warmup_weeks=1", "run.drain_weeks=0", "run.replications=2",
             "run.jobs=1", "network.arrivals_per_hour=30", "network.service_mean_min=5", "run.progress=false",
             "run.check_invariants=true")


def simoffice_cli(cwd: Path, run_dir: Path, *overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([str(SCRIPT), *overrides, f"hydra.run.dir={run_dir}"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess, names: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), result.stderr
    assert names in lines[0]
    assert "Traceback" not in result.stderr
    assert "Error executing job" not in result.stderr


@pytest.mark.parametrize("overrides,key", [
    pytest.param(overrides, key, id=" ".join(overrides)) for overrides, key in [
        (("network=mmc", "network.servers=-1"), "network.servers"),
        (("run.warmup_weeks=9",), "run.warmup_weeks"),
        (("schedule.closing_policy=later",), "schedule.closing_policy"),
        (("design.needs_per_ticket=two",), "design.needs_per_ticket"),
        # the regional network's blocks: a stop past midnight, a channel the network lacks, a probability
        (("network.mobile_routes.0.stops.0.hours=22:00-25:00",), "network.mobile_routes[0].stops[0].hours"),
        (("network.contact_centre=null",), "network.segments.families.channels.phone"),
        (("network.services.disability_benefit.escalation_prob=1.5",),
         "network.services.disability_benefit.escalation_prob"),
    ]
])
def test_a_config_error_is_one_line_naming_the_key_with_exit_status_2(tmp_path, overrides, key):
    run_dir = tmp_path / "run"
    result = simoffice_cli(tmp_path, run_dir, *overrides)
    assert_one_line_error(result, key)
    assert not run_dir.exists(), sorted(p.name for p in run_dir.iterdir())


def test_a_config_error_leaves_the_directories_around_the_run_dir_alone(tmp_path):
    cwd = tmp_path / "work"
    cwd.mkdir()
    result = simoffice_cli(cwd, cwd / "run", "run.warmup_weeks=9")
    assert result.returncode == 2, result.stderr
    assert cwd.is_dir(), "the working directory (parent of hydra.run.dir) was removed"
    assert list(cwd.iterdir()) == []


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """A small valid run, then a second run (another seed) into the same run directory."""
    cwd = tmp_path_factory.mktemp("cli")
    run_dir = cwd / "run"
    first = simoffice_cli(cwd, run_dir, *SMALL_RUN)
    files = sorted(p.name for p in run_dir.iterdir()) if run_dir.is_dir() else []
    summary = (run_dir / "summary.json").read_bytes() if (run_dir / "summary.json").exists() else None
    hydra_config = (run_dir / ".hydra" / "config.yaml").read_bytes() if run_dir.is_dir() else None
    again = simoffice_cli(cwd, run_dir, *SMALL_RUN, "run.seed=7")
    return {"run_dir": run_dir, "first": first, "files": files, "summary": summary,
            "hydra_config": hydra_config, "again": again}


def test_a_valid_run_exits_0_and_writes_every_output(small_run):
    first = small_run["first"]
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    for name in OUTPUTS:
        assert name in small_run["files"], name
        assert (small_run["run_dir"] / name).stat().st_size > 0, name


def test_summary_json_has_measures_with_interval_and_meta(small_run):
    assert small_run["summary"] is not None, small_run["first"].stderr
    summary = json.loads(small_run["summary"])
    assert set(summary) == {"measures", "units", "groups", "equity", "standards", "warnings", "meta"}
    measures = summary["measures"]
    for name in MEASURES:
        assert name in measures, name
    for name, m in measures.items():
        assert set(m) == {"mean", "ci_low", "ci_high", "n"}, name
        assert m["n"] == (2 if m["mean"] is not None else 0), name
    assert measures["staff_hours"]["mean"] == pytest.approx(5 * 168)  # 5 desks around the clock
    meta = summary["meta"]
    for key in ("version", "config_hash", "seed"):
        assert meta.get(key) is not None, key
    assert meta["seed"] == 2026
    assert meta["replications"] == 2


def test_stdout_shows_the_summary_table_and_the_output_path(small_run):
    out = small_run["first"].stdout
    assert "measure" in out and "95 % interval" in out
    for name in MEASURES:
        assert name in out, name
    assert str(small_run["run_dir"]) in out
    assert str(small_run["run_dir"] / "report.html") in out


def test_rerunning_into_a_directory_with_results_is_refused_and_keeps_them(small_run):
    assert small_run["first"].returncode == 0, small_run["first"].stderr
    assert_one_line_error(small_run["again"], "hydra.run.dir")
    assert (small_run["run_dir"] / "summary.json").read_bytes() == small_run["summary"]
    assert sorted(p.name for p in small_run["run_dir"].iterdir()) == small_run["files"]


def test_a_refused_rerun_keeps_the_config_record_of_the_earlier_results(small_run):
    assert small_run["again"].returncode == 2
    assert (small_run["run_dir"] / ".hydra" / "config.yaml").read_bytes() == small_run["hydra_config"]


def test_quiet_mode_prints_only_the_results_path(tmp_path):
    """run.quiet=true, for batch use: no progress bar, one line naming the output directory."""
    out = tmp_path / "quiet"
    proc = subprocess.run([str(SCRIPT), *SMALL_RUN, "run.quiet=true", f"hydra.run.dir={out}"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    assert "replications" not in proc.stderr  # no progress bar
    assert (out / "summary.json").exists()
