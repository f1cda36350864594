"""A replication's measures, groups and time series, folded from its log part by part.

:class:`Aggregates` keeps, for the network, each unit and each segment, zone and
channel, the tallies of :mod:`simoffice.measures.tally` (sums and counts, a histogram
of waits) and the time integrals of the time series. Any split of the log into
parts adds up to the same tallies, provided the tickets of one contact are in
the same part. So a replication can hand its whole log over at the end
(``run.keep_contacts=true``: exact percentiles from every wait) or a part each
simulated week, keeping no row for long (``run.keep_contacts=false``: memory
does not grow with the length of the run; percentiles come from the histogram,
within half a :data:`~simoffice.measures.tally.WAIT_BIN_MIN` bin of the exact ones, and
the time series is folded onto one week: each 15-minute bin of the week holds the
mean over the weeks of the window).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simoffice.measures import metrics
from simoffice.measures.coverage import zone_coverage
from simoffice.measures.standards import StandardsTally
from simoffice.measures.tally import ClientTally, UnitTally, client_tally, unit_tally
from simoffice.measures.timeseries import series, timeseries_add, timeseries_table
from simoffice.measures.trend import WeeklyTally
from simoffice.model.channels import CHANNELS
from simoffice.model.spec import ModelSpec
from simoffice.vocabulary import DAY, WEEK, WEEKDAY_NAMES

BIN_MIN = 15.0  # the time series' bins


class Aggregates:
    """Running aggregates of one replication's log.

    Args:
        spec: the model.
        targets: service-level target (minutes of wait) per channel code.
        fixed_cost: the network's costs in the window besides staff (mobile offices' vehicles).
        group_skills: (unit, skills) of every desk group, in network-wide index order.
        exact: keep every wait, for exact percentiles (when the whole log comes in
            one part); else percentiles come from histograms of waits.
    """

    def __init__(self, spec: ModelSpec, targets: np.ndarray, fixed_cost: float,
                 group_skills: list[tuple[int, frozenset[int]]], exact: bool = False):
        self.spec = spec
        self.exact = exact
        self.coverage = zone_coverage(spec)
        self.window = spec.run.window
        self.targets = targets
        self.shrinkage = np.array([u.shrinkage for u in spec.offices], float)
        self.fixed_cost = fixed_cost
        self.group_skills = group_skills
        self.physical = np.array([u.physical for u in spec.offices])
        n_units = len(spec.offices)
        self.n_units = n_units
        new = self._client_tally
        self.network = (new(), UnitTally())
        self.units = [(new(), UnitTally()) for _ in range(n_units if n_units > 1 else 0)]
        self.splits = {
            "segment": [new() for _ in spec.segments],
            "zone": [new() for _ in spec.zones],
            "channel": [new() for _ in CHANNELS],
            "weekday": [new() for _ in WEEKDAY_NAMES],
        }
        self.channel_rows = np.zeros(len(CHANNELS), np.int64)
        self.weekday_rows = np.zeros(len(WEEKDAY_NAMES), np.int64)
        self.standards = StandardsTally(spec, targets)
        self.weekly = WeeklyTally(spec)
        # The time series: every 15-minute bin of the window, or (not exact) the bins of
        # one week, each adding up the same bin of every week of the window.
        w0, w1 = self.window
        n_bins = int(round((w1 - w0) / BIN_MIN)) if exact else int(WEEK // BIN_MIN)
        self.series = np.zeros((len(series(group_skills, n_units)), 3, n_bins))

    def _client_tally(self) -> ClientTally:
        return ClientTally(waits=np.zeros(0) if self.exact else None)

    def add(self, log: dict[str, Any]) -> None:
        """Fold a part of the log (``contacts``, ``bundles``, ``duty``, ``cases`` columns)
        into the aggregates."""
        c, b, d, cases = log["contacts"], log["bundles"], log["duty"], log["cases"]
        w, tg, ph, exact = self.window, self.targets, self.physical, self.exact
        client, unit = self.network
        whole = client_tally(c, b, w, tg, ph, exact)
        self.network = (client + whole, unit + unit_tally(c, d, cases, w, self.shrinkage))

        def tally(part: dict, part_b: dict | None) -> ClientTally:
            # A group holding every row (the only office, segment, zone or channel) has the network's tally.
            if part is c and part_b is b:
                return whole
            if part is c and part_b is None:
                return whole.without_bundles()
            return client_tally(part, part_b, w, tg, ph, exact)

        if self.units:
            parts_b = dict(metrics.split(b, b["office"], self.n_units))
            parts_d = dict(metrics.split(d, d["office"], self.n_units))
            for o, part in metrics.split(c, c["office"], self.n_units):
                client, unit = self.units[o]
                self.units[o] = (client + tally(part, parts_b[o]),
                                 unit + unit_tally(part, parts_d[o], None, w, self.shrinkage))
        for by in ("segment", "zone"):
            tallies = self.splits[by]
            parts_b = dict(metrics.split(b, b[by], len(tallies)))
            for g, part in metrics.split(c, c[by], len(tallies)):
                tallies[g] = tallies[g] + tally(part, parts_b[g])
        tallies = self.splits["channel"]
        for g, part in metrics.split(c, c["channel"], len(CHANNELS)):
            if len(part["channel"]):
                self.channel_rows[g] += len(part["channel"])
                tallies[g] = tallies[g] + tally(part, None)
        # Weekdays: contacts by the day they arrived, bundles by the day they began.
        tallies = self.splits["weekday"]
        start = self.spec.run.start_weekday
        c_day = ((c["arrival_min"] // DAY + start) % 7).astype(np.int8)
        parts_b = dict(metrics.split(b, ((b["created_min"] // DAY + start) % 7).astype(np.int8), 7))
        for g, part in metrics.split(c, c_day, 7):
            if len(part["arrival_min"]) or len(parts_b[g]["created_min"]):
                self.weekday_rows[g] += len(part["arrival_min"]) + len(parts_b[g]["created_min"])
                tallies[g] = tallies[g] + tally(part, parts_b[g])
        self.standards.add(log)
        self.weekly.add(log)
        timeseries_add(self.series, c, d, self.group_skills, self.n_units, w, BIN_MIN)

    def measures(self) -> list[tuple[str, dict[str, float]]]:
        """(unit, measures) for the network (``all``) and, with several units, each unit."""
        spec, w = self.spec, self.window
        per_day, per_open_day, _ = self.coverage
        contract = spec.contract_hours_per_week
        rows = [("all", metrics.results(*self.network, w, spec.staff_cost_per_hour, self.fixed_cost,
                                        (per_day, per_open_day), contract))]
        for unit, (client, tally) in zip(spec.offices, self.units):
            rows.append((unit.name, metrics.results(client, tally, w, spec.staff_cost_per_hour,
                                                    contract_hours=contract)))
        return rows

    def groups(self) -> list[tuple[str, str, dict[str, float]]]:
        """(split, group, the clients' measures) for every segment and zone, and every
        channel and weekday some contact used."""
        spec, w = self.spec, self.window
        zone_cov = self.coverage[2]
        out = []
        for g, t in enumerate(self.splits["segment"]):
            out.append(("segment", spec.segments[g].name, metrics.client_results(t, w)))
        for g, t in enumerate(self.splits["zone"]):
            m = metrics.client_results(t, w)
            m["coverage_within_min"] = float(zone_cov[g])
            out.append(("zone", spec.zones[g].name, m))
        for g, t in enumerate(self.splits["channel"]):
            if self.channel_rows[g]:
                out.append(("channel", CHANNELS[g], metrics.client_results(t, w)))
        for g, t in enumerate(self.splits["weekday"]):
            if self.weekday_rows[g]:
                out.append(("weekday", WEEKDAY_NAMES[g], metrics.client_results(t, w)))
        return out

    def timeseries(self) -> dict[str, np.ndarray]:
        """Time-average queue, busy desks and desks on duty per unit, desk group and
        bin: of the window (exact), or of a typical week (the mean of its weeks)."""
        return timeseries_table(self.series, self.group_skills, self.n_units, self.window, BIN_MIN)
