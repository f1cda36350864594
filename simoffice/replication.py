"""One replication: draw the clients, build the offices, run SimPy, return the log.

Randomness follows one rule: every source of randomness has its own
``numpy.random.Generator``, the child ``[replication][office][source][week]`` of
the run's ``SeedSequence``, and a client's random attributes are drawn in a batch
when the client is created (a week at a time). Each source draws a fixed number
of uniforms per client, visit by visit, and turns them into values by
inversion. Two runs with the same seed therefore see the same clients — arrival
times, segments, bundles, patience, service times — whatever their schedules or
designs, and a change to one attribute (a service-time distribution, patience,
the visit limit) leaves the others' draws as they were (common random numbers).
"""

from __future__ import annotations

import numpy as np
import simpy

from simoffice.journey import Client, Draws, Journey
from simoffice.office import Desk, OfficeModel
from simoffice.recorder import Recorder
from simoffice.spec import ModelSpec
from simoffice.timetable import DAY, WEEK, Timetable, weekly_intervals

# Sources of randomness, in spawn order.
SOURCES = ("arrivals", "bundle", "segment", "service", "missing", "patience", "informed", "return", "day")


def stream(spec: ModelSpec, replication: int, office: int, source: str, week: int) -> np.random.Generator:
    """The generator of one source of randomness for one office and week."""
    key = (replication, office, SOURCES.index(source), week)
    return np.random.default_rng(np.random.SeedSequence(spec.run.seed, spawn_key=key))


