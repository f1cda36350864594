"""Specifications of the calibration's check: the model against the log, and the records behind every fit.

:mod:`simoffice.calibration.validation` simulates a calibrated network over its
log's calendar and judges each observed value against the replications' 95 %
prediction interval. If the model is the process that wrote the log, about 5 %
of the values fall outside by chance; a wrong model is flagged. The measures are
read from both sides with one yardstick (:mod:`simoffice.calibration.log_measures`),
checked here on a log small enough to count by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_calibrate import truth

import simoffice
from simoffice.calibration.calibrate import calibrate, load_schedule
from simoffice.calibration.log_measures import measure_log, ticket_contacts
from simoffice.calibration.logs import read_log
from simoffice.calibration.sample_sizes import MINIMUM, fit_sizes, small_fits
from simoffice.calibration.simulated_logs import ticket_log_from_results, write_log
from simoffice.calibration.summary import format_check, format_summary
from simoffice.calibration.validation import check_against_log, compare, simulation_config
from simoffice.cli.calibrate import main
from simoffice.reports.calibration import build_calibration_html

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "experiments" / "data" / "sample_ticket_log.csv"
MEASURES = {"arrivals", "wait_mean_min", "service_level", "abandonment_rate", "utilisation"}


# ---------------------------------------------------------------- one yardstick, counted by hand


def hand_made_log() -> pd.DataFrame:
    """Monday 2026-01-19, one office, desk A: two clients served (waits 4 and 20 min, services
    09:04–09:14 and 09:30–09:50), one left after 30 min, one no-show; desk B one client at 10:00
    (no wait, 10:00–10:30)."""
    t = lambda hm: pd.Timestamp(f"2026-01-19 {hm}")  # noqa: E731
    nat = pd.NaT
    return pd.DataFrame({
        "office": ["O"] * 5,
        "issued": [t("09:00"), t("09:10"), t("09:20"), t("09:30"), t("10:00")],
        "called": [t("09:04"), t("09:30"), t("09:50"), nat, t("10:00")],
        "ended": [t("09:14"), t("09:50"), nat, nat, t("10:30")],
        "desk": ["A", "A", None, None, "B"],
        "outcome": ["served", "served", "reneged", "no_show", "served"],
    })


def test_the_measures_of_a_log_are_counted_as_the_simulator_counts_them():
    """Arrivals a week over the period; mean wait of the served; service level = served within
    the target / queued; abandonment = left / queued; utilisation = service over each desk's
    span from first call to last end (here: A 09:04–09:50 with 30 service minutes, B 10:00–10:30 busy)."""
    period = pd.date_range("2026-01-19", "2026-01-25")  # one week
    contacts = ticket_contacts(hand_made_log(), target_min=15)
    unit = measure_log(contacts, period, "unit").set_index("measure")
    assert set(unit.index) == MEASURES
    assert unit.loc["arrivals", "value"] == 4 and unit.loc["arrivals", "n"] == 4  # the no-show never came
    assert unit.loc["wait_mean_min", "value"] == pytest.approx((4 + 20 + 0) / 3)
    assert unit.loc["service_level", "value"] == pytest.approx(2 / 4)
    assert unit.loc["abandonment_rate", "value"] == pytest.approx(1 / 4)
    assert unit.loc["utilisation", "value"] == pytest.approx((30 + 30) / (46 + 30))
    assert unit.loc["utilisation", "n"] == pytest.approx(76 / 60)  # desk hours on duty
    hour = measure_log(contacts, period, "hour")
    nine = hour[(hour["hour"] == 9)].set_index("measure")
    assert nine.loc["arrivals", "value"] == 3  # one Monday in the period: 3 arrivals a Monday at 09:00
    # Hour 09: A on duty 09:04–09:50 (46 min), busy 30 min.
    assert nine.loc["utilisation", "value"] == pytest.approx(30 / 46)
    assert (hour["unit"] == "offices").all()


def test_the_prediction_interval_is_for_one_more_log_and_shares_are_judged_with_half_a_record_of_slack():
    """mean ± t(R−1)·s·√(1 + 1/R); values from too few records are shown, not judged."""
    sims = [pd.DataFrame({"unit": ["O", "O", "O"], "measure": ["wait_mean_min", "service_level", "utilisation"],
                          "value": [v, 0.9 + d, 0.5], "n": [100, 100, 100]})
            for v, d in zip([4.0, 5.0, 6.0, 5.0], [0.0, 0.01, -0.01, 0.0])]
    observed = pd.DataFrame({"unit": ["O", "O", "O"], "measure": ["wait_mean_min", "service_level", "utilisation"],
                             "value": [9.0, 0.93, 0.7], "n": [100, 100, 5]})
    out = compare(observed, sims, ["unit"]).set_index("measure")
    s = np.std([4, 5, 6, 5], ddof=1)
    half = stats.t.ppf(0.975, 3) * s * math.sqrt(1 + 1 / 4)
    assert out.loc["wait_mean_min", "simulated"] == pytest.approx(5.0)
    assert out.loc["wait_mean_min", "high"] == pytest.approx(5.0 + half)
    assert out.loc["wait_mean_min", "ci_high"] == pytest.approx(5.0 + stats.t.ppf(0.975, 3) * s / 2)
    assert out.loc["wait_mean_min", "verdict"] == "outside"  # 9 > 5 + 2.60
    # 93 of 100 in time: above the band's 92.9 %, but within half a record (0.5 %) of it.
    assert out.loc["service_level", "high"] < 0.93 <= out.loc["service_level", "high"] + 0.5 / 100
    assert out.loc["service_level", "verdict"] == "inside"
    assert out.loc["utilisation", "verdict"] == "few data"  # 5 desk hours


# ---------------------------------------------------------------- the check, statistically


def office(service_mean: float = 12.0) -> dict:
    """The office of test_calibrate's ``truth``: open Mon–Fri 08:00–17:00 (schedule five_day,
    its holiday of 23 February in the log's weeks), two single-need services, exponential
    patience, returns; certificates take ``service_mean`` minutes on average."""
    return truth(certificate_mean=service_mean)["network"]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A log of six weeks (19 January – 27 February 2026) that the office above wrote, and its calibration."""
    cfg = {"network": office(), "schedule": load_schedule("five_day"),
           "design": {"name": "co_located", "needs_per_ticket": "one", "other_needs": "same_visit",
                      "cross_trained": False},
           "run": {"weeks": 7, "warmup_weeks": 1, "drain_weeks": 1, "replications": 1, "seed": 17, "jobs": 1,
                   "start_date": "2026-01-12", "progress": False}}
    path = tmp_path_factory.mktemp("check") / "tickets.csv"
    write_log(ticket_log_from_results(simoffice.simulate(cfg, progress=False)), path)
    return calibrate(read_log(path), name="calibrated")


