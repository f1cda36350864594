"""Composing the shipped configs (or a user's own folder) into one config.

The configs ship inside the package (``simoffice/configs``; the top-level
``configs`` folder of a source checkout is the same folder), so an installed
wheel finds them without a source tree.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Mapping

from omegaconf import DictConfig, OmegaConf

from simoffice.config import config_files, hydra_errors, hydra_guard, schema  # noqa: F401  (schema: registers the schema in Hydra's ConfigStore)
from simoffice.config.strict import typed_config
from simoffice.errors import ConfigError

hydra_guard.install()  # every config Hydra composes is checked before anything is built from it
config_files.install()  # every config file is checked (UTF-8, valid YAML, no aliases) before Hydra reads it

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
# Run settings that change how a run goes, not its tables.
NOT_HASHED = ("jobs", "progress", "quiet", "check_invariants", "resume", "report", "currency")


def compose(*overrides: str, config_name: str = "config", config_dir: str | os.PathLike | None = None) -> DictConfig:
    """Compose the project's configs with command-line style overrides.

    Example: ``compose("network=mmc", "network.servers=4", "run.replications=5")``.

    ``config_dir``: a folder of the user's own configs, laid out as ``configs/``
    (``network/NAME.yaml``, ``schedule/NAME.yaml``, …), searched before the shipped
    ones, as ``simoffice --config-dir DIR`` does on the command line:
    ``compose("network=my_office", config_dir="my_configs")``.

    Raises:
        ConfigError: an unknown group option, an unknown key (one added with
            ``+key=value`` too) or a value of the wrong type, in one line; an
            override that is not a string (a list passed whole is taken as its items).
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    if len(overrides) == 1 and isinstance(overrides[0], (list, tuple)):
        overrides = tuple(overrides[0])  # compose(["network=mmc", ...]) as well as compose("network=mmc", ...)
    for i, text in enumerate(overrides):
        if not isinstance(text, str):
            raise ConfigError(f"compose: override {i + 1}", "a string such as 'run.replications=5'", text)
    if config_dir is not None:
        overrides = (f"hydra.searchpath=['file://{Path(config_dir).resolve()}']", *overrides)
    try:
        if GlobalHydra.instance().is_initialized():
            cfg = hydra_compose(config_name=config_name, overrides=list(overrides))
        else:
            with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
                cfg = hydra_compose(config_name=config_name, overrides=list(overrides))
    except Exception as ex:  # noqa: BLE001  (a config error in one line; anything else as it is)
        err = hydra_errors.config_error(ex)
        if err is None:
            raise
        raise err from ex
    typed_config(cfg)  # keys Hydra lets in (+key=value, a network YAML without its schema) are refused here
    return cfg


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
