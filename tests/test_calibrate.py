"""Specifications of simoffice.calibration.calibrate: from a queue-system log to a network that runs.

The round trip simulates a known office, exports its tickets as a ticket log,
calibrates, and checks the fitted parameters against the truth (within standard
errors of their sample sizes) and the re-simulated measures against the
original's confidence intervals. The command line is run as a user runs it.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.offline
import pytest
from omegaconf import OmegaConf
from scipy import stats

import simoffice
from simoffice.calibration.calibrate import calibrate, load_schedule
from simoffice.calibration.fitting import fit_patience
from simoffice.calibration.logs import read_log
from simoffice.calibration.network_yaml import network_yaml
from simoffice.calibration.simulated_logs import call_log_from_results, ticket_log_from_results, write_log
from simoffice.cli.calibrate import main
from simoffice.config.build import build_spec
from simoffice.config.compose import CONFIG_DIR

from conftest import interval, per_replication

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "experiments" / "data" / "sample_ticket_log.csv"
SAMPLE_YAML = ROOT / "configs" / "network" / "sample_office.yaml"
Z = 4.0  # standard errors allowed
CO_LOCATED = {"name": "co_located", "needs_per_ticket": "one", "other_needs": "same_visit", "cross_trained": False}
WEEKDAYS_OPEN = ("mon", "tue", "wed", "thu", "fri")


def calibrate_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The console script (or, where it is not installed, the same module) in a subprocess."""
    script = Path(sys.executable).parent / "simoffice-calibrate"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "simoffice.cli.calibrate"]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess, start: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(start), lines[0]
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- a known office


def truth(replications: int = 1, seed: int = 11, certificate_mean: float = 12.0) -> dict:
    """One office open Mon–Fri 08:00–17:00 (schedule five_day: shifts full and peak, two holidays
    in the log's weeks), two single-need services, exponential patience, returns."""
    return {
        "network": {
            "kind": "explicit", "name": "truth", "max_visits": 6, "return_after_days": 1,
            "arrival_profile": {"bin_min": 60, "start": "08:00",
                                "time_of_day": [0.9, 1.3, 1.3, 1.2, 0.7, 0.9, 1.1, 1.0, 0.6],
                                "weekdays": {"mon": 1.25, "tue": 1.05, "wed": 1.0, "thu": 0.95, "fri": 0.85,
                                             "sat": 0, "sun": 0}},
            "segments": {"clients": {"share": 1.0, "patience": {"dist": "exponential", "mean": 30.0},
                                     "return_prob": 0.6, "informed_share": 1.0, "channels": {"walk_in": 1.0}}},
            "services": {
                "certificate": {"skill": "cert", "service_time": {"dist": "lognormal", "mean": certificate_mean,
                                                                 "cv": 0.8},
                                "missing_document_prob": 0.10},
                "allowance": {"skill": "allow", "service_time": {"dist": "exponential", "mean": 8.0},
                              "missing_document_prob": 0.05},
            },
            "bundles": {"certificate": {"needs": ["certificate"], "share": 0.45},
                        "allowance": {"needs": ["allowance"], "share": 0.55}},
            "offices": [{"name": "Office", "bundles_per_week": 520.0, "desk_groups": [
                {"name": "general desks", "skills": ["cert", "allow"], "staff": {"full": 2, "peak": 1}},
                {"name": "allowance desks", "skills": ["allow"], "staff": {"full": 1}}]}],
        },
        "schedule": load_schedule("five_day"),
        "design": dict(CO_LOCATED),
        "run": {"weeks": 9, "warmup_weeks": 1, "drain_weeks": 1, "replications": replications, "seed": seed,
                "jobs": 1, "service_level_target_min": 15.0, "coverage_target_min": 30.0,
                "start_date": "2026-01-12", "progress": False},
    }


