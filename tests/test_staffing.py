"""Specifications of the staffing search (simoffice.studies.staffing): requirements per
interval, a roster of real shifts by integer programming, checked in its own simulation;
every figure it reports is that simulation's; configs and a command that reproduce it."""

from __future__ import annotations

import json
import math
import os
import re
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
from simoffice.studies.staffing import search_staffing, staffing_params
from simoffice.studies.staffing_configs import mmc_as_explicit, rostered_configs, split
from simoffice.studies.staffing_intervals import meets, misses, open_mask, searched_units, unit_intervals
from simoffice.studies.staffing_rounds import group_requirements

QUIET = ("run.jobs=1", "run.progress=false")
# M/M/c with a = λ/μ = 1.5 and a target of 75 % within 0.5 min: Erlang C asks for 3 desks
# (service level 0.888), 2 desks clearly miss it (0.499). One-hour intervals, one week.
MMC_TARGET_MIN, MMC_LEVEL, MMC_LAMBDA_H = 0.5, 0.75, 90.0
MMC = ("experiment=staffing_search", "network=mmc", f"network.arrivals_per_hour={MMC_LAMBDA_H}",
       "network.service_mean_min=1", f"run.service_level_target_min={MMC_TARGET_MIN}",
       f"staffing.service_level={MMC_LEVEL}", "roster.interval_min=60", "run.weeks=1", "run.warmup_weeks=0",
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

def test_the_mmc_network_written_out_is_the_same_queue():
    net = simoffice.compose("network=mmc", "network.servers=4", "network.patience_mean_min=7")
    explicit, schedule = mmc_as_explicit(dict(net.network))
    cfg = {**simoffice.compose("network=mmc"), "network": explicit, "schedule": schedule}
    a, b = build_spec(net), build_spec(cfg)
    assert weekly_staff_hours(a) == weekly_staff_hours(b) == {("office", "desks"): 4 * 168}
    assert a.offices[0].opening == b.offices[0].opening == (((0, 1440),),) * 7
    assert a.zones[0].bundles_per_week == b.zones[0].bundles_per_week
    assert repr(a.segments[0].patience) == repr(b.segments[0].patience)
    assert repr(a.services[0].service_time) == repr(b.services[0].service_time)
    assert b.segments[0].return_prob == 0 and b.max_visits == 1


def test_split_gives_required_groups_a_desk_then_shares_by_weight():
    assert split(5, (3.0, 1.0), (False, False)) == [4, 1]
    assert split(3, (10.0, 1.0, 1.0), (True, True, True)) == [1, 1, 1]
    assert split(6, (10.0, 1.0, 1.0), (True, True, True)) == [4, 1, 1]


def test_a_units_grid_runs_from_its_earliest_opening_to_its_latest_closing_on_the_interval_grid():
    """mon_thu closes at 19:15: the grid's last half hour (19:00–19:30) is open for part of
    it and counts; Friday to Sunday have no open interval."""
    spec = build_spec(simoffice.compose("schedule=mon_thu"))
    units = searched_units(spec, contact_centre=False, interval_min=30)
    city = units[0]
    assert (city.start_min, city.n_intervals) == (480, 23)
    mask = open_mask(city, 30)
    assert mask[:4].all() and not mask[4:].any()
    table = unit_intervals(units, 30)
    assert len(table) == 3 * 4 * 23
    assert table["interval_end"].max() == "19:30"


def test_an_office_closed_for_lunch_has_no_interval_then():
    spec = build_spec(simoffice.compose("schedule=five_day_lunch_closed"))
    city = searched_units(spec, contact_centre=False, interval_min=60)[0]
    mask = open_mask(city, 60)
    assert mask[0].tolist() == [True] * 4 + [False] + [True] * 4  # 08–12 and 13–17


def test_a_units_requirement_is_split_over_its_desk_groups_interval_by_interval():
    spec = build_spec(simoffice.compose("design=siloed"))
    city = searched_units(spec, contact_centre=False, interval_min=60)[0]
    rows = unit_intervals([city], 60)
    parts = group_requirements(city, rows, np.full(len(rows), 7))
    assert sum(parts).max() == 7 and sum(parts)[5:].sum() == 0  # no weekend
    assert all(p[:5].min() >= 1 for p, r in zip(parts, city.required) if r)


@pytest.mark.parametrize("kind, goal, mean, low, high, missed, met", [
    ("service_level", 0.8, 0.75, 0.70, 0.79, True, False),     # the whole interval below
    ("service_level", 0.8, 0.78, 0.70, 0.85, False, False),    # not clearly
    ("service_level", 0.8, 0.82, 0.79, 0.85, False, True),
    ("asa", 5.0, 6.0, 5.5, 6.5, True, False),                  # less is better
    ("abandonment", 0.05, 0.04, 0.01, 0.07, False, True),
    ("p_wait", 0.5, 0.6, 0.51, 0.7, True, False),
])
def test_an_interval_clearly_misses_only_when_its_whole_interval_is_on_the_wrong_side(
        kind, goal, mean, low, high, missed, met):
    levels = pd.DataFrame({"mean": [mean], "ci_low": [low], "ci_high": [high]})
    assert misses(levels, kind, goal).tolist() == [missed]
    assert meets(levels, kind, goal).tolist() == [met]


@pytest.mark.parametrize("key, value, expected", [
    ("target", "speed", "one of ['service_level', 'asa', 'p_wait', 'abandonment']"),
    ("service_level", 1.5, "a share in (0, 1)"),
    ("method", "magic", "one of ['offered_load', 'per_interval']"),
    ("max_rounds", 0, "an integer >= 1"),
    ("network_name", "../x", "a name of letters"),
])
def test_staffing_settings_are_checked_and_named(key, value, expected):
    with pytest.raises(ConfigError, match=re.escape(f"staffing.{key}: expected {expected}")) as err:
        staffing_params({key: value})
    assert "\n" not in str(err.value)


def test_the_search_needs_every_contact_kept():
    with pytest.raises(ConfigError, match="run.keep_contacts"):
        search_staffing(simoffice.compose(*MMC, "run.keep_contacts=false"), progress=False)


def test_a_roster_shift_becomes_a_shift_of_the_schedule_with_its_break():
    net, sched = mmc_as_explicit(dict(simoffice.compose("network=mmc").network))
    spec = build_spec({**simoffice.compose("network=mmc"), "network": net, "schedule": sched})
    unit = searched_units(spec, contact_centre=True, interval_min=60)[0]

    class Roster:
        shifts = pd.DataFrame([{"template": "full_time", "weekday": "tue", "start_min": 480, "end_min": 1020,
                                "break_start_min": 720.0, "break_end_min": 750.0, "break_paid": False, "count": 2,
                                "paid_min": 510, "tour": -1, "group": 0}])

    new_net, new_sched = rostered_configs(net, sched, [unit], {(0, 0): Roster}, "n", "s")
    assert new_sched["shifts"]["roster_u0_tue_0800_1700_b1200"] == {
        "start": "08:00", "end": "17:00", "days": ["tue"],
        "breaks": [{"start": "12:00", "end": "12:30", "paid": False}]}
    assert new_net["offices"][0]["desk_groups"][0]["staff"] == {"roster_u0_tue_0800_1700_b1200": 2}
    assert "always" in new_sched["shifts"]  # the schedule keeps its own shifts
    built = build_spec({**simoffice.compose("network=mmc"), "network": new_net, "schedule": new_sched})
    assert weekly_staff_hours(built) == {("office", "desks"): 2 * 8.5}


# --- M/M/c: the roster's own simulation -------------------------------------------------

@pytest.fixture(scope="module")
def mmc_search():
    return search_staffing(simoffice.compose(*MMC), progress=False)


def test_on_mmc_every_interval_needs_the_erlang_c_minimal_staff(mmc_search):
    """Constant demand: the requirement is Erlang C's in every interval (the offered load
    of the infinite-server method is λ E[S] once a minute's service has settled)."""
    expected = erlang_c_minimal_servers(MMC_LAMBDA_H / 60, 1.0, MMC_TARGET_MIN, MMC_LEVEL)
    assert expected == 3
    t = mmc_search.intervals
    assert len(t) == 7 * 24
    assert (t["requirement_theory"] == expected).all()
    assert t["arrivals_per_hour"].mean() == pytest.approx(MMC_LAMBDA_H, rel=0.03)


def test_on_mmc_the_roster_covers_every_interval_and_meets_the_target_in_its_own_run(mmc_search):
    t = mmc_search.intervals
    assert (t["rostered"] >= t["requirement"]).all()
    assert mmc_search.converged
    staffed = mmc_search.staffed.summary["measures"]["service_level"]
    assert staffed["ci_low"] >= MMC_LEVEL
    assert (t["ci_high"] >= MMC_LEVEL).all()  # no interval clearly misses


def test_the_roster_is_real_shifts_of_the_templates(mmc_search):
    r = mmc_search.roster
    hours = (r["end_min"] - r["start_min"]) / 60
    full = r["template"] == "full_time"
    assert hours[full].between(7.5, 9).all() and hours[~full].between(4, 6).all()
    assert r["break_start_min"][full].notna().all() and r["break_start_min"][~full].isna().all()
    assert len(r) < 7 * 24  # fewer shifts than hour blocks


def test_measured_staff_hours_are_the_rosters_paid_hours_plus_the_measured_overtime(mmc_search):
    """Nothing is paid twice or for free at a hand-over: per replication, the staffed run's
    staff hours are the roster's paid hours plus the overtime it measured."""
    r = mmc_search.roster
    paid = float((r["count"] * r["paid_min"]).sum()) / 60
    reps = mmc_search.staffed.replications
    reps = reps[reps["office"] == "all"].pivot(index="replication", columns="measure", values="value")
    assert reps["staff_hours"].to_numpy() == pytest.approx(paid + reps["overtime_min"].to_numpy() / 60, abs=1e-6)


def test_every_figure_reported_is_the_staffed_runs_measure(mmc_search):
    u = mmc_search.units.set_index(["office", "measure"])
    for run, results in (("baseline", mmc_search.baseline), ("staffed", mmc_search.staffed)):
        for measure in ("staff_hours", "cost", "overtime_min"):
            m = results.summary["measures"][measure]
            assert u.loc[("total", measure), f"{run}_mean"] == pytest.approx(m["mean"])
            assert u.loc[("total", measure), f"{run}_ci_low"] == pytest.approx(m["ci_low"])
        sl = results.summary["measures"]["service_level"]["mean"]
        assert u.loc[("total", "target"), f"{run}_mean"] == pytest.approx(sl, abs=0.02)
    # 5 desks 24/7 against 3 needed: the roster needs fewer paid hours, and says so.
    assert u.loc[("total", "staff_hours"), "change_ci_high"] < 0
    assert mmc_search.verdict().startswith("The roster needs fewer paid hours than the baseline")


def test_the_saved_configs_and_command_reproduce_the_final_run_exactly(mmc_search, tmp_path):
    """The written network and schedule are Hydra configs on a search path (even one
    holding '=' and a space); the printed command's overrides compose the final round's
    config, and simulating it gives the same figures."""
    out = tmp_path / "run=1 a"
    mmc_search.save(out)
    for name in ("roster.parquet", "staffing.parquet", "staffing_rounds.parquet", "staffing.json",
                 "staffing.html", "baseline/summary.json", "staffed/report.html"):
        assert (out / name).stat().st_size > 0, name
    roster = pd.read_parquet(out / "roster.parquet")
    assert {"office", "weekday", "start_min", "end_min", "break_start_min", "break_end_min", "count"} <= set(roster)
    net = yaml.safe_load((out / "configs" / "network" / "mmc_staffed.yaml").read_text())
    assert net.pop("defaults") == ["schema_network", "_self_"]
    args = shlex.split(mmc_search.command(out / "configs"))[1:]
    assert args == mmc_search.overrides(out / "configs")
    res = simoffice.simulate(simoffice.compose(*args, "run.jobs=1", "run.progress=false"), progress=False)
    assert res.summary["measures"] == mmc_search.staffed.summary["measures"]
    doc = json.loads((out / "staffing.json").read_text())
    assert doc["command"] == mmc_search.command(out / "configs") and doc["converged"]


# --- the regional network --------------------------------------------------------------

@pytest.fixture(scope="module")
def regional_search():
    overrides = ("experiment=staffing_search", "design=co_located", "run.weeks=2", "run.warmup_weeks=1",
                 "run.drain_weeks=0", "run.replications=2", "staffing.max_rounds=2", *QUIET)
    cfg = simoffice.compose(*overrides)
    return cfg, search_staffing(cfg, progress=False, overrides=overrides)


def test_regional_offices_and_contact_centre_are_rostered(regional_search):
    cfg, search = regional_search
    assert set(search.roster["office"]) == {"City centre", "Town centre", "Rural centre", "contact centre"}
    t = search.intervals
    assert t.groupby("office", sort=False).size().to_dict() == {
        "City centre": 90, "Town centre": 90, "Rural centre": 90, "contact centre": 100}
    assert (t["requirement"] >= 1).all() and (t["rostered"] >= t["requirement"]).all()


def test_regional_staffed_configs_keep_everything_else(regional_search):
    """Other units keep their staff; the schedule keeps its shifts (the video and expert
    centres use them) and gains the offices' roster shifts."""
    cfg, search = regional_search
    net, sched = search.network, search.schedule
    assert {"full", "peak"} <= set(sched["shifts"])
    assert any(name.startswith("roster_u0_mon_") for name in sched["shifts"])
    assert sched["opening_hours"] == dict(cfg.schedule.opening_hours)
    assert net["video_centre"]["desk_groups"][0]["staff"] == {"full": 1}
    assert net["expert_centre"]["desk_groups"][0]["staff"] == {"full": 2}
    assert all(name.startswith("roster_u3_") for name in net["contact_centre"]["shifts"])
    spec = search.staffed.spec
    assert spec.name == "regional_staffed" and spec.schedule_name == "five_day_staffed"
    assert weekly_staff_hours(spec)[("video centre", "remote advisors")] == 45.0


def test_the_regional_command_carries_the_design_and_the_run_settings(regional_search):
    _, search = regional_search
    args = search.overrides("/tmp/configs")
    assert "design=co_located" in args and "run.replications=2" in args and "run.weeks=2" in args
    assert not any(a.startswith(("experiment=", "staffing.", "task=")) for a in args)
    assert "network=regional_staffed" in args and "schedule=five_day_staffed" in args


def test_the_staffing_page_shows_the_roster_and_measured_figures_and_escapes_names(regional_search, tmp_path):
    _, search = regional_search
    page = build_staffing_html(search, tmp_path)
    for text in ("Staff hours (paid + overtime)", "FTE", "Shifts by day", "Desks needed and rostered",
                 "hydra.searchpath", search.verdict()[:40]):
        assert text in page, text
    evil = "<script>alert(1)</script>"
    for table in (search.intervals, search.roster, search.units):
        table["office"] = table["office"].astype(str).replace("Rural centre", evil)
    page = build_staffing_html(search, tmp_path)
    assert evil not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- the command line ------------------------------------------------------------------

def simoffice_cli(cwd, *args: str) -> subprocess.CompletedProcess:
    """The ``simoffice`` command of this checkout (``main()`` of simoffice.cli.main, as the
    console script calls it)."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([sys.executable, "-c", "from simoffice.cli.main import main; main()", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow  # the experiment's search twice, as commands (make test-slow)
def test_experiment_staffing_search_is_one_command_and_its_printed_command_reproduces_it(tmp_path):
    """`simoffice experiment=staffing_search` writes the roster, prints the measured figures
    and a command; that command, run as printed, gives the staffed run's summary."""
    small = ("run.weeks=1", "run.warmup_weeks=0", "run.drain_weeks=0", "run.replications=2", *QUIET)
    out = tmp_path / "search"
    proc = simoffice_cli(tmp_path, "experiment=staffing_search", "network=mmc", "network.arrivals_per_hour=30",
                         "roster.interval_min=60", "staffing.max_rounds=2", *small, f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    for name in ("staffing.html", "roster.parquet", "staffing.json", "configs/network/mmc_staffed.yaml",
                 "configs/schedule/always_open_staffed.yaml"):
        assert (out / name).exists(), name
    assert "staff h/week" in proc.stdout and "total" in proc.stdout
    command = next(line.strip() for line in proc.stdout.splitlines()
                   if line.strip().startswith("simoffice 'hydra.searchpath="))
    run = simoffice_cli(tmp_path, *shlex.split(command)[1:], f"hydra.run.dir={tmp_path / 'staffed'}")
    assert run.returncode == 0, run.stderr
    again = json.loads((tmp_path / "staffed" / "summary.json").read_text())["measures"]
    assert again == json.loads((out / "staffed" / "summary.json").read_text())["measures"]


def test_a_bad_staffing_setting_is_one_line_naming_the_key(tmp_path):
    proc = simoffice_cli(tmp_path, "experiment=staffing_search", "network=mmc", "staffing.target=speed",
                         f"hydra.run.dir={tmp_path / 'run'}")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "simoffice: config error: staffing.target: expected one of ['service_level', 'asa', 'p_wait', "
        "'abandonment'] (got 'speed')"]
    assert not (tmp_path / "run").exists()


def test_templates_that_cannot_cover_an_interval_are_one_line_naming_it(tmp_path):
    proc = simoffice_cli(tmp_path, "experiment=staffing_search", "network=regional", "run.weeks=1",
                         "run.warmup_weeks=0", "run.replications=1", "roster.templates.part_time=null",
                         "roster.templates.full_time.latest_end=16:00", *QUIET, f"hydra.run.dir={tmp_path / 'run'}")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("simoffice: config error: roster.templates")
    assert "16:" in lines[0] and "City centre" in lines[0]


def test_an_abandonment_target_needs_clients_who_abandon_in_the_pilot():
    """Erlang A needs the clients' patience, measured from the pilot's abandonments."""
    with pytest.raises(ConfigError, match="nobody abandoned at office in the pilot run"):
        search_staffing(simoffice.compose(*MMC, "staffing.target=abandonment"), progress=False)
