"""Arrival-rate profiles: when in the week bundles occur.

A profile is a piecewise-constant shape over the week (weekday × time-of-day
bins, 1 to 1440 minutes wide), normalised so that the whole week sums to 1.
An office's ``bundles_per_week`` times the shape is its arrival rate, and
arrivals are a non-homogeneous Poisson process with that rate: the number of
arrivals in a bin is Poisson with the bin's mean, and they fall uniformly
within it. A day's rate may be multiplied by a factor of its own (the day's
busyness, drawn by the engine): arrivals are then Poisson given the factors.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np

from simoffice.vocabulary import DAY


@dataclass(frozen=True, eq=False)
class ArrivalProfile:
    """Shape of the arrival rate.

    Attributes:
        bin_min: width of a bin in minutes (divides 1440).
        weights: array (7, 1440 // bin_min), Monday first; sums to 1.
    """

    bin_min: int
    weights: np.ndarray
    _windows: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def constant(cls) -> "ArrivalProfile":
        """A flat profile: the same rate at every minute of the week."""
        return cls(1440, np.full((7, 1), 1 / 7))

    def rate_per_min(self, per_week: float) -> np.ndarray:
        """Arrival rate (per minute) of each bin for ``per_week`` bundles a week."""
        return per_week * self.weights / self.bin_min

    def sample(
        self, rng: np.random.Generator, per_week: float, start_weekday: int, t0: float, t1: float,
        day_factors: np.ndarray | None = None,
    ) -> np.ndarray:
        """Sorted arrival times (minutes) in [t0, t1), both multiples of a day.

        Args:
            rng: the arrival stream's generator.
            per_week: expected arrivals in a week.
            start_weekday: weekday of simulated day 0 (0 = Monday).
            day_factors: one rate factor per day of [t0, t1) (the days' busyness,
                mean 1), multiplying every bin of its day; None: none (the
                Poisson process above).
        """
        d0, d1 = int(t0 // DAY), int(t1 // DAY)
        days = np.arange(d0, d1)
        wd = (start_weekday + days) % 7
        means = per_week * self.weights[wd]  # (n_days, bins)
        if day_factors is not None:
            means = means * np.asarray(day_factors, dtype=float)[:, None]
        counts = rng.poisson(means).ravel()
        n = int(counts.sum())
        bins_per_day = self.weights.shape[1]
        bin_start = (days[:, None] * DAY + np.arange(bins_per_day)[None, :] * self.bin_min).ravel()
        starts = np.repeat(bin_start, counts)
        times = starts + rng.uniform(0.0, self.bin_min, n)
        times.sort()
        return times

    def time_in_window(self, u: float, lo: float, hi: float, start_weekday: int) -> float:
        """The time in [lo, hi) (one day) at quantile ``u`` of the profile's rate there.

        Used for clients who come back on another day or move to an open day:
        they arrive when others of that day do. A window with no demand in the
        profile is used uniformly.
        """
        day = int(lo // DAY)
        weekday, a, b = (start_weekday + day) % 7, lo - day * DAY, hi - day * DAY
        # Windows repeat (a unit's opening hours on a weekday): their shape is kept.
        shape = self._windows.get((weekday, a, b))
        if shape is None:
            shape = self._window_shape(weekday, a, b)
            if len(self._windows) < 10_000:
                self._windows[weekday, a, b] = shape
        edges, cum = shape
        if cum is None:
            return lo + u * (hi - lo)
        k = min(bisect_right(cum, u), len(cum) - 1)
        prev = cum[k - 1] if k else 0.0
        frac = (u - prev) / (cum[k] - prev) if cum[k] > prev else 0.0
        t = day * DAY + edges[k] + frac * (edges[k + 1] - edges[k])
        return min(max(t, lo), math.nextafter(hi, lo))

    def time_in_windows(self, u: float, windows: list[tuple[float, float]], start_weekday: int) -> float:
        """As :meth:`time_in_window` over several windows of one day (disjoint, in
        order; an office closed for lunch): the time at quantile ``u`` of the profile's
        rate in their union. A window is taken by its share of that rate (by its length
        if none has demand), then ``u`` rescaled within it. One window: exactly
        :meth:`time_in_window`."""
        if len(windows) == 1:
            return self.time_in_window(u, *windows[0], start_weekday)
        day = int(windows[0][0] // DAY)
        w = self.weights[(start_weekday + day) % 7]
        mass = []
        for lo, hi in windows:
            a, b = lo - day * DAY, hi - day * DAY
            k0, k1 = int(a // self.bin_min), min(int(np.ceil(b / self.bin_min)), len(w))
            edges = np.arange(k0, k1 + 1, dtype=float) * self.bin_min
            edges[0], edges[-1] = a, b
            mass.append(float((w[k0:k1] * np.diff(edges)).sum()))
        if sum(mass) <= 0:
            mass = [hi - lo for lo, hi in windows]
        x, last = u * sum(mass), max(k for k, m in enumerate(mass) if m > 0)
        for k, ((lo, hi), m) in enumerate(zip(windows, mass)):
            if m > 0 and (x < m or k == last):
                return self.time_in_window(min(x / m, 1.0), lo, hi, start_weekday)
            x -= m
        raise AssertionError("unreachable: the last window with demand is always taken")

    def _window_shape(self, weekday: int, a: float, b: float) -> tuple[list[float], list[float] | None]:
        """Bin edges of the window [a, b) (minutes of the day) and the cumulative share
        of the day's rate at each (None: no demand in the window)."""
        w = self.weights[weekday]
        k0, k1 = int(a // self.bin_min), min(int(np.ceil(b / self.bin_min)), len(w))
        edges = np.arange(k0, k1 + 1, dtype=float) * self.bin_min
        edges[0], edges[-1] = a, b
        mass = w[k0:k1] * np.diff(edges) / self.bin_min
        total = mass.sum()
        if total <= 0:
            return edges.tolist(), None
        return edges.tolist(), (np.cumsum(mass) / total).tolist()

