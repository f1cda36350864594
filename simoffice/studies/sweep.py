"""A sweep's jobs and aggregate: ``summary.parquet`` and ``sweep.html`` at the end of a multirun.

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
  measure's possible range); and ``error``, empty but for a failed job's one row
  (its ``office`` and ``measure`` empty, ``n`` 0), which says why it failed;
- ``sweep.html``: the network's headline measures against each swept parameter,
  and the failed jobs.

A swept key's values are typed as Hydra reads them (``3`` an integer, ``2.5`` a
number, ``[0,1]`` a list); a key whose values mix types that one parquet column
cannot hold (``network.name=alpha,1``) is written as the overrides' text, and the
sweep says so.

**A failed job does not stop the sweep.** :func:`run_job` runs each job: a job
refused by simoffice's checks (``network.servers=-1``) or failing in any other
way writes ``failed.json`` (the one-line reason, and the traceback of an error
that is not the user's) in its directory instead of results, prints one line,
and the other jobs run. The sweep's exit status (see :func:`exit_status`) is 0
when at least one job has results, 2 when none has, or when ``summary.parquet``
or ``sweep.html`` could not be written. Values that Hydra itself refuses while
composing (a wrong type, an unknown option) refuse the whole sweep before any
job runs, in one line.

Jobs whose directory holds neither ``summary.json`` nor ``failed.json`` (an
interrupted job) are left out and counted in a log line.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pyarrow as pa
import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from simoffice.files import atomic_write
from simoffice.run import workers
from simoffice.run.pages import write_page
from simoffice.run.resume import is_resume

log = logging.getLogger(__name__)

FAILED = "failed.json"  # in a job's directory: why the job has no results
COLUMNS = ["office", "measure", "mean", "ci_low", "ci_high", "n", "error"]


class JobFailed(Exception):
    """A sweep job refused with a one-line message (a config error): recorded, and the sweep goes on."""


# ---------------------------------------------------------------- a job

# True while this process runs a sweep's job (the command line's refusals then fail the job, not the process).
IN_JOB: list[bool] = []


def run_job(task: Callable[[], Any], out_dir: Path, job: int | str) -> Any:
    """Run one sweep job in ``out_dir``: ``task()``'s value, or None when the job failed.

    The process ends with the command that started the sweep (:func:`simoffice.run.workers.guard`).
    An earlier attempt's ``failed.json`` is removed first (a resumed sweep runs the job again).
    A :class:`JobFailed` or any other ``Exception`` writes ``failed.json`` and prints one line
    on stderr; a KeyboardInterrupt or SystemExit passes through."""
    workers.guard()
    (out_dir / FAILED).unlink(missing_ok=True)
    IN_JOB.append(True)
    try:
        return task()
    except JobFailed as err:
        record_failure(out_dir, job, str(err))
    except Exception as err:  # noqa: BLE001  (a job's bug or I/O error must not stop the other jobs)
        record_failure(out_dir, job, one_line(err), traceback.format_exc())
    finally:
        IN_JOB.pop()
    return None


def one_line(err: BaseException) -> str:
    """An unexpected error as one line: its type and the first line of its message."""
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__


def record_failure(out_dir: Path, job: int | str, error: str, trace: str | None = None) -> None:
    """Write ``failed.json`` (``error``, and ``traceback`` if given) into ``out_dir`` and say so in one line."""
    print(f"simoffice: job {job} failed and was skipped: {error}", file=sys.stderr, flush=True)
    record = {"error": error, **({"traceback": trace} if trace else {})}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(out_dir / FAILED, lambda p: Path(p).write_text(json.dumps(record, indent=1)))
    except OSError as err:  # the reason stays on the terminal; the summary counts the job as missing
        print(f"simoffice: job {job}: could not write {out_dir / FAILED}: {err.strerror or err}", file=sys.stderr)


# ---------------------------------------------------------------- the summary

_PARSER: list[OverridesParser] = []


def _value(override: str) -> Any:
    """An override's value as Hydra reads it (``3`` an integer, ``[0,1]`` a list), else its text."""
    if not _PARSER:
        _PARSER.append(OverridesParser.create())
    try:
        return _PARSER[0].parse_overrides([override])[0].value()
    except Exception:  # noqa: BLE001  (any override Hydra's grammar does not read is kept as text)
        return override.partition("=")[2]


