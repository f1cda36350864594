"""Columnar event log of one replication.

Rows are kept in typed ``array.array`` columns (no dict or object per row), so
a replication's log costs a few dozen bytes per contact and converts to numpy
without copying row by row; the last few thousand rows wait as tuples and move
into the columns a chunk at a time. Metrics are computed afterwards from these
columns (:mod:`simoffice.metrics`).
"""

from __future__ import annotations

from array import array

import numpy as np

# Contact outcomes, in code order.
# ``closed``: the office (or contact centre) was closed; ``no_show``: a booked
# appointment not kept; ``failed_online``: an online session that settled nothing.
OUTCOMES = ("served", "reneged", "sent_away", "closed", "waiting_at_end", "in_service_at_end", "no_show",
            "failed_online")
SERVED, RENEGED, SENT_AWAY, CLOSED, WAITING_AT_END, IN_SERVICE_AT_END, NO_SHOW, FAILED_ONLINE = range(8)

# Bundle statuses, in code order.
STATUSES = ("settled", "abandoned", "open")
SETTLED, ABANDONED, OPEN = range(3)

CONTACT_COLUMNS = {
    "bundle": "q", "visit": "h", "office": "h", "segment": "h", "service": "h", "skill": "h",
    "n_needs": "b", "n_settled": "b", "desk_group": "h", "desk": "i", "priority": "h",
    "arrival_min": "d", "start_min": "d", "end_min": "d", "outcome": "b",
    "channel": "b", "zone": "h", "travel_min": "d",
}
BUNDLE_COLUMNS = {
    "bundle": "q", "office": "h", "segment": "h", "bundle_type": "h", "created_min": "d",
    "first_visit_min": "d", "end_min": "d", "visits": "h", "tickets": "h", "failed_trips": "h",
    "needs": "b", "needs_settled": "b", "status": "b",
    "zone": "h", "needs_proactive": "b", "travel_min": "d", "escalated": "b",
}
CASE_COLUMNS = {
    "bundle": "q", "zone": "h", "segment": "h", "service": "h", "skill": "h", "expert": "i",
    "escalated_min": "d", "start_min": "d", "end_min": "d", "follow_up": "b",
}
DUTY_COLUMNS = {
    "office": "h", "desk_group": "h", "desk": "i", "start_min": "d", "end_min": "d",
    "scheduled_end_min": "d",
}


class _Log:
    """One log: rows are appended as tuples and moved into typed columns a chunk at a
    time: numpy reads a chunk of tuples into a record array in one C-level pass, and
    each column takes its field's bytes in one call (rather than a Python call per
    value, or a generic conversion of every value)."""

    CHUNK = 4096

    def __init__(self, columns: dict[str, str]):
        self.columns = {k: array(t) for k, t in columns.items()}
        self.record = np.dtype([(k, np.dtype(t)) for k, t in columns.items()])
        self.rows: list[tuple] = []
        self.append = self.rows.append

    def settle(self) -> None:
        """Move the pending rows into the columns.

        Raises:
            OverflowError: a value does not fit its column's type.
        """
        rows = self.rows
        if rows:
            chunk = np.fromiter(rows, dtype=self.record, count=len(rows))
            for name, column in self.columns.items():
                column.frombytes(chunk[name].tobytes())
            rows.clear()

    def arrays(self, copy: bool = True) -> dict[str, np.ndarray]:
        """The columns as numpy arrays: copies, or (``copy=False``, once no row will
        be added) views of the columns themselves, which then cannot grow."""
        self.settle()
        out = {}
        for k, v in self.columns.items():
            values = np.frombuffer(v, dtype=v.typecode) if len(v) else np.array([], dtype=v.typecode)
            out[k] = values.copy() if copy else values
        return out

    def clear(self) -> None:
        self.settle()
        for column in self.columns.values():
            del column[:]


class Recorder:
    """Append-only logs of contacts, bundles, desk duty periods and expert cases.

    ``desk_group`` is a network-wide desk-group index; ``desk`` a network-wide desk index.
    """

    def __init__(self) -> None:
        self.logs = {"contacts": _Log(CONTACT_COLUMNS), "bundles": _Log(BUNDLE_COLUMNS),
                     "duty": _Log(DUTY_COLUMNS), "cases": _Log(CASE_COLUMNS)}
        self._contacts, self._bundles = self.logs["contacts"], self.logs["bundles"]

    def contact(self, bundle, visit, office, segment, service, skill, n_needs, n_settled,
                desk_group, desk, priority, arrival, start, end, outcome, channel, zone, travel) -> None:
        """One ticket, call, session or failed trip (times in minutes; ``start`` NaN
        when never served; ``travel`` the trip's travel time there and back)."""
        log = self._contacts
        log.append((bundle, visit, office, segment, service, skill, n_needs, n_settled, desk_group, desk, priority,
                    arrival, start, end, outcome, channel, zone, travel))
        if len(log.rows) >= log.CHUNK:
            log.settle()

    def bundle(self, bundle, office, segment, bundle_type, created, first_visit, end, visits,
               tickets, failed_trips, needs, needs_settled, status, zone, proactive, travel, escalated) -> None:
        """One bundle, when it ends (or at the end of the run if still open)."""
        log = self._bundles
        log.append((bundle, office, segment, bundle_type, created, first_visit, end, visits, tickets, failed_trips,
                    needs, needs_settled, status, zone, proactive, travel, escalated))
        if len(log.rows) >= log.CHUNK:
            log.settle()

    def case(self, bundle, zone, segment, service, skill, expert, escalated, start, end, follow_up) -> None:
        """One case at the expert centre (``end`` NaN if still open at the end of the run)."""
        self.logs["cases"].append((bundle, zone, segment, service, skill, expert, escalated, start, end, follow_up))

    def duty(self, office, desk_group, desk, start, end, scheduled_end) -> None:
        """One period a desk was on duty, overtime included."""
        self.logs["duty"].append((office, desk_group, desk, start, end, scheduled_end))

    def arrays(self, copy: bool = True) -> dict[str, dict[str, np.ndarray]]:
        """The four logs as dicts of numpy arrays (``copy=False``: at the end of the
        run, without a second copy of the log in memory)."""
        return {name: log.arrays(copy) for name, log in self.logs.items()}

    def take(self) -> dict[str, dict[str, np.ndarray]]:
        """The rows written so far, as :meth:`arrays`, and empty logs from here on."""
        out = self.arrays()
        for log in self.logs.values():
            log.clear()
        return out


def empty_log() -> dict[str, dict[str, np.ndarray]]:
    """The four logs with no rows."""
    return Recorder().arrays()