@pytest.fixture
def round_trip(tmp_path_factory):
    """Simulate the truth once, export its tickets, calibrate; then simulate the truth and the
    calibrated network with 10 replications each (same schedule, design and run)."""
    tmp = tmp_path_factory.mktemp("round_trip")
    one = simoffice.simulate(truth(1), progress=False)
    write_log(ticket_log_from_results(one), tmp / "tickets.csv")
    log = read_log(tmp / "tickets.csv")
    cal = calibrate(log, name="calibrated")
    original = simoffice.simulate(truth(10, seed=5), progress=False)
    cfg = truth(10, seed=5)
    cfg["network"] = {"kind": "explicit", **cal.network}
    again = simoffice.simulate(cfg, progress=False)
    return {"log": log, "cal": cal, "original": original, "again": again, "one": one}


def check_service_times_are_recovered(round_trip):
    """Each service's chosen fit has the true mean within 4 standard errors (cv·mean/√n);
    the lognormal service is recognised as such and its CV is within 4 delta-method SEs."""
    cal = round_trip["cal"]
    for name, mean, cv in (("certificate", 12.0, 0.8), ("allowance", 8.0, 1.0)):
        fits = cal.service_fits[name]
        se = cv * mean / math.sqrt(fits.n)
        assert abs(fits.best.mean - mean) <= Z * se, (name, fits.best.mean, mean, se)
    cert = cal.service_fits["certificate"]
    assert cert.best.family == "lognormal"
    sigma = math.sqrt(math.log1p(0.8**2))  # cv = sqrt(exp(σ²) − 1); SE(σ̂) = σ / √(2n)
    se_cv = sigma * math.exp(sigma**2) / 0.8 * sigma / math.sqrt(2 * cert.n)
    assert abs(cert.best.cv - 0.8) <= Z * se_cv, (cert.best.cv, se_cv)
    # The exponential service: its CV is 1 within sampling error, whatever family AIC prefers.
    assert abs(cal.service_fits["allowance"].best.cv - 1.0) <= Z / math.sqrt(cal.service_fits["allowance"].n) * 1.5


def check_patience_is_recovered_from_censored_waits(round_trip):
    """The exponential patience (mean 30) from reneged waits and the censored waits of the
    served: within 4 standard errors θ/√(clients who left)."""
    p = round_trip["cal"].patience
    events = p.n - p.censored
    assert events > 100
    assert abs(p["exponential"].mean - 30.0) <= Z * 30.0 / math.sqrt(events), (p["exponential"].mean, events)


def check_demand_returns_hours_and_staff_are_recovered(round_trip):
    cal = round_trip["cal"]
    (office,) = cal.offices
    weeks = 8  # the log's measured weeks
    assert abs(office.bundles_per_week - 520) <= Z * math.sqrt(520 * weeks) / weeks, office.bundles_per_week
    for service, p in (("certificate", 0.10), ("allowance", 0.05)):
        share, n = cal.returns.missing_document_prob[service]
        assert abs(share - p) <= Z * math.sqrt(p * (1 - p) / n), (service, share, n)
    share, n = cal.returns.return_prob
    assert abs(share - 0.6) <= Z * math.sqrt(0.6 * 0.4 / n), (share, n)
    assert cal.returns.return_after_days == 1
    assert office.opening_hours == {**{d: "08:00-17:00" for d in WEEKDAYS_OPEN}, "sat": None, "sun": None}
    groups = {g.name: (g.services, g.staff) for g in office.desk_groups}
    assert groups == {"general desks": (("allowance", "certificate"), {"full": 2, "peak": 1}),
                      "allowance desks": (("allowance",), {"full": 1})}
    assert cal.arrivals.holidays == {dt.date(2026, 2, 23): "detected", dt.date(2026, 3, 9): "detected"}