def _job_overrides(job_dir: Path) -> list[str]:
    """A job's overrides, less ``run.resume`` (a resumed sweep is the same sweep)."""
    path = job_dir / ".hydra" / "overrides.yaml"
    overrides = list(yaml.safe_load(path.read_text()) or []) if path.exists() else []
    return [o for o in overrides if not is_resume(o)]


def _failure(job_dir: Path) -> str | None:
    """Why a job failed (its ``failed.json``), or None."""
    path = job_dir / FAILED
    if not path.exists():
        return None
    try:
        return str(json.loads(path.read_text())["error"])
    except (OSError, ValueError, KeyError, TypeError):
        return f"failed ({FAILED} unreadable)"


def _writable(values: list[Any]) -> bool:
    """One parquet column can hold ``values``."""
    try:
        pa.array(values, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return False
    return True


@dataclass
class Sweep:
    """The sweep's table, and what it says about its jobs."""

    table: pd.DataFrame
    jobs: int = 0
    failed: dict[int, tuple[str, str]] = field(default_factory=dict)  # job: (its swept values, error)
    missing: int = 0
    as_text: list[str] = field(default_factory=list)  # swept keys written as text (their values mix types)


def collect_sweep(sweep_dir: str | os.PathLike) -> Sweep:
    """The table of ``summary.parquet`` from the job directories under ``sweep_dir``, with its jobs' fates."""
    sweep = Path(sweep_dir)
    jobs = sorted((p for p in sweep.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name))
    per_job = [(int(p.name), _job_overrides(p), p) for p in jobs]
    # The swept keys: those whose value differs between jobs.
    values: dict[str, set] = {}
    for _, overrides, _ in per_job:
        for o in overrides:
            k, _, v = o.lstrip("+~").partition("=")
            values.setdefault(k, set()).add(v)
    swept = [k for k, v in values.items() if len(v) > 1 or len(per_job) == 1]
    out = Sweep(pd.DataFrame(), jobs=len(per_job))
    rows, texts = [], {k: [] for k in swept}
    for job, overrides, job_dir in per_job:
        given = {o.lstrip("+~").partition("=")[0]: o.lstrip("+~") for o in overrides}
        params = {k: _value(given[k]) if k in given else None for k in swept}
        job_row = {"job": job, "overrides": " ".join(overrides), **params}
        summary_path = job_dir / "summary.json"
        error = _failure(job_dir)
        if error is not None:
            out.failed[job] = (" ".join(given[k] for k in swept if k in given), error)
            new = [{**job_row, "office": None, "measure": None, "mean": None, "ci_low": None, "ci_high": None,
                    "n": 0, "error": error}]
        elif summary_path.exists():
            summary = json.loads(summary_path.read_text())
            new = [{**job_row, "office": office, "measure": m, **interval, "error": None}
                   for office, measures in [("all", summary["measures"]), *summary.get("units", {}).items()]
                   for m, interval in measures.items()]
        else:
            out.missing += 1
            continue
        rows += new
        for k in swept:
            texts[k] += [given[k].partition("=")[2] if k in given else None] * len(new)
    if out.missing:
        log.warning("sweep summary: %d of %d jobs have no results and no failed.json (interrupted) and are left out",
                    out.missing, len(per_job))
    table = pd.DataFrame(rows, columns=["job", "overrides", *swept, *COLUMNS]).astype(
        {"office": "str", "measure": "str", "mean": float, "ci_low": float, "ci_high": float, "error": "str"})
    for k in swept:  # a column of mixed types (a name swept as alpha,1) is written as the overrides' text
        if not _writable(list(table[k])):
            table[k] = pd.Series(texts[k], index=table.index, dtype=object)
            out.as_text.append(k)
    out.table = table
    return out


def collect(sweep_dir: str | os.PathLike) -> pd.DataFrame:
    """The table of ``summary.parquet`` from the job directories under ``sweep_dir``."""
    return collect_sweep(sweep_dir).table


def write_summary(sweep_dir: str | os.PathLike) -> Path:
    """Write ``summary.parquet`` and ``sweep.html`` into ``sweep_dir``; returns the parquet path.

    Raises:
        OSError: a file could not be written (nothing half-written is left: each file is atomic).
    """
    return _write(Path(sweep_dir), collect_sweep(sweep_dir))


def _write(sweep: Path, result: Sweep) -> Path:
    path = atomic_write(sweep / "summary.parquet", lambda p: result.table.to_parquet(p, index=False))
    write_page("sweep", result.table, sweep / "sweep.html")
    return path


# ---------------------------------------------------------------- the end of a sweep

# The sweep under way in this process (so that an interrupted sweep can say where it stopped).
RUNNING: list[Path] = []
# How each sweep of this process ended: (exit status, one-line reason or "").
OUTCOMES: list[tuple[int, str]] = []


def exit_status() -> tuple[int, str]:
    """The exit status of the command after its sweep, and the line that explains a non-zero one:
    0 when at least one job has results and the summary was written; 2 when no job has results or
    the summary could not be written. ``(0, "")`` when no sweep ran."""
    return OUTCOMES[-1] if OUTCOMES else (0, "")


def report_lines(sweep_dir: Path, result: Sweep) -> list[str]:
    """What the terminal says about the jobs that failed and the columns written as text."""
    lines = []
    for key in result.as_text:
        lines.append(f"simoffice: sweep summary: the values of {key} mix types; written as text")
    if result.failed:
        lines.append(f"simoffice: {len(result.failed)} of {result.jobs} jobs failed and were skipped "
                     "(summary.parquet's error column and sweep.html list them):")
        lines += [f"  job {job} ({overrides}): {error}" for job, (overrides, error) in result.failed.items()]
    return lines


class SweepSummary(Callback):
    """Hydra callback (see ``hydra.callbacks`` in ``configs/config.yaml``)."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        RUNNING.append(Path(config.hydra.sweep.dir))

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        # Hydra turns a callback's exception into a warning and exits 0: every outcome is recorded here.
        sweep_dir = Path(config.hydra.sweep.dir)
        if not sweep_dir.is_dir():
            OUTCOMES.append((2, f"sweep summary: expected the sweep directory {sweep_dir} (got none)"))
            return
        try:
            result = collect_sweep(sweep_dir)
            path = _write(sweep_dir, result)
        except OSError as err:
            OUTCOMES.append((2, f"sweep summary: could not write summary.parquet and sweep.html in {sweep_dir}: "
                                f"{err.strerror or err}"))
            return
        except Exception as err:  # noqa: BLE001  (never exit 0 without the summary)
            OUTCOMES.append((2, f"sweep summary: could not be written in {sweep_dir}: {one_line(err)}"))
            return
        print(f"Sweep summary: {path}\nSweep report:  {sweep_dir / 'sweep.html'}")
        lines = report_lines(sweep_dir, result)
        if lines:
            print("\n".join(lines), file=sys.stderr)
        complete = result.jobs - len(result.failed) - result.missing
        if complete == 0 and result.jobs:
            OUTCOMES.append((2, f"sweep: no job of {result.jobs} has results ({len(result.failed)} failed); "
                                f"see {sweep_dir / 'sweep.html'}"))
        else:
            OUTCOMES.append((0, ""))
