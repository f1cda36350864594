"""One replication: draw the clients, build the offices, run SimPy, return the log.

Randomness follows one rule: every source of randomness has its own stream of
random numbers for each zone and week — the PCG64 generator of the child
``[replication][zone][source]`` of the run's ``SeedSequence``, jumped ``week``
times as ``PCG64.jumped`` does (each jump is about 0.618 × 2**128 draws, so
weeks never overlap) — and a client's random attributes are drawn in a batch
when the client is created (a week at a time). Each source draws a fixed number
of uniforms per client, visit by visit, and turns them into values by
inversion. Two runs with the same seed therefore see the same clients — arrival
times, segments, bundles, patience, service times — whatever their schedules or
designs, and a change to one attribute (a service-time distribution, patience,
the visit limit) leaves the others' draws as they were (common random numbers).
"""

from __future__ import annotations

import gc
from array import array
from contextlib import contextmanager
from functools import partial
from heapq import heappush
from typing import Callable

import numpy as np
from simpy.core import NORMAL

from simoffice.engine.clock import Environment
from simoffice.engine.expert import Expert, ExpertCentre
from simoffice.engine.invariants import CheckedOfficeModel, Invariants
from simoffice.engine.journey import Client, Draws, Journey
from simoffice.engine.office import APPOINTMENT_CLASS, WALK_IN_CLASS, Desk, OfficeModel
from simoffice.engine.recorder import Recorder
from simoffice.model.spec import MOBILE_OFFICE, VIDEO_CENTRE, ModelSpec
from simoffice.model.timetable import Timetable, weekly_intervals
from simoffice.vocabulary import DAY, WEEK

# Sources of randomness, in spawn order (new sources are only ever appended).
SOURCES = ("arrivals", "bundle", "segment", "service", "missing", "patience", "informed", "return", "day",
           "channel", "point", "proactive", "online", "escalate", "expert", "follow_up", "no_show", "lateness",
           "home", "retry")


# Draws between the starts of two weeks' streams of one source: numpy's jump for PCG64,
# (golden ratio - 1) × 2**128 (a power of two would give correlated streams).
WEEK_JUMP = 0x9E3779B97F4A7C15F39CC0605CEDC835


def stream(spec: ModelSpec, replication: int, zone: int, source: str, week: int) -> np.random.Generator:
    """The generator of one source of randomness for one zone and week (see the module docstring)."""
    bits = np.random.PCG64(np.random.SeedSequence(spec.run.seed, spawn_key=(replication, zone, SOURCES.index(source))))
    bits.advance(week * WEEK_JUMP % 2**128)
    return np.random.Generator(bits)


class _Streams:
    """The streams of one zone, made once per source and moved to each week's start:
    as :func:`stream`, without building a seed sequence for every source and week."""

    def __init__(self, spec: ModelSpec, replication: int, zone: int):
        self.spec, self.replication, self.zone = spec, replication, zone
        self.made: dict[str, tuple[np.random.Generator, np.random.PCG64, dict]] = {}

    def __call__(self, source: str, week: int) -> np.random.Generator:
        made = self.made.get(source)
        if made is None:
            bits = stream(self.spec, self.replication, self.zone, source, 0).bit_generator
            made = self.made[source] = (np.random.Generator(bits), bits, bits.state)
        generator, bits, start = made
        bits.state = start
        bits.advance(week * WEEK_JUMP % 2**128)
        return generator


