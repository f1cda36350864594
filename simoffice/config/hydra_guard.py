"""No code from a config: the composed config checked before Hydra builds anything from it.

Hydra builds Python objects from a composed config: the callbacks of ``hydra.callbacks``
(``Callbacks(cfg)`` in ``Hydra.run``/``Hydra.multirun``, before the task function
runs), the launcher and sweeper (``hydra.launcher``, ``hydra.sweeper``, and any
``_target_`` nested in them, recursively), and the logging handlers of
``hydra.job_logging``/``hydra.hydra_logging`` (``logging.config.dictConfig``: ``class``,
``()`` and ``ext://`` import and call what they name). A config file, an experiment or
a ``+hydra.callbacks.x._target_=builtins.open`` on the command line could so run code.

:func:`install` wraps Hydra's ``ConfigLoaderImpl.load_configuration``, the one
function every composition goes through (the command line, a sweep's jobs, the
``compose`` API of :func:`simoffice.config.compose.compose`), so that :func:`check`
sees each composed config, ``hydra`` node included, before Hydra returns it to
anything that instantiates. Patching the loader, rather than checking in a callback
or in the task function, is the one place that comes before every instantiation.

:func:`check` allows exactly the objects the shipped configs and the docs select,
by their full class name: the sweep summary callback, Hydra's basic sweeper, and
the basic, joblib, submitit (local, SLURM) and Ray launchers; a ``_target_`` anywhere
else (or a ``_partial_``, ``_args_`` … anywhere) is refused in one line. Outside
``hydra``, a value is taken literally: an interpolation (``${oc.env:HOME}``) is refused
(:func:`~simoffice.config.checks.literal`).

A :class:`ConfigError` raised while Hydra composes is printed in one line by
:func:`simoffice.config.hydra_errors.install`.
"""

from __future__ import annotations

from typing import Any, Mapping

from omegaconf import DictConfig, OmegaConf

from simoffice.config.checks import INSTANTIATION_KEYS, NO_OBJECT, literal, no_instantiation
from simoffice.errors import ConfigError

# The objects a config may name: node -> the exact class names allowed there.
CALLBACKS = ("simoffice.studies.sweep.SweepSummary",)
LAUNCHERS = (
    "hydra._internal.core_plugins.basic_launcher.BasicLauncher",
    "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher",
    "hydra_plugins.hydra_submitit_launcher.submitit_launcher.LocalLauncher",
    "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher",
    "hydra_plugins.hydra_ray_launcher.ray_launcher.RayLauncher",
)
SWEEPERS = ("hydra._internal.core_plugins.basic_sweeper.BasicSweeper",)
# Logging (dictConfig) may name these handler classes and streams, nothing else.
LOG_CLASSES = ("logging.StreamHandler", "logging.FileHandler")
LOG_STREAMS = ("ext://sys.stdout", "ext://sys.stderr")


def check(cfg: DictConfig | Mapping[str, Any]) -> None:
    """Refuse a composed config that names code or reads interpolations outside ``hydra``.

    Raises:
        ConfigError: ``hydra.callbacks.x._target_: expected no object to instantiate …
            (got 'builtins.open')``; an interpolation in a value outside ``hydra``
            (``network.name: expected a name taken literally, without ${…} (got …)``).
    """
    raw = OmegaConf.to_container(cfg, resolve=False) if isinstance(cfg, DictConfig) else cfg
    if not isinstance(raw, Mapping):
        return
    hydra = raw.get("hydra")
    if isinstance(hydra, Mapping):
        _hydra_node(hydra)
    for key, value in raw.items():
        if key == "hydra":
            continue
        no_instantiation(value, str(key))
        literal(value, str(key))


def _hydra_node(hydra: Mapping[str, Any]) -> None:
    for key, value in hydra.items():
        where = f"hydra.{key}"
        if key == "callbacks":
            for name, callback in (value or {}).items():
                _one_object(callback, f"{where}.{name}", CALLBACKS)
        elif key == "launcher":
            _one_object(value, where, LAUNCHERS)
        elif key == "sweeper":
            _one_object(value, where, SWEEPERS)
        elif key in ("job_logging", "hydra_logging"):
            no_instantiation(value, where)
            _logging(value, where)
        else:
            no_instantiation(value, where)


def _one_object(node: Any, key: str, allowed: tuple[str, ...]) -> None:
    """``node``'s own ``_target_`` one of ``allowed``; no other instantiation key in it."""
    if not isinstance(node, Mapping):
        no_instantiation(node, key)
        return
    for k, v in node.items():
        if k == "_target_":
            if v not in allowed:
                raise ConfigError(f"{key}._target_", f"{NO_OBJECT[:-1]}; here only one of {list(allowed)})", v)
        elif k in INSTANTIATION_KEYS:
            raise ConfigError(f"{key}.{k}", NO_OBJECT, v)
        else:
            no_instantiation(v, f"{key}.{k}")


def _logging(node: Any, key: str) -> None:
    """A ``logging.config.dictConfig`` that names only Hydra's own handler classes and streams."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            where = f"{key}.{k}"
            if k == "()":
                raise ConfigError(where, NO_OBJECT, v)
            if k == "class" and v not in LOG_CLASSES:
                raise ConfigError(where, f"one of the logging classes {list(LOG_CLASSES)}", v)
            _logging(v, where)
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            _logging(v, f"{key}[{i}]")
    elif isinstance(node, str) and node.startswith("ext://") and node not in LOG_STREAMS:
        raise ConfigError(key, f"one of the streams {list(LOG_STREAMS)}", node)


def install() -> None:
    """Check every config Hydra composes in this process (see the module's docstring)."""
    from hydra._internal.config_loader_impl import ConfigLoaderImpl

    original = ConfigLoaderImpl.load_configuration
    if getattr(original, "_simoffice_guard", False):
        return

    def load_configuration(self: Any, *args: Any, **kwargs: Any) -> DictConfig:
        cfg = original(self, *args, **kwargs)
        check(cfg)
        return cfg

    load_configuration._simoffice_guard = True  # type: ignore[attr-defined]
    ConfigLoaderImpl.load_configuration = load_configuration  # type: ignore[method-assign]