def check_arrival_profile_matches_the_truth(round_trip):
    """Tickets per weekday × hour on the ordinary days follow the true profile: a chi-square
    test of the counts against the truth's shares does not reject it (p > 0.001)."""
    a = round_trip["cal"].arrivals
    spec = build_spec(truth(1))
    w = spec.profile.weights[:5, 8:17]
    expected_share = (w * a.days[:5, None]) / (w * a.days[:5, None]).sum()
    observed = a.rates[:5] * a.days[:5, None]
    stat, p = stats.chisquare(observed.ravel(), expected_share.ravel() * observed.sum())
    assert p > 1e-3, (stat, p)


def check_resimulated_measures_fall_in_the_original_intervals(round_trip):
    """Mean wait and utilisation of the calibrated network, 10 replications, against the
    original's 10: the two 95 % intervals overlap (each run's own interval, since the
    calibration's estimation error adds to the simulation noise)."""
    original, again = round_trip["original"], round_trip["again"]
    for measure in ("wait_mean_min", "utilisation"):
        lo1, hi1 = interval(per_replication(original, measure))
        lo2, hi2 = interval(per_replication(again, measure))
        assert lo2 <= hi1 and lo1 <= hi2, (measure, (lo1, hi1), (lo2, hi2))


def check_network_builds_and_holds_one_bundle_per_service(round_trip):
    net = round_trip["cal"].network
    assert set(net["bundles"]) == {"certificate", "allowance"}
    assert all(b["needs"] == [name] for name, b in net["bundles"].items())
    assert sum(b["share"] for b in net["bundles"].values()) == pytest.approx(1.0, abs=1e-3)
    assert net["segments"]["clients"]["patience"]["dist"] in ("exponential", "weibull", "gamma", "lognormal")


def test_round_trip(round_trip):
    """Simulate a known office, export its tickets, calibrate, re-simulate: each check below.

    (One test rather than six: under pytest-xdist each worker running one of them
    would simulate the round trip again.)"""
    check_service_times_are_recovered(round_trip)
    check_patience_is_recovered_from_censored_waits(round_trip)
    check_demand_returns_hours_and_staff_are_recovered(round_trip)
    check_arrival_profile_matches_the_truth(round_trip)
    check_resimulated_measures_fall_in_the_original_intervals(round_trip)
    check_network_builds_and_holds_one_bundle_per_service(round_trip)


# ---------------------------------------------------------------- the sample log


@pytest.fixture(scope="module")
def sample():
    return calibrate(read_log(SAMPLE), name="sample_office")


def test_the_sample_log_is_small_and_documented():
    assert SAMPLE.stat().st_size < 1_000_000
    assert "sample_ticket_log.csv" in (ROOT / "README.md").read_text()


def test_the_committed_sample_office_is_what_the_readme_command_writes(tmp_path, capsys):
    """configs/network/sample_office.yaml holds what the README's command writes from the sample log."""
    out = tmp_path / "sample_office.yaml"
    main([str(SAMPLE), "--out", str(out), "--report", str(tmp_path / "calibration.html")])
    written = OmegaConf.to_container(OmegaConf.load(out))
    committed = OmegaConf.to_container(OmegaConf.load(SAMPLE_YAML))
    assert written == committed
    assert "Network config:" in capsys.readouterr().out


def test_the_sample_calibration_finds_the_documented_scenario(sample):
    """single_office under five_day: one office open Mon–Fri 08:00–17:00, its two desk groups
    with their shifts, the 23 February holiday, lognormal service times with the true means."""
    (office,) = sample.offices
    assert office.opening_hours == {**{d: "08:00-17:00" for d in WEEKDAYS_OPEN}, "sat": None, "sun": None}
    assert {g.name: g.staff for g in office.desk_groups} == {"family desks": {"full": 2, "peak": 1},
                                                             "pension desks": {"full": 1}}
    assert sample.arrivals.holidays == {dt.date(2026, 2, 23): "detected"}
    for name, mean, cv in (("status_certificate", 12, 0.8), ("utility_compensation", 10, 1.0),
                           ("pension_consultation", 11, 1.1)):
        fits = sample.service_fits[name]
        assert fits.best.family == "lognormal"
        assert abs(fits.best.mean - mean) <= Z * cv * mean / math.sqrt(fits.n), (name, fits.best.mean)


