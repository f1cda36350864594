"""A sweep's aggregate: ``summary.parquet`` and ``sweep.html`` at the end of a multirun.

``simoffice -m …`` runs one job per combination of the swept values (Hydra's
multirun, the joblib launcher by default). Each job writes its own outputs in
``<sweep dir>/<job number>/``. When every job has finished, Hydra calls
:meth:`SweepSummary.on_multirun_end`, which reads each job's ``summary.json`` and
overrides and writes, in the sweep directory:

- ``summary.parquet``: a row per job × office × measure: ``job``, ``overrides``
  (the job's command-line overrides, as one string), one column per swept key
  (its value in the job), ``office`` ("all" for the network, then each unit of
  ``summary.json``'s ``units``), ``measure``, ``mean``, ``ci_low``, ``ci_high``,
  ``n``; the intervals as the jobs' ``summary.json`` give them (cut to each
  measure's possible range);
- ``sweep.html``: the network's headline measures against each swept parameter.

Jobs whose directory holds no ``summary.json`` (a failed or interrupted job)
are left out and counted in a log line.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from simoffice.files import atomic_write
from simoffice.run.pages import write_page
from simoffice.run.resume import is_resume

log = logging.getLogger(__name__)


def _value(text: str) -> Any:
    """An override's value as YAML reads it (numbers become numbers)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _job_overrides(job_dir: Path) -> list[str]:
    """A job's overrides, less ``run.resume`` (a resumed sweep is the same sweep)."""
    path = job_dir / ".hydra" / "overrides.yaml"
    overrides = list(yaml.safe_load(path.read_text()) or []) if path.exists() else []
    return [o for o in overrides if not is_resume(o)]


def collect(sweep_dir: str | os.PathLike) -> pd.DataFrame:
    """The table of ``summary.parquet`` from the job directories under ``sweep_dir``."""
    sweep = Path(sweep_dir)
    jobs = sorted((p for p in sweep.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name))
    per_job = [(int(p.name), _job_overrides(p), p / "summary.json") for p in jobs]
    # The swept keys: those whose value differs between jobs.
    values: dict[str, set] = {}
    for _, overrides, _ in per_job:
        for o in overrides:
            k, _, v = o.lstrip("+~").partition("=")
            values.setdefault(k, set()).add(v)
    swept = [k for k, v in values.items() if len(v) > 1 or len(per_job) == 1]
    rows, missing = [], 0
    for job, overrides, path in per_job:
        if not path.exists():
            missing += 1
            continue
        summary = json.loads(path.read_text())
        given = dict(o.lstrip("+~").partition("=")[::2] for o in overrides)
        params = {k: _value(given[k]) if k in given else None for k in swept}
        job_row = {"job": job, "overrides": " ".join(overrides), **params}
        for office, measures in [("all", summary["measures"]), *summary.get("units", {}).items()]:
            for m, interval in measures.items():
                rows.append({**job_row, "office": office, "measure": m, **interval})
    if missing:
        log.warning("sweep summary: %d of %d jobs have no summary.json (failed or interrupted) and are left out",
                    missing, len(per_job))
    columns = ["job", "overrides", *swept, "office", "measure", "mean", "ci_low", "ci_high", "n"]
    return pd.DataFrame(rows, columns=columns)


def write_summary(sweep_dir: str | os.PathLike) -> Path:
    """Write ``summary.parquet`` and ``sweep.html`` into ``sweep_dir``; returns the parquet path."""
    sweep = Path(sweep_dir)
    table = collect(sweep)
    path = atomic_write(sweep / "summary.parquet", lambda p: table.to_parquet(p, index=False))
    write_page("sweep", table, sweep / "sweep.html")
    return path


# The sweep under way in this process (so that an interrupted sweep can say where it stopped).
RUNNING: list[Path] = []


class SweepSummary(Callback):
    """Hydra callback (see ``hydra.callbacks`` in ``configs/config.yaml``)."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        RUNNING.append(Path(config.hydra.sweep.dir))

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        if not sweep_dir.is_dir():
            return
        path = write_summary(sweep_dir)
        print(f"Sweep summary: {path}\nSweep report:  {sweep_dir / 'sweep.html'}")
