"""The ``simoffice`` command: a thin Hydra entry point.

``simoffice [overrides]`` composes ``configs/config.yaml`` with the overrides,
simulates, writes the tables, ``summary.json`` and ``report.html`` into Hydra's
output directory (``results/<date>/<time>/`` by default), prints a short summary
and returns the mean wait (so that a sweeper can minimise it). ``task=compare``
compares arms, ``task=staffing_search`` searches the fewest staff (see
``experiments/``). A config error prints one line naming the key and exits
with status 2.

SIGINT (Ctrl-C) and SIGTERM stop a run the same way: the worker processes are
ended, nothing is written (a save under way removes what it had written), one
line says how many replications had finished, and the exit status is 128 plus
the signal's number (130 for SIGINT, 143 for SIGTERM).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from simoffice.cli import run_dir, usage
from simoffice.config import hydra_errors, schema  # noqa: F401  (schema: registers the ConfigStore entries)
from simoffice.config.compose import CONFIG_DIR, config_hash
from simoffice.errors import ConfigError, RunInterrupted
from simoffice.measures.metrics import UNITS
from simoffice.reports.scorecard import format_standards
from simoffice.reports.warnings import format_warnings
from simoffice.run import lock, resume, workers
from simoffice.studies import sweep  # noqa: F401

# Imported by a worker process of the command (a launcher unpickling a sweep's job): that
# worker ends with the command, even before its job begins (see simoffice.run.workers).
workers.guard()


def fail(message: str, out_dir: Path | None = None, status: int = 2) -> None:
    """Print one line to stderr and exit with ``status``, removing an output
    directory that holds nothing but Hydra's own files. In a sweep's job a config error
    (status 2) fails that job only: it is recorded and the other jobs run (see
    :mod:`simoffice.studies.sweep`)."""
    if status == 2 and sweep.IN_JOB:
        raise sweep.JobFailed(message)
    if out_dir is not None and out_dir.is_dir():
        if all(p.name in (".hydra", lock.LOCK_NAME) or p.suffix == ".log" for p in out_dir.iterdir()):
            shutil.rmtree(out_dir, ignore_errors=True)
    print(f"simoffice: {message}", file=sys.stderr)
    sys.exit(status)


# The signal that stopped the run: SIGTERM is turned into a KeyboardInterrupt like SIGINT.
_received: list[int] = []


def _interrupt(signum: int, frame) -> None:
    _received.append(signum)
    # Once is enough: further signals while the run winds down change nothing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def interrupted(err: KeyboardInterrupt, out_dir: Path | None, total: int | None = None,
                writing: bool = False, task: str | None = None) -> None:
    """Say what an interrupted run had finished, and exit with 128 + the signal's number.
    ``task``: a comparison or staffing search, whose partial outputs are removed."""
    signum = _received[0] if _received else signal.SIGINT
    name = signal.Signals(signum).name
    if task is not None:
        done = f"during the {task}"
        remove_outputs(out_dir)
    elif writing:
        done = f"while writing the results of {total} replications"
    elif isinstance(err, RunInterrupted):
        done = f"after {err.finished} of {err.total} replications had finished"
    else:
        done = "before any replication had finished"
    fail(f"interrupted by {name} {done}; nothing was written", out_dir, status=128 + signum)


def remove_outputs(out_dir: Path | None) -> None:
    """Remove what a comparison or staffing search had written (not Hydra's own files)."""
    if out_dir is not None and out_dir.is_dir():
        for path in out_dir.iterdir():
            if path.name not in (".hydra", lock.LOCK_NAME) and path.suffix != ".log":
                shutil.rmtree(path) if path.is_dir() else path.unlink()


def cannot_write(err: OSError, out_dir: Path, outputs: bool = False) -> None:
    """``cannot write <path>: <cause>`` (a full or read-only disk, no permission), exit
    status 2; ``outputs``: a comparison's or staffing search's partial outputs are removed
    first (a run's save removes its own). Any other OSError is raised on."""
    line = hydra_errors.write_error(err, out_dir)
    if line is None:
        raise err
    if outputs:
        remove_outputs(out_dir)
    fail(line, out_dir)


def sweep_interrupted(sweep_dir: Path) -> None:
    """Say how much of an interrupted sweep is complete, and how to finish it."""
    signum = _received[0] if _received else signal.SIGINT
    fail(f"interrupted by {signal.Signals(signum).name}: {resume.complete_jobs(sweep_dir)} jobs complete in "
         f"{sweep_dir}; the same command with run.resume=true runs the others", status=128 + signum)


def format_summary(summary: dict) -> str:
    """The summary measures as a small text table."""
    lines = [f"{'measure':<30} {'mean':>10}  {'95 % interval':<22} unit"]
    for name, m in summary["measures"].items():
        if m["mean"] is None and not m["n"]:
            continue  # not applicable to this network (no expert centre …)
        unit = UNITS.get(name, "")
        scale, shown = (100.0, "%") if unit == "share" else (1.0, unit)
        mean = "—" if m["mean"] is None else f"{m['mean'] * scale:.2f}"
        ci = "" if m["ci_low"] is None else f"{m['ci_low'] * scale:.2f} – {m['ci_high'] * scale:.2f}"
        lines.append(f"{name:<30} {mean:>10}  {ci:<22} {shown}")
    return "\n".join(lines)


def format_channels(summary: dict) -> str:
    """Contacts, mean wait, service level and abandonment per channel, when there are several."""
    by_channel = summary.get("groups", {}).get("channel", {})
    if len(by_channel) < 2:
        return ""
    lines = [f"\n{'channel':<12} {'contacts/week':>14} {'mean wait':>10} {'service level':>14} {'abandoned':>10}"]
    for channel, ms in by_channel.items():
        def fmt(name, scale=1.0, suffix=""):
            v = ms.get(name, {}).get("mean")
            return "—" if v is None else f"{v * scale:.1f}{suffix}"
        lines.append(f"{channel:<12} {fmt('contacts_per_week'):>14} {fmt('wait_mean_min', suffix=' min'):>10} "
                     f"{fmt('service_level', 100, ' %'):>14} {fmt('abandonment_rate', 100, ' %'):>10}")
    return "\n".join(lines)


def arm_overrides(task_overrides: list[str], arms: dict) -> dict[str, list[str]]:
    """Each arm's overrides: the command line's (less Hydra's own and those an arm sets
    itself), then the arm's. ``hydra.searchpath`` is kept, so an arm finds the same
    configs as the command (a network of the user's own folder, a staffed network)."""
    def key(o: str) -> str:
        return o.split("=", 1)[0].lstrip("+~")

    base = [o for o in task_overrides
            if key(o) == "hydra.searchpath" or not key(o).startswith(("hydra.", "compare."))]
    out = {}
    for name, overrides in arms.items():
        own = {key(o) for o in overrides}
        out[name] = [o for o in base if key(o) not in own] + list(overrides)
    return out


def run_comparison(cfg: DictConfig, out_dir: Path) -> float | None:
    """Simulate the arms of ``compare.arms`` and write their outputs and comparison.html."""
    from simoffice.config.compose import compose
    from simoffice.studies.compare import arms_given, compare

    try:
        arms = arms_given(cfg.compare.arms)
    except ConfigError as err:
        fail(f"config error: {err}", out_dir)
    if len(arms) < 2:
        fail("config error: compare.arms: expected at least two arms, e.g. "
             f"'compare.arms={{a:[\"design=siloed\"],b:[\"design=one_stop\"]}}' (got {list(arms)})", out_dir)
    started = time.perf_counter()
    try:
        given = HydraConfig.get().overrides
        configs = {name: compose(*o) for name, o in arm_overrides([*given.hydra, *given.task], arms).items()}
        comparison = compare(configs, progress=False if cfg.run.quiet else None, overrides=arms)
    except ConfigError as err:
        fail(f"config error: {err}", out_dir)
    comparison.save(out_dir)
    if cfg.run.quiet:
        print(out_dir)
        return None
    meta = comparison.arms[comparison.baseline].summary["meta"]
    print(f"simoffice {meta['version']}: compared {', '.join(comparison.arms)} on network={meta['network']}, "
          f"{meta['replications']} replications × {meta['weeks']} weeks in {time.perf_counter() - started:.1f} s")
    print("\n".join(comparison.verdicts))
    print(f"\nResults: {out_dir}\nReport:  {out_dir / 'comparison.html'}")
    for name, res in comparison.arms.items():
        say_precision(res.summary["meta"], name)
        say_warmup(res.summary["meta"], name)
    return None


def users_configs(hydra_cfg: Any) -> list[str]:
    """The config folders the command added: ``--config-dir`` and ``hydra.searchpath``."""
    given = [f"{s.schema}://{s.path}" for s in hydra_cfg.runtime.config_sources if s.provider == "command-line"]
    return given + [str(p) for p in hydra_cfg.searchpath if str(p) not in given]


def run_staffing(cfg: DictConfig, out_dir: Path) -> float:
    """Roster every office to meet the target at least cost, checked in its own simulation;
    write the roster, the staffed configs, tables and staffing.html; returns the staffed
    run's measured weekly staff hours."""
    from simoffice.studies.staffing import search_staffing

    started = time.perf_counter()
    hydra_cfg = HydraConfig.get()
    try:
        search = search_staffing(cfg, log=lambda line: print(line, flush=True),
                                 overrides=list(hydra_cfg.overrides.task),
                                 searchpath=users_configs(hydra_cfg))
    except ConfigError as err:
        fail(f"config error: {err}", out_dir)
    search.save(out_dir)
    m = search.meta
    print(f"\nsimoffice {m['version']}: staffing search on network={m['network']} schedule={m['schedule']} "
          f"design={m['design']}: {m['target_text']}, {m['interval_min']}-min intervals, {m['replications']} "
          f"replications × {m['weeks']} weeks, in {time.perf_counter() - started:.1f} s")
    print("\n".join(search.summary_lines(out_dir / "configs")))
    print(f"\nResults: {out_dir}\nReport:  {out_dir / 'staffing.html'}")
    return float(search.total("staff_hours", "staffed")["mean"])


TASKS = ("simulate", "compare", "staffing_search")


def run(cfg: DictConfig) -> float | None:
    """Simulate the composed config (or compare arms, or search staffing) and write
    the outputs; returns the mean wait (minutes) of a simulation."""
    hydra_cfg = HydraConfig.get()
    out_dir = Path(hydra_cfg.runtime.output_dir)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    if multirun and not sweep.IN_JOB:  # a failed job is recorded and skipped; the worker ends with the command
        return sweep.run_job(lambda: run(cfg), out_dir, hydra_cfg.job.num)
    if multirun:
        # The sweep's jobs run in parallel: each runs its replications one after
        # another (run.jobs 0 means 1 here) and without a progress bar of its own.
        cfg.run.jobs = cfg.run.jobs or 1
        cfg.run.progress = False
        # A job's page is light (no figures, no plotly.js) unless the command line says otherwise:
        # a thousand jobs of full pages would be gigabytes; sweep.html draws the figures.
        if not any(o.lstrip("+~").split("=", 1)[0] == "run.report" for o in hydra_cfg.overrides.task):
            cfg.run.report = "light"
    if cfg.run.quiet:
        cfg.run.progress = False
    marker = resume.completed(out_dir)
    if marker is not None:
        return skip_complete(cfg, marker, out_dir, "hydra.sweep.dir" if multirun else "hydra.run.dir")
    resume.remove_partial_files(out_dir)  # of an earlier attempt killed while writing
    try:
        if cfg.task == "compare":
            return run_comparison(cfg, out_dir)
        if cfg.task == "staffing_search":
            return run_staffing(cfg, out_dir)
    except KeyboardInterrupt as err:
        interrupted(err, out_dir, task=cfg.task.replace("_", " ").replace("compare", "comparison"))
    except OSError as err:
        cannot_write(err, out_dir, outputs=True)
    if cfg.task != "simulate":
        fail(f"config error: task: expected one of {list(TASKS)} (got '{cfg.task}')", out_dir)
    return run_simulation(cfg, out_dir, multirun)


def skip_complete(cfg: DictConfig, marker: Path, out_dir: Path, key: str) -> float | None:
    """A directory that holds a complete run: with ``run.resume`` and the same config, the
    run is skipped (its stored mean wait returned); otherwise the command stops."""
    reason = resume.refusal(marker, out_dir, cfg.run.resume is True,
                            config_hash(cfg) if cfg.task == "simulate" else None, key)
    if reason is not None:
        fail(reason)
    print(f"  complete, skipped -> {out_dir}")
    return resume.stored_wait(marker)


def run_simulation(cfg: DictConfig, out_dir: Path, multirun: bool) -> float | None:
    """Simulate the config, write its outputs and print its summary; returns the mean wait (minutes)."""
    from simoffice.run.simulate import simulate

    started = time.perf_counter()
    try:
        results = simulate(cfg)
    except ConfigError as err:
        fail(f"config error: {err}", out_dir)
    except KeyboardInterrupt as err:
        interrupted(err, out_dir)
    try:
        results.save(out_dir)
    except KeyboardInterrupt as err:
        interrupted(err, out_dir, total=results.spec.run.replications, writing=True)
    except OSError as err:  # (the save has removed what it had written)
        cannot_write(err, out_dir)
    wait = results.summary["measures"]["wait_mean_min"]["mean"]
    if cfg.run.quiet:
        print(out_dir)
        return wait
    meta = results.summary["meta"]
    engine = f" ({meta['engine']} engine)" if meta.get("engine") else ""
    print(f"simoffice {meta['version']}{engine}: network={meta['network']} schedule={meta['schedule']} "
          f"design={meta['design']}, {meta['replications']} replications × {meta['weeks']} weeks "
          f"in {time.perf_counter() - started:.1f} s")
    if multirun:  # one line per job; the sweep's summary comes at the end
        print(f"  mean wait {wait if wait is None else round(wait, 2)} min -> {out_dir}")
        return wait
    print(format_summary(results.summary))
    channels = format_channels(results.summary)
    if channels:
        print(channels)
    for text in (format_standards(results.summary), format_warnings(results.summary)):
        if text:
            print(f"\n{text}")
    page = out_dir / "report.html"
    print(f"\nResults: {out_dir}" + (f"\nReport:  {page}" if page.exists() else " (no page: run.report=none)"))
    say_precision(meta)
    say_warmup(meta)
    return wait


def say_precision(meta: dict, arm: str | None = None) -> None:
    """One line on stderr of what a run for a precision (``run.precision``) did."""
    from simoffice.run.precision import precision_line

    if meta.get("precision"):
        print(f"simoffice: {f'{arm}: ' if arm else ''}{precision_line(meta['precision'])}", file=sys.stderr,
              flush=True)


def say_warmup(meta: dict, arm: str | None = None) -> None:
    """One line on stderr of the warm-up a pilot found (``run.warmup_weeks=auto``)."""
    from simoffice.run.warmup import warmup_line

    if meta.get("warmup"):
        print(f"simoffice: {f'{arm}: ' if arm else ''}{warmup_line(meta['warmup'])}", file=sys.stderr, flush=True)


@hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")
def _main(cfg: DictConfig) -> float | None:
    return run(cfg)


def check_config_dir(argv: list[str]) -> None:
    """Refuse a ``--config-dir``/``-cd`` that is not a folder, in one line (Hydra's own
    message takes two, with exit status 1)."""
    for i, arg in enumerate(argv):
        name, eq, value = arg.partition("=")
        if name not in ("--config-dir", "-cd"):
            continue
        folder = value if eq else (argv[i + 1] if i + 1 < len(argv) else "")
        if not Path(folder).is_dir():
            fail(f"{name}: expected a folder of configs, e.g. one holding network/my_office.yaml (got '{folder}')")


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    # A sweep's worker pool ended by an interrupt leaves semaphores that Python's
    # resource tracker cleans up; its warning about them says nothing to a user.
    os.environ.setdefault("PYTHONWARNINGS", "ignore:resource_tracker:UserWarning")
    hydra_errors.install()
    workers.mark_origin()  # the sweep's and the replications' workers end with this process
    usage.intercept(sys.argv[1:])  # --help: simoffice's own page, not Hydra's (--hydra-help is Hydra's)
    sys.argv[1:] = resume.sweep_argv(sys.argv[1:])
    check_config_dir(sys.argv[1:])
    # Hydra writes a run directory's .hydra/ record before the task starts: a directory with a
    # complete run, or in use by another run, is refused (or skipped) before Hydra touches it.
    run_dir.install()
    try:
        _main()
    except KeyboardInterrupt as err:
        if sweep.RUNNING:  # a sweep whose jobs run in other processes
            sweep_interrupted(sweep.RUNNING[-1])
        interrupted(err, None)  # before the run began (Hydra composing the config)
    status, line = sweep.exit_status()  # a sweep: 2 when no job has results or its summary was not written
    if status:
        fail(line, status=status)
