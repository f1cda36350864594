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
        self.full_before = 0  # every slot before this index is full

    def book(self, earliest: float, latest: float) -> float | None:
        """Book the first slot with room starting in [earliest, latest); its start, or None."""
        i = max(bisect_left(self.starts, earliest), self.full_before)
        starts, room = self.starts, self.room
        while i < len(starts) and starts[i] < latest:
            if room[i] > 0:
                room[i] -= 1
                if i == self.full_before and room[i] == 0:
                    self._advance()
                return starts[i]
            i += 1
        return None

    def _advance(self) -> None:
        i = self.full_before
        while i < len(self.room) and self.room[i] == 0:
            i += 1
        self.full_before = i
