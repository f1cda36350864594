"""Confidence intervals across replications."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from simoffice.measures.metrics import SHARES


def t_interval(values, level: float = 0.95, low: float | None = None,
               high: float | None = None) -> dict[str, float | int | None]:
    """Mean and Student-t confidence interval of independent replications.

    NaN values (a measure undefined in a replication, e.g. no bundle ended) are
    left out. With fewer than two values the interval is None. ``low`` / ``high``:
    the measure's possible range (a share's is [0, 1]); the interval is cut to it,
    so files, the API and the pages show the same numbers.

    Returns:
        ``{"mean", "ci_low", "ci_high", "n"}``; floats or None.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    mean = float(x.mean())
    if n < 2:
        return {"mean": mean, "ci_low": None, "ci_high": None, "n": 1}
    half = float(stats.t.ppf((1 + level) / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    lo, hi = mean - half, mean + half
    if low is not None:
        lo = max(lo, low)
    if high is not None:
        hi = min(hi, high)
    return {"mean": mean, "ci_low": lo, "ci_high": hi, "n": n}


def measure_interval(values, measure: str) -> dict[str, float | int | None]:
    """:func:`t_interval` of a summary measure, cut to its range: [0, 1] for a share,
    [0, ∞) for any other (every measure is a count, a time or a share)."""
    return t_interval(values, low=0.0, high=1.0 if measure in SHARES else None)
