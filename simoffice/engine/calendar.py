"""Appointment calendars: bookable slots through a unit's open hours.

A calendar cuts every open interval into slots of ``slot_min`` minutes, each
bookable by ``per_slot`` clients. A booking takes the first slot with room that
starts in the requested period.
"""

from __future__ import annotations

from bisect import bisect_left


class Calendar:
    def __init__(self, intervals: list[tuple[float, float]], slot_min: int, per_slot: int):
        self.starts: list[float] = []
        for lo, hi in intervals:
            t = lo
            while t + slot_min <= hi:
                self.starts.append(t)
                t += slot_min
        self.room = [per_slot] * len(self.starts)
        # free[i]: a slot at or after i that may have room (len(starts): none). Full slots
        # point past themselves and lookups compress the chains, so a booking costs
        # nearly constant time however far the calendar is booked up.
        self.free = list(range(len(self.starts) + 1))

    def _first_free(self, i: int) -> int:
        free = self.free
        root = i
        while free[root] != root:
            root = free[root]
        while free[i] != root:
            free[i], i = root, free[i]
        return root

    def book(self, earliest: float, latest: float) -> float | None:
        """Book the first slot with room starting in [earliest, latest); its start, or None."""
        i = self._first_free(bisect_left(self.starts, earliest))
        if i >= len(self.starts) or self.starts[i] >= latest:
            return None
        self.room[i] -= 1
        if self.room[i] == 0:
            self.free[i] = i + 1
        return self.starts[i]
