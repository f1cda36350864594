"""One replication: draw the clients, build the offices, run SimPy, return the log.

Randomness follows one rule: every source of randomness has its own
``numpy.random.Generator``, keyed by ``(replication, office, stream)`` under
the run's seed, and a client's random attributes are drawn in a batch when the
client is created (a week at a time). Two runs with the same seed therefore
see the same clients — arrival times, segments, bundles, patience, service
times — whatever their schedules or designs (common random numbers).
"""

from __future__ import annotations

import numpy as np
import simpy

from simoffice.journey import Client, Journey
from simoffice.office import Desk, OfficeModel
from simoffice.recorder import IN_SERVICE_AT_END, RENEGED, WAITING_AT_END, Recorder
from simoffice.spec import ModelSpec
from simoffice.timetable import DAY, WEEK, Timetable, weekly_intervals

ARRIVALS, ATTRIBUTES = 0, 1


def stream(spec: ModelSpec, replication: int, office: int, kind: int) -> np.random.Generator:
    """The generator of one source of randomness."""
    ss = np.random.SeedSequence(spec.run.seed, spawn_key=(replication, office, kind))
    return np.random.default_rng(ss)


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
        self.o = o
        self.arrivals = stream(spec, replication, o, ARRIVALS)
        self.attributes = stream(spec, replication, o, ATTRIBUTES)
        self.next_id = first_id
        levels = sorted({s.priority for s in spec.segments}, reverse=True)
        self.level = [levels.index(s.priority) for s in spec.segments]
        self.k = max(len(b.needs) for b in spec.bundles)

    def week(self, w: int) -> list[Client]:
        spec, rng = self.spec, self.attributes
        run = spec.run
        times = spec.profile.sample(self.arrivals, spec.offices[self.o].bundles_per_week,
                                    run.start_weekday, w * WEEK, (w + 1) * WEEK)
        n, A, K = len(times), spec.max_visits, self.k
        btype = rng.choice(len(spec.bundles), n, p=[b.share for b in spec.bundles])
        segment = np.zeros(n, dtype=np.int64)
        service = np.zeros((n, K, A))
        missing_p = np.zeros((n, K))
        for b_i, b in enumerate(spec.bundles):
            rows = np.flatnonzero(btype == b_i)
            if not len(rows):
                continue
            segment[rows] = rng.choice(len(spec.segments), len(rows), p=b.segment_probs)
            for j, s in enumerate(b.needs):
                svc = spec.services[s]
                service[rows, j, :] = svc.service_time.sample(rng, (len(rows), A))
                missing_p[rows, j] = svc.missing_document_prob
        missing = rng.random((n, K, A)) < missing_p[:, :, None]
        patience = np.full((n, A), np.inf)
        informed = rng.random(n) < np.array([s.informed_share for s in spec.segments])[segment]
        for s_i, s in enumerate(spec.segments):
            rows = np.flatnonzero(segment == s_i)
            if s.patience is not None and len(rows):
                patience[rows] = s.patience.sample(rng, (len(rows), A))
        return_u = rng.random((n, A))
        day_u = rng.random((n, A))
        ids = range(self.next_id, self.next_id + n)
        self.next_id += n
        bundles, segs, levels = spec.bundles, spec.segments, self.level
        return [
            Client(i, self.o, sg, bt, bundles[bt].needs, levels[sg], segs[sg].priority, inf_, t, sv, ms, pt, ru, du)
            for i, t, bt, sg, inf_, sv, ms, pt, ru, du in zip(
                ids, times.tolist(), btype.tolist(), segment.tolist(), informed.tolist(),
                service.tolist(), missing.tolist(), patience.tolist(), return_u.tolist(), day_u.tolist())
        ]


def _arrivals(env, factory: ClientFactory, journey: Journey, weeks: int):
    for w in range(weeks):
        for c in factory.week(w):
            yield env.timeout(c.created - env.now)
            journey.arrive(c)


def simulate_replication(spec: ModelSpec, replication: int) -> dict[str, dict[str, np.ndarray]]:
    """Run replication ``replication`` and return its contacts, bundles and duty logs.

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
    _close_books(journey, rec, horizon)
    out = rec.arrays()
    out["tickets_issued"] = journey.tickets_issued
    return out


def _close_books(journey: Journey, rec: Recorder, horizon: float) -> None:
    nan = float("nan")
    for office in journey.offices:
        for tk in list(office.waiting()):
            c = tk.client
            reneged = tk.deadline <= horizon
            rec.contact(c.id, tk.visit, c.office, c.segment, c.services[tk.needs[0]], tk.skill,
                        len(tk.needs), 0, -1, -1, c.priority, tk.t, nan,
                        tk.deadline if reneged else horizon, RENEGED if reneged else WAITING_AT_END)
        for desk in office.desks:
            if desk.current is not None:
                tk = desk.current
                c = tk.client
                rec.contact(c.id, tk.visit, c.office, c.segment, c.services[tk.needs[0]], tk.skill,
                            len(tk.needs), 0, desk.group, desk.id, c.priority, tk.t, desk.since, horizon,
                            IN_SERVICE_AT_END)
            if desk.active:
                rec.duty(office.index, desk.group, desk.id, desk.on, horizon, desk.end)
    journey.close_books()
