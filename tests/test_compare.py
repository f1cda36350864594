"""Specifications of simoffice.studies.compare: arms on the same clients, paired differences, verdicts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import simoffice
from simoffice.cli.main import arm_overrides
from simoffice.errors import ConfigError
from simoffice.reports.comparison import build_comparison_html
from simoffice.studies.compare import compare, paired_differences, verdict_lines

SMALL = ("network=single_office", "run.weeks=4", "run.warmup_weeks=1", "run.drain_weeks=1", "run.replications=6",
         "run.jobs=1", "run.progress=false")
CLIENT = ["replication", "bundle", "zone", "segment", "bundle_type", "created_min"]


def arms(**overrides: list[str]) -> dict:
    return {name: simoffice.compose(*SMALL, *o) for name, o in overrides.items()}


@pytest.fixture(scope="module")
def schedules():
    return compare(arms(mon_thu=["schedule=mon_thu"], five_day=["schedule=five_day"]), progress=False)


def test_arms_with_the_same_seed_see_the_same_clients(schedules):
    """Common random numbers: every bundle occurs at the same time, in the same zone and
    segment, with the same needs, whatever the schedule."""
    a, b = (schedules.arms[n].bundles[CLIENT].sort_values(["replication", "bundle"]).reset_index(drop=True)
            for n in ("mon_thu", "five_day"))
    assert len(a) > 1000
    pd.testing.assert_frame_equal(a, b)


def test_a_paired_difference_is_narrower_than_one_of_independent_runs(schedules):
    """The same clients in both arms: the paired interval of the difference in mean wait is
    narrower than the Welch interval from two independent runs (another seed for one arm)."""
    paired = schedules.differences.set_index("measure").loc["wait_mean_min"]
    other = simoffice.simulate(simoffice.compose(*SMALL, "schedule=five_day", "run.seed=7"), progress=False)
    x = _per_rep(schedules.arms["mon_thu"], "wait_mean_min")
    y = _per_rep(other, "wait_mean_min")
    se = np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
    dof = se**4 / ((x.var(ddof=1) / len(x)) ** 2 / (len(x) - 1) + (y.var(ddof=1) / len(y)) ** 2 / (len(y) - 1))
    welch_width = 2 * stats.t.ppf(0.975, dof) * se
    assert paired["ci_high"] - paired["ci_low"] < welch_width


def _per_rep(res, measure: str) -> np.ndarray:
    r = res.replications
    return r[(r["office"] == "all") & (r["measure"] == measure)]["value"].to_numpy()


def test_differences_are_arm_minus_baseline_replication_by_replication(schedules):
    """Each difference's mean is the mean of the per-replication differences five_day − mon_thu."""
    d = schedules.differences.set_index(["arm", "measure"]).loc[("five_day", "service_level")]
    expected = _per_rep(schedules.arms["five_day"], "service_level") - _per_rep(schedules.arms["mon_thu"], "service_level")
    assert d["mean"] == pytest.approx(expected.mean())
    assert d["n"] == 6
    assert list(paired_differences(schedules.arms)["arm"].unique()) == ["five_day"]


def test_the_verdict_names_the_direction_the_amount_and_its_interval():
    diffs = pd.DataFrame([
        {"arm": "five_day", "measure": "wait_mean_min", "baseline_mean": 9.0, "arm_mean": 4.9, "mean": -4.1,
         "ci_low": -5.0, "ci_high": -3.2, "n": 10},
        {"arm": "five_day", "measure": "failed_trip_rate", "baseline_mean": 0.06, "arm_mean": 0.0, "mean": -0.06,
         "ci_low": -0.07, "ci_high": -0.05, "n": 10},
        {"arm": "five_day", "measure": "utilisation", "baseline_mean": 0.7, "arm_mean": 0.71, "mean": 0.01,
         "ci_low": -0.01, "ci_high": 0.03, "n": 10},
    ])
    lines = verdict_lines(diffs, "mon_thu")
    assert lines[0] == "five_day lowers mean wait by 4.10 min (3.20–5.00) against mon_thu: from 9.00 min to 4.90 min."
    assert lines[1] == ("five_day lowers failed trips by 6.00 points (5.00–7.00) against mon_thu: "
                        "from 6.0 % to 0.0 %.")
    assert lines[2].startswith("five_day makes no clear difference to desk utilisation against mon_thu (-1.00 to 3.00")


def test_arms_must_share_seed_and_replications():
    with pytest.raises(ConfigError) as err:
        compare(arms(a=[], b=["run.seed=3"]), progress=False)
    assert err.value.key == "compare.arms.b"
    with pytest.raises(ConfigError):
        compare(arms(only=[]), progress=False)


def test_each_arm_gets_the_command_line_overrides_it_does_not_set_itself():
    got = arm_overrides(["network=regional", "schedule=five_day", "run.weeks=4", "hydra.run.dir=x",
                         "compare.arms={}"], {"a": ["schedule=mon_thu"], "b": []})
    assert got == {"a": ["network=regional", "run.weeks=4", "schedule=mon_thu"],
                   "b": ["network=regional", "schedule=five_day", "run.weeks=4"]}


def test_the_comparison_page_escapes_arm_names(schedules):
    evil = "<script>alert(1)</script>"
    renamed = type(schedules)({evil if n == "five_day" else n: r for n, r in schedules.arms.items()},
                              schedules.differences.replace("five_day", evil), schedules.verdicts)
    page = build_comparison_html(renamed)
    assert evil not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Verdict" in page and "Measures" in page


def test_experiment_schedule_comparison_is_one_command(tmp_path):
    """`simoffice experiment=schedule_comparison` writes both arms, the comparison tables
    and comparison.html, and prints the verdict."""
    out = tmp_path / "cmp"
    script = Path(sys.executable).parent / "simoffice"
    proc = subprocess.run([str(script), "experiment=schedule_comparison", *SMALL[1:], "network=single_office",
                           f"hydra.run.dir={out}"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "five_day" in proc.stdout and "against mon_thu" in proc.stdout
    for name in ("comparison.html", "comparison.json", "comparison.parquet", "mon_thu/summary.json",
                 "five_day/report.html"):
        assert (out / name).exists(), name
    doc = json.loads((out / "comparison.json").read_text())
    assert doc["baseline"] == "mon_thu" and doc["arms"] == ["mon_thu", "five_day"]
    assert doc["meta"]["mon_thu"]["schedule"] == "mon_thu" and doc["meta"]["five_day"]["schedule"] == "five_day"
