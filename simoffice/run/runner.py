"""Run replications, in parallel over ``run.jobs`` worker processes.

Replication ``r`` depends only on the spec and ``r`` (its random streams are
keyed by ``(seed, r, …)``), so results are identical with one worker or several.
Each worker reduces its replication to measures and a 15-minute time series
before sending it back, so little crosses process boundaries beyond the log
(nothing more with ``run.keep_contacts=false``). A KeyboardInterrupt stops the
workers at once and raises :class:`~simoffice.errors.RunInterrupted`; a worker
whose parent dies (killed outright) ends too (:mod:`simoffice.run.workers`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Sequence

import numpy as np
from tqdm import tqdm

from simoffice.engine.replication import simulate_replication
from simoffice.errors import RunInterrupted
from simoffice.measures.aggregate import Aggregates
from simoffice.measures.coverage import open_days
from simoffice.model.channels import CHANNELS, PHONE
from simoffice.model.spec import MOBILE_OFFICE, ModelSpec
from simoffice.run.workers import watch_parent
from simoffice.vocabulary import DAY


def group_skills(spec: ModelSpec) -> list[tuple[int, frozenset[int]]]:
    """(unit, skills) of every desk group, in network-wide index order."""
    return [(o, g.skills) for o, office in enumerate(spec.offices) for g in office.desk_groups]


def targets(spec: ModelSpec) -> np.ndarray:
    """Service-level target (minutes of wait) per channel code."""
    t = np.full(len(CHANNELS), spec.run.service_level_target_min)
    if spec.phone is not None:
        t[PHONE] = spec.phone.target_min
    return t


def vehicle_cost(spec: ModelSpec) -> float:
    """Mobile offices' vehicle cost in the measured window (days with a stop)."""
    w0, w1 = spec.run.window
    days = np.arange(int(w0 // DAY), int(w1 // DAY))
    total = 0.0
    for o, unit in enumerate(spec.offices):
        if unit.kind == MOBILE_OFFICE and unit.cost_per_day:
            stop_days = sum(open_days(spec, o, st.zone, days) for st in unit.stops) > 0
            total += unit.cost_per_day * int(np.count_nonzero(stop_days))
    return total


def run_one(spec: ModelSpec, replication: int) -> dict[str, Any]:
    """Simulate one replication and compute its measures: for the network, per
    unit, and (clients' side) per segment, zone, channel and weekday; its time
    series, its service standards (per unit, and per unit × weekday × hour for the
    heat map) and its weekly figures.

    With ``run.keep_contacts`` the whole log is kept and returned, and percentiles
    are exact; without, the log is folded into aggregates week by week and the
    returned logs are empty (see :mod:`simoffice.measures.aggregate`)."""
    keep = spec.run.keep_contacts
    agg = Aggregates(spec, targets(spec), vehicle_cost(spec), group_skills(spec), exact=keep)
    log = simulate_replication(spec, replication, flush=None if keep else agg.add)
    if keep:
        agg.add(log)
    log["measures"] = agg.measures()
    log["groups"] = agg.groups()
    log["timeseries"] = agg.timeseries()
    log["standards"] = agg.standards.values()
    log["hours"] = agg.standards.hours()
    log["weekly"] = agg.weekly.values()
    log["replication"] = replication
    del log["bookings"]  # counted in the standards; no table of its own
    return log


def workers(jobs: int, replications: int) -> int:
    """Worker processes to use: ``jobs`` (0 = one per CPU), never more than replications."""
    n = jobs or os.cpu_count() or 1
    return max(1, min(n, replications))


def run_replications(spec: ModelSpec, progress: bool | None = None,
                     replications: Sequence[int] | None = None, desc: str = "replications") -> list[dict[str, Any]]:
    """Every replication of the spec, in replication order.

    Args:
        progress: show a progress bar (default: ``run.progress``).
        replications: the replication indices to run (default: ``0 … run.replications − 1``),
            e.g. a later batch of a precision run (:mod:`simoffice.run.precision`);
            replication ``r`` is the same whichever others run with it.
        desc: the progress bar's label.

    Raises:
        RunInterrupted: a KeyboardInterrupt (SIGINT, or SIGTERM under the command
            line) arrived; the worker processes are stopped at once and the
            replications that had finished are dropped.
    """
    indices = list(range(spec.run.replications) if replications is None else replications)
    n = len(indices)
    show = spec.run.progress if progress is None else progress
    bar = tqdm(total=n, desc=desc, unit="rep", disable=not show, leave=False)
    n_workers = workers(spec.run.jobs, n)
    results: list[dict[str, Any] | None] = [None] * n
    finished = 0
    try:
        if n_workers == 1:
            for i, r in enumerate(indices):
                results[i] = run_one(spec, r)
                finished += 1
                bar.update()
        else:
            # fork starts workers in milliseconds and shares the imported modules.
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
            pool = ProcessPoolExecutor(n_workers, mp_context=ctx, initializer=_worker_start, initargs=(os.getpid(),))
            try:
                futures = {pool.submit(run_one, spec, r): i for i, r in enumerate(indices)}
                for fut in as_completed(futures):
                    results[futures[fut]] = fut.result()
                    finished += 1
                    bar.update()
            except BaseException:
                _stop(pool)
                raise
            pool.shutdown()
    except KeyboardInterrupt:
        raise RunInterrupted(finished, n) from None
    finally:
        bar.close()
    return results  # type: ignore[return-value]


def _worker_start(parent: int) -> None:
    """A worker's initialiser: its signals, and an end with the process that started it
    (``parent``; see :mod:`simoffice.run.workers`)."""
    _worker_signals()
    watch_parent(parent)


def _worker_signals() -> None:
    """In a worker: leave SIGINT to the parent (a Ctrl-C reaches the whole process
    group), and let SIGTERM end the process, as the parent does to stop a run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Drop the replications not begun and end the workers now, rather than wait
    for the replications under way."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
    else:  # no public way before 3.14
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            process.terminate()
        for process in processes:
            process.join()
        # A worker ended while sending its result leaves half a message in the result
        # pipe, and the pool's manager thread would wait for the rest for ever. With every
        # worker gone, closing this process's copy of the pipe's write end turns that wait
        # into an end of file, which the manager thread takes for a broken pool.
        result_queue = getattr(pool, "_result_queue", None)
        if result_queue is not None:
            result_queue._writer.close()
    # The pool's manager thread sees the workers gone and winds down; wait for it, so
    # that nothing of the pool is left running when the interpreter exits.
    pool.shutdown(wait=True, cancel_futures=True)
