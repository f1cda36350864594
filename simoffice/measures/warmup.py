"""The warm-up: how many first weeks to leave out, by MSER (White, 1997).

A run starts empty: no client waits, the expert centre has no case, nobody comes
back, no appointment is booked. Its first weeks are lighter than the weeks that
follow, and a mean over every week is biased low. The Mean Squared Error
Reduction rule picks the number ``d`` of first observations to drop that
minimises

    MSER(d) = 1 / (n − d)² · Σ_{i > d} (x_i − x̄_d)²,

the squared standard error of the mean of what is left (``x̄_d`` is that mean):
dropping the transient removes observations far from the steady mean, which
lowers the sum faster than the fewer observations raise ``1 / (n − d)²``; dropping
more only costs observations. ``d`` is looked for in the first half of the series
only (``d ≤ n / 2``), as usual: near the end a few observations that happen to
agree would look like a steady state.

MSER-5 applies the rule to batch means of 5 observations. Here the observations
are already batch means — each unit's *weekly* figures (:mod:`simoffice.measures.trend`:
the mean wait of a week's contacts, the mean queue over the week, the expert
centre's turnaround and backlog), each a mean of hundreds of contacts or of a
week of time — averaged over the pilot's replications. So the rule is applied to
the weekly means themselves (batches of one week, not of five), and ``d`` is a
whole number of weeks. The warm-up of a network is the largest ``d`` over its
units and those measures.

MSER alone finds a truncation in about half of the series that have no transient
at all (a few first weeks that happen to lie far from the mean), and the largest
over many units would nearly always be one of those. So a truncation ``d`` is kept
only where the first ``d`` weeks are lower than the rest in the pilot's
replications beyond chance (:func:`lower_at_start`): a run starts empty, so its
first weeks are lighter, in every replication. The test's level :data:`ALPHA` is
shared (Bonferroni) among the unit × measure series and the truncations tried, so
a network without any transient gets a warm-up above 0 with probability at most
:data:`ALPHA`. Where MSER's own choice fails the test (a chance peak in one
replication's first weeks can move it past the transient), the next best MSER
value that passes is used.

A week with no figure (no contact served that week: a holiday week) is left out
of the sums, not counted as zero. A constant series gives 0. The expert centre's
weekly turnaround is not used: it counts the cases decided by the end of the run,
so its last weeks are cut short.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

# The weekly figures the rule is applied to: a unit's waits and queue (its backlog of
# clients waiting), the expert centre's turnaround and backlog of cases.
MEASURES = ("wait_mean_min", "queue_length_mean", "expert_backlog")
# Series fewer than this many weeks long give no truncation (there is no tail to compare).
MIN_WEEKS = 4
# The chance that a network without any transient gets a warm-up above 0 (shared among its
# units × measures: see truncation).
ALPHA = 0.05
# Relative tolerance under which two MSER values count as equal: the smaller d wins.
TIE = 1e-9


def mser_statistic(series: Any) -> np.ndarray:
    """MSER(d) for d = 0 … ⌊n/2⌋ of ``series`` (NaN observations left out of the
    tail's mean and sum; NaN where the tail has fewer than two observations).

    Args:
        series: the observations in time order (e.g. weekly means).
    """
    x = np.asarray(series, dtype=float)
    n = len(x)
    out = np.full(n // 2 + 1, np.nan)
    for d in range(n // 2 + 1):
        tail = x[d:]
        tail = tail[~np.isnan(tail)]
        m = len(tail)
        if m >= 2:
            out[d] = float(np.sum((tail - tail.mean()) ** 2)) / m ** 2
    return out


def mser(series: Any) -> int:
    """The MSER truncation point: the number of first observations of ``series`` to
    leave out, in 0 … ⌊n/2⌋ (the smallest such number when several give the same
    value; 0 for a constant series, one shorter than :data:`MIN_WEEKS` or one with
    fewer than two observations)."""
    return _choice(mser_statistic(series), len(np.asarray(series)))


def _choice(stat: np.ndarray, n: int) -> int:
    """MSER's truncation from its statistic, of a series of ``n`` observations (see :func:`mser`)."""
    if n < MIN_WEEKS or np.all(np.isnan(stat)):
        return 0
    best = np.nanmin(stat)
    if best <= 0:
        return int(np.flatnonzero(stat <= 0)[0])  # a constant tail: its first start
    return int(np.flatnonzero(stat <= best * (1 + TIE))[0])


@dataclass(frozen=True)
class Truncation:
    """What the rule found on a pilot's weekly figures.

    ``weeks``: the warm-up (the largest truncation kept, in weeks); ``by_unit``: unit
    -> measure -> its truncation kept (weeks; 0 when MSER found none or the check
    across replications refused it); ``series``: unit -> measure -> the weekly means
    over replications the rule saw (None for a week with no figure); ``set_by``: the
    (unit, measure) whose truncation is the warm-up (None when it is 0);
    ``at_limit``: the (unit, measure) whose truncation is the largest allowed (half
    the pilot): their transient may be longer than the pilot shows.
    """

    weeks: int
    by_unit: dict[str, dict[str, int]]
    series: dict[str, dict[str, list[float | None]]]
    set_by: tuple[str, str] | None
    at_limit: list[tuple[str, str]]


def by_replication(weekly: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """(unit, measure) -> its weekly figures as replications × weeks of the run (NaN
    for a week without a figure), for the measures of :data:`MEASURES`.

    Args:
        weekly: the ``weekly`` table (``replication, office, week, measure, value``).
    """
    rows = weekly[weekly["measure"].isin(list(MEASURES))]
    weeks = np.sort(weekly["week"].unique())
    reps = np.sort(weekly["replication"].unique())
    out = {}
    for (unit, measure), part in rows.groupby(["office", "measure"], sort=False, observed=True):
        wide = np.full((len(reps), len(weeks)), np.nan)
        wide[np.searchsorted(reps, part["replication"]), np.searchsorted(weeks, part["week"])] = part["value"]
        out[(str(unit), str(measure))] = pd.DataFrame(wide, index=reps, columns=weeks)
    return out


def lower_at_start(wide: np.ndarray, d: int, alpha: float) -> bool:
    """Whether the first ``d`` weeks of ``wide`` (replications × weeks) are lower than
    the rest beyond chance: the one-sided Student t test, at level ``alpha``, that the
    mean over replications of each one's relative rise, 1 − (mean of the first ``d``
    weeks) / (mean of the later weeks), is above 0. Replications are independent, so
    the test is honest even where weeks follow each other closely (a backlog carried
    from week to week); the relative rise is about the same in every replication even
    when one wanders far (a queue near saturation). A replication whose later weeks
    are 0 is left out; with one replication left, whether its rise is positive (no
    test); with none, True."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        head, tail = np.nanmean(wide[:, :d], axis=1), np.nanmean(wide[:, d:], axis=1)
        rise = np.where(tail > 0, 1.0 - head / tail, np.nan)
    rise = rise[np.isfinite(rise)]
    if len(rise) < 2:
        return len(rise) == 1 and rise[0] > 0 or len(rise) == 0
    if np.all(rise == rise[0]):
        return bool(rise[0] > 0)
    return bool(stats.ttest_1samp(rise, 0.0, alternative="greater").pvalue < alpha)


def checked_mser(means: np.ndarray, values: np.ndarray, alpha: float) -> int:
    """The truncation with the least MSER statistic of ``means`` among those whose first
    weeks are lower than the rest in the replications ``values`` (replications × weeks)
    at level ``alpha`` shared among the truncations tried (:func:`lower_at_start`);
    0 when there is none. MSER's own
    choice, when it passes; otherwise the next best that does (a chance peak in the
    first weeks of one replication can move MSER's choice past the transient)."""
    stat = mser_statistic(means)
    if _choice(stat, len(means)) == 0:
        return 0
    alpha /= len(stat) - 1  # shared among the truncations that may be tried (Bonferroni)
    for d in np.argsort(stat, kind="stable"):  # NaN last
        if d == 0 or np.isnan(stat[d]) or stat[d] >= stat[0]:
            return 0
        if lower_at_start(values, int(d), alpha):
            return int(d)
    return 0


def truncation(weekly: pd.DataFrame, alpha: float = ALPHA) -> Truncation:
    """The MSER truncation of every unit × measure of a pilot's ``weekly`` table (run
    from week 0: no warm-up left out), each checked across the replications, and the
    largest of them.

    Each truncation is checked across the replications (:func:`checked_mser`) at
    ``alpha`` shared among the series, so that a network without any transient gets a
    warm-up above 0 with probability at most ``alpha``.

    The ``weekly`` table's weeks must start at the run's first week; a unit or measure
    that has no figure in any week truncates nothing.
    """
    by_unit: dict[str, dict[str, int]] = {}
    series: dict[str, dict[str, list[float | None]]] = {}
    set_by, found, at_limit = None, 0, []
    tables = by_replication(weekly)
    each = alpha / max(1, len(tables))
    for (unit, measure), wide in tables.items():
        values = wide.to_numpy(dtype=float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a week no replication has a figure for
            means = np.nanmean(values, axis=0) if len(values) else np.full(values.shape[1], np.nan)
        d = checked_mser(means, values, each)
        by_unit.setdefault(unit, {})[measure] = d
        series.setdefault(unit, {})[measure] = [None if np.isnan(v) else float(v) for v in means]
        if d > found:
            set_by, found = (unit, measure), d
        if d > 0 and d == len(means) // 2:
            at_limit.append((unit, measure))
    return Truncation(found, by_unit, series, set_by, at_limit)
