"""Specifications of ``run.precision``: replications in batches until each named
measure's 95 % interval is within the half-width asked, or ``run.max_replications``.

The runs are M/M/3 offices of a week (12 arrivals an hour, 10-minute services), in which
the mean wait's and the service level's intervals need a few dozen replications.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest
from omegaconf import OmegaConf
from scipy import stats
from test_cli import simoffice_cli

import simoffice
from simoffice.config import bounds
from simoffice.config.build import build_spec
from simoffice.config.precision import MIN_FIRST_BATCH
from simoffice.errors import ConfigError
from simoffice.measures.intervals import measure_interval
from simoffice.run.precision import needed_count, next_count, precision_line, values

MMC = ("network=mmc", "run.weeks=1", "run.warmup_weeks=0", "run.drain_weeks=0", "run.jobs=1",
       "run.progress=false", "network.arrivals_per_hour=12", "network.service_mean_min=10", "network.servers=3")
ASKED = "run.precision={service_level: 0.01, wait_mean_min: '10%'}"


def simulate(*overrides: str) -> simoffice.Results:
    return simoffice.simulate(simoffice.compose(*MMC, *overrides), progress=False)


def network_values(res: simoffice.Results, measure: str) -> pd.Series:
    r = res.replications
    return r[(r["office"] == "all") & (r["measure"] == measure)].set_index("replication")["value"].sort_index()


def half_width(interval: dict[str, Any]) -> float:
    """The longer side of an interval (the side not cut by the measure's range)."""
    return max(interval["mean"] - interval["ci_low"], interval["ci_high"] - interval["mean"])


@pytest.fixture(scope="module")
def precise():
    """±1 point on the service level and ±10 % on the mean wait, from a first batch of 10."""
    return simulate("run.replications=10", ASKED)


# --- what a precision run reaches ----------------------------------------------------

def test_every_measure_named_is_within_the_half_width_asked(precise):
    """The summary's own intervals (the numbers the files and pages show) are within."""
    measures = precise.summary["measures"]
    assert half_width(measures["service_level"]) <= 0.01
    assert half_width(measures["wait_mean_min"]) <= 0.10 * measures["wait_mean_min"]["mean"]
    info = precise.summary["meta"]["precision"]
    assert info["met"] is True
    assert info["asked"] == {"service_level": 0.01, "wait_mean_min": "10%"}
    assert info["reached"]["service_level"]["half_width"] == pytest.approx(half_width(measures["service_level"]))
    assert not [w for w in precise.summary["warnings"] if w["kind"] == "precision"]


def test_the_run_stops_at_the_first_batch_that_is_within(precise):
    """Batches continue the replication indices; the batch before the last was not within
    for some measure (else the run would have stopped there), and each batch grew to what
    the spread so far asked for, at most doubling."""
    info = precise.summary["meta"]["precision"]
    n, batches = info["replications"], info["batches"]
    assert batches[0] == 10 and batches[-1] == n == precise.summary["meta"]["replications"]
    assert sorted(precise.replications["replication"].unique()) == list(range(n))
    for before, after in zip(batches, batches[1:]):
        widths = []
        needed = []
        for measure, asked in (("service_level", None), ("wait_mean_min", 0.10)):
            x = network_values(precise, measure).loc[: before - 1].to_numpy()
            ci = measure_interval(x, measure)
            h = 0.01 if asked is None else asked * ci["mean"]
            widths.append(half_width(ci) > h)
            if half_width(ci) > h:
                needed.append(needed_count(float(x.std(ddof=1)), h))
        assert any(widths), f"already within after {before} replications"
        assert after == next_count(before, needed, 100) <= 2 * before


def test_the_count_is_the_one_an_independent_pilot_predicts(precise):
    """n = (t s / h)² from an independent pilot of 40 replications (another seed) agrees
    with the count the run stopped at, within the spread of two variance estimates: a
    simulation of the stopping rule on normal values (first batch 10, counts of 20 to 100
    needed) puts the ratio between 0.2 and 2.7 in 99.9 % of runs; the bounds are wider."""
    pilot = simulate("run.replications=40", "run.seed=7")
    predicted = 0
    for measure, h in (("service_level", 0.01), ("wait_mean_min", None)):
        x = network_values(pilot, measure).to_numpy()
        width = 0.10 * x.mean() if h is None else h
        predicted = max(predicted, needed_count(float(x.std(ddof=1)), width))
    n = precise.summary["meta"]["precision"]["replications"]
    assert predicted / 8 <= n <= 4 * predicted, (n, predicted)


def test_tables_equal_those_of_a_fixed_run_of_the_same_count(precise):
    """Replication r depends only on (seed, r): the precision run's tables are those of
    run.replications=n."""
    n = precise.summary["meta"]["precision"]["replications"]
    fixed = simulate(f"run.replications={n}")
    for table in ("contacts", "bundles", "replications", "groups", "standards", "weekly", "timeseries"):
        pd.testing.assert_frame_equal(getattr(precise, table), getattr(fixed, table), obj=table)
    assert precise.summary["measures"] == fixed.summary["measures"]
    assert precise.spec.run.replications == n


def test_the_maximum_stops_the_run_with_a_warning():
    """A half-width out of reach: the run stops at run.max_replications and says which
    measure was not within, in the summary's warnings and in meta (two workers here:
    the batches are the same replications)."""
    res = simulate("run.replications=5", "run.max_replications=6", "run.precision={wait_mean_min: 0.001}",
                   "run.jobs=2")
    info = res.summary["meta"]["precision"]
    assert info["met"] is False and info["replications"] == 6 and info["batches"] == [5, 6]
    # the second batch (replication 5 alone) in worker processes: as one worker makes it
    pd.testing.assert_frame_equal(res.replications, simulate("run.replications=6").replications)
    warnings = [w for w in res.summary["warnings"] if w["kind"] == "precision"]
    assert len(warnings) == 1
    assert "run.max_replications=6 before wait_mean_min was within ±0.001 min" in warnings[0]["text"]
    line = precision_line(info)
    assert line.startswith("precision: reached run.max_replications=6 before wait_mean_min was within ±0.001 min (±")


def test_a_measure_undefined_in_every_replication_is_not_waited_for():
    """The M/M/c network has no expert centre: its backlog cannot be measured, and the run
    stops as soon as the other measure is within, with a warning."""
    res = simulate("run.replications=5", "run.precision={expert_backlog: 1, service_level: 0.2}")
    info = res.summary["meta"]["precision"]
    assert info["replications"] == 5 and info["met"] is True
    assert info["reached"]["expert_backlog"]["undefined"] is True
    texts = [w["text"] for w in res.summary["warnings"] if w["kind"] == "precision"]
    assert len(texts) == 1 and "expert_backlog" in texts[0]
    assert "expert_backlog undefined in every replication" in precision_line(info)


def test_a_unit_measure_is_named_unit_slash_measure():
    """``<unit>/<measure>``: a network of one unit has the network's values for its unit."""
    res = simulate("run.replications=5", "run.precision={office/wait_mean_min: 100}")
    info = res.summary["meta"]["precision"]
    assert info["replications"] == 5 and info["met"] is True
    assert info["reached"]["office/wait_mean_min"]["mean"] == pytest.approx(res.summary["measures"]["wait_mean_min"]["mean"])


def test_a_units_values_are_its_own_in_a_network_of_several():
    reps = [{"measures": [("all", {"wait_mean_min": 1.0 + r}), ("A", {"wait_mean_min": 10.0 + r})]} for r in range(3)]
    assert list(values(reps, "A/wait_mean_min")) == [10.0, 11.0, 12.0]
    assert list(values(reps, "wait_mean_min")) == [1.0, 2.0, 3.0]


def test_the_first_batch_is_at_least_the_minimum():
    res = simulate("run.replications=2", "run.precision={wait_mean_min: 100}")
    assert res.summary["meta"]["precision"]["batches"] == [MIN_FIRST_BATCH]


def test_without_precision_the_run_is_the_count_given():
    res = simulate("run.replications=2")
    assert "precision" not in res.summary["meta"] and res.summary["meta"]["replications"] == 2


# --- the count a spread needs ----------------------------------------------------------

@pytest.mark.parametrize("s,h", [(1.0, 0.5), (1.0, 0.1), (0.02, 0.01), (3.0, 2.9), (5.0, 0.3)])
def test_needed_count_is_the_fewest_replications_whose_interval_is_within(s, h):
    n = needed_count(s, h)
    assert stats.t.ppf(0.975, n - 1) * s / math.sqrt(n) <= h
    assert n == 2 or stats.t.ppf(0.975, n - 2) * s / math.sqrt(n - 1) > h


def test_needed_count_of_no_spread_and_of_a_zero_width():
    assert needed_count(0.0, 0.0) == 2
    assert needed_count(1.0, 0.0) is None


@pytest.mark.parametrize("n,needed,most,expected", [
    (10, [15], 100, 15), (10, [80], 100, 20), (10, [11, 40], 100, 20), (10, [5], 100, 11),
    (60, [200], 100, 100), (10, [None], 100, 20), (10, [None], 15, 15),
])
def test_the_next_batch_grows_to_what_is_needed_at_most_doubling(n, needed, most, expected):
    assert next_count(n, needed, most) == expected


# --- the config ------------------------------------------------------------------------

def plain(*overrides: str) -> dict:
    return OmegaConf.to_container(simoffice.compose("network=mmc", *overrides), resolve=True)


def test_precision_is_read_as_measure_half_width_and_relative():
    spec = build_spec(plain("run.precision={service_level: 0.01, wait_mean_min: '5%', office/utilisation: 0.02}"))
    assert spec.run.precision == (("service_level", 0.01, False), ("wait_mean_min", 0.05, True),
                                  ("office/utilisation", 0.02, False))
    assert spec.run.max_replications == 100
    assert build_spec(plain()).run.precision == ()


@pytest.mark.parametrize("value,key,expected", [
    ({"wait_time": 0.2}, "run.precision.wait_time", "a summary measure, one of"),
    ({"wait_mean_min": -0.2}, "run.precision.wait_mean_min", "a half-width > 0"),
    ({"wait_mean_min": 0}, "run.precision.wait_mean_min", "a half-width > 0"),
    ({"wait_mean_min": "five"}, "run.precision.wait_mean_min", "a half-width > 0"),
    ({"wait_mean_min": "0%"}, "run.precision.wait_mean_min", "a half-width > 0"),
    ({"wait_mean_min": "-5%"}, "run.precision.wait_mean_min", "a half-width > 0"),
    ({"wait_mean_min": True}, "run.precision.wait_mean_min", "a half-width > 0"),
    ({"wait_mean_min": [0.2]}, "run.precision.wait_mean_min", "a half-width > 0"),
    ({"wait_mean_min": float("nan")}, "run.precision.wait_mean_min", "a half-width > 0"),
    ({"/wait_mean_min": 0.2}, "run.precision./wait_mean_min", "'<unit>/<measure>'"),
    ({"elsewhere/wait_mean_min": 0.2}, "run.precision.elsewhere/wait_mean_min", "a unit of the network"),
    (["wait_mean_min"], "run.precision", "a mapping measure -> half-width"),
    (0.01, "run.precision", "a mapping measure -> half-width"),
], ids=repr)
def test_a_bad_precision_is_one_line_naming_the_key(value, key, expected):
    cfg = plain()
    cfg["run"]["precision"] = value
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    message = str(info.value)
    assert info.value.key == key and message.startswith(f"{key}: expected ") and expected in message, message
    assert "\n" not in message


@pytest.mark.parametrize("value,expected", [
    (1, "an integer >= 2"), (2.5, "an integer >= 2"), (5000, "at most 1000"),
    (5, "an integer >= run.replications (10) with run.precision"),
], ids=repr)
def test_a_bad_max_replications_is_one_line(value, expected):
    cfg = plain("run.precision={wait_mean_min: 0.2}")
    cfg["run"]["max_replications"] = value
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    assert info.value.key == "run.max_replications" and expected in str(info.value), str(info.value)


def test_max_replications_below_replications_is_fine_without_a_precision():
    assert build_spec(plain("run.replications=20", "run.max_replications=5")).run.replications == 20


def test_a_precision_run_is_checked_for_memory_on_its_first_batch():
    """The build checks the first batch (run.max_replications need not fit: the default
    M/M/c network of 45,000 clients a week would not, 100 times over); the batches then
    grow only as far as memory allows."""
    spec = build_spec(plain("run.replications=10", "run.precision={wait_mean_min: 0.2}"))
    assert spec.run.max_replications == 100
    one = bounds.run_size(spec, 1)
    memory = int(bounds.run_size(spec, 1000)["working"] + 30.5 * one["contacts"] * bounds.BYTES_PER_CONTACT)
    assert bounds.affordable_replications(spec, memory) == 30
    assert bounds.affordable_replications(build_spec(plain("run.keep_contacts=false")), memory) is None
    with pytest.raises(ConfigError) as info:
        bounds.check_run_size(spec, memory=1)
    assert "× 10 replications" in str(info.value)


def test_a_precision_run_stops_growing_where_memory_ends(monkeypatch):
    """With room for 7 replications only, a run whose width is out of reach stops at 7 and
    says why (run.keep_contacts=false would let it run on)."""
    spec = build_spec(simoffice.compose(*MMC))
    one = bounds.run_size(spec, 1)
    memory = int(bounds.run_size(spec, 1000)["working"] + 7.5 * one["contacts"] * bounds.BYTES_PER_CONTACT)
    monkeypatch.setattr(bounds, "machine_memory", lambda: memory)
    res = simulate("run.replications=5", "run.precision={wait_mean_min: 0.001}")
    info = res.summary["meta"]["precision"]
    assert info["replications"] == 7 and info["memory"] is True and info["met"] is False
    assert precision_line(info).startswith("precision: stopped at 7 replications, as many as fit in memory")
    assert any("run.keep_contacts=false" in w["text"] for w in res.summary["warnings"] if w["kind"] == "precision")


# --- a comparison -----------------------------------------------------------------------

def test_arms_with_a_precision_run_the_same_replications():
    """Each batch runs in every arm; the arms stop together when both are within, so every
    replication pairs; each arm's meta records what it reached."""
    asked = "run.precision={wait_mean_min: 0.5}"
    cmp = simoffice.compare({"three": simoffice.compose(*MMC, "run.replications=5", asked),
                             "four": simoffice.compose(*MMC, "run.replications=5", asked, "network.servers=4")},
                            progress=False)
    infos = {name: res.summary["meta"]["precision"] for name, res in cmp.arms.items()}
    n = infos["three"]["replications"]
    assert infos["four"]["replications"] == n and infos["three"]["batches"] == infos["four"]["batches"]
    assert all(info["met"] for info in infos.values())
    for res in cmp.arms.values():
        assert sorted(res.replications["replication"].unique()) == list(range(n))
        assert half_width(res.summary["measures"]["wait_mean_min"]) <= 0.5
    row = cmp.differences.set_index("measure").loc["wait_mean_min"]
    assert row["n"] == n


def test_arms_with_different_precisions_are_refused():
    arms = {"a": simoffice.compose(*MMC, "run.precision={wait_mean_min: 0.5}"),
            "b": simoffice.compose(*MMC, "run.precision={wait_mean_min: 0.4}")}
    with pytest.raises(ConfigError) as info:
        simoffice.compare(arms, progress=False)
    assert info.value.key == "compare.arms.b" and "run.precision = {'wait_mean_min': 0.5}" in str(info.value)


# --- the command line --------------------------------------------------------------------

def test_the_command_says_in_one_line_on_stderr_what_the_precision_reached(tmp_path):
    result = simoffice_cli(tmp_path, tmp_path / "run", *MMC, "run.replications=5",
                           "run.precision={wait_mean_min: 0.5, service_level: '5%'}")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "precision" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("simoffice: precision: ") and " replications; wait_mean_min ±" in lines[0]
    assert "(asked ±0.5 min)" in lines[0] and "(asked ±5 %)" in lines[0]


def test_the_precision_line_reads_as_documented():
    info = {"asked": {"service_level": 0.01, "wait_mean_min": 0.2}, "met": True, "replications": 40,
            "max_replications": 100, "batches": [10, 20, 40],
            "reached": {"service_level": {"mean": 0.8, "half_width": 0.008, "asked_half_width": 0.01, "met": True,
                                          "undefined": False},
                        "wait_mean_min": {"mean": 4.0, "half_width": 0.18, "asked_half_width": 0.2, "met": True,
                                          "undefined": False}}}
    assert precision_line(info) == ("precision: 40 replications; service_level ±0.8 points (asked ±1 points), "
                                    "wait_mean_min ±0.18 min (asked ±0.2 min)")
    info["met"] = False
    info["reached"]["wait_mean_min"].update(half_width=0.31, met=False)
    assert precision_line(info).startswith("precision: reached run.max_replications=100 before wait_mean_min was "
                                           "within ±0.2 min (±0.31 min); ")
