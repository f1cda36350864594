"""Specifications of the staffing search (simoffice.studies.staffing): Erlang C's first guess,
corrected by simulation; agreement with Erlang C on M/M/c; staffed configs that run."""

from __future__ import annotations

import math
import os
import shlex
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

import simoffice
from simoffice.config.build import build_spec, weekly_staff_hours
from simoffice.errors import ConfigError
from simoffice.reports.staffing import build_staffing_html
from simoffice.studies.staffing import search_staffing, searchpath, staffing_params
from simoffice.studies.staffing_blocks import (
    block_lookup,
    block_service_levels,
    erlang_guess,
    searched_units,
    unit_blocks,
)
from simoffice.studies.staffing_configs import mmc_as_explicit, split
from simoffice.studies.staffing_rounds import decide

QUIET = ("run.jobs=1", "run.progress=false")
# M/M/c with a = λ/μ = 1.5 and a target of 75 % within 0.5 min: Erlang C asks for 3 desks
# (service level 0.888), and 2 desks clearly miss it (0.499). Blocks of 6 hours, one week.
MMC_TARGET_MIN, MMC_LEVEL, MMC_LAMBDA_H = 0.5, 0.75, 90.0
MMC = ("experiment=staffing_search", "network=mmc", f"network.arrivals_per_hour={MMC_LAMBDA_H}",
       "network.service_mean_min=1", f"run.service_level_target_min={MMC_TARGET_MIN}",
       f"staffing.service_level={MMC_LEVEL}", "staffing.block_min=360", "run.weeks=1", "run.warmup_weeks=0",
       "run.drain_weeks=0", "run.replications=5", *QUIET)


def erlang_c_minimal_servers(lam: float, mu: float, t: float, level: float) -> int:
    """The fewest servers with P(Wq <= t) >= level, from the Erlang C formula itself:
    C(c, a) = (a^c / c!) (c / (c − a)) / (Σ_{k<c} a^k / k! + (a^c / c!) (c / (c − a)))."""
    a = lam / mu
    c = math.floor(a) + 1
    while True:
        top = a**c / math.factorial(c) * c / (c - a)
        erlang_c = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
        if 1 - erlang_c * math.exp(-(c * mu - lam) * t) >= level:
            return c
        c += 1


# --- pieces ---------------------------------------------------------------------------

def test_split_gives_required_groups_a_desk_then_shares_by_weight():
    assert split(5, (200.0, 110.0), (False, False)) == [3, 2]
    assert split(1, (200.0, 110.0), (False, False)) == [1, 0]
    assert split(3, (1.0, 1.0), (True, True)) == [2, 1]
    assert split(4, (0.0, 0.0), (False, False)) == [2, 2]
    assert sum(split(7, (3.0, 2.0, 1.0), (False, True, False))) == 7


def test_the_first_guess_is_the_fewest_desks_erlang_c_accepts():
    for lam, mean, t, level in ((4.5, 1.0, 1.0, 0.8), (0.3, 12.0, 15.0, 0.8), (20 / 60, 16.0, 15.0, 0.9)):
        assert erlang_guess(lam, mean, t, level, 1) == erlang_c_minimal_servers(lam, 1 / mean, t, level)
    assert erlang_guess(0.0, 10.0, 15.0, 0.8, 1) == 1  # no load: the floor
    assert erlang_guess(0.01, 1.0, 15.0, 0.8, 3) == 3


def _levels(mean, low, high) -> pd.DataFrame:
    return pd.DataFrame({"mean": mean, "ci_low": low, "ci_high": high, "n": [5] * len(mean)})


def test_a_round_moves_a_block_only_on_clear_evidence():
    """Clear miss: +1; interval over the target: −1; an interval across it: the count stays."""
    staff = np.array([4, 4, 4, 4])
    levels = _levels([0.60, 0.95, 0.78, 0.84], [0.55, 0.90, 0.70, 0.75], [0.65, 0.99, 0.86, 0.93])
    new = decide(staff, levels, {}, np.array([1, 1, 1, 4]), 0.8)
    assert new.tolist() == [5, 3, 4, 4]


def test_a_desk_taken_away_stays_away_only_while_the_block_is_clearly_above_the_target():
    tested: dict = {}
    floor = np.array([1])
    assert decide(np.array([4]), _levels([0.95], [0.9], [0.99]), tested, floor, 0.8).tolist() == [3]
    # One desk less, still clearly above: one more less.
    assert decide(np.array([3]), _levels([0.90], [0.85], [0.95]), tested, floor, 0.8).tolist() == [2]
    # Two desks less: the interval reaches below the target (mean above it): one desk back.
    assert decide(np.array([2]), _levels([0.82], [0.74], [0.90]), tested, floor, 0.8).tolist() == [3]
    # At 3 again, clearly above: 2 has been tried, so 3 stays.
    assert decide(np.array([3]), _levels([0.90], [0.85], [0.95]), tested, floor, 0.8).tolist() == [3]