def test_the_written_yaml_composes_and_runs_as_a_network_option(sample, tmp_path, monkeypatch):
    """Placed in (a copy of) configs/network, the YAML is an option of the network group:
    simoffice.compose("network=NAME") composes it and it runs, with either design."""
    configs = tmp_path / "configs"
    shutil.copytree(CONFIG_DIR, configs)
    (configs / "network" / "calibrated_office.yaml").write_text(network_yaml(sample))
    monkeypatch.setattr(simoffice.config.compose, "CONFIG_DIR", configs)
    for design in ("co_located", "one_stop"):
        cfg = simoffice.compose("network=calibrated_office", f"design={design}", "run.weeks=2",
                                "run.warmup_weeks=1", "run.drain_weeks=0", "run.replications=1", "run.jobs=1",
                                "run.progress=false")
        assert cfg.network.name == "sample_office"
        res = simoffice.simulate(cfg, progress=False)
        assert (res.contacts["outcome"] == "served").sum() > 100


def test_the_yaml_starts_with_its_origin_and_the_defaults_of_a_network(sample):
    text = network_yaml(sample, source="experiments/data/sample_ticket_log.csv")
    lines = text.splitlines()
    assert lines[0] == "# Calibrated by simoffice-calibrate from experiments/data/sample_ticket_log.csv:"
    first = next(line for line in lines if not line.startswith("#"))
    assert first == "defaults: [schema_network, _self_]"


# ---------------------------------------------------------------- the command line


def test_the_command_writes_the_config_the_page_and_a_summary(tmp_path):
    out, report = tmp_path / "net" / "mine.yaml", tmp_path / "calibration.html"
    result = calibrate_cli(tmp_path, str(SAMPLE), "--out", str(out), "--report", str(report), "--bin-min", "30")
    assert result.returncode == 0, result.stderr
    assert out.is_file() and report.is_file()
    cfg = OmegaConf.to_container(OmegaConf.load(out))
    assert cfg["arrival_profile"]["bin_min"] == 30 and len(cfg["arrival_profile"]["time_of_day"]) == 18
    page = report.read_text()
    for title in ("Service times", "Kaplan–Meier", "Desks on duty", "Tickets per day", "issued outside"):
        assert title in page, title
    # Offline: plotly.js inlined once, and no script loads anything from elsewhere.
    bundle = plotly.offline.get_plotlyjs()
    assert page.count(bundle) == 1
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, flags=re.I)
    for text in ("lognormal", "AIC", "KS", "patience", "Holidays", "2026-02-23", str(out), str(report)):
        assert text in result.stdout, text


def test_the_command_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "mine.yaml"
    out.write_text("keep me\n")
    result = calibrate_cli(tmp_path, str(SAMPLE), "--out", str(out), "--report", str(tmp_path / "c.html"))
    assert_one_line_error(result, "simoffice-calibrate: --out: expected a file that does not exist yet, or --force")
    assert out.read_text() == "keep me\n"
    main([str(SAMPLE), "--out", str(out), "--report", str(tmp_path / "c.html"), "--force"])
    assert out.read_text().startswith("# Calibrated by simoffice-calibrate")


@pytest.mark.parametrize("name", ["..yaml", ".hidden.yaml", " .yaml", "a=b.yaml"])
def test_an_out_file_whose_name_cannot_name_the_network_is_refused(tmp_path, name):
    result = calibrate_cli(tmp_path, str(SAMPLE), "--out", str(tmp_path / name))
    assert_one_line_error(result, "simoffice-calibrate: --out: expected a file whose name names the network")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def bad_log(tmp_path: Path, change) -> Path:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(40)
    frame = change(frame)
    path = tmp_path / "bad.csv"
    if isinstance(frame, str):
        path.write_text(frame)
    else:
        frame.to_csv(path, index=False)
    return path


