"""What a run's report reads from its results: measures, intervals per group, targets.

A results object has a ``summary`` (``measures``, ``groups``, ``equity``,
``meta``), tables, and usually the ``spec`` it ran; a report must also read one
saved without a spec, or with measures missing (no expert centre, one channel).
These functions read one fact each and give None where the run has none.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from simoffice.measures.intervals import t_interval
from simoffice.reports.kit import cell, finite

# The service-level target of a summary written before the target was in its meta (minutes).
DEFAULT_TARGET_MIN = 15


def measure(summary: dict, key: str) -> dict:
    """A measure's interval (``mean``, ``ci_low``, ``ci_high``, ``n``), or {} if the run has none."""
    return summary.get("measures", {}).get(key) or {}


def mean_of(summary: dict, key: str) -> float | None:
    """A measure's mean over replications, or None if it is missing or not finite."""
    m = measure(summary, key).get("mean")
    return None if m is None or not np.isfinite(m) else float(m)


def target_min(summary: dict) -> float:
    """The service-level target wait of the run, in minutes."""
    return float(summary.get("meta", {}).get("service_level_target_min", DEFAULT_TARGET_MIN))


def spec_of(results: Any) -> Any:
    """The run's ``ModelSpec``, or None for results without one."""
    return getattr(results, "spec", None)


def phone_target_sec(spec: Any) -> float | None:
    """The contact centre's target wait in seconds, or None without a contact centre."""
    phone = getattr(spec, "phone", None)
    return None if phone is None else 60.0 * float(phone.target_min)


def coverage_target(results: Any) -> float | None:
    """The travel time (minutes, one way) within which a service point covers a zone."""
    meta = results.summary.get("meta", {})
    if meta.get("coverage_target_min") is not None:
        return float(meta["coverage_target_min"])
    run = getattr(spec_of(results), "run", None)
    return None if run is None else float(run.coverage_target_min)


def has_residents(results: Any) -> bool:
    """Whether the network has zones to speak of: an M/M/c test network has one
    zone without residents, whose coverage says nothing."""
    zones = getattr(spec_of(results), "zones", ())
    return len(zones) > 1 or any(z.population > 0 for z in zones)


def group_intervals(results: Any, by: str) -> dict[str, dict[str, dict]]:
    """Intervals per group of a split: from the summary if it has them, else from
    the ``groups`` table (replication × by × group × measure × value)."""
    given = (results.summary.get("groups") or {}).get(by)
    if given:
        return given
    groups = getattr(results, "groups", None)
    if groups is None or len(groups) == 0 or "by" not in groups:
        return {}
    part = groups[(groups["by"] == by).to_numpy(dtype=bool)]
    return {
        str(g): {str(m): t_interval(v["value"]) for m, v in rows.groupby("measure", sort=False)}
        for g, rows in part.groupby("group", sort=False, observed=True)
    }


def config_order(s: pd.Series) -> list[str]:
    """Names in config order: categories if categorical, else first appearance."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        present = set(s.dropna().astype(str))
        return [str(c) for c in s.cat.categories if str(c) in present]
    return list(dict.fromkeys(s.dropna().astype(str)))


def clip(lo: float | None, hi: float | None, share: bool) -> tuple[float | None, float | None]:
    """An interval of a non-negative measure, cut to its possible range (shares in %)."""
    if lo is None or hi is None:
        return lo, hi
    top = 100.0 if share else np.inf
    return max(lo, 0.0), min(hi, top)


def measure_cell(m: dict | None, share: bool = False) -> str:
    """A table cell of a measure: the mean, with its 95 % interval (cut to the
    measure's range) below in small print; shares in %."""
    m = m or {}
    scale = 100.0 if share else 1.0
    mean, lo, hi = (finite(m.get(k)) for k in ("mean", "ci_low", "ci_high"))
    if mean is None:
        return cell(None)
    lo, hi = clip(None if lo is None else scale * lo, None if hi is None else scale * hi, share)
    return cell(scale * mean, lo, hi)
