"""Time integrals of intervals: how long desks were busy or on duty, how many waited.

A log holds intervals (a ticket waiting from its arrival until it is called, a
desk busy from the start to the end of a service, a duty period on duty). Queue
lengths, busy desks and desks on duty are time integrals of how many intervals
are open, per bin of time. Overtime is desk time on duty outside the scheduled
duty periods (a client finished past a shift's end or a break's start, the
waiting served after closing); paid breaks are paid desk time off duty. All
times are in minutes.
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


def _clipped(starts: np.ndarray, ends: np.ndarray, window: tuple[float, float]) -> np.ndarray:
    """Per interval, its minutes inside the window (0 for none)."""
    w0, w1 = window
    return np.maximum(np.clip(ends, w0, w1) - np.clip(starts, w0, w1), 0.0)


def overtime_by_row(duty: dict, window: tuple[float, float]) -> np.ndarray:
    """Per duty row, its minutes in the window on duty past its scheduled end: a client
    finished past the end of a shift or the start of a break, the waiting served
    after closing (a row starts at its period's scheduled start, so this is all the
    time it spent outside its scheduled duty)."""
    return _clipped(np.maximum(duty["start_min"], duty["scheduled_end_min"]), duty["end_min"], window)


def paid_break_by_row(duty: dict, window: tuple[float, float]) -> np.ndarray:
    """Per duty row, its minutes in the window of the paid break after its period."""
    return _clipped(duty["scheduled_end_min"], duty["paid_until_min"], window)


def overtime(duty: dict, window: tuple[float, float]) -> float:
    """Desk minutes in the window on duty outside the scheduled duty periods."""
    return float(overtime_by_row(duty, window).sum())


def paid_breaks(duty: dict, window: tuple[float, float]) -> float:
    """Desk minutes in the window of paid breaks (paid, off duty)."""
    return float(paid_break_by_row(duty, window).sum())
