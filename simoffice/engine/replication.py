"""One replication: draw the clients, build the units, run the clock, return the log.

Clients arrive zone by zone, drawn a week at a time with every random
attribute fixed at creation (:mod:`simoffice.engine.clients`), each source of
randomness from its own stream per zone and week (:mod:`simoffice.engine.streams`).
Units are built from the spec (their timetables, desks and duty periods), the
journey moves clients between them, and the recorder keeps the log.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import partial
from heapq import heappush
from typing import Callable

import numpy as np

from simoffice.engine.clients import ClientFactory
from simoffice.engine.clock import NORMAL, Environment
from simoffice.engine.duty import chain, desk_duty, posts
from simoffice.engine.expert import Expert, ExpertCentre
from simoffice.engine.invariants import CheckedOfficeModel, Invariants
from simoffice.engine.journey import Journey
from simoffice.engine.office import Desk, OfficeModel
from simoffice.engine.recorder import Recorder
from simoffice.model.channels import APPOINTMENT_CLASS, WALK_IN_CLASS
from simoffice.model.spec import MOBILE_OFFICE, VIDEO_CENTRE, ModelSpec
from simoffice.model.timetable import Timetable, weekly_intervals
from simoffice.vocabulary import DAY, WEEK


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
    """The weekly hours of some stops: per weekday, the intervals of its stops (None: none)."""
    pattern: list = [None] * 7
    for st in stops:
        pattern[st.weekday] = (pattern[st.weekday] or ()) + ((st.start, st.end),)
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


def _duty(spec: ModelSpec, staff, shifts) -> list[tuple[list[tuple[float, float]], list[float]]]:
    """The desks of a desk group's ``staff`` (shift index, desks): per desk, its duty
    periods over the horizon and when each period's paid time ends. A desk works
    its shift without its breaks; consecutive shifts are one desk carrying on
    (:mod:`simoffice.engine.duty`)."""
    return [desk_duty(desk, spec.run.start_weekday, _days(spec), spec.schedule.holidays)
            for desk in chain(posts(staff, shifts))]


def build_desks(spec: ModelSpec, o: int, group_offset: int, desk_offset: int) -> list[Desk]:
    """The desks of unit ``o``: one per person on its shifts, a person working
    consecutive shifts (a hand-over) at one desk (a mobile office's desks are on
    duty during its stops)."""
    unit = spec.offices[o]
    shifts = unit.shifts or spec.schedule.shifts
    booked = unit.slots is not None or unit.video_stations > 0 or unit.kind == VIDEO_CENTRE
    desks = []
    for gi, g in enumerate(unit.desk_groups):
        classes = {"walk_in": (WALK_IN_CLASS,), "appointment": (APPOINTMENT_CLASS,)}.get(
            g.serves, (APPOINTMENT_CLASS, WALK_IN_CLASS) if booked else (WALK_IN_CLASS,))
        if unit.kind == MOBILE_OFFICE:
            stops = office_timetable(spec, o).intervals
            duties = [(stops, [hi for _, hi in stops])] * sum(count for _, count in g.staff)
        else:
            duties = _duty(spec, g.staff, shifts)
        for duty, paid_until in duties:
            desks.append(Desk(desk_offset + len(desks), group_offset + gi, g.skills, duty, classes, paid_until))
    return desks


def build_experts(spec: ModelSpec) -> list[Expert]:
    """The expert centre's experts, one per person on its shifts (as :func:`build_desks`)."""
    experts = []
    for g in spec.expert.desk_groups:
        for duty, _ in _duty(spec, g.staff, spec.expert.shifts):
            experts.append(Expert(len(experts), g.skills, duty))
    return experts


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
        heappush(env.queue, (nxt.created, NORMAL, next(env.ids), self._arrive, (nxt,)))


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
    journey = Journey(env, spec, rec, timetables, access)
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
                                          journey.begin_service, journey.end_service, journey.ticket_left,
                                          journey.agenda.call_at, rec, spec.appointments.priority))
        group_offset += len(unit.desk_groups)
        desk_offset += len(desks)
    if spec.expert is not None:
        journey.expert = ExpertCentre(env, build_experts(spec), len(spec.skills), journey.decided, invariants)
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
