"""Bounds on config values, the size of a run, and the warnings about valid but
probably wrong configs.

A value that would overflow a packed column of the log, exhaust memory or price
staff beyond any float is refused before anything runs, in one line with the bound;
a run whose log would not fit in the machine's memory says so before it starts;
summary.json is always valid JSON (no NaN, no Infinity); shares that do not sum to
1 and a single replication are said in words. The default scenario gives none of
these.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import simoffice
from simoffice.config import bounds
from simoffice.config.build import build_spec
from simoffice.config.shares import share_warnings
from simoffice.engine import recorder
from simoffice.errors import ConfigError
from simoffice.measures.schedule_checks import schedule_warnings
from simoffice.run.results import run_warnings
from simoffice.run.simulate import simulate

import networks

SCRIPT = Path(sys.executable).parent / "simoffice"
LOGS = (recorder.CONTACT_COLUMNS, recorder.BUNDLE_COLUMNS, recorder.CASE_COLUMNS, recorder.BOOKING_COLUMNS,
        recorder.DUTY_COLUMNS)
# Columns of the log that hold the same quantity as a PACKED entry.
SAME_AS = {"n_needs": ("n_needs", "n_settled", "needs", "needs_settled", "needs_proactive", "escalated"),
           "tickets": ("visit", "visits", "tickets", "failed_trips")}


def small(**run) -> dict:
    """The smallest network, a short run (plain dicts)."""
    cfg = networks.network(per_week=20.0, weeks=2, replications=1)
    cfg["run"].update(run)
    return cfg


def refused(cfg) -> str:
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    return str(info.value)


# --- the log's packed types ------------------------------------------------------------

def test_a_quantity_has_one_packed_type_in_every_column_that_holds_it():
    """Every bound taken from a column type holds for each column of the log with that quantity."""
    for column, code in bounds.PACKED.items():
        names = SAME_AS.get(column, (column,))
        found = [log[name] for log in LOGS for name in names if name in log]
        assert found and set(found) == {code}, (column, found)


def test_a_bundle_at_the_contact_bound_still_fits_the_ticket_counts():
    """A bundle's tickets are at most max_visits × its needs: within their 16 bits at both bounds."""
    assert bounds.LIMITS["max_visits"].high * bounds.packed_range("n_needs")[1] <= bounds.packed_range("tickets")[1]


def _bundle_of(cfg: dict, n: int) -> dict:
    net = cfg["network"]
    for i in range(n):
        net["services"][f"s{i}"] = {"skill": "general", "service_time": networks.exponential(0.5),
                                    "missing_document_prob": 0.0}
    net["bundles"]["big"] = {"needs": [f"s{i}" for i in range(n)], "share": 0.5}
    net["bundles"]["single"]["share"] = 0.5
    return cfg


def test_the_largest_priority_and_bundle_that_fit_run_to_the_end():
    """Priority 32767 (and -32768) and a bundle of 127 needs: the run ends, no struct error midway."""
    cfg = _bundle_of(small(check_invariants=False), 127)
    everyone = cfg["network"]["segments"]["everyone"]
    cfg["network"]["segments"] = {"high": {**everyone, "share": 0.5, "priority": 32767},
                                  "low": {**everyone, "share": 0.5, "priority": -32768}}
    res = simulate(cfg)
    assert res.contacts["priority"].isin([32767, -32768]).all() and len(res.contacts) > 0
    assert res.contacts["n_needs"].max() == 127


# --- one line, with the bound ---------------------------------------------------------------

def _set(path: str, value):
    def change(cfg: dict) -> dict:
        node = cfg
        *head, last = path.split(".")
        for k in head:
            node = node[int(k)] if isinstance(node, list) else node[k]
        node[last] = value
        return cfg
    return change