def test_a_block_with_no_contacts_keeps_its_count():
    new = decide(np.array([2]), _levels([np.nan], [np.nan], [np.nan]), {}, np.array([1]), 0.8)
    assert new.tolist() == [2]


@pytest.mark.parametrize("key,value", [
    ("service_level", 1.5), ("service_level", 0), ("block_min", 0), ("block_min", 2000), ("max_rounds", 0),
    ("min_staff", -1), ("network_name", "../evil"), ("contact_centre", "yes"),
])
def test_staffing_settings_are_checked_and_named(key, value):
    with pytest.raises(ConfigError) as err:
        staffing_params({key: value})
    assert err.value.key == f"staffing.{key}"


def test_the_search_needs_every_contact_kept():
    cfg = simoffice.compose("experiment=staffing_search", "network=mmc", "run.keep_contacts=false")
    with pytest.raises(ConfigError) as err:
        search_staffing(cfg)
    assert err.value.key == "run.keep_contacts"


def test_blocks_run_from_opening_and_the_last_one_is_cut_at_closing():
    """mon_thu opens 08:00–19:15: blocks 08:00–09:00 … 19:00–19:15 on Monday to Thursday;
    the contact centre is searched in its own hours (08:00–18:00, Monday to Friday)."""
    spec = build_spec(simoffice.compose("schedule=mon_thu"))
    units = searched_units(spec, contact_centre=True)
    assert [u.name for u in units] == ["City centre", "Town centre", "Rural centre", "contact centre"]
    blocks = unit_blocks(spec, units, 60)
    city = blocks[blocks["office"] == "City centre"]
    assert sorted(set(city["weekday"])) == ["mon", "thu", "tue", "wed"]
    monday = city[city["weekday"] == "mon"]
    assert monday["block_start"].tolist()[0] == "08:00" and len(monday) == 12
    assert monday.iloc[-1][["block_start", "block_end", "shift"]].tolist() == ["19:00", "19:15", "mon_1900_1915"]
    cc = blocks[blocks["office"] == "contact centre"]
    assert len(cc) == 50 and cc["block_end"].max() == "18:00"


def test_desk_groups_keep_a_desk_each_only_when_their_skills_differ():
    one_stop = searched_units(build_spec(simoffice.compose("design=one_stop")), contact_centre=True)
    siloed = searched_units(build_spec(simoffice.compose("design=siloed")), contact_centre=True)
    assert not any(any(u.required) for u in one_stop)  # cross-trained: every desk has every skill
    city = next(u for u in siloed if u.name == "City centre")
    assert city.required == (True, True) and city.weights == (200.0, 110.0)


def test_the_mmc_network_written_out_is_the_same_queue():
    net = simoffice.compose("network=mmc", "network.servers=4", "network.patience_mean_min=7")
    explicit, schedule = mmc_as_explicit(dict(net.network))
    cfg = {**simoffice.compose("network=mmc"), "network": explicit, "schedule": schedule}
    a, b = build_spec(net), build_spec(cfg)
    assert weekly_staff_hours(a) == weekly_staff_hours(b) == {("office", "desks"): 4 * 168}
    assert a.offices[0].opening == b.offices[0].opening == ((0, 1440),) * 7
    assert a.zones[0].bundles_per_week == b.zones[0].bundles_per_week
    assert repr(a.segments[0].patience) == repr(b.segments[0].patience)
    assert repr(a.services[0].service_time) == repr(b.services[0].service_time)
    assert b.segments[0].return_prob == 0 and b.max_visits == 1


# --- M/M/c: the search agrees with Erlang C --------------------------------------------

@pytest.fixture(scope="module")
def mmc_search():
    return search_staffing(simoffice.compose(*MMC), progress=False)


def test_on_mmc_every_block_gets_the_erlang_c_minimal_staff(mmc_search):
    expected = erlang_c_minimal_servers(MMC_LAMBDA_H / 60, 1.0, MMC_TARGET_MIN, MMC_LEVEL)
    assert expected == 3
    t = mmc_search.table
    assert len(t) == 28  # 7 days × 4 blocks of 6 hours
    assert (t["erlang_c_guess"] == expected).all()
    assert (t["staff"] == expected).all()
    assert mmc_search.converged


