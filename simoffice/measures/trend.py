"""Week by week: each unit's waits and queue, the expert centre's turnaround and
backlog, and whether they keep growing.

A unit whose demand exceeds its capacity never settles: its backlog grows week
after week, and the mean over the run depends on how long the run was.
:class:`WeeklyTally` keeps the sums behind the weekly figures of the measured
window (they add up over parts of a log); :func:`growing` tells, from the
replications' weekly figures, which keep rising. Only a queue carried from day
to day can grow so — the expert centre's cases: an office's queue empties at
every closing, and its weekly waits rise and fall with the demand's calendar
(payment dates, holidays), which is the same in every replication and would
pass for growth.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from simoffice.measures.intervals import t_interval
from simoffice.measures.occupancy import occupancy
from simoffice.measures.tally import queued
from simoffice.model.spec import ModelSpec
from simoffice.model.standards import EXPERT_CENTRE
from simoffice.vocabulary import DAY, WEEK

# A rise counts as growth when the fitted rise over the measured weeks is at least this
# share of the first week's level and at least the measure's floor below (a backlog of
# two cases that becomes four is not news).
MIN_RISE_SHARE = 0.5
MIN_RISE = {"expert_turnaround_days": 1.0, "expert_backlog": 5.0}
WORDS = {"expert_turnaround_days": ("the turnaround", "days"), "expert_backlog": ("the backlog", "cases")}


def _area_by_row(rows: np.ndarray, starts: np.ndarray, ends: np.ndarray, edges: np.ndarray,
                 n_rows: int) -> np.ndarray:
    """Time integral of the intervals open, per row (a unit) × bin between ``edges``:
    :func:`~simoffice.measures.occupancy.occupancy` for many rows in one pass."""
    n = len(edges) - 1
    s = np.clip(starts, edges[0], edges[-1])
    e = np.clip(ends, edges[0], edges[-1])
    keep = e > s
    s, e, rows = s[keep], e[keep], rows[keep]
    first = np.minimum(np.searchsorted(edges, s, side="right") - 1, n - 1)
    last = np.searchsorted(edges, e, side="left") - 1
    one = first == last
    out = np.zeros(n_rows * n)
    out += np.bincount(rows[one] * n + first[one], weights=e[one] - s[one], minlength=n_rows * n)
    m = ~one
    out += np.bincount(rows[m] * n + first[m], weights=edges[first[m] + 1] - s[m], minlength=n_rows * n)
    out += np.bincount(rows[m] * n + last[m], weights=e[m] - edges[last[m]], minlength=n_rows * n)
    full = np.zeros((n_rows, n + 1))
    np.add.at(full, (rows[m], first[m] + 1), 1)
    np.add.at(full, (rows[m], last[m]), -1)
    return out.reshape(n_rows, n) + np.cumsum(full, axis=1)[:, :n] * np.diff(edges)


class WeeklyTally:
    """Sums per unit × measured week (and per week for the expert centre)."""

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        w0, w1 = spec.run.window
        self.first_week = int(w0 // WEEK)
        self.edges = np.arange(w0, w1 + 1, WEEK, dtype=float)
        n_weeks, n_units = len(self.edges) - 1, len(spec.offices)
        self.sum_waits = np.zeros((n_units, n_weeks))
        self.n_waits = np.zeros((n_units, n_weeks), np.int64)
        self.queue_area = np.zeros((n_units, n_weeks))
        self.turnaround = np.zeros(n_weeks)
        self.n_decided = np.zeros(n_weeks, np.int64)
        self.backlog_area = np.zeros(n_weeks)
        self.has_cases = False

    def add(self, log: dict) -> None:
        """Fold a part of the log (``contacts``, ``cases``) in."""
        w0, w1 = self.edges[0], self.edges[-1]
        n_units, n_weeks = self.sum_waits.shape
        c = log["contacts"]
        arrival, start, office = c["arrival_min"], c["start_min"], c["office"]
        waited = queued(c["outcome"], c["channel"]) & (office >= 0)
        served = waited & ~np.isnan(start) & (arrival >= w0) & (arrival < w1)
        week = ((arrival[served] - w0) // WEEK).astype(np.intp)
        key = office[served].astype(np.intp) * n_weeks + week
        size = n_units * n_weeks
        self.sum_waits += np.bincount(key, weights=start[served] - arrival[served], minlength=size).reshape(
            n_units, n_weeks)
        self.n_waits += np.bincount(key, minlength=size).reshape(n_units, n_weeks)
        leave = np.where(np.isnan(start), c["end_min"], start)
        self.queue_area += _area_by_row(office[waited].astype(np.intp), arrival[waited], leave[waited],
                                        self.edges, n_units)
        k = log["cases"]
        if len(k["escalated_min"]):
            self.has_cases = True
            esc, end = k["escalated_min"], k["end_min"]
            done = ~np.isnan(end) & (esc >= w0) & (esc < w1)
            week = ((esc[done] - w0) // WEEK).astype(np.intp)
            self.turnaround += np.bincount(week, weights=(end[done] - esc[done]) / DAY, minlength=n_weeks)
            self.n_decided += np.bincount(week, minlength=n_weeks)
            self.backlog_area += occupancy(esc, np.where(np.isnan(end), np.inf, end), self.edges)

    def values(self) -> list[tuple[str, int, str, float]]:
        """(unit, week of the run, measure, value) for every unit and measured week:
        ``wait_mean_min`` (of the contacts arriving that week) and
        ``queue_length_mean``; for the expert centre ``expert_turnaround_days`` (of
        the cases escalated that week and decided by the end of the run) and
        ``expert_backlog``."""
        out = []
        with np.errstate(invalid="ignore", divide="ignore"):
            wait = self.sum_waits / self.n_waits
        queue = self.queue_area / WEEK
        for u, unit in enumerate(self.spec.offices):
            for w in range(wait.shape[1]):
                out.append((unit.name, self.first_week + w, "wait_mean_min", float(wait[u, w])))
                out.append((unit.name, self.first_week + w, "queue_length_mean", float(queue[u, w])))
        if self.has_cases:
            with np.errstate(invalid="ignore", divide="ignore"):
                turnaround = self.turnaround / self.n_decided
            for w in range(len(turnaround)):
                out.append((EXPERT_CENTRE, self.first_week + w, "expert_turnaround_days", float(turnaround[w])))
                out.append((EXPERT_CENTRE, self.first_week + w, "expert_backlog", float(self.backlog_area[w] / WEEK)))
        return out


def _slope(weeks: np.ndarray, values: np.ndarray) -> float:
    """The Theil–Sen slope (the median of the slopes between pairs of weeks): a week
    with a holiday's surge, the same in every replication, does not tilt it."""
    ok = ~np.isnan(values)
    if ok.sum() < 3:
        return float("nan")
    return float(stats.theilslopes(values[ok], weeks[ok])[0])