def office_timetable(spec: ModelSpec, o: int) -> Timetable:
    """Open intervals of office ``o`` over the horizon (holidays closed)."""
    n_days = int(spec.run.horizon // DAY)
    return Timetable(weekly_intervals(spec.offices[o].opening, spec.run.start_weekday, n_days,
                                      spec.schedule.holidays))


def build_desks(spec: ModelSpec, o: int, group_offset: int, desk_offset: int) -> list[Desk]:
    """The desks of office ``o``: one per staffed position of each shift."""
    n_days = int(spec.run.horizon // DAY)
    desks = []
    for gi, g in enumerate(spec.offices[o].desk_groups):
        for shift_index, count in g.staff:
            sh = spec.schedule.shifts[shift_index]
            pattern = [(sh.start, sh.end) if d in sh.days else None for d in range(7)]
            duty = weekly_intervals(pattern, spec.run.start_weekday, n_days, spec.schedule.holidays)
            for _ in range(count):
                desks.append(Desk(desk_offset + len(desks), group_offset + gi, g.skills, duty))
    return desks


class ClientFactory:
    """Draws a week of clients of one office at a time."""

    def __init__(self, spec: ModelSpec, replication: int, o: int, first_id: int):
        self.spec = spec
        self.replication = replication
        self.o = o
        self.next_id = first_id
        levels = sorted({s.priority for s in spec.segments}, reverse=True)
        self.level = [levels.index(s.priority) for s in spec.segments]
        self.k = max(len(b.needs) for b in spec.bundles)
        self.bundle_cdf = np.cumsum([b.share for b in spec.bundles])
        self.segment_cdfs = [np.cumsum(b.segment_probs) for b in spec.bundles]

    def uniforms(self, source: str, w: int, shape) -> np.ndarray:
        return stream(self.spec, self.replication, self.o, source, w).random(shape)

    def week(self, w: int) -> list[Client]:
        spec = self.spec
        run = spec.run
        times = spec.profile.sample(stream(spec, self.replication, self.o, "arrivals", w),
                                    spec.offices[self.o].bundles_per_week, run.start_weekday,
                                    w * WEEK, (w + 1) * WEEK)
        n, A, K = len(times), spec.max_visits, self.k
        u = self.uniforms
        btype = np.minimum(np.searchsorted(self.bundle_cdf, u("bundle", w, n), side="right"), len(spec.bundles) - 1)
        u_segment = u("segment", w, n)
        # Visit-major (A, n, K) draws, so that the first visits' values do not depend on max_visits.
        u_service = u("service", w, (A, n, K)).transpose(1, 2, 0)
        u_missing = u("missing", w, (A, n, K)).transpose(1, 2, 0)
        segment = np.zeros(n, dtype=np.int64)
        service = np.zeros((n, K, A))
        missing_p = np.zeros((n, K))
        for b_i, b in enumerate(spec.bundles):
            rows = np.flatnonzero(btype == b_i)
            if not len(rows):
                continue
            cdf = self.segment_cdfs[b_i]
            segment[rows] = np.minimum(np.searchsorted(cdf, u_segment[rows], side="right"), len(cdf) - 1)
            for j, s in enumerate(b.needs):
                svc = spec.services[s]
                service[rows, j, :] = svc.service_time.quantile(u_service[rows, j, :])
                missing_p[rows, j] = svc.missing_document_prob
        missing = u_missing < missing_p[:, :, None]
        u_patience = u("patience", w, (A, n)).T
        patience = np.full((n, A), np.inf)
        for s_i, s in enumerate(spec.segments):
            rows = np.flatnonzero(segment == s_i)
            if s.patience is not None and len(rows):
                patience[rows] = s.patience.quantile(u_patience[rows])
        informed = u("informed", w, n) < np.array([s.informed_share for s in spec.segments])[segment]
        return_u = u("return", w, (A, n)).T
        day_u = u("day", w, (A, n)).T
        # Flat lists: one per week rather than a few per client.
        draws = Draws(K, A, service.ravel().tolist(), missing.ravel().tolist(), patience.ravel().tolist(),
                      return_u.ravel().tolist(), day_u.ravel().tolist())
        first = self.next_id
        self.next_id += n
        bundles, segs, levels, o = spec.bundles, spec.segments, self.level, self.o
        return [
            Client(first + row, o, sg, bt, bundles[bt].needs, levels[sg], segs[sg].priority, inf_, t, draws, row)
            for row, (t, bt, sg, inf_) in enumerate(zip(times.tolist(), btype.tolist(), segment.tolist(),
                                                        informed.tolist()))
        ]


def _arrivals(env, factory: ClientFactory, journey: Journey, weeks: int):
    for w in range(weeks):
        for c in factory.week(w):
            yield env.timeout(c.created - env.now)
            journey.arrive(c)


def simulate_replication(spec: ModelSpec, replication: int) -> dict:
    """Run replication ``replication`` and return its contacts, bundles and duty logs
    (dicts of columns), ``tickets_issued`` and each office's ``opening`` intervals.

    The run lasts ``run.weeks`` weeks of arrivals plus ``run.drain_weeks`` in
    which offices keep working without new bundles, so that bundles begun in the
    measured window can end. Tickets and bundles still open at the end are
    written with outcome ``waiting_at_end`` / ``in_service_at_end`` and status ``open``.
    """
    env = simpy.Environment()
    rec = Recorder()
    timetables = [office_timetable(spec, o) for o in range(len(spec.offices))]
    journey = Journey(env, spec, rec, timetables, spec.profile)
    n_levels = len({s.priority for s in spec.segments})
    serve_waiting = spec.schedule.closing_policy == "serve_waiting"
    group_offset = desk_offset = 0
    for o in range(len(spec.offices)):
        desks = build_desks(spec, o, group_offset, desk_offset)
        journey.offices.append(OfficeModel(env, o, timetables[o], desks, n_levels, len(spec.skills),
                                           serve_waiting, journey, rec))
        group_offset += len(spec.offices[o].desk_groups)
        desk_offset += len(desks)
    # Bundle ids are unique in the replication: office o's clients start at o * 10**12.
    for o, office in enumerate(spec.offices):
        if office.bundles_per_week > 0:
            env.process(_arrivals(env, ClientFactory(spec, replication, o, o * 10**12), journey, spec.run.weeks))
    horizon = spec.run.horizon
    env.run(until=horizon)
    journey.close_books(horizon)
    out = rec.arrays()
    out["tickets_issued"] = journey.tickets_issued
    out["opening"] = [np.array(tt.intervals).reshape(-1, 2) for tt in timetables]
    return out

