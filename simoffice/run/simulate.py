"""Simulate a config: every replication, then the tables and the summary."""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from omegaconf import DictConfig, ListConfig, OmegaConf

from simoffice.config.build import build_spec
from simoffice.config.compose import config_hash
from simoffice.config.shares import share_warnings
from simoffice.engine import mode as engine_mode
from simoffice.errors import RunInterrupted
from simoffice.model.spec import ModelSpec
from simoffice.run.precision import precision_warnings, replicate
from simoffice.run.results import Results, assemble
from simoffice.run.warmup import resolve_warmup, warmup_warnings
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
    spec, meta = prepare(cfg, progress)
    reps, precision = replicate(spec, progress)
    return finish(cfg, spec, reps, meta, precision)


def prepare(cfg: DictConfig | Mapping[str, Any] | ModelSpec,
            progress: bool | None = None) -> tuple[ModelSpec, dict[str, Any]]:
    """A config's checked spec, and its run's meta data, before any replication
    (:func:`simulate`'s first step; a comparison takes each arm through it). With
    ``run.warmup_weeks=auto`` a pilot run finds the warm-up first
    (:mod:`simoffice.run.warmup`): the spec holds it and ``meta["warmup"]`` says how.

    Raises:
        ConfigError: an invalid config value, named by its key path.
        RunInterrupted: a KeyboardInterrupt stopped the warm-up's pilot.
    """
    if isinstance(cfg, ModelSpec):
        spec, digest = cfg, None
    else:
        spec, digest = build_spec(cfg), config_hash(cfg)
    spec, warmup = resolve_warmup(spec, progress)  # run.warmup_weeks=auto: a pilot finds it
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
        "engine": engine_mode(),  # compiled or interpreted: the same tables either way
        "config_hash": digest,
    }
    if warmup is not None:
        meta["warmup"] = warmup
    return spec, meta


def finish(cfg: DictConfig | Mapping[str, Any] | ModelSpec, spec: ModelSpec, reps: list[dict[str, Any]],
           meta: dict[str, Any], precision: dict[str, Any] | None = None) -> Results:
    """The tables and summary of a run's replications (:func:`simulate`'s last step).
    ``precision``: what a run for a precision reached (:mod:`simoffice.run.precision`);
    the spec and ``meta`` then count the replications it ran.

    Raises:
        RunInterrupted: a KeyboardInterrupt while the tables were built.
    """
    if precision is not None:
        spec = dataclasses.replace(spec, run=dataclasses.replace(spec.run, replications=len(reps)))
        meta = {**meta, "replications": len(reps), "precision": precision}
    try:
        results = assemble(spec, reps, meta)
    except KeyboardInterrupt:
        raise RunInterrupted(len(reps), len(reps)) from None
    if precision is not None:
        results.summary["warnings"] += precision_warnings(precision)
    results.summary["warnings"] += warmup_warnings(meta.get("warmup"), spec.run.weeks)
    if not isinstance(cfg, ModelSpec):  # shares the build read normalised: said in words
        results.summary["warnings"] += share_warnings(cfg)
        results.config = plain_config(cfg)
    return results


def plain_config(cfg: DictConfig | Mapping[str, Any]) -> dict[str, Any]:
    """The config as plain values (Hydra's own keys left out): what ``config.yaml``
    records and :meth:`Results.load` rebuilds the spec from. Nothing is resolved: a
    built config has no interpolation, and a plain dict's text is kept as text."""
    plain = _plain(cfg)
    return {k: v for k, v in plain.items() if k != "hydra"}


def _plain(x: Any) -> Any:
    if isinstance(x, DictConfig):
        return OmegaConf.to_container(x, resolve=False)
    if isinstance(x, Mapping):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, ListConfig)):
        return [_plain(v) for v in x]
    return x