def growing(weekly: pd.DataFrame, min_weeks: int = 3) -> list[dict[str, Any]]:
    """The units and measures carried from day to day (the keys of :data:`MIN_RISE`)
    whose weekly figure keeps rising over the measured weeks.

    A measure grows when the 95 % interval over replications of its Theil–Sen
    slope (per week) lies above 0 and the fitted rise over the measured weeks is at
    least :data:`MIN_RISE_SHARE` of the first week's mean and at least the measure's
    :data:`MIN_RISE`. Needs ``min_weeks`` measured weeks and two replications.

    Args:
        weekly: the ``weekly`` table (``replication, office, week, measure, value``).

    Returns:
        ``{"unit", "measure", "first", "last", "first_week", "last_week", "slope"}``
        per growing measure (``first``/``last``: the mean over replications of the
        first and last measured week; ``slope``: the interval of the slope).
    """
    out: list[dict[str, Any]] = []
    if weekly.empty or weekly["week"].nunique() < min_weeks or weekly["replication"].nunique() < 2:
        return out
    carried = weekly[weekly["measure"].isin(list(MIN_RISE))]
    for (unit, measure), rows in carried.groupby(["office", "measure"], sort=False, observed=True):
        wide = rows.pivot_table(index="replication", columns="week", values="value", dropna=False)
        weeks = wide.columns.to_numpy(dtype=float)
        slopes = [_slope(weeks, r) for r in wide.to_numpy(dtype=float)]
        ci = t_interval(slopes)
        if ci["ci_low"] is None or ci["ci_low"] <= 0:
            continue
        means = wide.mean(axis=0).dropna()  # the last weeks' turnaround may have no case decided yet
        first, last = float(means.iloc[0]), float(means.iloc[-1])
        rise = ci["mean"] * (weeks[-1] - weeks[0])
        if rise < MIN_RISE[measure] or rise < MIN_RISE_SHARE * abs(first):
            continue
        out.append({"unit": str(unit), "measure": measure, "first": first, "last": last,
                    "first_week": int(means.index[0]), "last_week": int(means.index[-1]), "slope": ci})
    return out


def growth_text(g: dict[str, Any]) -> str:
    """A growing measure in one sentence for a manager."""
    what, unit = WORDS[g["measure"]]
    name = g["unit"][:1].upper() + g["unit"][1:]
    return (f"{name}: {what} grows week over week, from {g['first']:.1f} {unit} in week "
            f"{g['first_week'] + 1} to {g['last']:.1f} {unit} in week {g['last_week'] + 1}; the unit does not "
            "settle, so its mean over the run depends on the run's length (more staff, or a longer run to see "
            "where it goes).")
