"""Confidence intervals across replications."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def t_interval(values, level: float = 0.95) -> dict[str, float | int | None]:
    """Mean and Student-t confidence interval of independent replications.

    NaN values (a measure undefined in a replication, e.g. no bundle ended) are
    left out. With fewer than two values the interval is None.

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
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}
