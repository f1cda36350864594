"""Fitting the model's inputs to observations from a log.

Two kinds of estimates, each a pure function of arrays:

- **durations** (:func:`fit_durations`): maximum-likelihood fits of the
  exponential, lognormal, gamma and Weibull families to a sample of service
  times, ranked by Akaike's information criterion AIC = 2k − 2 log L, with the
  Kolmogorov–Smirnov distance of each fit to the sample as a check of fit;
- **patience** (:func:`fit_patience`): the same families fitted to waits of
  which only some end by the client leaving. A client who was served waited
  *less* than their patience: their wait is a right-censored observation, and
  the likelihood is Π f(t) over those who left times Π S(t) over those who were
  served. The Kaplan–Meier estimator (:func:`kaplan_meier`) gives the
  distribution-free survival curve to compare the fits with.

The arrival profile is estimated in :mod:`simoffice.calibration.arrivals`.

Fitted distributions are described by their mean and coefficient of variation,
as in :mod:`simoffice.model.distributions`, so a fit is written into a config as it is.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, stats

from simoffice.model import distributions

__all__ = [
    "FAMILIES", "Fit", "Fits", "fit_durations", "fit_patience", "kaplan_meier", "scipy_distribution",
    "round_significant",
]

FAMILIES = ("exponential", "lognormal", "gamma", "weibull")
N_PARAMS = {"exponential": 1, "lognormal": 2, "gamma": 2, "weibull": 2}
# Durations are recorded to the second: a duration of 0 (a client called at the
# second they took a ticket, who then left) is treated as half a second.
MIN_DURATION = 0.5 / 60
# Fewer observations (or, for patience, fewer clients who left) than this and
# only the exponential is fitted: two parameters would describe noise.
MIN_FOR_TWO_PARAMETERS = 20
# The Kaplan–Meier curve is compared with a fit only where this many are at risk.
KM_MIN_AT_RISK = 20


def scipy_distribution(family: str, mean: float, cv: float):
    """The frozen ``scipy.stats`` distribution of a family with this mean and CV."""
    if family == "exponential":
        return stats.expon(scale=mean)
    if family == "lognormal":
        s2 = math.log1p(cv * cv)
        return stats.lognorm(s=math.sqrt(s2), scale=mean * math.exp(-s2 / 2))
    if family == "gamma":
        return stats.gamma(a=1 / cv**2, scale=mean * cv**2)
    if family == "weibull":
        d = distributions.Weibull(mean, cv)
        return stats.weibull_min(d.shape, scale=d.scale)
    raise ValueError(f"Unknown family {family!r}")


def _mean_cv(family: str, frozen) -> tuple[float, float]:
    m, v = frozen.stats(moments="mv")
    return float(m), float(math.sqrt(v) / m)


@dataclass(frozen=True)
class Fit:
    """One family fitted by maximum likelihood.

    Attributes:
        family: ``exponential``, ``lognormal``, ``gamma`` or ``weibull``.
        mean, cv: the fitted distribution's mean and coefficient of variation.
        loglik: the maximised log-likelihood.
        aic: 2 × parameters − 2 × loglik (lower is better).
        ks: the largest gap between the fitted distribution function and the
            sample's empirical one (for censored data: the Kaplan–Meier curve),
            over the observed times.
        n: observations (for censored data: all of them, censored included).
    """

    family: str
    mean: float
    cv: float
    loglik: float
    aic: float
    ks: float
    n: int

    @property
    def frozen(self):
        """The fitted ``scipy.stats`` distribution."""
        return scipy_distribution(self.family, self.mean, self.cv)

    def config(self, digits: int = 4) -> dict:
        """The fit as a config mapping: ``{dist, mean}`` or ``{dist, mean, cv}``."""
        out = {"dist": self.family, "mean": round_significant(self.mean, digits)}
        if self.family != "exponential":
            out["cv"] = round_significant(self.cv, digits)
        return out

    def distribution(self) -> distributions.Distribution:
        return distributions.from_config(self.config(digits=12), self.family)


@dataclass(frozen=True)
class Fits:
    """Every family fitted to one sample, best (lowest AIC) first."""

    fits: tuple[Fit, ...]
    n: int
    censored: int = 0

    @property
    def best(self) -> Fit:
        return self.fits[0]

    def __getitem__(self, family: str) -> Fit:
        for f in self.fits:
            if f.family == family:
                return f
        raise KeyError(family)

    def __contains__(self, family: str) -> bool:
        return any(f.family == family for f in self.fits)


def round_significant(x: float, digits: int) -> float:
    """``x`` to ``digits`` significant digits."""
    if x == 0 or not math.isfinite(x):
        return float(x)
    return float(round(x, digits - 1 - int(math.floor(math.log10(abs(x))))))


def _clean(x: Iterable[float]) -> np.ndarray:
    x = np.asarray(list(x) if not isinstance(x, np.ndarray) else x, dtype=float)
    return x[np.isfinite(x)]


# --------------------------------------------------------------- complete samples


def fit_durations(x: Sequence[float], families: Sequence[str] = FAMILIES) -> Fits:
    """Fit each family to a sample of positive durations by maximum likelihood.

    The exponential and lognormal have closed-form estimates; the gamma and
    Weibull are fitted by ``scipy.stats`` with the location fixed at 0. With
    fewer than :data:`MIN_FOR_TWO_PARAMETERS` values only the exponential is fitted.

    Raises:
        ValueError: an empty sample or a value <= 0.
    """
    x = _clean(x)
    if x.size == 0:
        raise ValueError("Empty sample")
    if (x <= 0).any():
        raise ValueError(f"Durations must be > 0 (got {x.min()})")
    if x.size < MIN_FOR_TWO_PARAMETERS:
        families = ("exponential",)
    fits = []
    for family in families:
        if family == "exponential":
            frozen = stats.expon(scale=x.mean())
        elif family == "lognormal":
            logs = np.log(x)
            frozen = stats.lognorm(s=max(logs.std(), 1e-9), scale=math.exp(logs.mean()))
        elif family == "gamma":
            a, _, scale = stats.gamma.fit(x, floc=0)
            frozen = stats.gamma(a, scale=scale)
        elif family == "weibull":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                c, _, scale = stats.weibull_min.fit(x, 1.0, floc=0, scale=x.mean())
            frozen = stats.weibull_min(c, scale=scale)
        else:
            raise ValueError(f"Unknown family {family!r}")
        loglik = float(frozen.logpdf(x).sum())
        mean, cv = _mean_cv(family, frozen)
        ks = float(stats.kstest(x, frozen.cdf).statistic)
        fits.append(Fit(family, mean, cv, loglik, 2 * N_PARAMS[family] - 2 * loglik, ks, int(x.size)))
    fits.sort(key=lambda f: f.aic)
    return Fits(tuple(fits), int(x.size))


# --------------------------------------------------------------- censored samples


def kaplan_meier(t: Sequence[float], event: Sequence[bool]) -> pd.DataFrame:
    """The Kaplan–Meier estimate of the survival function.

    Args:
        t: observed times (a wait that ended by leaving, or by being served).
        event: True where the time is an event (the client left), False where
            it is censored (the client was served before running out of patience).

    Returns:
        A row per distinct event time: ``time``, ``at_risk`` (observations with
        a time >= it), ``events``, ``survival`` S(t) = Π (1 − events / at_risk)
        over event times <= t, and ``se`` (Greenwood's standard error). A
        censored time equal to an event time counts as still at risk then.
    """
    t = np.asarray(t, dtype=float)
    event = np.asarray(event, dtype=bool)
    ok = np.isfinite(t)
    t, event = t[ok], event[ok]
    times = np.unique(t[event])
    order = np.sort(t)
    at_risk = t.size - np.searchsorted(order, times, side="left")
    events = np.bincount(np.searchsorted(times, t[event]), minlength=times.size)
    factor = 1.0 - events / at_risk
    survival = np.cumprod(factor)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(at_risk > events, events / (at_risk * (at_risk - events)), np.inf)
        se = np.where(survival > 0, survival * np.sqrt(np.cumsum(terms)), np.nan)
    return pd.DataFrame({"time": times, "at_risk": at_risk, "events": events, "survival": survival, "se": se})


def _censored_loglik(frozen, t_event: np.ndarray, t_cens: np.ndarray) -> float:
    return float(frozen.logpdf(t_event).sum() + frozen.logsf(t_cens).sum())


def _params_to_frozen(family: str, p: np.ndarray):
    if family == "lognormal":
        return stats.lognorm(s=math.exp(p[1]), scale=math.exp(p[0]))
    if family == "gamma":
        return stats.gamma(math.exp(p[0]), scale=math.exp(p[1]))
    if family == "weibull":
        return stats.weibull_min(math.exp(p[0]), scale=math.exp(p[1]))
    raise ValueError(family)


def _km_distance(frozen, km: pd.DataFrame) -> float:
    """Largest gap between a fitted survival function and the Kaplan–Meier curve,
    where at least :data:`KM_MIN_AT_RISK` observations are still at risk (beyond,
    the curve rests on a handful of clients and its steps are noise)."""
    part = km[km["at_risk"] >= KM_MIN_AT_RISK]
    if part.empty:
        return float("nan")
    return float(np.max(np.abs(frozen.sf(part["time"].to_numpy()) - part["survival"].to_numpy())))


def fit_patience(t: Sequence[float], event: Sequence[bool], families: Sequence[str] = FAMILIES) -> Fits | None:
    """Fit each family to right-censored waits by maximum likelihood.

    The exponential has the closed form θ = Σ t / (number of events); the
    two-parameter families maximise Σ log f(t_event) + Σ log S(t_censored)
    numerically (Nelder–Mead on the log of their parameters, started from the
    exponential). ``ks`` is the largest gap between the fitted survival and the
    Kaplan–Meier curve at the event times. Returns None when nobody left (the
    data say nothing about patience beyond "longer than every wait").
    """
    t = np.asarray(t, dtype=float)
    event = np.asarray(event, dtype=bool)
    ok = np.isfinite(t) & (t >= 0)
    t, event = t[ok], event[ok]
    n_events = int(event.sum())
    if n_events == 0:
        return None
    t_event = np.maximum(t[event], MIN_DURATION)
    t_cens = t[~event]
    km = kaplan_meier(np.where(event, np.maximum(t, MIN_DURATION), t), event)
    if n_events < MIN_FOR_TWO_PARAMETERS:
        families = ("exponential",)
    theta = float((t_event.sum() + t_cens.sum()) / n_events)
    fits = []
    for family in families:
        if family == "exponential":
            frozen = stats.expon(scale=theta)
        else:
            start = {"lognormal": (math.log(theta) - 0.5 * math.log(2), math.log(math.sqrt(math.log(2)))),
                     "gamma": (0.0, math.log(theta)),
                     "weibull": (0.0, math.log(theta))}[family]

            def nll(p, family=family):
                try:
                    v = -_censored_loglik(_params_to_frozen(family, p), t_event, t_cens)
                except (ValueError, OverflowError, FloatingPointError):
                    return 1e300
                return v if math.isfinite(v) else 1e300

            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = optimize.minimize(nll, np.array(start), method="Nelder-Mead",
                                        options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000})
            frozen = _params_to_frozen(family, res.x)
        loglik = _censored_loglik(frozen, t_event, t_cens)
        with np.errstate(all="ignore"):
            mean, cv = _mean_cv(family, frozen)
        if not (math.isfinite(mean) and math.isfinite(cv) and mean > 0 and cv > 0) or not math.isfinite(loglik):
            continue  # a family whose moments do not exist at the optimum (a very heavy tail)
        ks = _km_distance(frozen, km)
        fits.append(Fit(family, mean, cv, loglik, 2 * N_PARAMS[family] - 2 * loglik, ks, int(t.size)))
    fits.sort(key=lambda f: f.aic)
    return Fits(tuple(fits), int(t.size), censored=int(t.size - n_events))
