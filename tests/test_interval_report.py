"""Interval reports (ACD half-hours) as the input of a contact centre: reading, Erlang A,
callers' patience from abandonment and ASA, and the command's ``--intervals``.

The round trip simulates an M/M/5+M queue with simoffice (exponential patience of
mean 20 min), sums its calls into half-hour intervals as an ACD would, and fits the
patience back: the estimate is a censored exponential MLE in aggregate, whose
standard error is θ/√(abandoned calls), so it must fall within four of them.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import simoffice
from simoffice.calibration.calls import POOLED
from simoffice.calibration.fitting import fit_patience
from simoffice.calibration.interval_patience import erlang_a_intervals, patience_rate
from simoffice.calibration.interval_report import fit_interval_report, interval_report_from_calls, read_interval_report
from simoffice.calibration.logs import LogError
from simoffice.calibration.simulated_logs import ticket_log_from_results
from simoffice.calibration.table import column_map
from simoffice.cli.calibrate import main
from simoffice.measures.erlang_a import erlang_a, erlang_a_served_wait_mean

from networks import simulate_calibration

SAMPLE_LOG = Path(__file__).parent.parent / "experiments" / "data" / "sample_ticket_log.csv"


# ---------------------------------------------------------------------- Erlang A


@pytest.mark.parametrize("agents, lam, mu, theta", [
    (5, 0.5, 0.1, 0.05),      # offered load 5 on 5 agents
    (1, 0.9, 1.0, 0.2),
    (50, 6.0, 0.1, 0.5),      # overload: 60 erlangs on 50 agents
    (20, 3.0, 0.1, 0.01),     # long patience
    (200, 30.0, 0.16, 0.3),   # a large centre
])
def test_erlang_a_for_many_intervals_agrees_with_the_scalar_oracle(agents, lam, mu, theta):
    """P(wait), P(abandon), the mean wait of all callers and the ASA are simoffice.measures.erlang_a's."""
    r = erlang_a_intervals([lam, lam], [mu, mu], [agents, agents], theta)
    exact = erlang_a(agents, lam, mu, theta)
    assert r.p_wait == pytest.approx(exact.p_wait, rel=1e-9, abs=1e-15)
    assert r.p_abandon == pytest.approx(exact.abandon_prob, rel=1e-9, abs=1e-15)
    wait_all = r.wait_served * (1 - r.p_abandon) + r.wait_abandoned * r.p_abandon
    assert wait_all == pytest.approx(exact.wait_mean, rel=1e-9, abs=1e-15)
    assert r.wait_served == pytest.approx(erlang_a_served_wait_mean(agents, lam, mu, theta), rel=1e-9, abs=1e-15)


def test_fractional_agents_lie_between_the_whole_numbers_around_them():
    r = erlang_a_intervals([1.0, 1.0, 1.0], [0.2, 0.2, 0.2], [5, 5.5, 6], 0.1)
    assert r.p_abandon[0] > r.p_abandon[1] > r.p_abandon[2]
    assert r.p_abandon[1] == pytest.approx((r.p_abandon[0] + r.p_abandon[2]) / 2)


def test_erlang_a_refuses_a_patience_rate_that_is_not_positive():
    with pytest.raises(ValueError, match="patience_rate"):
        erlang_a_intervals([1.0], [0.2], [3], 0.0)


def test_with_the_time_to_abandon_patience_is_the_censored_exponential_mle_of_the_calls():
    """Given every interval's mean time to abandon, θ = abandoned / minutes waited: the per-call
    censored MLE, to the report's rounding (0.1 s)."""
    rng = np.random.default_rng(5)
    n = 3000
    arrived = pd.Timestamp("2026-03-02 08:00") + pd.to_timedelta(np.sort(rng.uniform(0, 600, n)), unit="min")
    wait = rng.exponential(2.0, n)
    gone = rng.random(n) < 0.2
    t = lambda m: arrived + pd.to_timedelta(m, unit="min")  # noqa: E731
    calls = pd.DataFrame({"arrived_at": arrived, "answered_at": t(np.where(gone, np.nan, wait)),
                          "abandoned_at": t(np.where(gone, wait, np.nan)),
                          "ended_at": t(np.where(gone, np.nan, wait + 4.0))})
    rep = interval_report_from_calls(calls, 30, agents=4)
    theta = patience_rate(rep["offered"] / 30, 1 / (rep["aht"] / 60), rep["agents"], rep["handled"],
                          rep["asa"].fillna(0) / 60, rep["abandoned"], rep["abandon_time"] / 60)
    per_call = fit_patience(wait, gone)["exponential"].mean
    assert 1 / theta == pytest.approx(per_call, rel=1e-3)


