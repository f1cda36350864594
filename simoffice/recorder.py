"""Columnar event log of one replication.

Rows are appended to typed ``array.array`` columns (no dict or object per row),
so a replication's log costs a few dozen bytes per contact and converts to
numpy without copying row by row. Metrics are computed afterwards from these
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


class Recorder:
    """Append-only columns for contacts, bundles, desk duty periods and expert cases.

    ``desk_group`` is a network-wide desk-group index; ``desk`` a network-wide desk index.
    """

    def __init__(self) -> None:
        self.contacts = {k: array(t) for k, t in CONTACT_COLUMNS.items()}
        self.bundles = {k: array(t) for k, t in BUNDLE_COLUMNS.items()}
        self.duty_log = {k: array(t) for k, t in DUTY_COLUMNS.items()}
        self.cases = {k: array(t) for k, t in CASE_COLUMNS.items()}
        # Bound appends, looked up once: the hot path calls them per contact.
        self._contact_appends = tuple(self.contacts[k].append for k in CONTACT_COLUMNS)
        self._bundle_appends = tuple(self.bundles[k].append for k in BUNDLE_COLUMNS)

    def contact(self, bundle, visit, office, segment, service, skill, n_needs, n_settled,
                desk_group, desk, priority, arrival, start, end, outcome, channel, zone, travel) -> None:
        """One ticket, call, session or failed trip (times in minutes; ``start`` NaN
        when never served; ``travel`` the trip's travel time there and back)."""
        a = self._contact_appends
        a[0](bundle); a[1](visit); a[2](office); a[3](segment); a[4](service); a[5](skill)
        a[6](n_needs); a[7](n_settled); a[8](desk_group); a[9](desk); a[10](priority)
        a[11](arrival); a[12](start); a[13](end); a[14](outcome); a[15](channel); a[16](zone)
        a[17](travel)

    def bundle(self, bundle, office, segment, bundle_type, created, first_visit, end, visits,
               tickets, failed_trips, needs, needs_settled, status, zone, proactive, travel, escalated) -> None:
        """One bundle, when it ends (or at the end of the run if still open)."""
        a = self._bundle_appends
        a[0](bundle); a[1](office); a[2](segment); a[3](bundle_type); a[4](created)
        a[5](first_visit); a[6](end); a[7](visits); a[8](tickets); a[9](failed_trips)
        a[10](needs); a[11](needs_settled); a[12](status); a[13](zone); a[14](proactive)
        a[15](travel); a[16](escalated)

    def case(self, bundle, zone, segment, service, skill, expert, escalated, start, end, follow_up) -> None:
        """One case at the expert centre (``end`` NaN if still open at the end of the run)."""
        c = self.cases
        for k, v in zip(CASE_COLUMNS, (bundle, zone, segment, service, skill, expert, escalated, start, end,
                                       follow_up)):
            c[k].append(v)

    def duty(self, office, desk_group, desk, start, end, scheduled_end) -> None:
        """One period a desk was on duty, overtime included."""
        c = self.duty_log
        c["office"].append(office); c["desk_group"].append(desk_group); c["desk"].append(desk)
        c["start_min"].append(start); c["end_min"].append(end); c["scheduled_end_min"].append(scheduled_end)

    def arrays(self) -> dict[str, dict[str, np.ndarray]]:
        """The four logs as dicts of numpy arrays."""
        conv = lambda cols: {k: np.frombuffer(v, dtype=v.typecode).copy() if len(v) else np.array([], dtype=v.typecode) for k, v in cols.items()}
        return {"contacts": conv(self.contacts), "bundles": conv(self.bundles), "duty": conv(self.duty_log),
                "cases": conv(self.cases)}

    def take(self) -> dict[str, dict[str, np.ndarray]]:
        """The rows written so far, as :meth:`arrays`, and empty columns from here on."""
        out = self.arrays()
        for log in (self.contacts, self.bundles, self.duty_log, self.cases):
            for column in log.values():
                del column[:]  # in place: the bound appends stay valid
        return out


def empty_log() -> dict[str, dict[str, np.ndarray]]:
    """The four logs with no rows."""
    return Recorder().arrays()
