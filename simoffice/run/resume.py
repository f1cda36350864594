"""Finishing an interrupted sweep: ``simoffice -m … run.resume=true``.

A job is complete when its directory holds the file its task writes last
(``summary.json``, ``comparison.json`` or ``staffing.json``; every file is
written atomically, so a complete job's outputs are whole). Run again with
``run.resume=true``, a sweep skips its complete jobs and runs the others; the
sweep summary at the end reads every job's directory, so it is the same as that
of a sweep that was never interrupted.

Without ``hydra.sweep.dir`` on the command line, the sweep resumed is the most
recent one under ``results/multirun/`` that ran the same overrides.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

# The file each task writes last: its presence means the job is complete.
COMPLETE = ("summary.json", "comparison.json", "staffing.json")
SWEEPS = Path("results") / "multirun"
RESUME_KEY = "run.resume"


def completed(out_dir: Path) -> Path | None:
    """The file that marks ``out_dir`` as holding a complete run, if any."""
    return next((out_dir / name for name in COMPLETE if (out_dir / name).exists()), None)


def remove_partial_files(out_dir: Path) -> None:
    """Remove the temporary files a killed attempt left in ``out_dir`` (a process
    killed outright cannot remove the file it was writing; see :mod:`simoffice.files`)."""
    if out_dir.is_dir():
        for path in out_dir.glob(".*.tmp"):
            path.unlink(missing_ok=True)


def stored_wait(marker: Path) -> float | None:
    """The mean wait (minutes) a complete simulation returned, for the sweeper."""
    if marker.name != "summary.json":
        return None
    return json.loads(marker.read_text())["measures"]["wait_mean_min"]["mean"]


def stored_hash(marker: Path) -> str | None:
    """The config hash recorded in a complete simulation's ``summary.json``."""
    if marker.name != "summary.json":
        return None
    return json.loads(marker.read_text())["meta"].get("config_hash")


def is_resume(override: str) -> bool:
    return override.lstrip("+~").partition("=")[0] == RESUME_KEY


def wants_resume(argv: list[str]) -> bool:
    """``run.resume=true`` among the command's overrides."""
    return any(is_resume(a) and str(yaml.safe_load(a.partition("=")[2])).lower() == "true" for a in argv)


def is_multirun(argv: list[str]) -> bool:
    return "-m" in argv or "--multirun" in argv


def task_overrides(argv: list[str]) -> list[str]:
    """The command's config overrides (not Hydra's, not flags), less ``run.resume``."""
    return [a for a in argv if "=" in a and not a.startswith(("-", "hydra.", "+hydra.")) and not is_resume(a)]


def find_sweep(argv: list[str], root: Path = SWEEPS) -> Path | None:
    """The most recent sweep under ``root`` whose overrides (less ``run.resume``)
    are the command's."""
    wanted = sorted(task_overrides(argv))
    found = []
    for record in root.glob("*/*/multirun.yaml"):
        try:
            given = yaml.safe_load(record.read_text())["hydra"]["overrides"]["task"] or []
        except (OSError, yaml.YAMLError, KeyError, TypeError):
            continue
        if sorted(o for o in given if not is_resume(o)) == wanted:
            found.append((record.stat().st_mtime, record.parent))
    return max(found)[1] if found else None


def sweep_argv(argv: list[str]) -> list[str]:
    """``argv`` with ``hydra.sweep.dir`` set to the sweep to resume, when the
    command resumes a sweep without naming its directory.

    Raises:
        SystemExit: no earlier sweep ran these overrides (one line on stderr).
    """
    if not (is_multirun(argv) and wants_resume(argv)) or any(a.startswith("hydra.sweep.dir=") for a in argv):
        return argv
    sweep = find_sweep(argv)
    if sweep is None:
        print(f"simoffice: {RESUME_KEY}: expected an earlier sweep of the same overrides under {SWEEPS}/ "
              f"(got none; name it with hydra.sweep.dir=…)", file=sys.stderr)
        sys.exit(2)
    print(f"Resuming the sweep in {sweep}", file=sys.stderr)
    return [*argv, f"hydra.sweep.dir={sweep}"]


def complete_jobs(sweep_dir: Path) -> int:
    """How many job directories of a sweep hold a complete run."""
    if not sweep_dir.is_dir():
        return 0
    return sum(1 for p in sweep_dir.iterdir() if p.is_dir() and p.name.isdigit() and completed(p))


def config_mismatch(marker: Path, digest: Any) -> bool:
    """A complete simulation whose recorded config hash is not ``digest``."""
    recorded = stored_hash(marker)
    return recorded is not None and digest is not None and recorded != digest


def refusal(marker: Path, out_dir: Path, resume: bool, digest: Any, key: str) -> str | None:
    """Why the complete run that ``marker`` marks in ``out_dir`` may not be run again, in
    one line, or None when it is skipped (``run.resume`` and the same config).

    ``digest``: the new config's hash (None when not a simulation: no hash to compare);
    ``key``: the setting that named the directory (``hydra.run.dir`` …).
    """
    if not resume:
        return (f"{key}: expected a directory without earlier results (got '{out_dir}'; "
                f"run.resume=true skips a complete run)")
    if config_mismatch(marker, digest):
        return (f"run.resume: expected the config of the complete run in '{out_dir}' (got another config: "
                f"hash {digest} against {stored_hash(marker)})")
    return None
