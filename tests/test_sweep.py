"""Specifications of simoffice.studies.sweep: a multirun's jobs, summary.parquet and sweep.html,
the same tables whichever launcher ran the jobs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from simoffice.measures.metrics import MEASURES
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
    assert len(table) == 4 * len(MEASURES)
    assert {"network.servers", "network.arrivals_per_hour"} <= set(table.columns)
    assert sorted(set(zip(table["network.servers"], table["network.arrivals_per_hour"]))) == \
        [(3, 50), (3, 80), (4, 50), (4, 80)]
    assert (joblib_sweep / "sweep.html").exists()


def test_the_summary_holds_each_jobs_own_intervals(joblib_sweep):
    table = pd.read_parquet(joblib_sweep / "summary.parquet")
    for job in range(4):
        own = json.loads((joblib_sweep / str(job) / "summary.json").read_text())["measures"]
        rows = table[table["job"] == job].set_index("measure")
        for m, interval in own.items():
            for k in ("mean", "ci_low", "ci_high"):
                got = rows.loc[m, k]
                assert (interval[k] is None and pd.isna(got)) or got == pytest.approx(interval[k]), (job, m, k)


def test_more_desks_lower_the_wait_in_the_sweep(joblib_sweep):
    table = pd.read_parquet(joblib_sweep / "summary.parquet")
    wait = table[table["measure"] == "wait_mean_min"].set_index(["network.servers", "network.arrivals_per_hour"])
    for rate in (50, 80):
        assert wait.loc[(4, rate), "mean"] < wait.loc[(3, rate), "mean"]


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
