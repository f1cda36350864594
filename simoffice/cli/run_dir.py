"""One run per directory, decided before Hydra writes into it.

Hydra's ``run_job`` creates ``hydra.run.dir`` and writes its ``.hydra/`` record
(config, overrides) before the task function runs, so the task function is too late
to refuse a directory. :func:`install` wraps the ``run_job`` that ``Hydra.run`` calls
(a single run; a sweep's jobs are left to the sweep) so that, with the composed
config and the resolved directory in hand and nothing written yet:

1. a directory holding a complete run (:func:`simoffice.run.resume.completed`) is
   refused in one line without ``run.resume=true``, or with it and another config;
   with it and the same config the run is skipped (``complete, skipped -> …``, its
   stored mean wait returned). Either way nothing in the directory changes;
2. otherwise the run takes the directory's lock (:func:`simoffice.run.lock.hold`)
   and holds it until it ends. A directory another simoffice run holds is refused
   in one line, ``simoffice: run directory X is in use by another simoffice run
   (pid N)``, exit status 2, leaving that run's files alone. A directory that cannot
   be made is reported by :mod:`simoffice.config.hydra_errors` (``cannot write …``).

A sweep (``-m``) holds its sweep directory's lock the same way while it runs
(:func:`locked_sweep`); its jobs' directories are the sweep's own.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable

from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn, JobStatus
from omegaconf import DictConfig, OmegaConf

from simoffice.config.compose import config_hash
from simoffice.run import lock, resume

RUN_DIR_KEY = "hydra.run.dir"


def refuse(message: str) -> None:
    """One line on stderr, exit status 2."""
    print(f"simoffice: {message}", file=sys.stderr)
    sys.exit(2)


def run_dir(config: DictConfig) -> Path:
    """The run's directory, resolved as Hydra's ``run_job`` resolves it."""
    before = HydraConfig.instance().cfg
    HydraConfig.instance().set_config(config)  # for ${hydra:…} in the directory's name
    try:
        return Path(str(OmegaConf.select(config, RUN_DIR_KEY)))
    finally:
        HydraConfig.instance().cfg = before


def complete_run(config: DictConfig, out_dir: Path) -> JobReturn | None:
    """None when ``out_dir`` holds no complete run; a skipped job's return when it holds
    one that ``run.resume=true`` skips. Refuses (exit 2) any other complete directory."""
    marker = resume.completed(out_dir)
    if marker is None:
        return None
    digest = None
    if OmegaConf.select(config, "task") == "simulate":
        digest = config_hash({k: OmegaConf.to_container(config[k], resolve=True)
                              for k in ("network", "schedule", "design", "run") if k in config})
    reason = resume.refusal(marker, out_dir, OmegaConf.select(config, "run.resume") is True, digest, RUN_DIR_KEY)
    if reason is not None:
        refuse(reason)
    print(f"  complete, skipped -> {out_dir}")
    ret = JobReturn(overrides=list(OmegaConf.to_container(config.hydra.overrides.task)), cfg=config,
                    working_dir=str(Path.cwd()), task_name=str(OmegaConf.select(config, "hydra.job.name")),
                    status=JobStatus.COMPLETED)
    ret.return_value = resume.stored_wait(marker)
    return ret


def guarded(run_job: Callable[..., JobReturn]) -> Callable[..., JobReturn]:
    """``run_job`` that refuses a complete or busy directory before anything is written."""
    def run_one(*args: Any, **kwargs: Any) -> JobReturn:
        config = kwargs.get("config")
        if kwargs.get("job_subdir_key") is not None or kwargs.get("job_dir_key") != RUN_DIR_KEY or config is None:
            return run_job(*args, **kwargs)  # a sweep's job
        out_dir = run_dir(config)
        skipped = complete_run(config, out_dir)
        if skipped is not None:
            return skipped
        with ExitStack() as held:
            try:
                held.enter_context(lock.hold(out_dir))
            except lock.RunDirectoryInUse as err:
                refuse(str(err))
            # (a directory that cannot be made, a read-only or full disk: the OSError goes on to
            # simoffice.config.hydra_errors, which says "cannot write <path>: <cause>" in one line)
            skipped = complete_run(config, out_dir)  # a run that finished while this one started
            if skipped is not None:
                return skipped
            return run_job(*args, **kwargs)
    run_one._simoffice_run_dir = True  # type: ignore[attr-defined]
    return run_one


def locked_sweep(sweep: Callable[..., Any]) -> Callable[..., Any]:
    """A sweeper's ``sweep`` that holds the sweep directory's lock while the whole sweep
    runs (taken before Hydra writes ``multirun.yaml`` there): a second sweep into a busy
    directory is refused in one line, as a run is."""
    def sweep_locked(self: Any, arguments: list[str]) -> Any:
        sweep_dir = Path(str(self.config.hydra.sweep.dir))  # (Hydra's ${now:…} is cached: the same name)
        with ExitStack() as held:
            try:
                held.enter_context(lock.hold(sweep_dir))
            except lock.RunDirectoryInUse as err:
                refuse(str(err))
            return sweep(self, arguments)
    sweep_locked._simoffice_run_dir = True  # type: ignore[attr-defined]
    return sweep_locked


def install() -> None:
    """Guard the ``run_job`` of ``Hydra.run`` and the basic sweeper's ``sweep`` (see the
    module's docstring and :func:`locked_sweep`)."""
    from hydra._internal import hydra as hydra_internal
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    if not getattr(hydra_internal.run_job, "_simoffice_run_dir", False):
        hydra_internal.run_job = guarded(hydra_internal.run_job)
    if not getattr(BasicSweeper.sweep, "_simoffice_run_dir", False):
        BasicSweeper.sweep = locked_sweep(BasicSweeper.sweep)  # type: ignore[method-assign]