def test_the_check_simulates_the_logs_own_calendar(written):
    """Whole weeks from the Monday of the log's first day, after a warm-up week; the log's
    holidays (not the schedule's own) closed; the written network and the co_located design."""
    cfg = simulation_config(written, load_schedule("five_day"), replications=3, seed=1)
    assert cfg["run"]["start_date"] == "2026-01-12" and cfg["run"]["warmup_weeks"] == 1
    assert cfg["run"]["weeks"] == 7 and cfg["run"]["replications"] == 3
    assert cfg["schedule"]["holidays"] == ["2026-02-23"]
    assert cfg["network"]["offices"] == written.network["offices"]
    assert cfg["design"]["name"] == "co_located"


def test_a_log_the_model_wrote_falls_outside_its_prediction_intervals_about_one_time_in_twenty(written):
    """The true network, checked against its own log over 10 replications: the judged
    weekday × hour values fall outside their 95 % prediction intervals at about the 5 % rate.
    Bound: 12 % (with ~200 judged values, 5 % + 4.5 binomial standard errors; neighbouring
    hours share a queue, which widens the spread a little)."""
    truth = {k: v for k, v in office().items() if k != "kind"}
    check = check_against_log(dataclasses.replace(written, network=truth), load_schedule("five_day"),
                              replications=10, seed=99)
    outside, judged = check.outside("hours")
    assert judged >= 150, judged
    assert outside / judged <= 0.12, (outside, judged)
    assert set(check.units["measure"]) == MEASURES and set(check.units["unit"]) == {"Office"}
    assert (check.units["low"] <= check.units["simulated"]).all()
    assert (check.units["simulated"] <= check.units["high"]).all()


def test_a_wrong_model_is_flagged(written):
    """Certificates taking 18 minutes instead of 12: the office's utilisation and mean wait are
    outside their prediction intervals, and more than 10 % of the weekday × hour values (twice the
    chance rate; a log of the true model gave 3–7 % in trials)."""
    wrong = {k: v for k, v in office(service_mean=18.0).items() if k != "kind"}
    check = check_against_log(dataclasses.replace(written, network=wrong), load_schedule("five_day"),
                              replications=10, seed=99)
    verdict = check.units.set_index("measure")["verdict"]
    assert verdict["utilisation"] == "outside" and verdict["wait_mean_min"] == "outside"
    outside, judged = check.outside("hours")
    assert outside / judged > 0.10, (outside, judged)


