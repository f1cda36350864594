"""The office's queue: desks pull work first come, first served."""

from __future__ import annotations

import heapq

import numpy as np

import simoffice
from simoffice.config.build import build_spec
from simoffice.engine.replication import simulate_replication


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