# ---------------------------------------------------------------------- round trip


@pytest.fixture(scope="module")
def simulated_report(tmp_path_factory) -> dict:
    """An M/M/5+M contact centre open 24/7 (30 calls an hour, 10-min calls, patience of
    mean 20 min) simulated for two measured weeks, as a half-hour interval report."""
    cfg = simoffice.compose("run.progress=false", "run.jobs=1", "network=mmc", "network.servers=5",
                            "network.service_mean_min=10", "network.arrivals_per_hour=30",
                            "network.patience_mean_min=20", "run.weeks=3", "run.warmup_weeks=1",
                            "run.drain_weeks=0", "run.replications=1", "run.seed=7")
    tickets = ticket_log_from_results(simoffice.simulate(cfg, progress=False))
    answered = tickets["outcome"] == "served"
    calls = pd.DataFrame({"arrived_at": tickets["issued_at"], "answered_at": tickets["called_at"].where(answered),
                          "abandoned_at": tickets["called_at"].where(~answered),
                          "ended_at": tickets["service_end"]})
    report = interval_report_from_calls(calls, 30, agents=5)
    folder = tmp_path_factory.mktemp("intervals")
    paths = {}
    for name, frame in (("with_abandon_time", report),
                        ("without", report.drop(columns=["abandon_time"]))):
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False, date_format="%Y-%m-%d %H:%M:%S")
    return {"paths": paths, "report": report}


@pytest.mark.parametrize("which, how", [("without", "erlang_a"), ("with_abandon_time", "abandon_time")])
def test_patience_of_a_simulated_centre_is_recovered_from_its_interval_report(simulated_report, which, how):
    """Mean patience within 4 standard errors (20 min / √abandoned) of the 20 min simulated."""
    notes: list[str] = []
    fit = fit_interval_report(read_interval_report(simulated_report["paths"][which]), ["calls"], notes)
    assert fit.intervals.patience_from == how
    abandoned = fit.intervals.abandoned
    assert abandoned > 1000
    assert fit.patience.best.family == "exponential"
    assert abs(fit.patience.best.mean - 20.0) < 4 * 20.0 / math.sqrt(abandoned)
    assert any("Erlang A" in n for n in notes)


def test_calls_call_times_hours_and_agents_of_a_simulated_centre(simulated_report):
    """Calls a week within 4 Poisson standard errors of 30 × 168 (two weeks observed), call
    times within 4 standard errors of 10 min, open around the clock, 5 agents at every hour."""
    fit = fit_interval_report(read_interval_report(simulated_report["paths"]["without"]), ["calls"], [])
    per_week = 30 * 168
    assert abs(fit.calls_per_week - per_week) < 4 * math.sqrt(2 * per_week) / 2
    handled = fit.intervals.handled
    assert abs(fit.call_times[POOLED].best.mean - 10.0) < 4 * 10.0 / math.sqrt(handled)
    assert set(fit.opening_hours.values()) == {"00:00-24:00"}
    assert np.allclose(fit.agents.scheduled, 5.0)
    assert fit.intervals.interval_min == 30


# ---------------------------------------------------------------------- an office-hours report


def office_hours_report(path: Path, **changes) -> Path:
    """Four weeks, Mon–Fri 08:00–18:00 in half hours: 20 calls offered, 18 handled and 2
    abandoned each, AHT 4:05, ASA 35 s, 4 agents before noon and 3 after; ``changes``:
    column -> {row: value} (rows from 1)."""
    rows = []
    for day in pd.date_range("2026-03-02", "2026-03-27", freq="D"):
        if day.day_of_week >= 5:
            continue
        for k in range(16, 36):
            rows.append({"Interval Start": (day + pd.Timedelta(minutes=30 * k)).strftime("%Y-%m-%d %H:%M"),
                         "Offered": 20, "Handled": 18, "Abandoned": 2, "AHT": "4:05", "ASA": "35",
                         "Agents": 4 if k < 24 else 3})
    frame = pd.DataFrame(rows)
    for column, values in changes.items():
        for row, value in values.items():
            frame[column] = frame[column].astype(object)
            frame.loc[row - 1, column] = value
    frame.to_csv(path, index=False)
    return path