def test_on_mmc_the_staffing_meets_the_target_and_one_desk_less_does_not(mmc_search):
    """With c desks each block's simulated service level reaches the target within its
    interval (and the whole run's interval is above it); with c − 1 desks every block's
    mean misses it and the whole run's interval is below it."""
    t = mmc_search.table
    assert (t["ci_high"] >= MMC_LEVEL).all()
    staffed = mmc_search.staffed.summary["measures"]["service_level"]
    assert staffed["ci_low"] >= MMC_LEVEL
    fewer = simoffice.simulate(simoffice.compose(*MMC, "network.servers=2"), progress=False)
    assert fewer.summary["measures"]["service_level"]["ci_high"] < MMC_LEVEL
    spec = fewer.spec
    units = searched_units(spec, contact_centre=True)
    blocks = unit_blocks(spec, units, 360)
    levels = block_service_levels(fewer.contacts, units, block_lookup(blocks, len(units)), len(blocks))
    assert (levels["mean"] < MMC_LEVEL).all()
    # The search itself tried one desk less in every block and gave it back.
    tried = mmc_search.rounds[mmc_search.rounds["staff"] == 2]
    assert set(tried["block"]) == set(range(28)) and (tried["service_level"] < MMC_LEVEL).all()


def test_the_offered_load_is_the_arrival_rate_times_the_mean_service_time(mmc_search):
    t = mmc_search.table
    assert t["arrivals_per_hour"].mean() == pytest.approx(MMC_LAMBDA_H, rel=0.03)
    assert t["service_mean_min"].mean() == pytest.approx(1.0, rel=0.03)
    assert t["load"].to_numpy() == pytest.approx((t["arrivals_per_hour"] / 60 * t["service_mean_min"]).to_numpy())


def test_staff_hours_are_reported_against_the_baseline(mmc_search):
    hours = mmc_search.hours.set_index("office")
    assert hours.loc["office", "baseline_hours"] == 5 * 168
    assert hours.loc["office", "staffed_hours"] == 3 * 168
    assert hours.loc["total", "change"] == -2 * 168
    assert hours.loc["total", "change_pct"] == pytest.approx(-40.0)


def test_the_written_configs_compose_build_and_run(mmc_search, tmp_path):
    """The staffed network and schedule are Hydra configs: found on a config search path
    (even one holding '=' and a space), typed by the schema, built, and simulated with the
    staff the search found."""
    out = tmp_path / "run=1 a"
    mmc_search.save(out)
    configs = out / "configs"
    for name in ("staffing.parquet", "staffing_rounds.parquet", "staffing.json", "staffing.html",
                 "baseline/summary.json", "staffed/report.html"):
        assert (out / name).stat().st_size > 0, name
    net = yaml.safe_load((configs / "network" / "mmc_staffed.yaml").read_text())
    sched = yaml.safe_load((configs / "schedule" / "always_open_staffed.yaml").read_text())
    assert net.pop("defaults") == ["schema_network", "_self_"]
    assert sched["shifts"]["mon_0600_1200"] == {"start": "06:00", "end": "12:00", "days": ["mon"]}
    from_files = build_spec({**simoffice.compose(*MMC), "network": net, "schedule": sched})
    composed = simoffice.compose(searchpath(configs), "network=mmc_staffed", "schedule=always_open_staffed",
                                 *MMC[4:])
    spec = build_spec(composed)
    assert weekly_staff_hours(spec) == weekly_staff_hours(from_files) == {("office", "desks"): 3 * 168}
    res = simoffice.simulate(composed, progress=False)
    assert res.summary["measures"]["service_level"]["mean"] >= MMC_LEVEL
    assert shlex.split(mmc_search.command(configs)) == ["simoffice", searchpath(configs), "network=mmc_staffed",
                                                        "schedule=always_open_staffed"]


# --- the regional network --------------------------------------------------------------

@pytest.fixture(scope="module")
def regional_search():
    cfg = simoffice.compose("experiment=staffing_search", "design=co_located", "run.weeks=2",
                            "run.warmup_weeks=1", "run.drain_weeks=0", "run.replications=2",
                            "staffing.max_rounds=2", *QUIET)
    return cfg, search_staffing(cfg, progress=False)


def test_regional_offices_and_contact_centre_are_staffed_block_by_block(regional_search):
    cfg, search = regional_search
    t = search.table
    assert t.groupby("office", sort=False).size().to_dict() == {
        "City centre": 45, "Town centre": 45, "Rural centre": 45, "contact centre": 50}
    assert (t["staff"] >= 1).all()
    hours = search.hours.set_index("office")
    assert hours.loc[["City centre", "Town centre", "Rural centre", "contact centre"],
                     "baseline_hours"].tolist() == [310.0, 135.0, 45.0, 150.0]
    # The staffed hours are the blocks' desks × hours.
    t_hours = (t["staff"] * (pd.to_timedelta(t["block_end"] + ":00") - pd.to_timedelta(t["block_start"] + ":00"))
               .dt.total_seconds() / 3600)
    by_unit = t_hours.groupby(t["office"], sort=False).sum()
    for office, h in by_unit.items():
        assert hours.loc[office, "staffed_hours"] == pytest.approx(h)


