"""Opening and duty intervals over the simulated horizon.

Simulated time is in minutes from midnight of ``run.start_date``; day ``d``
starts at ``d * 1440`` and its weekday is ``(start_weekday + d) % 7`` with
0 = Monday. A weekly pattern (per weekday, an ``(open, close)`` pair of minutes
since midnight, or None for closed) becomes a sorted list of disjoint
``(start, end)`` intervals over the horizon. Intervals that touch are merged,
so an office open 24/7 has a single interval and never "closes" at midnight.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Iterable, Sequence

from simoffice.errors import ConfigError
from simoffice.vocabulary import DAY, WEEKDAY_NAMES, hhmm

WeekHours = tuple  # 7 items, each (open_min, close_min) or None


def parse_clock(text: str, key: str, allow_24: bool = True) -> int:
    """Minutes since midnight of ``"HH:MM"`` (``"24:00"`` allowed as an end).

    Raises:
        ConfigError: not of the form HH:MM, or outside 00:00–24:00.
    """
    expected = "a clock time 'HH:MM' between 00:00 and " + ("24:00" if allow_24 else "23:59")
    if not isinstance(text, str) or text.count(":") != 1:
        raise ConfigError(key, expected, text)
    hh, mm = text.split(":")
    if not (hh.isdigit() and mm.isdigit() and len(mm) == 2):
        raise ConfigError(key, expected, text)
    minutes = int(hh) * 60 + int(mm)
    if int(mm) >= 60 or minutes > DAY or (minutes == DAY and not allow_24):
        raise ConfigError(key, expected, text)
    return minutes


def parse_hours(text: str, key: str) -> tuple[int, int]:
    """``"08:00-17:00"`` -> (480, 1020).

    Raises:
        ConfigError: malformed, or closing not after opening.
    """
    if not isinstance(text, str) or text.count("-") != 1:
        raise ConfigError(key, "opening hours 'HH:MM-HH:MM' or null for closed", text)
    start, end = (s.strip() for s in text.split("-"))
    try:
        lo, hi = parse_clock(start, key), parse_clock(end, key)
    except ConfigError as err:  # report the whole value given, not its half
        raise ConfigError(key, f"opening hours 'HH:MM-HH:MM' ({err.expected})", text) from None
    if hi <= lo:
        raise ConfigError(key, "a closing time after the opening time", text)
    return lo, hi


def weekly_intervals(
    pattern: Sequence, start_weekday: int, n_days: int, closed_days: Iterable[int] = ()
) -> list[tuple[float, float]]:
    """Expand a weekly pattern over ``n_days`` days, skipping ``closed_days``.

    Args:
        pattern: 7 entries (Monday first), each ``(start_min, end_min)`` or None;
            an entry may also be a list of such pairs.
        start_weekday: weekday of day 0 (0 = Monday).
        n_days: length of the horizon in days.
        closed_days: day indices with no interval (public holidays).
    """
    closed = set(closed_days)
    out: list[tuple[float, float]] = []
    for d in range(n_days):
        if d in closed:
            continue
        entry = pattern[(start_weekday + d) % 7]
        if entry is None:
            continue
        pairs = entry if isinstance(entry, list) else [entry]
        for lo, hi in pairs:
            out.append((d * DAY + lo, d * DAY + hi))
    return merge(out)


def merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sort and merge overlapping or touching intervals."""
    out: list[list[float]] = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


class Timetable:
    """Disjoint sorted intervals with fast "is it open at t" look-ups."""

    __slots__ = ("intervals", "_starts", "_ends", "_lo", "_hi")

    def __init__(self, intervals: list[tuple[float, float]]):
        self.intervals = intervals
        self._starts = [lo for lo, _ in intervals]
        self._ends = [hi for _, hi in intervals]
        self._lo = self._hi = 0.0  # the open interval found last (none yet)

    def is_open(self, t: float) -> bool:
        if self._lo <= t < self._hi:  # most look-ups fall in the interval found last
            return True
        i = bisect_right(self._starts, t) - 1
        if i >= 0 and t < self._ends[i]:
            self._lo, self._hi = self._starts[i], self._ends[i]
            return True
        return False

    def next_window(self, t: float) -> tuple[float, float] | None:
        """The first open interval that ends after ``t``, clipped to start at or
        after ``t`` and to end within the day it starts on; None if there is none."""
        i = bisect_right(self._starts, t) - 1
        if i < 0 or t >= self._ends[i]:
            i += 1
        if i >= len(self._starts):
            return None
        lo = max(self._starts[i], t)
        day_end = (lo // DAY + 1) * DAY
        return lo, min(self._ends[i], day_end)

    def days_until_open(self, t: float) -> float:
        """Days from the day of ``t`` to the day of :meth:`next_window` (0: open later
        that day, or now); ``math.inf`` if it never opens again."""
        if self._lo <= t < self._hi:  # open now, in the interval found last
            return 0.0
        i = bisect_right(self._starts, t) - 1
        if i < 0 or t >= self._ends[i]:
            i += 1
        if i >= len(self._starts):
            return math.inf
        return max(self._starts[i], t) // DAY - t // DAY

    def __len__(self) -> int:
        return len(self.intervals)


def clock(t: float, start_weekday: int) -> str:
    """Simulated minutes as ``day d, Www HH:MM`` (``start_weekday``: weekday of day 0)."""
    day, minute = divmod(t, DAY)
    return f"day {int(day)}, {WEEKDAY_NAMES[(start_weekday + int(day)) % 7]} {hhmm(minute)}"