def test_an_office_hours_report_gives_its_hours_profile_and_agents_on_shifts(tmp_path):
    fit = fit_interval_report(read_interval_report(office_hours_report(tmp_path / "r.csv")), ["calls"], [])
    hours = fit.opening_hours
    assert [hours[d] for d in ("mon", "tue", "wed", "thu", "fri")] == ["08:00-18:00"] * 5
    assert hours["sat"] is None and hours["sun"] is None
    assert fit.calls_per_week == pytest.approx(5 * 20 * 20)
    profile = fit.intervals.profile
    assert profile.shape == (7, 48)
    assert np.allclose(profile[:5, 16:36], 20.0) and profile[:5, :16].sum() == 0 and profile[5:].sum() == 0
    # The centre's own arrival profile, over its opening hours.
    assert fit.arrivals.start_min == 8 * 60 and fit.arrivals.bin_min == 30
    assert np.allclose(fit.arrivals.rates[:5], 20.0) and fit.arrivals.per_week == pytest.approx(2000)
    # The shifts put on duty exactly the agents staffed: 4 until noon, 3 after, weekdays only.
    assert np.allclose(fit.agents.scheduled, fit.agents.on_duty)
    assert fit.agents.on_duty[0, 8 * 4] == 4 and fit.agents.on_duty[0, 12 * 4] == 3
    assert fit.call_times[POOLED].best.mean == pytest.approx(245 / 60)
    assert fit.intervals.asa_min == pytest.approx(35 / 60)
    assert fit.intervals.abandoned_share == pytest.approx(0.1)


def test_durations_are_read_as_seconds_or_clock_durations(tmp_path):
    path = office_hours_report(tmp_path / "r.csv", AHT={1: "0:04:05", 2: "245", 3: "245,0", 4: "04:05"})
    f = read_interval_report(path).frame
    assert np.allclose(f["aht_min"].head(5), 245 / 60)


@pytest.mark.parametrize("changes, message", [
    ({"Offered": {3: "-1"}}, "offered row 3: expected a whole number >= 0 (got '-1')"),
    ({"AHT": {2: "soon"}}, "aht row 2: expected seconds (245) or a duration such as 4:05 or 0:04:05 (got 'soon')"),
    ({"ASA": {4: ""}}, "asa row 4: expected the ASA of an interval with handled calls (got '')"),
    ({"Agents": {5: "many"}}, "agents row 5: expected a number >= 0 (got 'many')"),
    ({"Interval Start": {2: "2026-03-02 08:40"}}, "interval_start row 2: expected a start on the 30-minute grid"),
])
def test_a_bad_report_is_refused_naming_the_column_and_the_first_row(tmp_path, changes, message):
    with pytest.raises(LogError) as err:
        read_interval_report(office_hours_report(tmp_path / "r.csv", **changes))
    assert str(err.value).startswith(message)


def test_an_export_with_its_own_names_and_a_date_and_a_time_column_is_read_through_the_mapping(tmp_path):
    path = office_hours_report(tmp_path / "r.csv")
    frame = pd.read_csv(path)
    start = pd.to_datetime(frame.pop("Interval Start"))
    frame.insert(0, "Date", start.dt.strftime("%y%m%d"))
    frame.insert(1, "Time", start.dt.strftime("%-H:%M:%S"))
    frame = frame.rename(columns={"AHT": "Avg Handle Time"})
    frame.to_csv(path, sep=";", index=False)
    cmap = column_map(["interval_start=Date+Time", "aht=Avg Handle Time"], kind="intervals")
    log = read_interval_report(path, time_format="%y%m%d %H:%M:%S", column_map=cmap)
    assert log.frame["start"].iloc[0] == pd.Timestamp("2026-03-02 08:00")
    assert log.frame["aht_min"].iloc[0] == pytest.approx(245 / 60)


def test_a_report_without_a_required_column_is_refused(tmp_path):
    path = office_hours_report(tmp_path / "r.csv")
    pd.read_csv(path).drop(columns=["Agents"]).to_csv(path, index=False)
    with pytest.raises(LogError, match=r"^agents: expected a column 'agents'"):
        read_interval_report(path)


