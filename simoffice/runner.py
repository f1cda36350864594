"""Run replications, in parallel over ``run.jobs`` worker processes.

Replication ``r`` depends only on the spec and ``r`` (its random streams are
keyed by ``(seed, r, …)``), so results are identical with one worker or several.
Each worker reduces its replication to measures and a 15-minute time series
before sending it back, so little crosses process boundaries beyond the log.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from tqdm import tqdm

from simoffice import metrics
from simoffice.replication import simulate_replication
from simoffice.spec import ModelSpec


def group_skills(spec: ModelSpec) -> list[tuple[int, frozenset[int]]]:
    """(office, skills) of every desk group, in network-wide index order."""
    return [(o, g.skills) for o, office in enumerate(spec.offices) for g in office.desk_groups]


def run_one(spec: ModelSpec, replication: int) -> dict[str, Any]:
    """Simulate one replication and compute its measures (network and per office)."""
    log = simulate_replication(spec, replication)
    window = spec.run.window
    target = spec.run.service_level_target_min
    c, b, d = log["contacts"], log["bundles"], log["duty"]
    opening = log["opening"]
    rows = [("all", metrics.measures(c, b, d, window, target, opening))]
    if len(spec.offices) > 1:
        for o, office in enumerate(spec.offices):
            rows.append((office.name, metrics.measures(
                metrics.subset(c, c["office"] == o), metrics.subset(b, b["office"] == o),
                metrics.subset(d, d["office"] == o), window, target, opening)))
    log["measures"] = rows
    log["timeseries"] = metrics.timeseries(c, d, group_skills(spec), len(spec.offices), window)
    log["replication"] = replication
    return log


def workers(jobs: int, replications: int) -> int:
    """Worker processes to use: ``jobs`` (0 = one per CPU), never more than replications."""
    n = jobs or os.cpu_count() or 1
    return max(1, min(n, replications))


def run_replications(spec: ModelSpec, progress: bool | None = None) -> list[dict[str, Any]]:
    """Every replication of the spec, in replication order.

    Args:
        progress: show a progress bar (default: ``run.progress``).
    """
    n = spec.run.replications
    show = spec.run.progress if progress is None else progress
    bar = tqdm(total=n, desc="replications", unit="rep", disable=not show, leave=False)
    n_workers = workers(spec.run.jobs, n)
    results: list[dict[str, Any] | None] = [None] * n
    try:
        if n_workers == 1:
            for r in range(n):
                results[r] = run_one(spec, r)
                bar.update()
        else:
            # fork starts workers in milliseconds and shares the imported modules.
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
            with ProcessPoolExecutor(n_workers, mp_context=ctx) as pool:
                futures = {pool.submit(run_one, spec, r): r for r in range(n)}
                for fut in as_completed(futures):
                    results[futures[fut]] = fut.result()
                    bar.update()
    finally:
        bar.close()
    return results  # type: ignore[return-value]
