"""Simulate a config: every replication, then the tables and the summary."""

from __future__ import annotations

from typing import Any, Mapping

from omegaconf import DictConfig

from simoffice.config.build import build_spec
from simoffice.config.compose import config_hash
from simoffice.config.shares import share_warnings
from simoffice.errors import RunInterrupted
from simoffice.model.spec import ModelSpec
from simoffice.run.results import Results, assemble
from simoffice.run.runner import run_replications
from simoffice.version import __version__


def simulate(cfg: DictConfig | Mapping[str, Any] | ModelSpec, progress: bool | None = None) -> Results:
    """Run every replication of a config and return its tables.

    Args:
        cfg: a composed config (see :func:`~simoffice.config.compose.compose`),
            the same as plain dicts, or a :class:`~simoffice.model.spec.ModelSpec`.
        progress: show a progress bar (default: the config's ``run.progress``).

    Raises:
        ConfigError: an invalid config value, named by its key path.
        RunInterrupted: a KeyboardInterrupt stopped the run (it says how many
            replications had finished).
        InvariantError: with ``run.check_invariants``, the engine broke an invariant.
    """
    if isinstance(cfg, ModelSpec):
        spec, digest = cfg, None
    else:
        spec, digest = build_spec(cfg), config_hash(cfg)
    run = spec.run
    meta = {
        "network": spec.name,
        "schedule": spec.schedule_name,
        "design": spec.design.name,
        "weeks": run.weeks,
        "warmup_weeks": run.warmup_weeks,
        "drain_weeks": run.drain_weeks,
        "replications": run.replications,
        "seed": run.seed,
        "start_date": run.start_date,
        "service_level_target_min": run.service_level_target_min,
        "coverage_target_min": run.coverage_target_min,
        "currency": run.currency,
        "report": run.report,
        "version": __version__,
        "config_hash": digest,
    }
    reps = run_replications(spec, progress)
    try:
        results = assemble(spec, reps, meta)
    except KeyboardInterrupt:
        raise RunInterrupted(len(reps), len(reps)) from None
    if not isinstance(cfg, ModelSpec):  # shares the build read normalised: said in words
        results.summary["warnings"] += share_warnings(cfg)
    return results
