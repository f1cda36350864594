"""run.keep_contacts=false: a replication folds its log into aggregates week by week.

The measures, groups and time series must be those of the whole log (up to the
order of floating-point sums), except that percentiles of waits come from a
histogram of WAIT_BIN_MIN bins (within half a bin of the exact ones) and the
time series is folded onto one week. Memory then does not grow with the length
of the run (a slow test runs the regional network for 26 and 104 weeks).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import simoffice
from simoffice.config.build import build_spec
from simoffice.engine.recorder import Recorder
from simoffice.engine.replication import simulate_replication
from simoffice.measures.tally import WAIT_BIN_MIN, WaitHistogram
from simoffice.vocabulary import WEEK

import networks as N
from conftest import CHECKED, assert_same_measures

SHORT = ("run.weeks=3", "run.warmup_weeks=1", "run.drain_weeks=1", "run.replications=2", "run.jobs=1",
         "run.progress=false", CHECKED)


def requeue_network() -> dict:
    """Open 24/7, two needs a bundle handled at separate desks in the same visit: many
    visits are under way at the end of a week, their tickets on either side of it."""
    cfg = N.network(per_week=900, service_mean=6, desks=2, design="co_located", weeks=4, replications=2)
    net = cfg["network"]
    net["services"]["other"] = {"skill": "other", "service_time": N.exponential(6.0), "missing_document_prob": 0.2}
    net["bundles"]["single"]["needs"] = ["need", "other"]
    net["segments"]["everyone"]["patience"] = N.exponential(30.0)
    net["segments"]["everyone"]["return_prob"] = 0.5
    net["offices"][0]["desk_groups"].append({"name": "others", "skills": ["other"], "staff": {"always": 2}})
    return cfg


def both(cfg) -> tuple[simoffice.Results, simoffice.Results]:
    """The run with every row kept and with aggregates only, on the same seed."""
    out = []
    for keep in (True, False):
        c = copy.deepcopy(cfg)
        c["run"]["keep_contacts"] = keep
        out.append(simoffice.simulate(c, progress=False))
    return out[0], out[1]


def composed(*overrides: str) -> dict:
    from omegaconf import OmegaConf

    return OmegaConf.to_container(simoffice.compose(*SHORT, *overrides), resolve=True)


CONFIGS = {
    "regional": lambda: composed(),
    "regional mon_thu siloed send_away": lambda: composed("schedule=mon_thu", "design=siloed",
                                                          "schedule.closing_policy=send_away"),
    "synthetic": lambda: composed("network=synthetic", "network.offices=4"),
    "requeues across week ends": requeue_network,
}


@pytest.fixture(scope="module", params=list(CONFIGS))
def pair(request):
    return both(CONFIGS[request.param]())


def assert_same_values(exact: pd.Series, folded: pd.Series, what: str) -> None:
    exact, folded = exact.align(folded)
    assert exact.isna().equals(folded.isna()), what
    close = np.isclose(folded.to_numpy(float), exact.to_numpy(float), rtol=1e-9, atol=1e-9, equal_nan=True)
    assert close.all(), f"{what}:\n{pd.DataFrame({'exact': exact, 'aggregated': folded})[~close]}"


def test_measures_equal_those_of_the_whole_log(pair):
    """Percentiles of waits within half a bin of the exact ones; the rest equal."""
    assert_same_measures(*pair)


def test_summary_has_the_same_measures_and_groups(pair):
    kept, folded = pair
    assert kept.summary["measures"].keys() == folded.summary["measures"].keys()
    for name, m in kept.summary["measures"].items():
        assert m["n"] == folded.summary["measures"][name]["n"], name
    assert kept.summary["groups"].keys() == folded.summary["groups"].keys()
    for by in kept.summary["groups"]:
        assert kept.summary["groups"][by].keys() == folded.summary["groups"][by].keys()


def test_the_time_series_is_the_whole_one_folded_onto_a_week(pair):
    kept, folded = pair
    spec = kept.spec
    w0, w1 = spec.run.window
    k = kept.timeseries.copy()
    k["bin_start_min"] = w0 + (k["bin_start_min"] - w0) % WEEK
    cols = ["queue_mean", "busy_mean", "on_duty_mean"]
    week = k.groupby(["replication", "office", "desk_group", "bin_start_min"], observed=True)[cols].mean()
    f = folded.timeseries.set_index(["replication", "office", "desk_group", "bin_start_min"])[cols]
    assert len(f) == len(week) == len(kept.timeseries) // ((w1 - w0) / WEEK)
    for col in cols:
        assert_same_values(week[col], f[col], col)
    assert (folded.timeseries["weekday"].to_numpy() == k.groupby(
        ["replication", "office", "desk_group", "bin_start_min"], observed=True)["weekday"].first().to_numpy()).all()


def test_no_row_is_kept(pair):
    kept, folded = pair
    assert len(kept.contacts) > 0 and len(kept.bundles) > 0
    for table in ("contacts", "bundles", "cases"):
        assert len(getattr(folded, table)) == 0, table
        assert list(getattr(folded, table).columns) == list(getattr(kept, table).columns), table


def test_the_report_says_what_was_not_kept(pair, tmp_path):
    from simoffice.reports.report import build_report_html
    from simoffice.reports.run_figures import NOT_KEPT

    kept, folded = pair
    assert NOT_KEPT not in build_report_html(kept)
    assert build_report_html(folded).count(NOT_KEPT) == 2  # wait distribution, visits per bundle
    folded.save(tmp_path)
    assert (tmp_path / "summary.json").exists() and (tmp_path / "timeseries.parquet").exists()


def test_every_row_is_handed_over_exactly_once_with_the_tickets_of_a_visit_together():
    """Week by week, the parts hold every row of the whole log once; a visit's tickets
    are never split between two parts."""
    spec = build_spec(requeue_network())
    whole = simulate_replication(spec, 0)
    parts = []
    empty = simulate_replication(spec, 0, flush=parts.append)
    assert len(empty["contacts"]["bundle"]) == 0
    assert len(parts) == spec.run.weeks + spec.run.drain_weeks  # a part each week (the last at the end)
    for log in ("contacts", "bundles", "duty", "cases"):
        got = pd.DataFrame({k: np.concatenate([p[log][k] for p in parts]) for k in whole[log]})
        want = pd.DataFrame(whole[log])
        cols = list(want.columns)
        pd.testing.assert_frame_equal(got.sort_values(cols).reset_index(drop=True),
                                      want.sort_values(cols).reset_index(drop=True), check_dtype=True)
    part_of = {}
    for i, p in enumerate(parts):
        for b, v in zip(p["contacts"]["bundle"], p["contacts"]["visit"]):
            assert part_of.setdefault((b, v), i) == i, f"visit {v} of bundle {b} split over parts"
    multi = pd.DataFrame(whole["contacts"]).groupby(["bundle", "visit"]).size()
    assert (multi > 1).sum() > 100, "the network should re-queue within visits"


def test_a_wait_histogram_gives_percentiles_within_half_a_bin():
    rng = np.random.default_rng(7)
    waits = np.concatenate([np.zeros(300), rng.exponential(12.0, 2000), rng.uniform(0, 0.3, 50), [0.3, 0.1, 2.0]])
    hist = WaitHistogram.of(waits[:1000]) + WaitHistogram.of(waits[1000:])
    whole = WaitHistogram.of(waits)
    assert hist.keys.tolist() == whole.keys.tolist() and hist.counts.tolist() == whole.counts.tolist()
    assert int(hist.counts.sum()) == len(waits)
    for q in (0, 5, 10, 12, 50, 90, 95, 99.9, 100):
        assert abs(hist.percentile(q) - np.percentile(waits, q)) <= WAIT_BIN_MIN / 2 + 1e-12, q
    assert WaitHistogram.of(np.zeros(10)).percentile(90) == 0.0  # zero waits are exact
    assert np.isnan(WaitHistogram().percentile(50))


def test_taking_the_rows_empties_the_recorder():
    rec = Recorder()
    rec.contact(1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1.0, 2.0, 3.0, 0, 0, 0, 0.0)
    first = rec.take()
    assert first["contacts"]["bundle"].tolist() == [1]
    assert len(rec.take()["contacts"]["bundle"]) == 0
    rec.contact(2, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1.0, 2.0, 3.0, 0, 0, 0, 0.0)
    assert rec.take()["contacts"]["bundle"].tolist() == [2]


MEMORY_RUN = """
import json, resource, sys
import simoffice
weeks = int(sys.argv[1])
cfg = simoffice.compose(f"run.weeks={weeks}", "run.warmup_weeks=1", "run.drain_weeks=1", "run.replications=1",
                        "run.jobs=1", "run.progress=false", "run.keep_contacts=false")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
res = simoffice.simulate(cfg)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kb": before, "peak_kb": after,
                  "contacts_per_week": res.summary["measures"]["contacts_per_week"]["mean"]}))
"""


def peak_rss_kb(weeks: int) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.path.dirname(os.path.dirname(
        simoffice.__file__)), os.environ.get("PYTHONPATH")])))
    out = subprocess.run([sys.executable, "-c", MEMORY_RUN, str(weeks)], capture_output=True, text=True,
                         env=env, timeout=1800, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_two_year_run_keeps_memory_bounded():
    """104 weeks of the regional network with keep_contacts=false peak at about the
    memory of 26 weeks (each run in a fresh process; peak resident set size)."""
    short, long = peak_rss_kb(26), peak_rss_kb(104)
    grown = (long["peak_kb"] - long["before_kb"]) - (short["peak_kb"] - short["before_kb"])
    assert long["contacts_per_week"] > 1000  # a real load: about 400 000 contacts in two years
    assert grown < 16 * 1024, f"26 weeks: {short}, 104 weeks: {long}: grew {grown / 1024:.1f} MB"
