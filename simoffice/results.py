"""The tables of a run, and writing them to an output directory.

:class:`Results` holds tidy pandas tables (names, not codes):

- ``contacts``: a row per contact (ticket or failed trip);
- ``bundles``: a row per bundle;
- ``timeseries``: per replication × office × desk group × 15-minute bin
  (``desk_group == "all"`` holds the office totals);
- ``replications``: a row per replication × office × measure (``office == "all"``
  for the network);
- ``summary``: ``{"measures": {name: {mean, ci_low, ci_high, n}}, "meta": {...}}``.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simoffice import metrics, recorder
from simoffice.files import atomic_write
from simoffice.spec import ModelSpec
from simoffice.stats import t_interval

FILES = ("contacts.parquet", "bundles.parquet", "timeseries.parquet", "replications.parquet",
         "summary.json", "report.html")


@dataclass
class Results:
    """Everything a run produced (see the module docstring for the tables)."""

    contacts: pd.DataFrame
    bundles: pd.DataFrame
    timeseries: pd.DataFrame
    replications: pd.DataFrame
    summary: dict[str, Any]
    spec: ModelSpec = field(repr=False)

    @property
    def measures(self) -> pd.DataFrame:
        """The summary measures as a table: mean, ci_low, ci_high, n per measure."""
        return pd.DataFrame(self.summary["measures"]).T

    def save(self, out_dir: str | os.PathLike) -> Path:
        """Write the tables, summary.json and report.html into ``out_dir``.

        Each file is written to a temporary name and renamed into place, so a
        file is either complete or absent.
        """
        from simoffice.report import write_report

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for name in ("contacts", "bundles", "timeseries", "replications"):
            table = getattr(self, name)
            atomic_write(out / f"{name}.parquet", lambda p: table.to_parquet(p, index=False))
        text = json.dumps(_jsonable(self.summary), indent=2)
        atomic_write(out / "summary.json", lambda p: Path(p).write_text(text + "\n"))
        write_report(self, out / "report.html")
        return out


def _jsonable(x):
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return None if math.isnan(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


def assemble(spec: ModelSpec, reps: list[dict[str, Any]], meta: dict[str, Any]) -> Results:
    """Turn the replications' logs into tidy tables and the summary."""
    w0, w1 = spec.run.window
    offices = [o.name for o in spec.offices]
    groups = [g.name for o in spec.offices for g in o.desk_groups]

    def table(part: str) -> dict[str, np.ndarray]:
        cols = {"replication": np.concatenate([np.full(len(r[part]["office"]), r["replication"], np.int32) for r in reps])}
        for k in reps[0][part]:
            cols[k] = np.concatenate([r[part][k] for r in reps])
        return cols

    c = table("contacts")
    contacts = pd.DataFrame({
        "replication": c["replication"],
        "bundle": c["bundle"],
        "visit": c["visit"],
        "office": _names(c["office"], offices),
        "segment": _names(c["segment"], [s.name for s in spec.segments]),
        "service": _names(c["service"], [s.name for s in spec.services]),
        "skill": _names(c["skill"], list(spec.skills)),
        "desk_group": _names(c["desk_group"], groups),
        "desk": c["desk"],
        "priority": c["priority"],
        "n_needs": c["n_needs"],
        "n_settled": c["n_settled"],
        "arrival_min": c["arrival_min"],
        "start_min": c["start_min"],
        "end_min": c["end_min"],
        "wait_min": np.where(np.isnan(c["start_min"]), c["end_min"], c["start_min"]) - c["arrival_min"],
        "service_min": c["end_min"] - c["start_min"],
        "outcome": _names(c["outcome"], list(recorder.OUTCOMES)),
        "in_window": (c["arrival_min"] >= w0) & (c["arrival_min"] < w1),
        "weekday": ((c["arrival_min"] // 1440 + spec.run.start_weekday) % 7).astype(np.int8),
        "hour": ((c["arrival_min"] % 1440) // 60).astype(np.int8),
    })
    # A trip to a closed office has no queue time.
    contacts.loc[contacts["outcome"] == "closed", "wait_min"] = np.nan
    b = table("bundles")
    bundles = pd.DataFrame({
        "replication": b["replication"],
        "bundle": b["bundle"],
        "office": _names(b["office"], offices),
        "segment": _names(b["segment"], [s.name for s in spec.segments]),
        "bundle_type": _names(b["bundle_type"], [x.name for x in spec.bundles]),
        "created_min": b["created_min"],
        "first_visit_min": b["first_visit_min"],
        "end_min": b["end_min"],
        "visits": b["visits"],
        "tickets": b["tickets"],
        "failed_trips": b["failed_trips"],
        "needs": b["needs"],
        "needs_settled": b["needs_settled"],
        "status": _names(b["status"], list(recorder.STATUSES)),
        "in_window": (b["created_min"] >= w0) & (b["created_min"] < w1),
    })
    t = table("timeseries")
    bin_start = t["bin_start_min"]
    timeseries = pd.DataFrame({
        "replication": t["replication"],
        "office": _names(t["office"], offices),
        "desk_group": _names(t["desk_group"], groups, missing="all"),
        "bin_start_min": bin_start,
        "weekday": ((bin_start // 1440 + spec.run.start_weekday) % 7).astype(np.int8),
        "hour": ((bin_start % 1440) // 60).astype(np.int8),
        "queue_mean": t["queue_mean"],
        "busy_mean": t["busy_mean"],
        "on_duty_mean": t["on_duty_mean"],
    })
    long = [(r["replication"], office, m, v) for r in reps for office, ms in r["measures"] for m, v in ms.items()]
    replications = pd.DataFrame(long, columns=["replication", "office", "measure", "value"])
    network = replications[replications["office"] == "all"]
    summary = {
        "measures": {m: t_interval(network.loc[network["measure"] == m, "value"]) for m in metrics.MEASURES},
        "meta": meta,
    }
    return Results(contacts, bundles, timeseries, replications, summary, spec)


def _names(codes: np.ndarray, names: list[str], missing: str | None = None) -> pd.Categorical:
    """Codes (-1 for none) as a categorical of names; -1 becomes ``missing`` (or NA)."""
    categories = list(names) + ([missing] if missing is not None else [])
    codes = np.asarray(codes, dtype=np.int64)
    if missing is not None:
        codes = np.where(codes < 0, len(names), codes)
    # Names may repeat across offices (two desk groups called "general"):
    # categories must be unique, so map through the unique list.
    unique = list(dict.fromkeys(categories))
    remap = np.array([unique.index(n) for n in categories] + [-1], dtype=np.int64)
    return pd.Categorical.from_codes(remap[np.where(codes < 0, len(categories), codes)], categories=unique)
