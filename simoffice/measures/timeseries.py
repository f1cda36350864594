"""The time series of a run: mean queue length, busy desks and desks on duty per bin.

A row per office × desk group × 15-minute bin of the measured window, plus a row
per office × bin (``desk_group = -1``) for the office's totals. Each value is a
time integral of the log (:func:`~simoffice.measures.occupancy.occupancy`) over
the bin divided by its length, so it adds up over parts of a log: a long run can
fold its log in week by week and onto one typical week.
"""

from __future__ import annotations

import numpy as np

from simoffice.measures.occupancy import occupancy
from simoffice.measures.tally import queued


def series(group_skills: list[tuple[int, frozenset[int]]], n_offices: int) -> list[tuple[int, int]]:
    """The time series of a run, in table order: (office, desk group) with desk
    group -1 for an office's total, followed by its own desk groups.

    Args:
        group_skills: (office, skills) of each network-wide desk group.
    """
    out = []
    for o in range(n_offices):
        out.append((o, -1))
        out.extend((o, g) for g, (office, _) in enumerate(group_skills) if office == o)
    return out


def _occupancy_part(starts: np.ndarray, ends: np.ndarray, window: tuple[float, float],
                    bin_min: float) -> tuple[int, np.ndarray] | None:
    """:func:`occupancy` per ``bin_min`` bin of the window, worked out only on the bins
    the intervals touch: ``(lo, values)`` for bins ``lo, lo + 1, …``, or None if no
    interval reaches into the window."""
    w0, w1 = window
    s = np.clip(starts, w0, w1)
    e = np.clip(ends, w0, w1)
    keep = e > s
    if not keep.any():
        return None
    s, e = s[keep], e[keep]
    n_bins = int(round((w1 - w0) / bin_min))
    lo = max(int((s.min() - w0) // bin_min) - 1, 0)
    hi = min(int(np.ceil((e.max() - w0) / bin_min)) + 1, n_bins)
    return lo, occupancy(s, e, w0 + np.arange(lo, hi + 1) * bin_min)


def _add_part(out: np.ndarray, part: tuple[int, np.ndarray] | None) -> None:
    """Add a :func:`_occupancy_part` into ``out``, which has a value per bin of the
    window, or fewer: then bin ``i`` of the window adds into ``out[i % len(out)]`` (a
    week's bins fold the window onto one week)."""
    if part is None:
        return
    lo, values = part
    hi = lo + len(values)
    if hi <= len(out):
        out[lo:hi] += values
    else:
        out += np.bincount(np.arange(lo, hi) % len(out), weights=values, minlength=len(out))


def timeseries_add(acc: np.ndarray, contacts: dict, duty: dict, group_skills: list[tuple[int, frozenset[int]]],
                   n_offices: int, window: tuple[float, float], bin_min: float = 15.0) -> None:
    """Add some rows of a log to the time integrals ``acc`` (series × queue, busy,
    on duty × bin; series as :func:`series`; bins of the window, or of a week to fold
    the window onto one week): any split of the rows adds up."""
    start, end, arr = contacts["start_min"], contacts["end_min"], contacts["arrival_min"]
    waited = queued(contacts["outcome"], contacts["channel"])
    leave = np.where(np.isnan(start), end, start)
    busy_rows = ~np.isnan(start)
    totals = None  # the office's rows and parts, for a desk group whose rows are the same
    for i, (o, g) in enumerate(series(group_skills, n_offices)):
        if g < 0:
            tq = waited & (contacts["office"] == o)
            bq = busy_rows & (contacts["office"] == o)
            dq = duty["office"] == o
        else:
            tq = waited & (contacts["office"] == o) & np.isin(contacts["skill"], list(group_skills[g][1]))
            bq = busy_rows & (contacts["desk_group"] == g)
            dq = duty["desk_group"] == g
        masks = (tq, bq, dq)
        if g >= 0 and all(np.array_equal(a, b) for a, b in zip(masks, totals[0])):
            parts = totals[1]  # e.g. an office's only desk group
        else:
            parts = (_occupancy_part(arr[tq], leave[tq], window, bin_min),
                     _occupancy_part(start[bq], end[bq], window, bin_min),
                     _occupancy_part(duty["start_min"][dq], duty["end_min"][dq], window, bin_min))
        if g < 0:
            totals = (masks, parts)
        for k, part in enumerate(parts):
            _add_part(acc[i, k], part)


def timeseries_table(acc: np.ndarray, group_skills: list[tuple[int, frozenset[int]]], n_offices: int,
                     window: tuple[float, float], bin_min: float = 15.0) -> dict[str, np.ndarray]:
    """The time series as columns, from the time integrals of :func:`timeseries_add`
    (folded onto a week, each bin's integral is averaged over the weeks of the window)."""
    keys = series(group_skills, n_offices)
    n_bins = acc.shape[2] if acc.ndim == 3 else 0
    w0, w1 = window
    folds = (w1 - w0) / (n_bins * bin_min) if n_bins else 1.0
    if not keys:
        return {k: np.array([]) for k in ("office", "desk_group", "bin_start_min", "queue_mean", "busy_mean",
                                          "on_duty_mean")}
    scale = bin_min * folds
    return {
        "office": np.repeat(np.array([o for o, _ in keys], np.int16), n_bins),
        "desk_group": np.repeat(np.array([g for _, g in keys], np.int16), n_bins),
        "bin_start_min": np.tile(w0 + np.arange(n_bins) * bin_min, len(keys)),
        "queue_mean": (acc[:, 0] / scale).ravel(),
        "busy_mean": (acc[:, 1] / scale).ravel(),
        "on_duty_mean": (acc[:, 2] / scale).ravel(),
    }


def timeseries(contacts: dict, duty: dict, group_skills: list[tuple[int, frozenset[int]]],
               n_offices: int, window: tuple[float, float], bin_min: float = 15.0) -> dict[str, np.ndarray]:
    """Time-average queue length, busy desks and desks on duty per bin.

    One row per office × desk group × bin, plus one per office × bin with
    ``desk_group = -1`` for the office totals. A desk group's queue counts the
    tickets waiting for a skill it has.

    Args:
        group_skills: (office, skills) of each network-wide desk group.
    """
    w0, w1 = window
    acc = np.zeros((len(series(group_skills, n_offices)), 3, int(round((w1 - w0) / bin_min))))
    timeseries_add(acc, contacts, duty, group_skills, n_offices, window, bin_min)
    return timeseries_table(acc, group_skills, n_offices, window, bin_min)
