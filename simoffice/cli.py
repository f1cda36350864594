"""The ``simoffice`` command: a thin Hydra entry point.

``simoffice [overrides]`` composes ``configs/config.yaml`` with the overrides,
simulates, writes the tables, ``summary.json`` and ``report.html`` into Hydra's
output directory (``results/<date>/<time>/`` by default), prints a short summary
and returns the mean wait (so that a sweeper can minimise it). A config error
prints one line naming the key and exits with status 2.

SIGINT (Ctrl-C) and SIGTERM stop a run the same way: the worker processes are
ended, nothing is written (a save under way removes what it had written), one
line says how many replications had finished, and the exit status is 128 plus
the signal's number (130 for SIGINT, 143 for SIGTERM).
"""

from __future__ import annotations

import shutil
import signal
import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from simoffice import hydra_errors, schema  # noqa: F401  (schema: registers the ConfigStore entries)
from simoffice.api import CONFIG_DIR
from simoffice.errors import ConfigError, RunInterrupted
from simoffice.metrics import UNITS


def fail(message: str, out_dir: Path | None = None, status: int = 2) -> None:
    """Print one line to stderr and exit with ``status``, removing an output
    directory that holds nothing but Hydra's own files."""
    if out_dir is not None and out_dir.is_dir():
        if all(p.name == ".hydra" or p.suffix == ".log" for p in out_dir.iterdir()):
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
                writing: bool = False) -> None:
    """Say what an interrupted run had finished, and exit with 128 + the signal's number."""
    signum = _received[0] if _received else signal.SIGINT
    name = signal.Signals(signum).name
    if writing:
        done = f"while writing the results of {total} replications"
    elif isinstance(err, RunInterrupted):
        done = f"after {err.finished} of {err.total} replications had finished"
    else:
        done = "before any replication had finished"
    fail(f"interrupted by {name} {done}; nothing was written", out_dir, status=128 + signum)


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


def run(cfg: DictConfig) -> float | None:
    """Simulate the composed config and write its outputs; returns the mean wait (minutes)."""
    from simoffice.api import simulate

    out_dir = Path(HydraConfig.get().runtime.output_dir)
    if (out_dir / "summary.json").exists():
        fail(f"hydra.run.dir: expected a directory without earlier results (got '{out_dir}')")
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
    meta = results.summary["meta"]
    print(f"simoffice {meta['version']}: network={meta['network']} schedule={meta['schedule']} "
          f"design={meta['design']}, {meta['replications']} replications × {meta['weeks']} weeks "
          f"in {time.perf_counter() - started:.1f} s")
    print(format_summary(results.summary))
    channels = format_channels(results.summary)
    if channels:
        print(channels)
    print(f"\nResults: {out_dir}\nReport:  {out_dir / 'report.html'}")
    return results.summary["measures"]["wait_mean_min"]["mean"]


@hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")
def _main(cfg: DictConfig) -> float | None:
    return run(cfg)


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    hydra_errors.install()
    # Hydra rewrites a run directory's .hydra/ record before the task starts: refuse an
    # explicit hydra.run.dir that already holds results before Hydra touches it.
    for arg in sys.argv[1:]:
        if arg.startswith("hydra.run.dir=") and (Path(arg.split("=", 1)[1]) / "summary.json").exists():
            fail(f"hydra.run.dir: expected a directory without earlier results (got '{arg.split('=', 1)[1]}')")
    try:
        _main()
    except KeyboardInterrupt as err:  # before the run began (Hydra composing the config)
        interrupted(err, None)
