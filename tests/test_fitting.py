"""Specifications of simoffice.calibration.fitting and .arrivals: distribution fits, censored patience,
Kaplan–Meier, arrival profiles and holidays.

Tolerances come from the sampling spread of the estimator itself (a parametric
bootstrap or a standard error from the information), never from a pinned number.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from simoffice.calibration.arrivals import detect_holidays, fit_arrivals
from simoffice.calibration.fitting import (
    FAMILIES,
    MIN_FOR_TWO_PARAMETERS,
    fit_durations,
    fit_patience,
    kaplan_meier,
)
from simoffice.model.distributions import Exponential, Gamma, Lognormal, Weibull, from_config

N = 2000
BOOTSTRAP = 60
Z = 4.0  # bootstrap standard deviations allowed

TRUE = {
    "exponential": Exponential(8.0),
    "lognormal": Lognormal(12.0, 0.8),
    "gamma": Gamma(10.0, 0.5),
    "weibull": Weibull(10.0, 1.5),
}


def sample(dist, n: int, seed: int) -> np.ndarray:
    return dist.sample(np.random.default_rng(seed), n)


def bootstrap_sd(dist, family: str, n: int) -> tuple[float, float]:
    """Standard deviations of the family's fitted mean and CV over parametric bootstrap samples of size n."""
    rng = np.random.default_rng(99)
    est = np.array([(f.mean, f.cv) for f in (fit_durations(dist.sample(rng, n), (family,)).best
                                              for _ in range(BOOTSTRAP))])
    return float(est[:, 0].std(ddof=1)), float(est[:, 1].std(ddof=1))


@pytest.mark.parametrize("family", FAMILIES)
def test_a_fit_recovers_the_mean_and_cv_of_its_own_family(family):
    """Fitting the true family to 2000 draws gives its mean and CV within 4 bootstrap SDs."""
    dist = TRUE[family]
    fit = fit_durations(sample(dist, N, 1))[family]
    sd_mean, sd_cv = bootstrap_sd(dist, family, N)
    assert abs(fit.mean - dist.mean) <= Z * sd_mean, (fit.mean, dist.mean, sd_mean)
    if family != "exponential":
        assert abs(fit.cv - dist.cv) <= Z * sd_cv, (fit.cv, dist.cv, sd_cv)
    assert sd_mean < 0.05 * dist.mean  # 2000 draws pin the mean to a few per cent


@pytest.mark.parametrize("family", ["lognormal", "gamma", "weibull"])
def test_aic_picks_the_true_family_on_clear_cases(family):
    """With 2000 draws of a two-parameter family far from the exponential (cv ≠ 1), AIC
    chooses it, by a margin of more than 10 over the next family."""
    fits = fit_durations(sample(TRUE[family], N, 2))
    assert fits.best.family == family
    assert fits.fits[1].aic - fits.best.aic > 10, [(f.family, f.aic) for f in fits.fits]


def test_exponential_data_never_rejects_the_exponential():
    """The exponential is nested in the gamma and the Weibull (shape 1): on exponential data
    their extra parameter buys less than AIC's penalty of 2 plus chance, and their CV is near 1."""
    fits = fit_durations(sample(TRUE["exponential"], N, 3))
    assert fits["exponential"].aic - fits.best.aic < 4
    for family in ("gamma", "weibull"):
        assert abs(fits[family].cv - 1) < 4 / math.sqrt(N)


def test_the_fits_report_aic_from_the_log_likelihood_and_a_ks_distance():
    """AIC = 2k − 2 log L with k = 1 for the exponential and 2 otherwise; KS is a distance in [0, 1]."""
    fits = fit_durations(sample(TRUE["lognormal"], 500, 4))
    for f in fits.fits:
        k = 1 if f.family == "exponential" else 2
        assert f.aic == pytest.approx(2 * k - 2 * f.loglik)
        assert 0 < f.ks < 1
    assert fits.best.ks < fits["exponential"].ks


def test_a_fit_is_written_as_a_config_the_model_reads():
    """Fit.config() is a {dist, mean, cv} mapping that from_config turns into the same distribution."""
    fits = fit_durations(sample(TRUE["weibull"], N, 5))
    for f in fits.fits:
        dist = from_config(f.config(), "x")
        assert dist.mean == pytest.approx(f.mean, rel=1e-3)
        assert dist.cv == pytest.approx(f.cv, rel=1e-3)


