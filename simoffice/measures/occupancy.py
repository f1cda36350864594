"""Time integrals of intervals: how long desks were busy or on duty, how many waited.

A log holds intervals (a ticket waiting from its arrival until it is called, a
desk busy from the start to the end of a service, a shift on duty). Queue
lengths, busy desks and desks on duty are time integrals of how many intervals
are open, per bin of time; overtime is desk time past a shift's end while the
office is closed. All times are in minutes.
"""

from __future__ import annotations

import numpy as np


def occupancy(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Time integral (minutes) of the number of intervals open, per bin between ``edges``.

    Each interval ``[start, end)`` is clipped to the edges and split at them: its
    first and last bins get their partial lengths, the bins in between their full
    width (counted with a difference array). Only local differences are
    summed, so the result is exact to rounding however long the run.
    """
    n = len(edges) - 1
    s = np.clip(starts, edges[0], edges[-1])
    e = np.clip(ends, edges[0], edges[-1])
    keep = e > s
    s, e = s[keep], e[keep]
    if n == 1:  # one bin (a whole window): every interval lies in it
        return np.bincount(np.zeros(len(s), np.intp), weights=e - s, minlength=1)
    first = np.minimum(np.searchsorted(edges, s, side="right") - 1, n - 1)
    last = np.searchsorted(edges, e, side="left") - 1  # a bin holds its right edge's end
    one = first == last
    out = np.zeros(n)
    out += np.bincount(first[one], weights=e[one] - s[one], minlength=n)
    m = ~one
    out += np.bincount(first[m], weights=edges[first[m] + 1] - s[m], minlength=n)
    out += np.bincount(last[m], weights=e[m] - edges[last[m]], minlength=n)
    full = np.bincount(first[m] + 1, minlength=n + 1) - np.bincount(last[m], minlength=n + 1)
    out += np.cumsum(full)[:n] * np.diff(edges)
    return out


def open_time_before(x: np.ndarray, intervals: np.ndarray) -> np.ndarray:
    """Total open time (minutes) before each time in ``x``, for sorted disjoint ``(start, end)`` rows."""
    if len(intervals) == 0:
        return np.zeros(len(x))
    starts, lengths = intervals[:, 0], intervals[:, 1] - intervals[:, 0]
    before = np.concatenate(([0.0], np.cumsum(lengths)))
    k = np.searchsorted(starts, x, side="right") - 1  # the last interval starting at or before x
    j = np.maximum(k, 0)
    return np.where(k >= 0, before[j] + np.clip(x - starts[j], 0.0, lengths[j]), 0.0)


def overtime(duty: dict, opening: list[np.ndarray], window: tuple[float, float]) -> float:
    """Desk minutes in the window past the end of a shift while the office is closed."""
    w0, w1 = window
    a = np.clip(np.maximum(duty["start_min"], duty["scheduled_end_min"]), w0, w1)
    b = np.clip(duty["end_min"], w0, w1)
    late = b > a
    total = 0.0
    for o in np.unique(duty["office"][late]):
        rows = late & (duty["office"] == o)
        open_part = open_time_before(b[rows], opening[o]) - open_time_before(a[rows], opening[o])
        total += float(((b[rows] - a[rows]) - open_part).sum())
    return total
