"""Appointment calendars: bookable slots through a unit's open hours.

A calendar cuts every open interval into slots of ``slot_min`` minutes, each
bookable by ``per_slot`` clients. A client who books has a preferred time
(:meth:`Calendar.preferred`: a slot drawn from a profile of when clients like
to come, over the slots of the booking period) and takes the slot with room
nearest to it in the period (:meth:`Calendar.book`); without a preference,
the first slot with room.

Say a town office opens 08:00–12:00 with 30-minute slots and a client prefers
10:00: with 10:00 and 09:30 taken, 10:30 and 09:00 are equally near, and the
client takes 09:00 (ties go to the earlier slot).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import numpy as np

from simoffice.model.profile import ArrivalProfile
from simoffice.vocabulary import DAY, WEEK


class Calendar:
    """The slots of one unit and the room left in each.

    Attributes:
        starts: the slots' start times (minutes from the start of the run), in order.
        room: the clients each slot can still take.
    """

    def __init__(self, intervals: list[tuple[float, float]], slot_min: int, per_slot: int):
        self.slot_min = slot_min
        self.starts: list[float] = []
        for lo, hi in intervals:
            t = lo
            while t + slot_min <= hi:
                self.starts.append(t)
                t += slot_min
        n = len(self.starts)
        self.room = [per_slot] * n
        # Two pointer forests over the slots, so that a booking costs nearly constant time
        # however far the calendar is booked up: after[i], a slot at or after i that may
        # have room (n: none); before[i + 1], a slot at or before i that may have room,
        # plus one (0: none). Full slots point past themselves; lookups compress the chains.
        self.after = list(range(n + 1))
        self.before = list(range(n + 1))
        # Per preference profile, the cumulative preference of the slots (see preferred).
        self._cumulative: dict[tuple[ArrivalProfile, int], list[float]] = {}

    @staticmethod
    def _root(links: list[int], i: int) -> int:
        root = i
        while links[root] != root:
            root = links[root]
        while links[i] != root:
            links[i], i = root, links[i]
        return root

    def _first_free(self, i: int) -> int:
        """The first slot at or after ``i`` with room (``len(starts)``: none)."""
        return self._root(self.after, i)

    def _last_free(self, i: int) -> int:
        """The last slot at or before ``i`` with room (-1: none)."""
        return self._root(self.before, i + 1) - 1

    def first(self, earliest: float, latest: float) -> float | None:
        """The start of the first slot with room starting in [earliest, latest), or None;
        nothing is booked."""
        i = self._first_free(bisect_left(self.starts, earliest))
        return self.starts[i] if i < len(self.starts) and self.starts[i] < latest else None

    def book(self, earliest: float, latest: float, preferred: float | None = None) -> float | None:
        """Book the slot with room starting in [earliest, latest) whose start is nearest to
        ``preferred`` (minutes; the earlier of two equally near; None: the first slot with
        room); its start, or None when every slot of the period is full."""
        starts = self.starts
        if preferred is None or preferred <= earliest:
            i = self._first_free(bisect_left(starts, earliest))
        else:  # the first slot with room from the preferred time on, or the last one before it
            k = bisect_left(starts, min(preferred, latest))
            i, j = self._first_free(k), self._last_free(k - 1)
            if j >= 0 and starts[j] >= earliest and (i >= len(starts) or starts[i] >= latest
                                                     or preferred - starts[j] <= starts[i] - preferred):
                i = j
        if i >= len(starts) or starts[i] >= latest:
            return None
        self.room[i] -= 1
        if self.room[i] == 0:
            self.after[i] = i + 1
            self.before[i + 1] = i
        return starts[i]

    def preferred(self, u: float, earliest: float, latest: float, profile: ArrivalProfile,
                  start_weekday: int) -> float | None:
        """The start of the slot a client prefers among those starting in [earliest, latest)
        (minutes), at quantile ``u`` of ``profile``'s rate over the slots: each slot is
        preferred in proportion to the profile's share of the week it spans, so only the
        unit's open hours are preferred (slots with no rate in the profile never are; a
        period with none at all: each slot alike). None: no slot starts in the period.

        ``start_weekday``: the weekday of the run's day 0 (0 = Monday), where the profile's
        week starts."""
        lo, hi = bisect_left(self.starts, earliest), bisect_left(self.starts, latest)
        if lo >= hi:
            return None
        cum = self._cumulative.get((profile, start_weekday))
        if cum is None:
            cum = self._cumulative[profile, start_weekday] = self._slot_preference(profile, start_weekday)
        total = cum[hi] - cum[lo]
        if total <= 0:
            k = lo + int(u * (hi - lo))
        else:  # cum[k] <= x < cum[k + 1]: slot k, whose preference is positive
            k = bisect_right(cum, cum[lo] + u * total, lo, hi) - 1
        return self.starts[min(max(k, lo), hi - 1)]

    def _slot_preference(self, profile: ArrivalProfile, start_weekday: int) -> list[float]:
        """The profile's cumulative rate at the start of each slot, and after the last one
        (weeks of the profile's rate: each week sums to 1). A slot's preference is the
        rise from its own entry to the next, the profile's rate over the slot's span."""
        starts = np.asarray(self.starts, dtype=float)
        week = np.concatenate(([0.0], np.cumsum(profile.weights.ravel())))
        edges = np.arange(len(week), dtype=float) * profile.bin_min

        def rate_until(t: np.ndarray) -> np.ndarray:  # the cumulative rate from the run's start to t
            m = t + start_weekday * DAY  # minutes from the Monday of the run's first week
            return np.floor_divide(m, WEEK) + np.interp(np.mod(m, WEEK), edges, week)

        spans = rate_until(starts + self.slot_min) - rate_until(starts)
        return np.concatenate(([0.0], np.cumsum(np.maximum(spans, 0.0)))).tolist()