def test_a_small_sample_gets_only_the_exponential():
    """Fewer values than MIN_FOR_TWO_PARAMETERS: only the one-parameter family is fitted."""
    fits = fit_durations([1.0, 2.0, 3.0])
    assert [f.family for f in fits.fits] == ["exponential"]
    assert fits.best.mean == 2.0
    assert MIN_FOR_TWO_PARAMETERS > 3


def test_durations_must_be_positive():
    with pytest.raises(ValueError, match="> 0"):
        fit_durations([1.0, 0.0, 2.0])


# ---------------------------------------------------------------- censored patience


def censored_waits(patience, n: int, seed: int, service_mean: float = 10.0):
    """Waits that end by service (exponential, mean service_mean) or by leaving (patience)."""
    rng = np.random.default_rng(seed)
    p = patience.sample(rng, n)
    served_after = rng.exponential(service_mean, n)
    return np.minimum(p, served_after), p < served_after


def test_censored_mle_recovers_an_exponential_patience():
    """Patience exponential (mean 30) observed only when shorter than the wait for service:
    the censored MLE θ = Σ t / events is within 4 standard errors (θ / √events, from the
    Fisher information) of 30, while the mean of the reneged waits alone is far too low."""
    t, event = censored_waits(Exponential(30.0), 4000, 6)
    fits = fit_patience(t, event)
    se = 30.0 / math.sqrt(event.sum())
    assert abs(fits["exponential"].mean - 30.0) <= Z * se
    assert t[event].mean() < 30.0 - 10 * se  # ignoring censoring is badly biased
    assert fits.censored == int((~event).sum()) and fits.n == 4000


def test_censored_mle_recovers_a_lognormal_patience_and_aic_prefers_it():
    """Lognormal patience (mean 40, cv 0.6), heavily censored: the lognormal fit's mean and CV
    are within 4 parametric-bootstrap SDs of the truth and AIC chooses it."""
    truth = Lognormal(40.0, 0.6)
    t, event = censored_waits(truth, 6000, 7, service_mean=30.0)
    fits = fit_patience(t, event, ("exponential", "lognormal"))
    boot = np.array([(lambda f: (f.mean, f.cv))(fit_patience(*censored_waits(truth, 6000, 100 + i, 30.0),
                                                             ("lognormal",)).best) for i in range(12)])
    sd_mean, sd_cv = boot.std(axis=0, ddof=1)
    assert fits.best.family == "lognormal"
    assert abs(fits["lognormal"].mean - 40.0) <= Z * sd_mean, (fits["lognormal"].mean, sd_mean)
    assert abs(fits["lognormal"].cv - 0.6) <= Z * sd_cv, (fits["lognormal"].cv, sd_cv)


def test_nobody_leaving_means_no_patience_fit():
    assert fit_patience([1.0, 2.0, 3.0], [False, False, False]) is None


def test_kaplan_meier_matches_a_hand_computed_case():
    """Times 1, 2, 2+, 3, 4+, 5 (+: censored): S = 5/6, 5/6·4/5, ·(1 − 1/3), then 0; a censored
    time equal to an event time is still at risk then; Greenwood's SE at t = 1 is S·√(1/(6·5))."""
    km = kaplan_meier([1, 2, 2, 3, 4, 5], [True, True, False, True, False, True])
    assert km["time"].tolist() == [1, 2, 3, 5]
    assert km["at_risk"].tolist() == [6, 5, 3, 1]
    assert km["events"].tolist() == [1, 1, 1, 1]
    assert km["survival"].tolist() == pytest.approx([5 / 6, 2 / 3, 4 / 9, 0.0])
    assert km["se"].iloc[0] == pytest.approx(5 / 6 * math.sqrt(1 / 30))
    assert km["se"].iloc[1] == pytest.approx(2 / 3 * math.sqrt(1 / 30 + 1 / 20))


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    x = np.array([3.0, 1.0, 2.0, 2.0, 5.0])
    km = kaplan_meier(x, np.ones(5, dtype=bool))
    assert km["survival"].tolist() == pytest.approx([(x > t).mean() for t in km["time"]])


# ---------------------------------------------------------------- holidays and arrivals


