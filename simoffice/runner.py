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

import numpy as np
from tqdm import tqdm

from simoffice import metrics
from simoffice.coverage import open_days, zone_coverage
from simoffice.replication import simulate_replication
from simoffice.spec import CHANNELS, MOBILE_OFFICE, PHONE, ModelSpec
from simoffice.timetable import DAY


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
    unit, and (clients' side) per segment, zone and channel."""
    log = simulate_replication(spec, replication)
    window = spec.run.window
    tg = targets(spec)
    physical = np.array([u.physical for u in spec.offices])
    c, b, d, cases = log["contacts"], log["bundles"], log["duty"], log["cases"]
    opening = log["opening"]
    coverage, zone_cov = zone_coverage(spec)
    rows = [("all", metrics.measures(c, b, d, window, tg, opening, physical, cases, spec.staff_cost_per_hour,
                                     vehicle_cost(spec), coverage))]
    if len(spec.offices) > 1:
        for o, office in enumerate(spec.offices):
            rows.append((office.name, metrics.measures(
                metrics.subset(c, c["office"] == o), metrics.subset(b, b["office"] == o),
                metrics.subset(d, d["office"] == o), window, tg, opening, physical,
                cost_per_hour=spec.staff_cost_per_hour)))
    groups = []
    for by, names, key_c, key_b in (
        ("segment", [s.name for s in spec.segments], "segment", "segment"),
        ("zone", [z.name for z in spec.zones], "zone", "zone"),
    ):
        parts_b = dict(metrics.split(b, b[key_b], len(names)))
        for g, part in metrics.split(c, c[key_c], len(names)):
            m = metrics.client_measures(part, parts_b[g], window, tg, physical)
            if by == "zone":
                m["coverage_within_min"] = float(zone_cov[g])
            groups.append((by, names[g], m))
    for g, part in metrics.split(c, c["channel"], len(CHANNELS)):
        if len(part["channel"]):
            groups.append(("channel", CHANNELS[g], metrics.client_measures(part, None, window, tg, physical)))
    log["measures"] = rows
    log["groups"] = groups
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
