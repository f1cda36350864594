"""Columnar event log of one replication.

Rows are kept in typed ``array.array`` columns (no dict or object per row), so
a replication's log costs a few dozen bytes per contact and converts to numpy
without copying row by row; rows written since the last :meth:`Recorder.settle`
(the replication settles once a simulated day) wait as packed bytes, a C
struct each, and move into the columns together. Metrics are computed
afterwards from these columns (:mod:`simoffice.measures.metrics`).
"""

from __future__ import annotations

from array import array
from struct import Struct

import numpy as np

# The log's columns and their packed types live with the model, where the config's
# bounds (simoffice.config.bounds) read them too.
from simoffice.model.log_columns import (
    BOOKING_COLUMNS,
    BUNDLE_COLUMNS,
    CASE_COLUMNS,
    CONTACT_COLUMNS,
    DUTY_COLUMNS,
)

# Contact outcomes, in code order.
# ``closed``: the office (or contact centre) was closed; ``no_show``: a booked
# appointment not kept; ``failed_online``: an online session that settled nothing.
OUTCOMES = ("served", "reneged", "sent_away", "closed", "waiting_at_end", "in_service_at_end", "no_show",
            "failed_online")
SERVED, RENEGED, SENT_AWAY, CLOSED, WAITING_AT_END, IN_SERVICE_AT_END, NO_SHOW, FAILED_ONLINE = range(8)

# Bundle statuses, in code order.
STATUSES = ("settled", "abandoned", "open")
SETTLED, ABANDONED, OPEN = range(3)

class Log:
    """One log: each row is packed into bytes as a C struct of the columns' types (one
    C call for the whole row) and appended to :attr:`rows`; :meth:`settle` reads the
    pending rows as one numpy record array, and each column takes its field's bytes
    in one call. A hot path may append ``pack(...)`` to ``rows`` itself."""

    def __init__(self, columns: dict[str, str]):
        self.columns = {k: array(t) for k, t in columns.items()}
        # Standard sizes, no padding ("="): the same layout in the struct and the record.
        layout = "=" + "".join(columns.values())
        self.pack = Struct(layout).pack
        self.record = np.dtype([(k, np.dtype("=" + t)) for k, t in columns.items()])
        self.rows: list[bytes] = []

    def append(self, *values) -> None:
        """Add one row (the columns' values in order).

        Raises:
            struct.error: a value does not fit its column's type.
        """
        self.rows.append(self.pack(*values))

    def settle(self) -> None:
        """Move the pending rows into the columns."""
        rows = self.rows
        if rows:
            chunk = np.frombuffer(b"".join(rows), dtype=self.record)
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
        self.logs = {"contacts": Log(CONTACT_COLUMNS), "bundles": Log(BUNDLE_COLUMNS),
                     "duty": Log(DUTY_COLUMNS), "cases": Log(CASE_COLUMNS), "bookings": Log(BOOKING_COLUMNS)}
        self.contacts, self.bundles = self.logs["contacts"], self.logs["bundles"]

    def contact(self, bundle, visit, office, segment, service, skill, n_needs, n_settled,
                desk_group, desk, priority, arrival, start, end, outcome, channel, zone, travel) -> None:
        """One ticket, call, session or failed trip (times in minutes; ``start`` NaN
        when never served; ``travel`` the trip's travel time there and back)."""
        self.contacts.append(bundle, visit, office, segment, service, skill, n_needs, n_settled, desk_group, desk,
                             priority, arrival, start, end, outcome, channel, zone, travel)

    def bundle(self, bundle, office, segment, bundle_type, created, first_visit, end, visits,
               tickets, failed_trips, needs, needs_settled, status, zone, proactive, travel, escalated) -> None:
        """One bundle, when it ends (or at the end of the run if still open)."""
        self.bundles.append(bundle, office, segment, bundle_type, created, first_visit, end, visits, tickets,
                            failed_trips, needs, needs_settled, status, zone, proactive, travel, escalated)

    def case(self, bundle, zone, segment, service, skill, expert, escalated, start, end, follow_up) -> None:
        """One case at the expert centre (``end`` NaN if still open at the end of the run)."""
        self.logs["cases"].append(bundle, zone, segment, service, skill, expert, escalated, start, end, follow_up)

    def booking(self, office, channel, requested, slot, offered) -> None:
        """One booking request (minutes; ``slot``, the slot booked, and ``offered``, the
        first free one, NaN when there was none)."""
        self.logs["bookings"].append(office, channel, requested, slot, offered)

    def duty(self, office, desk_group, desk, start, end, scheduled_end, paid_until) -> None:
        """One period a desk was on duty, overtime included (minutes; see :data:`DUTY_COLUMNS`)."""
        self.logs["duty"].append(office, desk_group, desk, start, end, scheduled_end, paid_until)

    def settle(self) -> None:
        """Move every log's pending rows into its columns."""
        for log in self.logs.values():
            log.settle()

    def arrays(self, copy: bool = True) -> dict[str, dict[str, np.ndarray]]:
        """The logs as dicts of numpy arrays (``copy=False``: at the end of the
        run, without a second copy of the log in memory)."""
        return {name: log.arrays(copy) for name, log in self.logs.items()}

    def take(self) -> dict[str, dict[str, np.ndarray]]:
        """The rows written so far, as :meth:`arrays`, and empty logs from here on."""
        out = self.arrays()
        for log in self.logs.values():
            log.clear()
        return out


def empty_log() -> dict[str, dict[str, np.ndarray]]:
    """The logs with no rows."""
    return Recorder().arrays()