CASES = [
    ("segment priority", _set("network.segments.everyone.priority", 40000),
     "network.segments.everyone.priority: expected an integer from -32768 to 32767 (the log stores it in 16 bits) "
     "(got 40000)"),
    ("negative priority", _set("network.segments.everyone.priority", -40000),
     "network.segments.everyone.priority: expected an integer from -32768 to 32767"),
    ("bundle of 130 needs", lambda cfg: _bundle_of(cfg, 130),
     "network.bundles.big.needs: expected at most 127 needs in a bundle (the log stores the count in 8 bits) "
     "(got 130)"),
    ("max_visits", _set("network.max_visits", 1_000_000),
     "network.max_visits: expected an integer >= 1 and at most 100 (contacts one bundle may take) (got 1000000)"),
    ("weeks", _set("run.weeks", 100_000), "run.weeks: expected an integer >= 1 and at most 520 (ten years) "
     "(got 100000)"),
    ("drain weeks", _set("run.drain_weeks", 100_000), "run.drain_weeks: expected an integer >= 0 and at most 520"),
    ("replications", _set("run.replications", 100_000), "run.replications: expected an integer >= 1 and at most 1000"),
    ("jobs", _set("run.jobs", 1000), "run.jobs: expected an integer >= 0 (0: one per core) and at most 256 "
     "(worker processes) (got 1000)"),
    ("desks on a shift", _set("network.offices.0.desk_groups.0.staff", {"always": 10**9}),
     "network.offices[0].desk_groups[0].staff.always: expected an integer >= 0 and at most 10000 (desks in one group) "
     "(got 1000000000)"),
    ("video stations", _set("network.offices.0.video_stations", 10**6),
     "network.offices[0].video_stations: expected an integer >= 0 and at most 10000"),
    ("staff cost", _set("network.staff_cost_per_hour", 1e308),
     "network.staff_cost_per_hour: expected a finite number >= 0 and at most 1000000 (a staff hour's price) "
     "(got 1e+308)"),
]


@pytest.mark.parametrize("change,message", [pytest.param(c, m, id=name) for name, c, m in CASES])
def test_a_value_beyond_its_bound_is_refused_in_one_line_with_the_bound(change, message):
    assert refused(change(small())).startswith(message)


@pytest.mark.parametrize("overrides,message", [
    (("network=mmc", "network.servers=1000000000"),
     "network.servers: expected an integer >= 1 and at most 10000 (desks in one group) (got 1000000000)"),
    (("network=synthetic", "network.offices=100000"),
     "network.offices: expected an integer >= 1 and at most 5000 (offices the generator places) (got 100000)"),
    (("network=synthetic", "network.zones=1000000"), "network.zones: expected an integer >= 1 and at most 20000"),
    (("network=synthetic", "network.population=1e12"),
     "network.population: expected a number > 0 and at most 2000000000 (people)"),
    (("network.zones.City.population=1e12",), "network.zones.City.population: expected a number >= 0 and "
     "at most 2000000000 (people)"),
    (("network.mobile_routes.0.desk_groups.0.count=100000",),
     "network.mobile_routes[0].desk_groups[0].count: expected an integer >= 0 and at most 10000"),
    (("network.mobile_routes.0.cost_per_day=1e300",),
     "network.mobile_routes[0].cost_per_day: expected a finite number >= 0 and at most 24000000"),
])
def test_a_shipped_network_beyond_a_bound_is_refused(overrides, message):
    assert refused(simoffice.compose(*overrides)).startswith(message)


def test_values_at_their_bounds_build():
    cfg = small(weeks=bounds.LIMITS["weeks"].high, jobs=bounds.LIMITS["jobs"].high, keep_contacts=False)
    cfg["network"]["max_visits"] = bounds.LIMITS["max_visits"].high
    cfg["network"]["offices"][0]["desk_groups"][0]["staff"] = {"always": bounds.LIMITS["desks"].high}
    spec = build_spec(cfg)
    assert (spec.run.weeks, spec.max_visits) == (520, 100)


