"""Day-to-day variability: how much more daily arrival counts vary than Poisson.

An office has quiet Tuesdays and busy ones beyond what chance alone gives: the
day after a holiday, a pension day, the weather. The model holds this as a
**busyness** factor G of each day and zone (``network.busyness_cv``): the day's
arrival rate is multiplied by G, gamma with mean 1 and coefficient of variation
c. A day whose expected count is m then has

    E[N] = m,    Var[N] = m + c² m²

(Poisson given G, plus the variance of m G). :func:`fit_busyness` estimates c
from daily counts by the method of moments, pooled over groups of like days (one
unit, one weekday: days with the same expected count). In a group of n days with
mean x̄ and sample variance s² (n − 1 in the denominator), E[s² − x̄] = c² m²
and E[x̄² − s²/n] = m², so

    ĉ² = Σ (n − 1)(s² − x̄) / Σ (n − 1)(x̄² − s²/n)

over the groups; ĉ² < 0 (counts no more variable than Poisson) is written as
c = 0. The standard error is the jackknife's, leaving out one day at a time
(a bootstrap of the days underestimates it by a fifth with ten days a group).
:func:`daily_counts` counts a log's arrivals per unit and day, over the ordinary
days on which the unit is open.

A trend over the log's weeks (growing demand, a season) also makes the counts of
a weekday vary, and is read as busyness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

__all__ = ["BusynessFit", "fit_busyness", "daily_counts", "MIN_DAYS"]

# Fewer days than this behind a fit (over every group) and the fit is flagged as
# resting on too few days: the variance of a count needs many of them.
MIN_DAYS = 20
Z95 = 1.959964  # the standard normal's 97.5 % point


@dataclass(frozen=True)
class BusynessFit:
    """The fitted day-to-day variability.

    Attributes:
        cv: the busyness factor's coefficient of variation (0: Poisson).
        cv2: the moment estimate of cv², before negative values are cut to 0.
        cv2_se: its jackknife standard error, leaving out one day at a time (nan
            with fewer than three days).
        interval: 95 % interval of ``cv``: ``cv2 ± 1.96 cv2_se``, cut at 0, square-rooted.
        days: days behind the fit (in groups of at least two days, not all without arrivals).
        groups: unit × weekday groups of at least two days with some arrivals.
        dispersion: the pooled variance-to-mean ratio of the daily counts
            (Σ (n − 1) s² / Σ (n − 1) x̄; 1 for Poisson counts).
    """

    cv: float
    cv2: float
    cv2_se: float
    interval: tuple[float, float]
    days: int
    groups: int
    dispersion: float

    @property
    def few_days(self) -> bool:
        """Whether fewer than :data:`MIN_DAYS` days are behind the fit."""
        return self.days < MIN_DAYS


def _terms(n, s1, s2):
    """A group's terms (n − 1)(s² − x̄) and (n − 1)(x̄² − s²/n) from its number of
    days ``n``, sum ``s1`` and sum of squares ``s2`` (arrays: one group left one day
    short per element; a group of one day adds nothing)."""
    n = np.asarray(n, dtype=float)
    mean = s1 / np.maximum(n, 1)
    var = np.where(n > 1, (s2 - n * mean**2) / np.maximum(n - 1, 1), 0.0)
    w = np.maximum(n - 1, 0)
    return w * (var - mean), w * (mean**2 - var / np.maximum(n, 1)), w * mean


def fit_busyness(counts: pd.DataFrame) -> BusynessFit:
    """The busyness CV from daily counts (see the module docstring).

    Args:
        counts: one row per unit and day, with columns ``unit``, ``weekday``
            (0 = Monday) and ``count`` (arrivals that day; days with none as 0);
            see :func:`daily_counts`.
    """
    groups = [g["count"].to_numpy(dtype=float) for _, g in counts.groupby(["unit", "weekday"], sort=True)]
    groups = [x for x in groups if len(x) >= 2 and x.any()]  # a day alone, or no arrival ever, says nothing
    days = sum(len(x) for x in groups)
    sums = [(len(x), x.sum(), (x**2).sum()) for x in groups]
    terms = [_terms(*t) for t in sums]
    num, den, mean_sum = (float(sum(t[k] for t in terms)) for k in range(3))
    if den <= 0:
        return BusynessFit(0.0, 0.0, math.nan, (0.0, 0.0), days, len(groups), 1.0)
    cv2 = num / den
    dispersion = (num + mean_sum) / mean_sum if mean_sum > 0 else 1.0
    # The jackknife: the estimate with each day left out in turn (only its group changes).
    left_out = []
    for x, (n, s1, s2), (a, b, _) in zip(groups, sums, terms):
        a1, b1, _ = _terms(n - 1, s1 - x, s2 - x**2)
        d = den - b + b1
        left_out.append(np.where(d > 0, (num - a + a1) / np.where(d > 0, d, 1.0), 0.0))
    theta = np.concatenate(left_out)
    se = math.sqrt((days - 1) / days * float(((theta - theta.mean()) ** 2).sum())) if days >= 3 else math.nan
    if math.isnan(se):
        interval = (math.nan, math.nan)
    else:
        interval = (math.sqrt(max(cv2 - Z95 * se, 0.0)), math.sqrt(max(cv2 + Z95 * se, 0.0)))
    return BusynessFit(math.sqrt(max(cv2, 0.0)), cv2, se, interval, days, len(groups), dispersion)


def daily_counts(times: pd.Series, units: pd.Series, days: pd.DatetimeIndex,
                 open_weekdays: Mapping[str, set[int]]) -> pd.DataFrame:
    """Arrivals per unit and day, over ``days`` on which the unit is open.

    Args:
        times: naive local arrival timestamps (one per arrival).
        units: the unit (office) of each arrival, aligned with ``times``.
        days: the days to count (ordinary days: holidays and the days after them left out).
        open_weekdays: per unit, the weekdays it is open (0 = Monday); a unit not
            named is left out.

    Returns:
        Columns ``unit``, ``day``, ``weekday`` and ``count`` (0 for an open day
        with no arrival).
    """
    days = pd.DatetimeIndex(days).normalize()
    frame = pd.DataFrame({"unit": np.asarray(units, dtype=object),
                          "day": pd.to_datetime(pd.Series(times)).dt.normalize().to_numpy()})
    per_day = frame.groupby(["unit", "day"]).size()
    rows = []
    for unit, weekdays in open_weekdays.items():
        mine = days[days.day_of_week.isin(sorted(weekdays))]
        n = per_day.xs(unit, level="unit") if unit in per_day.index.get_level_values("unit") else pd.Series(dtype=int)
        n = n.reindex(mine, fill_value=0)
        rows.append(pd.DataFrame({"unit": unit, "day": mine, "weekday": mine.day_of_week,
                                  "count": n.to_numpy(dtype=int)}))
    if not rows:
        return pd.DataFrame({"unit": [], "day": [], "weekday": [], "count": []})
    return pd.concat(rows, ignore_index=True)