def test_the_calibrated_network_reproduces_its_office(written):
    """The calibrated network against its log, per office: arrivals, mean wait and service level
    inside their prediction intervals (each could fail 1 time in 20 by chance: at 99.9 % here,
    so that the test fails only on a real misfit)."""
    check = check_against_log(written, load_schedule("five_day"), replications=10, seed=7, level=0.999)
    verdict = check.units.set_index("measure")["verdict"]
    for measure in ("arrivals", "wait_mean_min", "service_level"):
        assert verdict[measure] == "inside", check.units


# ---------------------------------------------------------------- sample sizes


def test_every_fit_shows_its_sample_and_the_small_ones_are_flagged():
    """The sample log: 29 clients who left (patience) and 12 tickets behind return_prob are
    below their minimums (30 each); every other fit has enough."""
    cal = calibrate(read_log(SAMPLE), name="sample_office")
    sizes = {f.what: f for f in fit_sizes(cal)}
    assert sizes["patience"].n == 29 and sizes["return_prob"].n == 12
    assert {f.what for f in small_fits(cal)} == {"patience", "return_prob"}
    assert sizes["service time of status_certificate"].n == cal.service_fits["status_certificate"].n
    assert sizes["arrival profile, Mon"].n == cal.arrivals.days[0]
    summary = format_summary(cal)
    assert "Warning: 2 fits from fewer records than the documented minimum" in summary
    assert "return_prob: n = 12 tickets counted (fewer than 30)" in summary
    page = build_calibration_html(cal)
    assert "Sample sizes" in page and page.count("below the minimum: a rough value") == 2


def test_a_tiny_log_gets_a_warning_for_every_fit(tmp_path):
    """The first 59 tickets of the sample log (one morning): every fit is below its minimum."""
    lines = SAMPLE.read_text().splitlines()[:60]
    (tmp_path / "tiny.csv").write_text("\n".join(lines) + "\n")
    cal = calibrate(read_log(tmp_path / "tiny.csv"), name="tiny")
    small = small_fits(cal)
    assert {f.kind for f in small} >= {"service time", "arrival profile", "office"}
    assert "office Social centre: n = 1 ordinary open days (fewer than 10)" in format_summary(cal)
    assert all(MINIMUM[f.kind][0] == f.minimum for f in small)


# ---------------------------------------------------------------- the command


def test_the_command_prints_the_model_against_the_log_and_puts_it_on_the_page(tmp_path, capsys):
    out, page = tmp_path / "mine.yaml", tmp_path / "calibration.html"
    main([str(SAMPLE), "--out", str(out), "--report", str(page), "--check-replications", "3"])
    printed = capsys.readouterr().out
    assert "The model against the log (2026-01-19 to 2026-02-27, 3 replications" in printed
    rows = [line for line in printed.splitlines() if line.startswith("Social centre")]
    assert len(rows) == 5 and all(line.split()[-1] in ("inside", "outside", "few data") for line in rows)
    assert "By weekday × hour (offices pooled" in printed
    html = page.read_text()
    assert 'id="check"' in html and 'id="cal-check-0"' in html and "prediction" in html


def test_the_check_can_be_left_out_and_needs_two_replications(tmp_path, capsys):
    out, page = tmp_path / "mine.yaml", tmp_path / "calibration.html"
    main([str(SAMPLE), "--out", str(out), "--report", str(page), "--check-replications", "0"])
    assert "The model against the log" not in capsys.readouterr().out
    assert "Not checked" in page.read_text()
    with pytest.raises(SystemExit) as info:
        main([str(SAMPLE), "--out", str(tmp_path / "x.yaml"), "--check-replications", "1"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines() == ["simoffice-calibrate: --check-replications: expected 0 (no check) or an integer "
                                ">= 2 (got 1)"]


def test_the_check_table_reads_as_text(written):
    """The terminal table names the period, the replications and the service-level target."""
    check = check_against_log(written, load_schedule("five_day"), replications=2, seed=3)
    text = format_check(check)
    assert f"{dt.date(2026, 1, 19)} to {dt.date(2026, 2, 27)}, 2 replications, seed 3" in text
    assert "waited at most 15 min" in text
    assert check.units.shape[0] == 5