def test_the_command_line_refuses_a_bound_in_one_line_with_exit_status_2(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    result = subprocess.run([str(SCRIPT), "network=mmc", "network.servers=100000", f"hydra.run.dir={tmp_path / 'run'}"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "simoffice: config error: network.servers: expected an integer >= 1 and at most 10000 (desks in one group) "
        "(got 100000)"]
    assert not (tmp_path / "run").exists()


# --- the size of a run -------------------------------------------------------------------

def test_a_run_too_large_for_the_machine_is_refused_before_it_starts(monkeypatch):
    """The default scenario for ten years and 1000 replications: about a terabyte of contacts."""
    cfg = simoffice.compose("run.weeks=520", "run.replications=1000")
    monkeypatch.setattr(bounds, "machine_memory", lambda: 16 * 2**30)
    message = refused(cfg)
    assert message.startswith("run: expected a run that fits in memory: about ")
    assert "GB for 1,362 clients a week × 520 weeks × 1000 replications, this machine has 16.0 GB; " \
           "set run.keep_contacts=false, or fewer weeks or replications (got {'weeks': 520" in message
    # Without the contacts kept, the log is folded week by week: the same run fits.
    build_spec(simoffice.compose("run.weeks=520", "run.replications=1000", "run.keep_contacts=false"))


def test_the_default_scenario_and_the_shipped_networks_fit_a_small_machine():
    """Well under 8 GB each, at their default run."""
    for network in ("regional", "national", "synthetic", "single_office", "sample_office", "mmc"):
        spec = build_spec(simoffice.compose(f"network={network}"))
        bounds.check_run_size(spec, memory=8 * 2**30)
    assert bounds.machine_memory() > 0


def test_the_size_estimate_counts_the_contacts_a_run_makes():
    """The estimate's contacts (bundles × needs, over the weeks) against a run of the
    default scenario: within a factor of 1.5 (one_stop settles several needs in one contact,
    warm-up and drain add some)."""
    cfg = simoffice.compose("run.weeks=3", "run.replications=1", "run.jobs=1", "run.progress=false")
    estimate = bounds.run_size(build_spec(cfg))["contacts"]
    made = len(simulate(cfg).contacts)
    assert estimate / 1.5 <= made <= estimate * 1.5


def test_the_estimate_grows_with_each_factor():
    base = build_spec(small())
    size = bounds.run_size(base)["contacts"]
    for run in ({"weeks": 4}, {"replications": 2}):
        more = dataclasses.replace(base, run=dataclasses.replace(base.run, **run))
        assert bounds.run_size(more)["contacts"] == pytest.approx(2 * size)
    folded = dataclasses.replace(base, run=dataclasses.replace(base.run, keep_contacts=False))
    assert bounds.run_size(folded)["contacts"] == 0


# --- summary.json: always valid JSON ----------------------------------------------------------

def _strict_json(text: str) -> dict:
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # inf − inf in the interval
def test_a_cost_beyond_any_float_is_written_as_null_with_a_warning(tmp_path):
    """A spec given directly (build_spec would refuse the price): the cost overflows to
    infinity, summary.json holds null, and the warnings say why."""
    spec = build_spec(small(replications=2))
    spec = dataclasses.replace(spec, staff_cost_per_hour=1e308)
    res = simulate(spec)
    res.save(tmp_path)
    summary = _strict_json((tmp_path / "summary.json").read_text())
    assert summary["measures"]["cost"]["mean"] is None
    assert [w["kind"] for w in summary["warnings"] if w["kind"] == "non_finite"] == ["non_finite"]
    assert "cost is not a finite number" in [w for w in summary["warnings"] if w["kind"] == "non_finite"][0]["text"]


def test_the_default_run_writes_strict_json_with_no_non_finite_warning(tmp_path):
    res = simulate(small(replications=2))
    res.save(tmp_path)
    summary = _strict_json((tmp_path / "summary.json").read_text())
    assert not [w for w in summary["warnings"] if w["kind"] == "non_finite"]


# --- warnings: shares, one replication --------------------------------------------------------

def test_bundle_shares_summing_to_1_1_are_normalised_with_a_word():
    cfg = small()
    cfg["network"]["bundles"] = {"single": {"needs": ["need"], "share": 0.6},
                                 "again": {"needs": ["need"], "share": 0.5}}
    spec = build_spec(cfg)
    assert [b.share for b in spec.bundles] == pytest.approx([0.6 / 1.1, 0.5 / 1.1])
    assert share_warnings(cfg) == [{
        "kind": "shares_normalised", "unit": "all",
        "text": "The shares of network.bundles sum to 1.1, not 1: each is read as its value divided by 1.1 "
                "(single 0.6 → 0.545, again 0.5 → 0.455)."}]
    # The Python API says it too, not only the command line.
    assert share_warnings(cfg)[0] in simulate(cfg, progress=False).summary["warnings"]


def test_segment_shares_and_a_bundles_segment_mix_are_checked_too():
    cfg = small()
    everyone = cfg["network"]["segments"]["everyone"]
    cfg["network"]["segments"] = {"a": {**everyone, "share": 0.5}, "b": {**everyone, "share": 0.3}}
    cfg["network"]["bundles"]["single"]["segment_mix"] = {"a": 0.9, "b": 0.3}
    assert [w["text"].split(":")[0] for w in share_warnings(cfg)] == [
        "The shares of network.segments sum to 0.8, not 1", "Network.bundles.single.segment_mix sum to 1.2, not 1"]


def test_equal_shares_left_at_1_and_rounded_shares_give_no_warning():
    cfg = small()
    cfg["network"]["bundles"] = {"single": {"needs": ["need"]}, "again": {"needs": ["need"]}}
    assert share_warnings(cfg) == []
    cfg["network"]["bundles"] = {"single": {"needs": ["need"], "share": 0.333},
                                 "again": {"needs": ["need"], "share": 0.333},
                                 "third": {"needs": ["need"], "share": 0.333}}
    assert share_warnings(cfg) == []


def test_the_command_line_says_shares_were_normalised(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    run_dir = tmp_path / "run"
    result = subprocess.run([str(SCRIPT), "network=single_office", "network.bundles.utilities.share=0.8",
                             "run.weeks=2", "run.warmup_weeks=1", "run.drain_weeks=0", "run.replications=2",
                             "run.jobs=1", "run.progress=false", "run.report=none", f"hydra.run.dir={run_dir}"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "warning: The shares of network.bundles sum to 1.5, not 1" in result.stdout
    summary = _strict_json((run_dir / "summary.json").read_text())
    assert [w["kind"] for w in summary["warnings"]].count("shares_normalised") == 1


def test_one_replication_is_warned_about():
    spec = build_spec(small(replications=1))
    assert [w for w in run_warnings(spec, _no_weeks()) if w["kind"] == "few_replications"] == [{
        "kind": "few_replications", "unit": "all",
        "text": "One replication: no measure has an interval, and no standard can be judged met or missed; "
                "run run.replications=10 or more."}]


def _no_weeks():
    import pandas as pd
    return pd.DataFrame(columns=["replication", "office", "week", "measure", "value"])


NEW_KINDS = {"staff_only_while_closed", "desk_group_unused", "shares_normalised", "few_replications", "non_finite"}


@pytest.mark.parametrize("network", ["regional", "national", "synthetic", "single_office", "sample_office", "mmc"])
def test_the_shipped_networks_at_their_defaults_give_none_of_these_warnings(network):
    cfg = simoffice.compose(f"network={network}")
    spec = build_spec(cfg)
    kinds = {w["kind"] for w in run_warnings(spec, _no_weeks()) + share_warnings(cfg)}
    assert not kinds & NEW_KINDS, kinds


def test_the_default_scenario_gives_no_warning_at_all():
    cfg = simoffice.compose()
    assert schedule_warnings(build_spec(cfg)) == [] and share_warnings(cfg) == []