def _days(spec: ModelSpec) -> int:
    return int(spec.run.horizon // DAY)


def office_timetable(spec: ModelSpec, o: int) -> Timetable:
    """Open intervals of unit ``o`` over the horizon (holidays closed); a mobile
    office is open during its stops."""
    unit = spec.offices[o]
    if unit.kind == MOBILE_OFFICE:
        return Timetable(weekly_intervals(_stop_pattern(unit.stops), spec.run.start_weekday, _days(spec),
                                          spec.schedule.holidays))
    return Timetable(weekly_intervals(unit.opening, spec.run.start_weekday, _days(spec), spec.schedule.holidays))


def _stop_pattern(stops) -> list:
    pattern: list = [None] * 7
    for st in stops:
        pattern[st.weekday] = (pattern[st.weekday] or []) + [(st.start, st.end)]
    return pattern


def zone_access(spec: ModelSpec, o: int, timetable: Timetable):
    """When unit ``o`` is open to clients of each zone: its timetable, or for a
    mobile office a dict zone -> the timetable of its stops there."""
    unit = spec.offices[o]
    if unit.kind != MOBILE_OFFICE:
        return timetable
    zones = {st.zone for st in unit.stops}
    return {z: Timetable(weekly_intervals(_stop_pattern([st for st in unit.stops if st.zone == z]),
                                          spec.run.start_weekday, _days(spec), spec.schedule.holidays))
            for z in zones}


def _duty(spec: ModelSpec, shift) -> list[tuple[float, float]]:
    pattern = [(shift.start, shift.end) if d in shift.days else None for d in range(7)]
    return weekly_intervals(pattern, spec.run.start_weekday, _days(spec), spec.schedule.holidays)


def build_desks(spec: ModelSpec, o: int, group_offset: int, desk_offset: int) -> list[Desk]:
    """The desks of unit ``o``: one per staffed position of each shift (a mobile
    office's desks are on duty during its stops)."""
    unit = spec.offices[o]
    shifts = unit.shifts or spec.schedule.shifts
    booked = unit.slots is not None or unit.video_stations > 0 or unit.kind == VIDEO_CENTRE
    desks = []
    for gi, g in enumerate(unit.desk_groups):
        classes = {"walk_in": (WALK_IN_CLASS,), "appointment": (APPOINTMENT_CLASS,)}.get(
            g.serves, (APPOINTMENT_CLASS, WALK_IN_CLASS) if booked else (WALK_IN_CLASS,))
        for shift_index, count in g.staff:
            if unit.kind == MOBILE_OFFICE:
                duty = office_timetable(spec, o).intervals
            else:
                duty = _duty(spec, shifts[shift_index])
            for _ in range(count):
                desks.append(Desk(desk_offset + len(desks), group_offset + gi, g.skills, duty, classes))
    return desks


def build_experts(spec: ModelSpec) -> list[Expert]:
    experts = []
    for g in spec.expert.desk_groups:
        for shift_index, count in g.staff:
            duty = _duty(spec, spec.expert.shifts[shift_index])
            first = len(experts)
            experts.extend(Expert(first + i, g.skills, duty) for i in range(count))
    return experts


class ClientFactory:
    """Draws a week of clients of one zone at a time."""

    def __init__(self, spec: ModelSpec, replication: int, z: int, first_id: int):
        self.spec = spec
        self.replication = replication
        self.z = z
        self.stream = _Streams(spec, replication, z)
        self.next_id = first_id
        zone = spec.zones[z]
        levels = sorted({s.priority for s in spec.segments}, reverse=True)
        self.level = [levels.index(s.priority) for s in spec.segments]
        self.k = max(len(b.needs) for b in spec.bundles)
        # The zone's mix: P(bundle) and P(segment | bundle), reweighted by the zone's segment weights.
        w = np.array(zone.segment_weights)
        joint = np.array([b.share * np.array(b.segment_probs) * w for b in spec.bundles])
        if joint.sum() <= 0:
            joint = np.array([b.share * np.array(b.segment_probs) for b in spec.bundles])
        marginal = joint.sum(axis=1)
        self.bundle_cdf = np.cumsum(marginal / marginal.sum())
        self.segment_cdfs = np.array([np.cumsum(row / row.sum()) if row.sum() > 0 else np.cumsum(b.segment_probs)
                                      for row, b in zip(joint, spec.bundles)])
        svc = spec.services
        # The service of each need position of each bundle type (-1: no such position), and
        # per service (and a last entry for -1) the chance that a document is missing and
        # the share delivered proactively.
        self.need_service = np.full((len(spec.bundles), self.k), -1)
        for b_i, b in enumerate(spec.bundles):
            self.need_service[b_i, :len(b.needs)] = b.needs
        used = sorted({j for b in spec.bundles for j in b.needs})
        self.missing_prob = np.array([s.missing_document_prob for s in svc] + [0.0])
        self.proactive_share = np.array([s.proactive_share for s in svc] + [0.0])
        # Time distributions per used service: (service, distribution), the phone's and
        # video's only where they differ from the desk's (elsewhere the same draw serves).
        self.times = {
            "service": [(j, svc[j].service_time) for j in used],
            "phone": [(j, svc[j].phone_time) for j in used if svc[j].phone_time is not None],
            "video": [(j, svc[j].video_time) for j in used if svc[j].video_time is not None],
            "expert": [(j, svc[j].expert_time) for j in used if svc[j].expert_time is not None],
        }
        self.uses = {
            "channel": spec.has_channels,
            "point": any(len(zz.travel) > 1 for zz in spec.zones),
            "proactive": any(s.proactive_share > 0 for s in svc),
            "online": any(s.online for s in svc),
            "escalate": spec.expert is not None,
            "appointments": any(u.slots is not None for u in spec.offices),
            "home": spec.video_centre is not None,
            "retry": spec.phone is not None,
        }

    def uniforms(self, source: str, w: int, shape) -> np.ndarray:
        return self.stream(source, w).random(shape)

    def week(self, w: int) -> list[Client]:
        spec = self.spec
        run = spec.run
        times = spec.profile.sample(self.stream("arrivals", w),
                                    spec.zones[self.z].bundles_per_week, run.start_weekday,
                                    w * WEEK, (w + 1) * WEEK)
        n, A, K = len(times), spec.max_visits, self.k
        u = self.uniforms
        uses = self.uses
        btype = np.minimum(np.searchsorted(self.bundle_cdf, u("bundle", w, n), side="right"), len(spec.bundles) - 1)
        u_segment = u("segment", w, n)
        # Visit-major (A, n, K) draws, so that the first visits' values do not depend on max_visits.
        u_service = u("service", w, (A, n, K)).transpose(1, 2, 0)
        u_missing = u("missing", w, (A, n, K)).transpose(1, 2, 0)
        # The segment given the bundle: the position of u in the bundle's segment cdf
        # (numpy's searchsorted with side="right", for every client at once).
        cdfs = self.segment_cdfs[btype]
        segment = np.minimum((cdfs <= u_segment[:, None]).sum(axis=1), cdfs.shape[1] - 1)
        # Each time distribution is applied once, to every need position holding its service.
        svc = self.need_service[btype]  # (n, K)
        at = {j: svc == j for j, _ in self.times["service"]}
        service = np.zeros((n, K, A))
        for j, dist in self.times["service"]:
            service[at[j]] = dist.quantile(u_service[at[j]])
        phone = video = None
        if spec.phone is not None:
            phone = service.copy() if self.times["phone"] else service
            for j, dist in self.times["phone"]:
                phone[at[j]] = dist.quantile(u_service[at[j]])
        if spec.video_centre is not None:
            video = service.copy() if self.times["video"] else service
            for j, dist in self.times["video"]:
                video[at[j]] = dist.quantile(u_service[at[j]])
        expert_work = np.zeros((n, K))
        u_expert = u("expert", w, (n, K)) if uses["escalate"] else None
        if u_expert is not None:
            for j, dist in self.times["expert"]:
                expert_work[at[j]] = dist.quantile(u_expert[at[j]])
        missing = u_missing < self.missing_prob[svc][:, :, None]
        proactive_p = self.proactive_share[svc]
        u_patience = u("patience", w, (A, n)).T
        patience = np.full((n, A), np.inf)
        for s_i, s in enumerate(spec.segments):
            rows = np.flatnonzero(segment == s_i)
            if s.patience is not None and len(rows):
                patience[rows] = s.patience.quantile(u_patience[rows])
        drawn = {"service": service, "missing": missing, "patience": patience}
        if phone is not None:
            drawn["phone"] = phone
            p = spec.phone.patience
            drawn["phone_patience"] = np.full(n * A, np.inf) if p is None else p.quantile(u_patience)
        if video is not None:
            drawn["video"] = video
        informed = u("informed", w, n) < np.array([s.informed_share for s in spec.segments])[segment]
        drawn["return_u"] = u("return", w, (A, n)).T
        drawn["day_u"] = u("day", w, (A, n)).T
        for name in ("channel", "point", "retry"):
            if uses[name]:
                drawn[name] = u(name, w, (A, n)).T
        if uses["appointments"] or spec.video_centre is not None:
            drawn["no_show"] = u("no_show", w, (A, n)).T
            late = spec.appointments.lateness
            if late is not None:
                drawn["lateness"] = late.quantile(u("lateness", w, (A, n)).T)
        if uses["online"]:
            drawn["online"] = u("online", w, (n, K))
        if uses["escalate"]:
            drawn["escalate"] = u("escalate", w, (n, K))
            drawn["expert"] = expert_work
            drawn["follow_up"] = u("follow_up", w, (n, K))
        proactive = u("proactive", w, (n, K)) < proactive_p if uses["proactive"] else None
        home = (u("home", w, n) < np.array([s.digital_skill for s in spec.segments])[segment]).tolist() \
            if uses["home"] else [False] * n
        # Flat typed arrays: read one value at a time as Python numbers, and, unlike
        # lists, never scanned by the garbage collector.
        draws = Draws(K, A, **{name: _flat(values) for name, values in drawn.items()})
        first = self.next_id
        self.next_id += n
        bundles, segs, levels, z = spec.bundles, spec.segments, self.level, self.z
        positions = [list(range(len(b.needs))) for b in spec.bundles]
        delivered = None if proactive is None else proactive.tolist()
        clients = []
        for row, (t, bt, sg, inf_) in enumerate(zip(times.tolist(), btype.tolist(), segment.tolist(),
                                                    informed.tolist())):
            needs = bundles[bt].needs
            if delivered is None:
                open_needs, n_proactive = positions[bt][:], 0
            else:
                by_need = delivered[row]
                open_needs = [j for j in positions[bt] if not by_need[j]]
                n_proactive = len(needs) - len(open_needs)
            clients.append(Client(first + row, z, sg, bt, needs, levels[sg], segs[sg].priority, inf_, t, draws, row,
                                  open_needs, n_proactive, home[row]))
        return clients


def _flat(values: np.ndarray) -> array:
    """A C-ordered flat copy of ``values`` (booleans as 0/1 bytes)."""
    values = np.asarray(values)
    typecode, dtype = ("b", np.int8) if values.dtype == bool else ("d", np.float64)
    out = array(typecode)
    out.frombytes(memoryview(np.ascontiguousarray(values, dtype=dtype).reshape(-1)).cast("B"))  # read once
    return out


class _Arrivals:
    """One zone's clients, each arriving at its creation time, drawn a week at a time.
    Only the next client is on the event queue, so the queue does not grow with
    the population."""

    def __init__(self, env: Environment, factory: ClientFactory, journey: Journey, weeks: int):
        self.env, self.factory, self.journey, self.weeks = env, factory, journey, weeks
        self.week, self.clients = -1, iter(())
        env.call_at(env.now, self._next_week)  # the first week is drawn once the run has begun

    def _next_week(self) -> None:
        c = None
        while c is None and self.week + 1 < self.weeks:  # a week with no client is skipped
            self.week += 1
            self.clients = iter(self.factory.week(self.week))
            c = next(self.clients, None)
        if c is not None:
            self.env.call_at(c.created, self._arrive, c)

    def _arrive(self, c) -> None:
        self.journey.arrive(c)
        nxt = next(self.clients, None)
        if nxt is None:
            self._next_week()
            return
        # env.call_at written out: once per client. Creation times are sorted.
        env = self.env
        heappush(env._queue, (nxt.created, NORMAL, next(env._eid), self._arrive, (nxt,)))


@contextmanager
def _few_collections():
    """Collect cyclic garbage rarely while the model runs: it allocates many small
    objects that live for a while (clients, tickets, events) and would otherwise
    trigger a collection every few hundred allocations."""
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def _settle_daily(env: Environment, rec: Recorder):
    """Move the day's rows into the log's columns at the end of every simulated day."""
    while True:
        yield env.timeout(DAY)
        rec.settle()


class _Flush:
    """Hands the recorder's rows over every simulated week (``run.keep_contacts=false``)."""

    def __init__(self, rec: Recorder, journey: Journey, flush: Callable[[dict], None]):
        self.rec, self.journey, self.flush = rec, journey, flush
        self.held = None  # contact rows of contacts still under way

    def every_week(self, env):
        while True:
            yield env.timeout(WEEK)
            self.now()

    def now(self) -> None:
        part = self.rec.take()
        c = part["contacts"]
        if self.held is not None:
            c = part["contacts"] = {k: np.concatenate((self.held[k], v)) for k, v in c.items()}
        # A client's current contact may still add tickets (a re-queue in the same visit).
        open_clients = self.journey.open_clients
        if open_clients and len(c["bundle"]):
            ids = np.fromiter(open_clients, np.int64, len(open_clients))
            visits = np.fromiter((cl.visits for cl in open_clients.values()), np.int64, len(open_clients))
            order = np.argsort(ids)
            ids, visits = ids[order], visits[order]
            at = np.minimum(np.searchsorted(ids, c["bundle"]), len(ids) - 1)
            hold = (ids[at] == c["bundle"]) & (visits[at] == c["visit"])
            self.held = {k: v[hold] for k, v in c.items()}
            part["contacts"] = {k: v[~hold] for k, v in c.items()}
        else:
            self.held = None
        self.flush(part)

    def final(self) -> None:
        """At the end of the run, after the books are closed: everything."""
        part = self.rec.take()
        if self.held is not None:
            part["contacts"] = {k: np.concatenate((self.held[k], v)) for k, v in part["contacts"].items()}
            self.held = None
        self.flush(part)


def simulate_replication(spec: ModelSpec, replication: int,
                         flush: Callable[[dict], None] | None = None) -> dict:
    """Run replication ``replication`` and return its contacts, bundles, duty and
    cases logs (dicts of columns), ``tickets_issued`` and each unit's ``opening``
    intervals.

    The run lasts ``run.weeks`` weeks of arrivals plus ``run.drain_weeks`` in
    which units keep working without new bundles, so that bundles begun in the
    measured window can end. Tickets and bundles still open at the end are
    written with outcome ``waiting_at_end`` / ``in_service_at_end`` and status ``open``.

    Args:
        flush: if given, called with the rows written so far every simulated week
            and once at the end, instead of keeping them: the returned logs are
            then empty. The tickets of a contact still under way wait for the
            next call, so that a contact's rows are handed over together.
    """
    env = Environment()
    rec = Recorder()
    timetables = [office_timetable(spec, o) for o in range(len(spec.offices))]
    access = [zone_access(spec, o, tt) for o, tt in enumerate(timetables)]
    journey = Journey(env, spec, rec, timetables, access, spec.profile)
    n_levels = len({s.priority for s in spec.segments})
    serve_waiting = spec.schedule.closing_policy == "serve_waiting"
    # Invariant mode: checked units, chosen once here (the plain ones check nothing).
    invariants = Invariants(spec) if spec.run.check_invariants else None
    unit_model = partial(CheckedOfficeModel, invariants=invariants) if invariants else OfficeModel
    group_offset = desk_offset = 0
    for o, unit in enumerate(spec.offices):
        desks = build_desks(spec, o, group_offset, desk_offset)
        # Remote units finish the calls and sessions under way at closing; a mobile office
        # leaves at the end of each stop, sending away those still waiting.
        policy = (serve_waiting or not unit.physical) and unit.kind != MOBILE_OFFICE
        journey.offices.append(unit_model(env, o, timetables[o], desks, n_levels, len(spec.skills), policy,
                                          journey, rec, spec.appointments.priority))
        group_offset += len(unit.desk_groups)
        desk_offset += len(desks)
    if spec.expert is not None:
        journey.expert = ExpertCentre(env, build_experts(spec), len(spec.skills), journey, invariants)
    # Bundle ids are unique in the replication: zone z's clients start at z * 10**12.
    for z, zone in enumerate(spec.zones):
        if zone.bundles_per_week > 0:
            _Arrivals(env, ClientFactory(spec, replication, z, z * 10**12), journey, spec.run.weeks)
    env.process(_settle_daily(env, rec))
    if flush is not None:
        weekly = _Flush(rec, journey, flush)
        env.process(weekly.every_week(env))
    horizon = spec.run.horizon
    with _few_collections():
        env.run(until=horizon)
    journey.close_books(horizon)
    if flush is not None:
        weekly.final()
    out = rec.arrays(copy=False)  # no row comes after: the columns are handed over as they are
    out["tickets_issued"] = journey.tickets_issued
    out["opening"] = [np.array(tt.intervals).reshape(-1, 2) for tt in timetables]
    return out
