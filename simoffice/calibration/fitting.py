"""Fitting the model's inputs to observations from a log.

Three kinds of estimates, each a pure function of arrays:

- **durations** (:func:`fit_durations`): maximum-likelihood fits of the
  exponential, lognormal, gamma and Weibull families to a sample of service
  times, ranked by Akaike's information criterion AIC = 2k − 2 log L, with the
  Kolmogorov–Smirnov distance of each fit to the sample as a check of fit;
- **patience** (:func:`fit_patience`): the same families fitted to waits of
  which only some end by the client leaving. A client who was served waited
  *less* than their patience: their wait is a right-censored observation, and
  the likelihood is Π f(t) over those who left times Π S(t) over those who were
  served. The Kaplan–Meier estimator (:func:`kaplan_meier`) gives the
  distribution-free survival curve to compare the fits with;
- **arrivals** (:func:`fit_arrivals`): the mean number of tickets per weekday ×
  time-of-day bin over the days the offices were open, with public holidays
  given or detected (:func:`detect_holidays`: a day with no ticket at all when
  the same weekday usually has many).

Fitted distributions are described by their mean and coefficient of variation,
as in :mod:`simoffice.model.distributions`, so a fit is written into a config as it is.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, stats

from simoffice.model import distributions
from simoffice.vocabulary import DAY, hhmm

__all__ = [
    "FAMILIES", "Fit", "Fits", "fit_durations", "fit_patience", "kaplan_meier", "scipy_distribution",
    "ArrivalFit", "fit_arrivals", "detect_holidays",
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
# A day with no ticket is a holiday when its weekday usually has so many that
# a day without any would happen by chance with probability below this
# (Poisson: exp(-median) < 0.001, a median of 7 or more tickets).
HOLIDAY_ALPHA = 1e-3


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
        out = {"dist": self.family, "mean": _round(self.mean, digits)}
        if self.family != "exponential":
            out["cv"] = _round(self.cv, digits)
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


def _round(x: float, digits: int) -> float:
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


# --------------------------------------------------------------- arrivals


def detect_holidays(daily: pd.Series, alpha: float = HOLIDAY_ALPHA) -> list[dt.date]:
    """Days with no ticket whose weekday usually has many.

    Args:
        daily: tickets per calendar day, indexed by every date of the log's
            period (days with none included, as 0).
        alpha: a day is a holiday if a day without tickets would have
            probability below ``alpha`` were it an ordinary day of its weekday
            (Poisson with the weekday's median count of the other days).
    """
    dates = pd.to_datetime(pd.Index(daily.index))
    counts = pd.Series(np.asarray(daily, dtype=float), index=dates)
    out = []
    for wd in range(7):
        days = counts[dates.day_of_week == wd]
        for day, n in days.items():
            if n > 0:
                continue
            others = days.drop(day)
            if len(others) and math.exp(-float(others.median())) < alpha:
                out.append(day.date())
    return sorted(out)


@dataclass
class ArrivalFit:
    """The arrival profile estimated from tickets.

    Attributes:
        bin_min: width of a time-of-day bin (minutes, divides 1440).
        start_min: clock time of the first bin (minutes since midnight).
        rates: (7, bins) mean tickets per day of each weekday in each bin, Monday first.
        days: (7,) days of each weekday counted (the period's days less holidays
            and the days after them).
        holidays: days left out, with why (``"given"`` or ``"detected"``).
        after_holidays: the first day with tickets after each holiday (-> the
            holiday): left out too, since it also takes the holiday's clients.
        daily: tickets per day of the period (for the report).
        per_day_bins: tickets per day × bin (rows: dates; for the report).
    """

    bin_min: int
    start_min: int
    rates: np.ndarray
    days: np.ndarray
    holidays: dict[dt.date, str] = field(default_factory=dict)
    after_holidays: dict[dt.date, dt.date] = field(default_factory=dict)
    daily: pd.Series | None = None
    per_day_bins: pd.DataFrame | None = None

    @property
    def per_week(self) -> float:
        """Tickets in an ordinary week: the sum of the weekday means."""
        return float(self.rates.sum())

    def config(self, digits: int = 3) -> dict:
        """The ``arrival_profile`` block: every weekday's weight (its share of the
        week, relative to the mean open day) and own bins (relative to its mean bin)."""
        from simoffice.vocabulary import WEEKDAYS

        totals = self.rates.sum(axis=1)
        open_days = totals > 0
        mean_day = totals[open_days].mean() if open_days.any() else 1.0
        pooled = self.rates[open_days].sum(axis=0)
        pooled = pooled / pooled.mean() if pooled.sum() > 0 else np.ones(self.rates.shape[1])
        by_weekday = {}
        for i, day in enumerate(WEEKDAYS):
            if open_days[i]:
                row = self.rates[i]
                by_weekday[day] = [_round(v, digits) for v in row / row.mean()]
        return {
            "bin_min": int(self.bin_min),
            "start": hhmm(self.start_min),
            "time_of_day": [_round(v, digits) for v in pooled],
            "weekdays": {day: _round(totals[i] / mean_day, digits) for i, day in enumerate(WEEKDAYS)},
            "by_weekday": by_weekday,
        }


def fit_arrivals(issued: pd.Series, bin_min: int, start_min: int, end_min: int,
                 first_day: dt.date, last_day: dt.date, holidays: Iterable[dt.date] = (),
                 detect: bool = True) -> ArrivalFit:
    """Mean tickets per weekday × bin from ticket issue times, over ordinary days:
    the period's days less holidays and the first day with tickets after each.

    Args:
        issued: naive local issue timestamps (every ticket, every office).
        bin_min: bin width in minutes (divides 1440).
        start_min, end_min: the day's span covered by bins (multiples of ``bin_min``).
        first_day, last_day: the log's period; days in it with no ticket count as 0.
        holidays: days to leave out (public holidays); ``detect`` adds days with
            no ticket whose weekday usually has many (:func:`detect_holidays`).
    """
    if DAY % bin_min:
        raise ValueError(f"bin_min {bin_min} does not divide a day (1440 min)")
    issued = pd.to_datetime(pd.Series(issued)).dropna()
    period = pd.date_range(first_day, last_day, freq="D")
    daily = issued.dt.normalize().value_counts().reindex(period, fill_value=0).sort_index()
    left_out = {d: "given" for d in holidays}
    if detect:
        for d in detect_holidays(daily):
            left_out.setdefault(d, "detected")
    # The first day with tickets after a holiday takes the holiday's clients as well
    # (they come another day): it is no ordinary day of its weekday either.
    busy = set(daily.index[daily.to_numpy() > 0].date)
    after = {}
    for h in left_out:
        nxt = h + dt.timedelta(days=1)
        while nxt <= last_day and nxt not in busy:
            nxt += dt.timedelta(days=1)
        if nxt <= last_day and nxt not in left_out:
            after[nxt] = h
    counted = pd.DatetimeIndex([d for d in period if d.date() not in left_out and d.date() not in after])
    n_bins = (end_min - start_min) // bin_min
    minute = (issued.dt.hour * 60 + issued.dt.minute).to_numpy()
    inside = (minute >= start_min) & (minute < end_min)
    day = issued.dt.normalize()
    frame = pd.DataFrame({"day": day[inside].to_numpy(), "bin": (minute[inside] - start_min) // bin_min})
    frame = frame[frame["day"].isin(counted)]
    per_day_bins = (frame.groupby(["day", "bin"]).size().unstack(fill_value=0)
                    .reindex(index=counted, columns=range(n_bins), fill_value=0))
    rates = np.zeros((7, n_bins))
    days = np.zeros(7, dtype=int)
    weekday = counted.day_of_week
    for wd in range(7):
        rows = per_day_bins.to_numpy()[weekday == wd]
        days[wd] = rows.shape[0]
        if rows.shape[0]:
            rates[wd] = rows.mean(axis=0)
    return ArrivalFit(bin_min, start_min, rates, days, dict(sorted(left_out.items())), dict(sorted(after.items())),
                      daily, per_day_bins)
