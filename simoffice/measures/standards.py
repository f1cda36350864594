"""Service standards measured: per replication, the share that met each standard, per unit.

A :class:`StandardsTally` holds, for every standard and unit, the clients (or
cases) the standard counts and those that met it, and, per unit × weekday ×
hour, the contacts that queued and those seen within their channel's wait
standard (the report's heat map). Tallies of parts of a log add up, like those
of :mod:`simoffice.measures.tally`.

What each kind counts, in the measured window:

- ``served_within``: contacts of the channel that queued (as for
  ``service_level``); met when the wait was at most the limit;
- ``abandonment``: the same contacts; "met" counts those that left the queue
  (the standard is a ceiling);
- ``appointment_within``: booking requests; met when the unit had a free slot
  within the limit of the request (its first free slot: a client who prefers a
  later day does not make the calendar miss it);
- ``expert_within``: cases escalated; met when decided within the limit;
- ``bundle_within``: bundles with a first contact; met when settled within the
  limit of it.

A case or bundle still open at the end of the run counts only once it is older
than the limit (until then nobody can say whether it meets it).
"""

from __future__ import annotations

import numpy as np

from simoffice.engine.recorder import RENEGED, SETTLED
from simoffice.measures.tally import queued
from simoffice.model.spec import ModelSpec
from simoffice.model.standards import EXPERT_CENTRE
from simoffice.vocabulary import DAY


def wait_limits(spec: ModelSpec, targets: np.ndarray) -> np.ndarray:
    """The wait limit (minutes) per unit × channel code: the first ``served_within``
    standard of the channel, at that unit, else the run's target (``targets``)."""
    limits = np.tile(np.asarray(targets, float), (len(spec.offices), 1))
    set_by_standard: set[int] = set()
    for st in spec.standards:
        if st.kind == "served_within":
            channels = [ch for ch in st.channels if ch not in set_by_standard]
            set_by_standard.update(channels)
            for u in range(len(spec.offices)):
                limits[u, channels] = st.limit(u)[0]
    return limits


class StandardsTally:
    """Counts behind the standards and the heat map of one replication (adds up over parts).

    ``met[s, u]`` / ``counted[s, u]``: standard ``s`` at unit ``u`` (index
    ``len(spec.offices)``: the expert centre); ``queued[u, weekday, hour]`` and
    ``in_time[u, weekday, hour]``: contacts that queued at unit ``u``, and those
    seen within their channel's wait limit.
    """

    def __init__(self, spec: ModelSpec, targets: np.ndarray):
        self.spec = spec
        n_units = len(spec.offices)
        self.limits = wait_limits(spec, targets)
        self.met = np.zeros((len(spec.standards), n_units + 1), np.int64)
        self.counted = np.zeros_like(self.met)
        self.queued = np.zeros((n_units, 7, 24), np.int64)
        self.in_time = np.zeros_like(self.queued)
        # Per standard: its limit at each unit (minutes), the expert centre last.
        self.unit_limits = [np.array([st.limit(u)[0] if st.within is not None else np.nan
                                      for u in range(n_units + 1)], float) for st in spec.standards]

    def add(self, log: dict) -> None:
        """Fold a part of the log (``contacts``, ``bundles``, ``cases``, ``bookings``) in."""
        spec = self.spec
        w0, w1 = spec.run.window
        end_of_run = spec.run.horizon
        n_units = len(spec.offices)
        c = log["contacts"]
        arrival = c["arrival_min"]
        inw = (arrival >= w0) & (arrival < w1)
        out, channel, office = c["outcome"][inw], c["channel"][inw], c["office"][inw]
        waited = queued(out, channel) & (office >= 0)
        out, channel, office = out[waited], channel[waited], office[waited]
        arrival = arrival[inw][waited]
        wait = c["start_min"][inw][waited] - arrival  # NaN: never served
        in_time = wait <= self.limits[office, channel]
        day = arrival // DAY
        weekday = ((day + spec.run.start_weekday) % 7).astype(np.intp)
        hour = ((arrival - day * DAY) // 60).astype(np.intp)
        np.add.at(self.queued, (office, weekday, hour), 1)
        np.add.at(self.in_time, (office[in_time], weekday[in_time], hour[in_time]), 1)
        for s, st in enumerate(spec.standards):
            if st.kind in ("served_within", "abandonment"):
                mine = np.isin(channel, st.channels)
                hit = (wait <= self.unit_limits[s][office]) if st.kind == "served_within" else (out == RENEGED)
                self._count(s, office[mine], hit[mine], n_units)
            elif st.kind == "appointment_within":
                b = log["bookings"]
                asked = b["requested_min"]
                mine = (asked >= w0) & (asked < w1)
                unit = b["office"][mine].astype(np.intp)
                delay = b["offered_min"][mine] - asked[mine]
                self._count(s, unit, delay <= self.unit_limits[s][unit] * DAY, n_units)
            elif st.kind == "expert_within":
                k = log["cases"]
                esc, end = k["escalated_min"], k["end_min"]
                mine = (esc >= w0) & (esc < w1)
                age = np.where(np.isnan(end), end_of_run, end)[mine] - esc[mine]
                limit = self.unit_limits[s][n_units] * DAY
                known = ~np.isnan(end[mine]) | (age > limit)
                self._count(s, np.full(int(known.sum()), n_units, np.intp),
                            (age <= limit)[known] & ~np.isnan(end[mine][known]), n_units)
            elif st.kind == "bundle_within":
                b = log["bundles"]
                created, first = b["created_min"], b["first_visit_min"]
                mine = (created >= w0) & (created < w1) & ~np.isnan(first) & (b["office"] >= 0)
                unit = b["office"][mine].astype(np.intp)
                settled = b["status"][mine] == SETTLED
                end = np.where(settled, b["end_min"][mine], end_of_run)
                age = end - first[mine]
                limit = self.unit_limits[s][unit] * DAY
                known = settled | (age > limit)
                self._count(s, unit[known], (settled & (age <= limit))[known], n_units)

    def _count(self, s: int, unit: np.ndarray, hit: np.ndarray, n_units: int) -> None:
        self.counted[s] += np.bincount(unit, minlength=n_units + 1)
        self.met[s] += np.bincount(unit[hit], minlength=n_units + 1)

    def values(self) -> list[tuple[str, str, float]]:
        """(unit name or ``all``, standard name, share) of every standard with
        clients to count, the network first; the expert centre as ``expert centre``."""
        names = [u.name for u in self.spec.offices] + [EXPERT_CENTRE]
        out = []
        for s, st in enumerate(self.spec.standards):
            total, met = self.counted[s].sum(), self.met[s].sum()
            if not total:
                continue
            out.append(("all", st.name, float(met / total)))
            for u in np.flatnonzero(self.counted[s]):
                out.append((names[u], st.name, float(self.met[s, u] / self.counted[s, u])))
        return out

    def hours(self) -> dict[str, np.ndarray]:
        """The heat map's counts: ``office``, ``weekday``, ``hour``, ``queued``,
        ``in_time`` for every cell with a contact that queued."""
        u, d, h = np.nonzero(self.queued)
        return {"office": u.astype(np.int16), "weekday": d.astype(np.int8), "hour": h.astype(np.int8),
                "queued": self.queued[u, d, h], "in_time": self.in_time[u, d, h]}

