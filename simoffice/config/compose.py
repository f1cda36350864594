"""Composing the shipped configs (or a user's own folder) into one config.

The configs ship inside the package (``simoffice/configs``; the top-level
``configs`` folder of a source checkout is the same folder), so an installed
wheel finds them without a source tree.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

from omegaconf import DictConfig, OmegaConf

from simoffice.config import schema  # noqa: F401  (registers the schema in Hydra's ConfigStore)

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
