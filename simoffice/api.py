"""The Python entry points: compose a config, simulate it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

from omegaconf import DictConfig, OmegaConf

from simoffice import schema  # noqa: F401  (registers the schema in Hydra's ConfigStore)
from simoffice.build import build_spec
from simoffice.errors import RunInterrupted
from simoffice.results import Results, assemble
from simoffice.runner import run_replications
from simoffice.spec import ModelSpec

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
# Run settings that change how a run goes, not its tables.
NOT_HASHED = ("jobs", "progress", "quiet", "check_invariants", "resume")


def compose(*overrides: str, config_name: str = "config") -> DictConfig:
    """Compose the project's configs with command-line style overrides.

    Example: ``compose("network=mmc", "network.servers=4", "run.replications=5")``.

    Raises:
        hydra.errors.ConfigCompositionException / omegaconf errors: an unknown
        group option, key or a value of the wrong type.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    if GlobalHydra.instance().is_initialized():
        return hydra_compose(config_name=config_name, overrides=list(overrides))
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return hydra_compose(config_name=config_name, overrides=list(overrides))


def config_hash(cfg: DictConfig | Mapping[str, Any]) -> str:
    """SHA-256 (first 16 hex digits) of what determines a run's tables: the resolved
    network, schedule, design and run settings, less Hydra's keys and the settings
    that only change how it runs (``run.jobs``, ``run.progress``,
    ``run.quiet``, ``run.check_invariants``, ``run.resume``)."""
    if isinstance(cfg, DictConfig):
        cfg = OmegaConf.to_container(cfg, resolve=True)
    model = {k: cfg[k] for k in ("network", "schedule", "design", "run") if k in cfg}
    model["run"] = {k: v for k, v in model.get("run", {}).items() if k not in NOT_HASHED}
    text = OmegaConf.to_yaml(OmegaConf.create(model), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def simulate(cfg: DictConfig | Mapping[str, Any] | ModelSpec, progress: bool | None = None) -> Results:
    """Run every replication of a config and return its tables.

    Args:
        cfg: a composed config (see :func:`compose`), the same as plain dicts,
            or a :class:`~simoffice.spec.ModelSpec`.
        progress: show a progress bar (default: the config's ``run.progress``).

    Raises:
        ConfigError: an invalid config value, named by its key path.
        RunInterrupted: a KeyboardInterrupt stopped the run (it says how many
            replications had finished).
        InvariantError: with ``run.check_invariants``, the engine broke an invariant.
    """
    from simoffice import __version__

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
        "version": __version__,
        "config_hash": digest,
    }
    reps = run_replications(spec, progress)
    try:
        return assemble(spec, reps, meta)
    except KeyboardInterrupt:
        raise RunInterrupted(len(reps), len(reps)) from None