def _set(column, row, value):
    def change(frame):
        frame = frame.copy()
        frame.loc[row - 1, column] = value
        return frame
    return change


@pytest.mark.parametrize("change,message", [
    (lambda f: f.drop(columns=["issued_at"]), "issued_at: expected a column 'issued_at'"),
    (_set("issued_at", 7, "7 o'clock"), "issued_at row 7: expected a timestamp"),
    (_set("service_end", 5, "2026-01-19 08:00:00"), "service_end row 5: expected a time at or after called_at"),
    (_set("called_at", 9, "2026-01-01 08:00:00"), "called_at row 9: expected a time at or after issued_at"),
    (lambda f: "", "bad.csv: expected a log with a header row and at least one record (got an empty file)"),
], ids=["missing column", "unparseable timestamp", "service end before call", "negative wait", "empty file"])
def test_a_bad_log_is_one_line_naming_column_and_row_with_exit_status_2(tmp_path, change, message):
    path = bad_log(tmp_path, change)
    result = calibrate_cli(tmp_path, str(path), "--out", str(tmp_path / "x.yaml"))
    assert_one_line_error(result, "simoffice-calibrate: log error: ")
    assert message in result.stderr
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize("options,message", [
    (("--bin-min", "7"), "simoffice-calibrate: --bin-min: expected a divisor of 1440"),
    (("--schedule", "weekends"), "simoffice-calibrate: --schedule: expected one of ['five_day', "
                                 "'five_day_lunch_closed', 'five_day_staggered', 'mon_thu']"),
    (("--holidays", "23.02.2026"), "simoffice-calibrate: --holidays: expected ISO dates"),
    (("--return-window-days", "0"), "simoffice-calibrate: --return-window-days: expected an integer >= 1"),
], ids=["bin", "schedule", "holidays", "window"])
def test_bad_options_are_one_line_errors(tmp_path, capsys, options, message):
    with pytest.raises(SystemExit) as info:
        main([str(SAMPLE), "--out", str(tmp_path / "x.yaml"), *options])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(message), err
    assert not (tmp_path / "x.yaml").exists()


# ---------------------------------------------------------------- options and other logs


def test_given_holidays_and_odd_rows_are_reported(tmp_path):
    """A given holiday is left out even with tickets on it (they are odd rows); a repeated id
    and a zero service time are counted in the summary and on the page, not dropped silently."""
    from simoffice.calibration.summary import format_summary
    from simoffice.reports.calibration import build_calibration_html

    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame = pd.concat([frame, frame.iloc[[3]]], ignore_index=True)  # a repeated ticket id
    served = frame.index[frame["outcome"] == "served"][10]
    frame.loc[served, "service_end"] = frame.loc[served, "called_at"]  # a zero service time
    frame.to_csv(tmp_path / "odd.csv", index=False)
    cal = calibrate(read_log(tmp_path / "odd.csv"), name="odd", holidays=[dt.date(2026, 1, 21)])
    assert cal.arrivals.holidays[dt.date(2026, 1, 21)] == "given"
    summary, page = format_summary(cal), build_calibration_html(cal)
    for text in (f"1 records repeating an earlier ticket_id (row {len(frame)})",
                 f"1 served tickets with a zero service time (row {served + 1})",
                 "tickets on a holiday"):
        assert text in summary, text
    assert "records repeating an earlier ticket_id" in page and "tickets on a holiday" in page


def test_without_client_ids_every_ticket_is_demand_and_nobody_returns(tmp_path):
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).drop(columns=["client_id"])
    frame.to_csv(tmp_path / "anon.csv", index=False)
    cal = calibrate(read_log(tmp_path / "anon.csv"), name="anon")
    assert not cal.returns.with_ids
    assert cal.network["segments"]["clients"]["return_prob"] == 0
    assert all(s["missing_document_prob"] == 0 for s in cal.network["services"].values())
    with_ids = calibrate(read_log(SAMPLE), name="ids")
    assert cal.offices[0].bundles_per_week > with_ids.offices[0].bundles_per_week  # returns count as demand


