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
from simoffice.studies.arm_description import opening_hours
from simoffice.studies.compare import assess, compare, paired_differences
from simoffice.studies.compare_summary import summarise
from simoffice.studies.compare_verdict import (
    BETTER,
    NO_VERDICT,
    UNCLEAR,
    WORSE,
    headline_rows,
    headline_sentence,
    largest_sentence,
    verdict,
)

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


DIFFS = pd.DataFrame([
    {"arm": "five_day", "measure": "wait_mean_min", "baseline_mean": 9.0, "arm_mean": 4.9, "mean": -4.1,
     "ci_low": -5.0, "ci_high": -3.2, "n": 10},
    {"arm": "five_day", "measure": "service_level", "baseline_mean": 0.8, "arm_mean": 0.7, "mean": -0.1,
     "ci_low": -0.12, "ci_high": -0.08, "n": 10},
    {"arm": "five_day", "measure": "failed_trip_rate", "baseline_mean": 0.06, "arm_mean": 0.0, "mean": -0.06,
     "ci_low": -0.07, "ci_high": -0.05, "n": 10},
    {"arm": "five_day", "measure": "cost", "baseline_mean": 1000.0, "arm_mean": 1010.0, "mean": 10.0,
     "ci_low": -5.0, "ci_high": 25.0, "n": 10},
    {"arm": "five_day", "measure": "utilisation", "baseline_mean": 0.7, "arm_mean": 0.75, "mean": 0.05,
     "ci_low": 0.03, "ci_high": 0.07, "n": 10},
    {"arm": "five_day", "measure": "contacts_per_week", "baseline_mean": 900.0, "arm_mean": 900.0, "mean": 0.0,
     "ci_low": 0.0, "ci_high": 0.0, "n": 10},
])


def test_a_verdict_follows_the_measures_direction():
    """Lower is better for waits and cost, higher for the share seen in time; utilisation is
    neither; an interval holding 0 is no clear difference; no interval, no verdict."""
    assert verdict("lower", -5.0, -3.2) == BETTER
    assert verdict("lower", 3.2, 5.0) == WORSE
    assert verdict("higher", -0.12, -0.08) == WORSE
    assert verdict("higher", 0.08, 0.12) == BETTER
    assert verdict("lower", -1.0, 2.0) == UNCLEAR
    assert verdict(None, 0.03, 0.07) == "higher"
    assert verdict(None, -0.07, -0.03) == "lower"
    assert verdict("lower", None, None) == NO_VERDICT
    assert verdict("lower", float("nan"), 1.0) == NO_VERDICT


def test_the_headline_gives_each_verdict_measure_its_verdict_in_order():
    head = headline_rows(DIFFS, "SEK")
    assert list(head["measure"]) == ["wait_mean_min", "service_level", "failed_trip_rate", "cost", "utilisation"]
    assert dict(zip(head["measure"], head["verdict"])) == {
        "wait_mean_min": BETTER, "service_level": WORSE, "failed_trip_rate": BETTER, "cost": UNCLEAR,
        "utilisation": "higher"}
    assert head.set_index("measure").loc["cost", "unit"] == "SEK a week"


def test_the_headline_counts_measures_with_a_direction_and_names_the_largest_differences():
    head = headline_rows(DIFFS, "EUR")
    assert headline_sentence(head, "five_day", "mon_thu") == (
        "five_day is better than mon_thu on 2 measures, worse on 1, no clear difference on 1.")
    largest = largest_sentence(head, "five_day", top=2)
    # The wait falls by 46 % of its level, the service level by 10 points, failed trips by 6
    # points (shares are sized in points): in that order; utilisation has no direction.
    assert largest == ("Largest clear differences: mean wait from 9.00 to 4.90 min: 4.10 min lower (3.20–5.00), "
                       "better; clients seen within the target wait from 80.0 % to 70.0 %: 10.0 points lower "
                       "(8.00–12.0), worse.")


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
    arms = {evil if n == "five_day" else n: r for n, r in schedules.arms.items()}
    renamed = assess(arms, {evil: ["schedule=five_day"]}, opening_hours({n: r.spec for n, r in arms.items()}))
    page = build_comparison_html(renamed)
    assert evil not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Verdict" in page and "Headline measures" in page


def test_the_verdict_is_the_headline_then_a_few_sentences(schedules):
    """The terminal's lines: the headline, then at most four sentences (not a bullet per measure)."""
    assert schedules.verdicts[0].startswith("five_day is better than mon_thu on ")
    assert 2 <= len(schedules.verdicts) <= 5
    assert schedules.verdicts == [schedules.summary["headline"]["five_day"], *schedules.summary["sentences"]["five_day"]]