def test_regional_staffed_configs_keep_everything_else(regional_search):
    """Other units keep their staff; the schedule keeps its shifts (the video and expert centres
    use them) and gains the offices' block shifts; co-located desk groups each keep a desk."""
    cfg, search = regional_search
    net, sched = search.network, search.schedule
    assert {"full", "peak"} <= set(sched["shifts"]) and "mon_0800_0900" in sched["shifts"]
    assert sched["opening_hours"] == dict(cfg.schedule.opening_hours)
    assert sched["holidays"] == list(cfg.schedule.holidays)
    assert net["video_centre"]["desk_groups"][0]["staff"] == {"full": 1}
    assert net["expert_centre"]["desk_groups"][0]["staff"] == {"full": 2}
    assert net["mobile_routes"][0]["desk_groups"][0]["count"] == 1
    assert "mon_1700_1800" in net["contact_centre"]["shifts"]
    city = net["offices"][0]["desk_groups"]
    assert all(len(g["staff"]) == 45 for g in city)  # a desk in every block for each group
    spec = search.staffed.spec
    assert spec.name == "regional_staffed" and spec.schedule_name == "five_day_staffed"
    assert weekly_staff_hours(spec)[("video centre", "remote advisors")] == 45.0


def test_the_staffing_page_names_the_hours_and_escapes_names(regional_search, tmp_path):
    _, search = regional_search
    page = build_staffing_html(search, tmp_path)
    assert "Staff hours" in page and "Erlang C" in page and "hydra.searchpath" in page
    evil = "<script>alert(1)</script>"
    search.table["office"] = search.table["office"].astype(str).replace("Rural centre", evil)
    search.hours["office"] = search.hours["office"].replace("Rural centre", evil)
    page = build_staffing_html(search, tmp_path)
    assert evil not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- the command line ------------------------------------------------------------------

def simoffice_cli(cwd, *args: str) -> subprocess.CompletedProcess:
    """The ``simoffice`` command of this checkout (``main()`` of simoffice.cli.main, as the
    console script calls it)."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([sys.executable, "-c", "from simoffice.cli.main import main; main()", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


def test_experiment_staffing_search_is_one_command_and_its_output_runs(tmp_path):
    """`simoffice experiment=staffing_search` writes the staffing, prints the hours and the
    command that runs the staffed network, and that command runs."""
    small = ("run.weeks=1", "run.warmup_weeks=0", "run.drain_weeks=0", "run.replications=2", *QUIET)
    out = tmp_path / "search"
    proc = simoffice_cli(tmp_path, "experiment=staffing_search", "network=mmc", "network.arrivals_per_hour=30",
                         "staffing.block_min=1440", "staffing.max_rounds=2", *small, f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    for name in ("staffing.html", "staffing.parquet", "staffing.json", "configs/network/mmc_staffed.yaml",
                 "configs/schedule/always_open_staffed.yaml"):
        assert (out / name).exists(), name
    assert "baseline h/week" in proc.stdout and "total" in proc.stdout
    command = next(line.strip() for line in proc.stdout.splitlines()
                   if line.strip().startswith("simoffice 'hydra.searchpath="))
    args = shlex.split(command)[1:]
    run = simoffice_cli(tmp_path, *args, *small, f"hydra.run.dir={tmp_path / 'staffed'}")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "staffed" / "summary.json").exists()


def test_a_bad_staffing_setting_is_one_line_naming_the_key(tmp_path):
    proc = simoffice_cli(tmp_path, "experiment=staffing_search", "network=mmc", "staffing.block_min=0",
                         f"hydra.run.dir={tmp_path / 'run'}")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "simoffice: config error: staffing.block_min: expected an integer >= 1 (got 0)"]
    assert not (tmp_path / "run").exists()


# --- the slow check at the default M/M/5 rates ------------------------------------------

@pytest.mark.slow
def test_on_mmc_at_270_an_hour_every_hour_block_gets_the_erlang_c_minimal_staff():
    """λ = 270/h, μ = 1/min, 75 % within 1 min: Erlang C asks for 6 desks (0.906) and 5
    clearly miss (0.538); the search on hour blocks agrees in all 168 blocks."""
    cfg = simoffice.compose("experiment=staffing_search", "network=mmc", "run.service_level_target_min=1",
                            "staffing.service_level=0.75", "run.weeks=4", "run.warmup_weeks=0", "run.drain_weeks=0",
                            "run.replications=5", "run.jobs=2", "run.progress=false")
    search = search_staffing(cfg, progress=False)
    expected = erlang_c_minimal_servers(4.5, 1.0, 1.0, 0.75)
    assert expected == 6
    assert len(search.table) == 168
    assert (search.table["staff"] == expected).all()
    assert (search.table["ci_high"] >= 0.75).all()
    tried = search.rounds[search.rounds["staff"] == expected - 1]
    assert (tried["service_level"] < 0.75).all()
