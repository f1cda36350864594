"""The office's queue: desks pull work first come, first served."""

from __future__ import annotations

import heapq

import numpy as np

import simoffice
from simoffice.config.build import build_spec
from simoffice.engine.clock import Environment
from simoffice.engine.office import Desk, OfficeModel, Ticket
from simoffice.engine.recorder import OUTCOMES, Recorder
from simoffice.engine.replication import simulate_replication
from simoffice.model.timetable import Timetable


def fcfs_waits(arrivals: np.ndarray, services: np.ndarray, servers: int) -> np.ndarray:
    """Kiefer–Wolfowitz recursion: the waits of a FCFS queue with ``servers`` identical desks."""
    free = [0.0] * servers
    waits = np.empty(len(arrivals))
    for i, (a, s) in enumerate(zip(arrivals, services)):
        start = max(a, heapq.heappop(free))
        waits[i] = start - a
        heapq.heappush(free, start + s)
    return waits


def test_desks_that_pull_work_give_the_waits_of_a_fcfs_multi_server_queue():
    """Given the same arrival and service times, every wait equals the FCFS recursion's, exactly."""
    spec = build_spec(simoffice.compose("network=mmc", "network.servers=3", "network.arrivals_per_hour=160",
                                        "network.service_mean_min=1", "run.weeks=1", "run.warmup_weeks=0",
                                        "run.drain_weeks=1", "run.check_invariants=true"))
    c = simulate_replication(spec, 0)["contacts"]
    order = np.argsort(c["arrival_min"])
    arrivals, start, end = c["arrival_min"][order], c["start_min"][order], c["end_min"][order]
    assert not np.isnan(start).any()
    np.testing.assert_allclose(start - arrivals, fcfs_waits(arrivals, end - start, 3), atol=1e-9)


def test_an_office_needs_only_the_callbacks_it_is_given():
    """Built with plain functions for begin, end and left (no journey), an office with one
    desk on duty 0–100 serves two tickets in turn and writes off a third whose patience
    ran out while it waited (at its deadline, when the desk meets it)."""
    env = Environment()
    log = []

    def begin(tk, desk, now):
        log.append(("begin", tk.client, now))
        return tk.needs, 10.0

    def end(tk, desk, start, now, handled):
        log.append(("end", tk.client, now))

    def left(tk, outcome, t):
        log.append((OUTCOMES[outcome], tk.client, t))

    desk = Desk(0, 0, frozenset({0}), [(0.0, 100.0)])
    office = OfficeModel(env, 0, Timetable([(0.0, 100.0)]), [desk], 1, 1, True, begin, end, left, env.call_at,
                         Recorder())
    for client, t, patience in (("a", 1.0, 50.0), ("b", 2.0, 50.0), ("c", 3.0, 5.0)):
        env.call_at(t, office.add, Ticket(client, [0], 0, 0, t, t + patience, 1))
    env.run(until=200.0)
    assert log == [("begin", "a", 1.0), ("end", "a", 11.0), ("begin", "b", 11.0), ("end", "b", 21.0),
                   ("reneged", "c", 8.0)]
