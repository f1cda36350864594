"""Opening and duty intervals over the simulated horizon.

Simulated time is in minutes from midnight of ``run.start_date``; day ``d``
starts at ``d * 1440`` and its weekday is ``(start_weekday + d) % 7`` with
0 = Monday. A weekly pattern (per weekday, the day's open intervals as
``(open, close)`` pairs of minutes since midnight, or None for closed) becomes
a sorted list of disjoint ``(start, end)`` intervals over the horizon. An
office closed for lunch has two intervals a day (``"08:00-12:00,13:00-17:00"``
in a config): the lunch hour is a closing like the evening's. Intervals that
touch are merged, so an office open 24/7 has a single interval and never
"closes" at midnight.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from typing import Iterable, Sequence

from simoffice.errors import ConfigError
from simoffice.vocabulary import DAY, WEEKDAY_NAMES, hhmm

DayHours = tuple  # a day's open intervals: ((open_min, close_min), ...), disjoint and in order
WeekHours = tuple  # 7 items, Monday first, each DayHours or None (closed)

# A clock time: one or two ASCII digits, a colon, two ASCII digits (``\d`` would match any script's digits).
CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
HOURS = "opening hours 'HH:MM-HH:MM' or null for closed"
OPENING = f"{HOURS} (several intervals a day: '08:00-12:00,13:00-17:00')"


def parse_clock(text: str, key: str, allow_24: bool = True) -> int:
    """Minutes since midnight of ``"HH:MM"`` or ``"H:MM"`` (``"24:00"`` allowed as an end).
    The digits are ASCII 0–9 only: ``'²:00'`` or Arabic-Indic ``'٠٨:٠٠'`` are no clock times.

    Raises:
        ConfigError: not of the form HH:MM, or outside 00:00–24:00.
    """
    expected = "a clock time 'HH:MM' between 00:00 and " + ("24:00" if allow_24 else "23:59")
    m = CLOCK.fullmatch(text) if isinstance(text, str) else None
    if m is None:
        raise ConfigError(key, expected, text)
    hh, mm = m.groups()
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
        raise ConfigError(key, HOURS, text)
    start, end = (s.strip() for s in text.split("-"))
    try:
        lo, hi = parse_clock(start, key), parse_clock(end, key)
    except ConfigError as err:  # report the whole value given, not its half
        raise ConfigError(key, f"opening hours 'HH:MM-HH:MM' ({err.expected})", text) from None
    if hi <= lo:
        raise ConfigError(key, "a closing time after the opening time", text)
    return lo, hi


def parse_opening(text: str, key: str) -> DayHours:
    """A day's opening hours: ``"08:00-17:00"`` -> ((480, 1020),) and
    ``"08:00-12:00, 13:00-17:00"`` -> ((480, 720), (780, 1020)). Intervals are
    separated by commas (spaces allowed around them), each opens at or after the
    previous one closes.

    Raises:
        ConfigError: malformed, a closing not after its opening, or intervals that
            overlap or are out of order; ``got`` is the whole text.
    """
    if not isinstance(text, str):
        raise ConfigError(key, OPENING, text)
    parts = text.split(",")
    out: list[tuple[int, int]] = []
    for i, part in enumerate(parts):
        try:
            lo, hi = parse_hours(part, key)
        except ConfigError as err:  # report the whole value given, and which interval is wrong
            expected = OPENING if err.expected == HOURS else err.expected
            where = f" (interval {i + 1}: {part.strip()!r})" if len(parts) > 1 else ""
            raise ConfigError(key, expected + where, text) from None
        if out and lo < out[-1][1]:
            raise ConfigError(key, f"disjoint intervals in order (interval {i + 1} opens at {hhmm(lo)}, before "
                                   f"interval {i} closes at {hhmm(out[-1][1])})", text)
        out.append((lo, hi))
    return tuple(out)


def day_pairs(entry) -> tuple:
    """A weekly pattern's entry as its intervals: None -> (), one ``(start, end)``
    pair -> a tuple of it, a sequence of pairs -> as a tuple."""
    if entry is None:
        return ()
    if len(entry) == 2 and not isinstance(entry[0], (tuple, list)):
        return (tuple(entry),)
    return tuple(entry)


def open_minutes(pattern: Sequence) -> float:
    """Open minutes in a week of ``pattern`` (7 entries as for :func:`weekly_intervals`)."""
    return sum(hi - lo for entry in pattern for lo, hi in day_pairs(entry))


def weekly_intervals(
    pattern: Sequence, start_weekday: int, n_days: int, closed_days: Iterable[int] = ()
) -> list[tuple[float, float]]:
    """Expand a weekly pattern over ``n_days`` days, skipping ``closed_days``: the one
    path from weekly hours (opening hours, mobile stops, duty) to the horizon's intervals.

    Args:
        pattern: 7 entries (Monday first), each the day's intervals (a sequence of
            ``(start_min, end_min)`` pairs, e.g. an office's :data:`DayHours`), one
            such pair, or None (closed).
        start_weekday: weekday of day 0 (0 = Monday).
        n_days: length of the horizon in days.
        closed_days: day indices with no interval (public holidays).
    """
    closed = set(closed_days)
    days = [day_pairs(entry) for entry in pattern]
    out: list[tuple[float, float]] = []
    for d in range(n_days):
        if d in closed:
            continue
        for lo, hi in days[(start_weekday + d) % 7]:
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

    def day_windows(self, t: float) -> list[tuple[float, float]]:
        """Every open interval of the day of :meth:`next_window` from ``t`` on: that
        window, then the day's later ones (an office closed for lunch opens again),
        each clipped to the day; empty if it never opens again. With one interval
        a day, ``[next_window(t)]``."""
        first = self.next_window(t)
        if first is None:
            return []
        out = [first]
        day_end = (first[0] // DAY + 1) * DAY
        i = bisect_right(self._starts, first[0])
        while i < len(self._starts) and self._starts[i] < day_end:
            out.append((self._starts[i], min(self._ends[i], day_end)))
            i += 1
        return out

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