def test_odd_intervals_are_counted_not_dropped(tmp_path):
    path = office_hours_report(tmp_path / "r.csv", Offered={1: "25", 2: "25"}, Agents={3: "0"})
    log = read_interval_report(path)
    odd = {o.what: o.rows for o in log.odd}
    assert odd["intervals whose offered is not handled + abandoned"] == (1, 2)
    assert odd["intervals with handled calls and no agents"] == (3,)
    assert len(log.frame) == 400 and not log.frame.loc[2, "patience_ok"]


# ---------------------------------------------------------------------- the command


def test_the_command_adds_a_contact_centre_from_an_interval_report(tmp_path, capsys):
    report = office_hours_report(tmp_path / "report.csv")
    out = tmp_path / "net.yaml"
    main([str(SAMPLE_LOG), "--intervals", str(report), "--out", str(out), "--report", str(tmp_path / "c.html"),
          "--check-replications", "0"])
    printed = capsys.readouterr().out
    assert "interval report" in printed and "Erlang A" in printed
    cc = yaml.safe_load(out.read_text())["contact_centre"]
    assert cc["patience"]["dist"] == "exponential" and cc["patience"]["mean"] > 0
    assert cc["opening_hours"]["mon"] == "08:00-18:00" and cc["opening_hours"]["sat"] is None
    assert sum(cc["desk_groups"][0]["staff"].values()) >= 3


def test_the_command_refuses_a_call_log_and_an_interval_report_together(tmp_path, capsys):
    report = office_hours_report(tmp_path / "report.csv")
    with pytest.raises(SystemExit) as exit_:
        main([str(SAMPLE_LOG), "--intervals", str(report), "--calls", str(report), "--out", str(tmp_path / "n.yaml")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not both" in err


def test_an_interval_report_alone_calibrates_a_contact_centre_that_reproduces_it(simulated_report, tmp_path):
    """No ticket or call log: the report's centre (open around the clock, 5 agents) becomes a
    contact-centre network whose simulation gives the report's abandoned share and ASA within
    20 %. (The centre runs at a load of 1, where waits are most sensitive: the profile of
    calls offered, estimated per half-hour from two weeks, carries their chance ups and downs,
    which alone add about a point to the abandoned share and 6 % to the mean wait: measured
    against the same network with a flat profile, which is within 2 % of Erlang A.)"""
    from simoffice.calibration.calibrate import calibrate

    report = simulated_report["report"]
    cal = calibrate(None, name="from_intervals", intervals=read_interval_report(simulated_report["paths"]["without"]))
    cc = cal.network["contact_centre"]
    assert set(cc["opening_hours"].values()) == {"00:00-24:00"}
    res = simulate_calibration(cal, tmp_path, "run.weeks=2", "run.warmup_weeks=1", "run.drain_weeks=0",
                               "run.replications=3")
    c = res.contacts
    c = c[c["in_window"].to_numpy() & (c["channel"].astype(str) == "phone").to_numpy()]
    served = (c["outcome"].astype(str) == "served").to_numpy()
    abandoned = (c["outcome"].astype(str) == "reneged").to_numpy()
    simulated = {"abandoned": abandoned.sum() / (served.sum() + abandoned.sum()),
                 "asa": float((c["start_min"] - c["arrival_min"])[served].mean())}
    observed = {"abandoned": report["abandoned"].sum() / (report["handled"].sum() + report["abandoned"].sum()),
                "asa": float((report["asa"] * report["handled"]).sum() / report["handled"].sum() / 60)}
    for measure in ("abandoned", "asa"):
        assert abs(simulated[measure] / observed[measure] - 1) < 0.20, (measure, simulated, observed)


def test_the_command_takes_an_interval_report_alone(simulated_report, tmp_path, capsys):
    out = tmp_path / "centre.yaml"
    main(["--intervals", str(simulated_report["paths"]["with_abandon_time"]), "--out", str(out),
          "--report", str(tmp_path / "c.html")])
    printed = capsys.readouterr().out
    assert "calls offered" in printed and "not checked against the log" in printed
    net = yaml.safe_load(out.read_text())
    assert net["segments"]["clients"]["channels"] == {"phone": 1.0} and "contact_centre" in net
    assert (tmp_path / "c.html").is_file()