def test_one_replication_gives_no_verdict_and_says_why():
    one = compare({name: simoffice.compose(*SMALL, "run.replications=1", f"schedule={name}")
                   for name in ("mon_thu", "five_day")}, progress=False)
    assert one.verdicts == ["With 1 replication there is no interval: run run.replications=10 or more for a verdict."]
    assert set(one.headline["verdict"]) == {NO_VERDICT}
    page = build_comparison_html(one)
    assert "With 1 replication there is no interval" in page
    assert 'data-verdict="better"' not in page and "Verdict</th>" not in page  # the means only


def test_breakdowns_pair_each_weekday(schedules):
    """By weekday: Monday to Friday (the days contacts begin), each paired by replication; a
    network of one office has no breakdown by unit (the network is the unit)."""
    days = schedules.breakdowns["weekday"]
    assert list(dict.fromkeys(days["group"])) == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    mon = days[(days["group"] == "Mon") & (days["measure"] == "wait_mean_min")].iloc[0]
    g = {n: schedules.arms[n].groups for n in schedules.arms}
    per = [x[(x["by"] == "weekday") & (x["group"] == "Mon") & (x["measure"] == "wait_mean_min")]
           .set_index("replication")["value"] for x in (g["mon_thu"], g["five_day"])]
    assert mon["mean"] == pytest.approx((per[1] - per[0]).mean())
    assert schedules.breakdowns["unit"].empty


def test_the_summary_has_a_headline_for_each_arm_after_the_baseline(schedules):
    s = summarise(schedules.arms, schedules.headline, schedules.breakdowns, "EUR")
    assert s["no_verdict"] is None and set(s["headline"]) == {"five_day"}


def test_experiment_schedule_comparison_is_one_command(tmp_path):
    """`simoffice experiment=schedule_comparison` writes both arms, the comparison tables
    and comparison.html, and prints the verdict."""
    out = tmp_path / "cmp"
    script = Path(sys.executable).parent / "simoffice"
    proc = subprocess.run([str(script), "experiment=schedule_comparison", *SMALL[1:], "network=single_office",
                           f"hydra.run.dir={out}"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "five_day is better than mon_thu on" in proc.stdout
    for name in ("comparison.html", "comparison.json", "comparison.parquet", "mon_thu/summary.json",
                 "five_day/report.html"):
        assert (out / name).exists(), name
    doc = json.loads((out / "comparison.json").read_text())
    assert doc["baseline"] == "mon_thu" and doc["arms"] == ["mon_thu", "five_day"]
    assert doc["meta"]["mon_thu"]["schedule"] == "mon_thu" and doc["meta"]["five_day"]["schedule"] == "five_day"
    assert doc["descriptions"]["five_day"][:2] == ["set by: schedule=five_day", "schedule: mon_thu → five_day"]
    assert [r["measure"] for r in doc["headline"]][:2] == ["wait_mean_min", "service_level"]
    assert {r["verdict"] for r in doc["headline"]} <= {"better", "worse", "no clear difference", "higher", "lower"}
    assert doc["summary"]["headline"]["five_day"] == doc["verdicts"][0]
    assert set(doc["breakdowns"]) >= {"unit", "weekday"}


@pytest.mark.parametrize("name", ["../../escaped_arm", "/tmp/earlier_run", "a/b", "..", ".hidden", "-x", "",
                                  "x" * 101, "${oc.env:HOME}"])
def test_an_arm_name_that_is_not_a_plain_folder_name_is_refused_before_anything_runs(name, tmp_path):
    """An arm's outputs go to a folder of its name inside the run directory: a path, '..',
    a hidden or over-long name is refused in one line, by compare and by save alike."""
    with pytest.raises(ConfigError) as err:
        compare({"base": arms(base=[])["base"], name: arms(base=[])["base"]}, progress=False)
    assert err.value.key == "compare.arms" and "\n" not in str(err.value)
    res = simoffice.simulate(arms(base=[])["base"], progress=False)
    with pytest.raises(ConfigError):
        assess({"base": res, name: res}).save(tmp_path / "cmp")
    assert not (tmp_path / "cmp").exists() and not any(tmp_path.parent.glob("escaped_arm"))


def test_staffed_config_names_must_be_plain_file_names():
    from simoffice.studies.staffing import staffing_params

    for bad in ("../x", "a/b", ".."):
        with pytest.raises(ConfigError) as err:
            staffing_params({"network_name": bad})
        assert err.value.key == "staffing.network_name"
    assert staffing_params({"network_name": "regional_staffed.v2"}).network_name == "regional_staffed.v2"
