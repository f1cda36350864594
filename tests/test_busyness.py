"""Specifications of day-to-day variability (``network.busyness_cv``): a gamma rate factor
per day and zone in the engine, and its fit from a log's daily counts.

A day whose expected count is m has, with busyness CV c, variance m + c² m². The
statistical checks allow four standard errors: the jackknife's for the fitted c², and
√(variance / days) for a weekday's mean count.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest

import simoffice
from simoffice.calibration.busyness import MIN_DAYS, daily_counts, fit_busyness
from simoffice.calibration.calibrate import calibrate, load_schedule
from simoffice.calibration.logs import read_log
from simoffice.calibration.network_yaml import network_yaml
from simoffice.calibration.simulated_logs import ticket_log_from_results, write_log
from simoffice.config.build import build_spec
from simoffice.engine.clients import ClientFactory
from simoffice.engine.streams import stream
from simoffice.errors import ConfigError
from simoffice.vocabulary import DAY, WEEK

from networks import network

Z = 4.0  # standard errors allowed


def gamma_poisson_counts(rng: np.random.Generator, cv: float, weeks: int, means: np.ndarray) -> pd.DataFrame:
    """Daily counts of units (rows of ``means``) on weekdays (columns), Poisson given a gamma
    factor of mean 1 and CV ``cv`` per unit and day."""
    rows = []
    for unit, by_weekday in enumerate(means):
        for weekday, m in enumerate(by_weekday):
            factor = rng.gamma(1 / cv**2, cv**2, weeks) if cv > 0 else np.ones(weeks)
            rows += [(f"unit {unit}", weekday, int(n)) for n in rng.poisson(m * factor)]
    return pd.DataFrame(rows, columns=["unit", "weekday", "count"])


# ---------------------------------------------------------------- the fit


@pytest.mark.parametrize("cv", [0.0, 0.15, 0.3])
def test_the_fit_recovers_the_cv_of_gamma_poisson_counts(cv):
    """Three units, five weekdays of 40 to 200 arrivals a day, 20 weeks: the fitted cv² is
    within four jackknife standard errors of the truth, and the 95 % interval is about cv."""
    rng = np.random.default_rng()
    means = np.array([[40, 60, 80, 100, 120], [80, 90, 100, 110, 120], [200, 150, 120, 100, 90]], dtype=float)
    fit = fit_busyness(gamma_poisson_counts(rng, cv, 20, means))
    assert fit.days == 300 and fit.groups == 15 and not fit.few_days
    assert abs(fit.cv2 - cv**2) <= Z * fit.cv2_se, (fit, cv)
    assert fit.interval[0] <= fit.cv <= fit.interval[1]
    assert fit.cv == pytest.approx(math.sqrt(max(fit.cv2, 0.0)))


def test_poisson_counts_are_not_over_dispersed():
    """Counts exactly at their mean every day vary less than Poisson: the fit is cv 0 (not a
    negative variance), and their variance-to-mean ratio is 0."""
    counts = pd.DataFrame({"unit": "office", "weekday": [0] * 5 + [1] * 5, "count": [50] * 5 + [70] * 5})
    fit = fit_busyness(counts)
    assert fit.cv == 0.0 and fit.cv2 < 0 and fit.dispersion == 0.0


def test_a_fit_from_few_days_is_flagged_and_single_days_are_not_used():
    """A unit and weekday seen on one day says nothing of the variance: it is left out."""
    counts = pd.DataFrame({"unit": ["a", "a", "a", "b"], "weekday": [0, 0, 0, 1], "count": [10, 30, 20, 99]})
    fit = fit_busyness(counts)
    assert (fit.days, fit.groups) == (3, 1)
    assert fit.few_days and MIN_DAYS > 3
    # One group of 10, 30, 20: mean 20, variance 100, so cv² = (100 − 20) / (400 − 100/3).
    assert fit.cv2 == pytest.approx(80 / (400 - 100 / 3))


def test_daily_counts_cover_every_open_day_with_zero_for_an_empty_one():
    """Arrivals per unit and day on its open weekdays only; an open day without arrivals is 0."""
    times = pd.Series(pd.to_datetime(["2026-01-12 09:00", "2026-01-12 10:00", "2026-01-13 09:00",
                                      "2026-01-17 11:00", "2026-01-12 12:00"]))
    units = pd.Series(["A", "A", "A", "A", "B"])
    days = pd.date_range("2026-01-12", "2026-01-18")  # Monday to Sunday
    counts = daily_counts(times, units, days, {"A": {0, 1, 2}, "B": {0}})
    got = {(u, d.strftime("%a")): n for u, d, n in counts[["unit", "day", "count"]].itertuples(index=False)}
    assert got == {("A", "Mon"): 2, ("A", "Tue"): 1, ("A", "Wed"): 0, ("B", "Mon"): 1}
    assert counts["weekday"].tolist() == [0, 1, 2, 0]


# ---------------------------------------------------------------- the engine


def busy_office(cv: float, weeks: int = 60) -> dict:
    """One office with zone demand of 700 bundles a week, weekdays of different weight."""
    cfg = network(per_week=700.0, weeks=weeks, replications=1)
    cfg["network"]["arrival_profile"]["weekdays"] = {"mon": 1.5, "tue": 1.2, "wed": 1.0, "thu": 1.0, "fri": 0.8,
                                                     "sat": 0.5, "sun": 0.0}
    cfg["network"]["busyness_cv"] = cv
    return cfg


def created_per_day(spec, weeks: int, replication: int = 0) -> pd.DataFrame:
    """Bundles created per day in the one zone (the engine's own draws), by weekday."""
    factory = ClientFactory(spec, replication, 0, 0)
    times = np.array([c.created for w in range(weeks) for c in factory.week(w)])
    per_day = np.bincount((times // DAY).astype(int), minlength=weeks * WEEK // DAY)
    days = np.arange(len(per_day))
    weekday = (spec.run.start_weekday + days) % 7
    return pd.DataFrame({"unit": "zone", "weekday": weekday, "count": per_day})


def test_simulated_daily_counts_have_the_variance_of_the_configured_busyness():
    """busyness_cv 0.3: each weekday's mean count stays its Poisson mean m (the factor has mean
    1), and the fit of the simulated days' variance, m + c² m², gives c = 0.3 back."""
    spec = build_spec(busy_office(0.3))
    counts = created_per_day(spec, 60)
    weights = spec.profile.weights.sum(axis=1)
    for weekday, days in counts.groupby("weekday")["count"]:
        m = 700.0 * weights[weekday]
        if m > 0:
            se = math.sqrt((m + 0.09 * m**2) / len(days))
            assert abs(days.mean() - m) <= Z * se, (weekday, days.mean(), m)
    fit = fit_busyness(counts)
    assert fit.groups == 6  # Sunday has no demand
    assert abs(fit.cv2 - 0.09) <= Z * fit.cv2_se, fit


def test_without_busyness_a_zone_draws_its_poisson_arrivals_and_nothing_else():
    """busyness_cv 0 (the default) draws no factor: the arrivals are the profile's Poisson
    process from the arrival stream, as before the key existed."""
    spec = build_spec(busy_office(0.0))
    assert spec.busyness_cv == 0.0
    factory = ClientFactory(spec, 0, 0, 0)
    assert factory.busyness(3) is None
    times = [c.created for c in factory.week(3)]
    expected = spec.profile.sample(stream(spec, 0, 0, "arrivals", 3), 700.0, spec.run.start_weekday,
                                   3 * WEEK, 4 * WEEK)
    assert times == expected.tolist()
    default = copy.deepcopy(busy_office(0.0))
    del default["network"]["busyness_cv"]
    assert build_spec(default).busyness_cv == 0.0


def test_busy_days_are_common_random_numbers():
    """The factors come from the zone's own busyness stream: the same in two runs whatever their
    design, different between weeks and replications, and the day's arrivals follow them."""
    busy = busy_office(0.4)
    other = copy.deepcopy(busy)
    other["design"] = {"name": "co_located", "needs_per_ticket": "one", "other_needs": "same_visit",
                       "cross_trained": False}
    a, b = ClientFactory(build_spec(busy), 0, 0, 0), ClientFactory(build_spec(other), 0, 0, 0)
    assert a.busyness(2).tolist() == b.busyness(2).tolist()
    assert [c.created for c in a.week(2)] == [c.created for c in b.week(2)]
    assert a.busyness(2).tolist() != a.busyness(3).tolist()
    assert a.busyness(2).tolist() != ClientFactory(build_spec(busy), 1, 0, 0).busyness(2).tolist()
    spec = build_spec(busy)
    factors = a.busyness(5)
    cv = spec.busyness_cv  # gamma with shape 1/cv² and scale cv²: mean 1, CV cv
    drawn = stream(spec, 0, 0, "busyness", 5).gamma(1 / cv**2, cv**2, 7)
    assert factors.tolist() == drawn.tolist()


@pytest.mark.parametrize("value, got", [(-0.1, "-0.1"), ("high", "'high'"), (True, "True")])
def test_a_bad_busyness_cv_is_refused_naming_the_key(value, got):
    cfg = busy_office(0.0)
    cfg["network"]["busyness_cv"] = value
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    assert str(info.value).startswith("network.busyness_cv: expected a")
    assert got in str(info.value)


def test_a_synthetic_network_carries_its_busyness():
    spec = build_spec(simoffice.compose("network=synthetic", "network.busyness_cv=0.2"))
    assert spec.busyness_cv == 0.2


# ---------------------------------------------------------------- calibration


def weekday_office(cv: float) -> dict:
    """One office open Mon–Fri 08:00–17:00 (schedule five_day, with its holidays), 600
    single-need bundles a week, nobody reneges or comes back: its daily tickets are its daily
    arrivals (on ordinary days)."""
    cfg = network(per_week=600.0, desks=4, weeks=13, replications=1, design="co_located")
    net = cfg["network"]
    net["arrival_profile"] = {"bin_min": 60, "start": "08:00", "time_of_day": [1.0] * 9,
                              "weekdays": {"mon": 1.3, "tue": 1.0, "wed": 1.0, "thu": 1.0, "fri": 0.7,
                                           "sat": 0, "sun": 0}}
    net["max_visits"] = 1
    net["busyness_cv"] = cv
    net["offices"][0]["desk_groups"][0]["staff"] = {"full": 4}
    cfg["schedule"] = {"name": "five_day", "closing_policy": "serve_waiting", **load_schedule("five_day")}
    return cfg


def test_calibration_fits_the_busyness_of_a_simulated_log_and_writes_it(tmp_path):
    """A simulated office with busyness 0.3: the calibration's fit from its ordinary log days is
    0.3 within four standard errors, and the YAML carries it as network.busyness_cv."""
    results = simoffice.simulate(weekday_office(0.3), progress=False)
    write_log(ticket_log_from_results(results), tmp_path / "tickets.csv")
    cal = calibrate(read_log(tmp_path / "tickets.csv"), name="busy")
    fit = cal.busyness
    # The schedule's two Monday holidays and the Tuesdays after them (which take the
    # holidays' clients as well) are no ordinary days.
    assert len(cal.arrivals.holidays) == len(cal.arrivals.after_holidays) == 2
    assert fit.days == 60 - 4 and fit.groups == 5
    assert abs(fit.cv2 - 0.09) <= Z * fit.cv2_se, fit
    assert cal.network["busyness_cv"] == pytest.approx(fit.cv, rel=0.01)
    assert f"busyness_cv: {cal.network['busyness_cv']}" in network_yaml(cal)