def test_a_call_log_adds_a_contact_centre(tmp_path):
    """Calls of a contact centre: the network gets a contact centre with the callers' patience,
    phone times and agents on its own shift, and a zone of callers with the calls' volume and times."""
    from networks import contact_centre

    cfg = truth(1)
    cfg["network"]["contact_centre"] = contact_centre(2, skills=("allow",), patience_mean=3.0)
    cc = cfg["network"]["contact_centre"]
    cc["opening_hours"] = {d: "08:00-17:00" for d in WEEKDAYS_OPEN}
    cc["shifts"] = {"day": {"start": "08:00", "end": "17:00", "days": list(WEEKDAYS_OPEN)}}
    cc["desk_groups"][0]["staff"] = {"day": 2}
    cfg["network"]["services"]["allowance"].update(phone="settle", phone_time={"dist": "exponential", "mean": 5.0})
    cfg["network"]["segments"]["clients"]["channels"] = {"walk_in": 0.7, "phone": 0.3}
    res = simoffice.simulate(cfg, progress=False)
    write_log(ticket_log_from_results(res), tmp_path / "t.csv")
    write_log(call_log_from_results(res), tmp_path / "c.csv")
    out = tmp_path / "with_calls.yaml"
    main([str(tmp_path / "t.csv"), "--calls", str(tmp_path / "c.csv"), "--out", str(out),
          "--report", str(tmp_path / "cal.html")])
    net = OmegaConf.to_container(OmegaConf.load(out))
    centre = net["contact_centre"]
    assert centre["desk_groups"][0]["skills"] == ["allowance"]
    # Agents on shifts of the centre's own, from the agents' activity: every open minute has
    # an agent, and the agent-hours are those of the truth's 2 agents 08:00–17:00 within 20 %
    # (a quiet agent's first call comes some time after the opening).
    staff, shifts = centre["desk_groups"][0]["staff"], centre["shifts"]
    minutes = lambda t: int(t[:2]) * 60 + int(t[3:])  # noqa: E731
    cover = np.zeros(1440, int)
    for name, n in staff.items():
        cover[minutes(shifts[name]["start"]):minutes(shifts[name]["end"])] += n
    assert (cover[8 * 60:17 * 60] >= 1).all()
    assert abs(cover.sum() / 60 - 2 * 9) <= 0.2 * 2 * 9
    assert net["services"]["allowance by phone"]["phone"] == "settle" and "certificate by phone" not in net["services"]
    assert net["services"]["allowance by phone"]["skill"] == "allowance" and "phone" not in net["services"]["allowance"]
    calls = read_log(tmp_path / "c.csv").frame
    waits = calls[calls["wait_ok"]]
    fits = fit_patience(waits["wait_min"], waits["outcome"] == "abandoned")
    events = fits.n - fits.censored
    assert abs(fits["exponential"].mean - 3.0) <= Z * 3.0 / math.sqrt(events)  # callers' patience: mean 3 min
    assert centre["patience"] == fits.best.config()
    # The callers are a zone of their own who phone, as many a week as the truth's first calls
    # (0.3 of the allowance demand, 0.55 × 520 a week) and at the calls' times; the office's
    # clients walk in.
    callers = net["zones"]["callers"]
    assert abs(callers["population"] / (0.3 * 0.55 * 520) - 1) < 0.15
    assert net["segments"]["callers"]["channels"] == {"phone": 1.0}
    assert net["segments"]["clients of Office"]["channels"] == {"walk_in": 1.0}
    assert callers["arrival_profile"]["start"] == "08:00"
    cfg2 = copy.deepcopy(truth(1))
    cfg2["network"] = {"kind": "explicit", **{k: v for k, v in net.items() if k != "defaults"}}
    build_spec(cfg2)