def daily_counts(per_weekday: dict[int, float], weeks: int, zero_days=(), seed: int = 8) -> pd.Series:
    """Poisson tickets per day over ``weeks`` weeks from Monday 2026-01-05, some days set to 0."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2026-01-05", periods=7 * weeks, freq="D")
    counts = [0 if d.date() in zero_days else rng.poisson(per_weekday.get(d.day_of_week, 0)) for d in days]
    return pd.Series(counts, index=days)


def test_a_weekday_with_no_tickets_where_others_have_many_is_a_holiday():
    """A Monday with none when Mondays have about 60 is a holiday; weekends (always 0) are not."""
    holiday = dt.date(2026, 1, 19)
    daily = daily_counts({0: 60, 1: 50, 2: 50, 3: 50, 4: 40}, 5, zero_days=[holiday])
    assert detect_holidays(daily) == [holiday]


def test_a_quiet_weekday_without_tickets_is_not_a_holiday():
    """Where a weekday has about 2 tickets, a day with none is ordinary chance (e^-2 ≈ 0.14)."""
    daily = daily_counts({0: 60, 5: 2}, 6, zero_days=[dt.date(2026, 1, 10)])
    assert dt.date(2026, 1, 10) not in detect_holidays(daily)


def ticket_times(per_bin: dict[tuple[int, int], int], dates: list[dt.date]) -> pd.Series:
    """``n`` tickets at hh:mm + k minutes on each date of ``dates`` for each (hour, n)."""
    out = []
    for day in dates:
        for (hour, n), _ in per_bin.items():
            out += [pd.Timestamp(day) + pd.Timedelta(hours=hour, minutes=k) for k in range(n)]
    return pd.Series(out)


def test_arrival_profile_is_the_mean_per_weekday_and_bin_over_ordinary_days():
    """Mondays with 3 tickets at 08:xx and 1 at 09:xx, Tuesdays with 2 at 08:xx, one
    Monday a holiday: rates are per ordinary day; the holiday and the next day with
    tickets (which takes the holiday's clients too) are left out; closed days weigh 0."""
    mondays = [dt.date(2026, 1, 5), dt.date(2026, 1, 12), dt.date(2026, 1, 19)]
    tuesdays = [dt.date(2026, 1, 6), dt.date(2026, 1, 13), dt.date(2026, 1, 20)]
    issued = pd.concat([ticket_times({(8, 3): 1, (9, 1): 1}, mondays[:2]),
                        ticket_times({(8, 2): 1}, tuesdays)], ignore_index=True)
    fit = fit_arrivals(issued, 60, 8 * 60, 10 * 60, dt.date(2026, 1, 5), dt.date(2026, 1, 20),
                       holidays=[dt.date(2026, 1, 19)], detect=False)
    assert fit.rates[0].tolist() == [3.0, 1.0]
    assert fit.rates[1].tolist() == [2.0, 0.0]
    assert fit.days.tolist() == [2, 2, 2, 2, 2, 2, 2]  # 5 Jan – 20 Jan less the holiday and the day after
    assert fit.holidays == {dt.date(2026, 1, 19): "given"}
    assert fit.after_holidays == {dt.date(2026, 1, 20): dt.date(2026, 1, 19)}
    assert fit.per_week == 6.0
    cfg = fit.config()
    assert cfg["start"] == "08:00" and cfg["bin_min"] == 60
    # Weights relative to the mean open day (4 and 2 tickets: 4/3 and 2/3), to 3 significant digits.
    assert cfg["weekdays"] == pytest.approx({"mon": 4 / 3, "tue": 2 / 3, "wed": 0, "thu": 0, "fri": 0, "sat": 0,
                                             "sun": 0}, rel=5e-3)
    assert set(cfg["by_weekday"]) == {"mon", "tue"}
    # The profile's weekday × bin weights are proportional to the rates.
    w = np.array([np.array(cfg["by_weekday"][d]) * cfg["weekdays"][d] for d in ("mon", "tue")])
    assert w / w.sum() == pytest.approx(fit.rates[:2] / fit.rates.sum(), rel=5e-3)


def test_arrival_profile_detects_a_holiday_by_itself():
    """With detection on, a Monday with no ticket among busy Mondays is left out of the rates."""
    mondays = [dt.date(2026, 1, 5) + dt.timedelta(weeks=k) for k in range(4)]
    issued = ticket_times({(8, 20): 1}, [d for d in mondays if d != mondays[2]])
    fit = fit_arrivals(issued, 60, 8 * 60, 9 * 60, mondays[0], mondays[-1])
    assert fit.holidays == {mondays[2]: "detected"}
    assert fit.rates[0, 0] == 20.0
