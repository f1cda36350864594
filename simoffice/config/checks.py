"""Value checks: each takes a value and its key path, and returns the value in the
type the model uses or raises :class:`~simoffice.errors.ConfigError` saying what
was expected (``run.weeks: expected an integer >= 1 (got 0)``).

Every scalar a builder reads from a config passes through one of these, so a
value of the wrong type or out of range is refused however the config was
given (the schema types a value only when Hydra composes it).
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

from simoffice.errors import ConfigError
from simoffice.vocabulary import WEEKDAYS

# Hydra's instantiation keys: simoffice never builds Python objects from a config,
# and refuses them so that a config file cannot name code to import or run.
INSTANTIATION_KEYS = ("_target_", "_call_", "_partial_", "_args_", "_recursive_", "_convert_")
NO_OBJECT = "no object to instantiate (simoffice allows no object instantiation keys in a config)"

# An OmegaConf interpolation: ``${`` after an even number of backslashes (``\${`` is an
# escaped, literal ``${``; ``\\${`` is a literal backslash, then an interpolation).
INTERPOLATION = re.compile(r"(?<!\\)(?:\\\\)*\$\{")


def integer(value: Any, key: str, low: int | None = None) -> int:
    """A whole number (``3.0`` is 3; a bool is not a number), at least ``low``."""
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or value != int(value)):
        raise ConfigError(key, "an integer" + (f" >= {low}" if low is not None else ""), value)
    if low is not None and value < low:
        raise ConfigError(key, f"an integer >= {low}", value)
    return int(value)


def number(value: Any, key: str, low: float | None = None, strict: bool = False) -> float:
    """A finite number, at least ``low`` (above it when ``strict``)."""
    bound = "" if low is None else (f" > {low}" if strict else f" >= {low}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(key, "a finite number" + bound, value)
    if low is not None and (value <= low if strict else value < low):
        raise ConfigError(key, "a number" + bound, value)
    return float(value)


def probability(value: Any, key: str, below_one: bool = False) -> float:
    """A probability in [0, 1], or in [0, 1) when ``below_one``."""
    expected = "a probability in [0, 1)" if below_one else "a probability in [0, 1]"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(key, expected, value)
    if not 0 <= value <= 1 or (below_one and value >= 1):
        raise ConfigError(key, expected, value)
    return float(value)


def boolean(value: Any, key: str) -> bool:
    """``true`` or ``false`` (the text "false" is refused, not read as true)."""
    if not isinstance(value, bool):
        raise ConfigError(key, "true or false", value)
    return value


def one_of(value: Any, key: str, options: tuple[str, ...]) -> str:
    """One of the named ``options``."""
    if value not in options:
        raise ConfigError(key, f"one of {list(options)}", value)
    return value


def nonempty(value: Any, key: str, what: str) -> Any:
    """A list or mapping with at least one ``what`` in it."""
    if not value:
        raise ConfigError(key, f"at least one {what}", value)
    return value


def weekday(value: Any, key: str) -> int:
    """A weekday name, ``mon`` … ``sun``, as its index (0 = Monday)."""
    if value not in WEEKDAYS:
        raise ConfigError(key, f"a weekday, one of {list(WEEKDAYS)}", value)
    return WEEKDAYS.index(value)


def weights(mapping: Mapping[str, Any], key: str, names: tuple[str, ...], what: str,
            suffix: str = "") -> tuple[float, ...]:
    """Probabilities over ``names`` from a name -> weight mapping, normalised.
    A weight's key is ``{key}.{name}{suffix}``."""
    w = [0.0] * len(names)
    for name, value in mapping.items():
        if name not in names:
            raise ConfigError(f"{key}.{name}", f"a known {what}, one of {list(names)}", name)
        w[names.index(name)] = number(value, f"{key}.{name}{suffix}", 0)
    total = sum(w)
    if total <= 0:
        raise ConfigError(key, "weights with a positive sum", dict(mapping))
    return tuple(x / total for x in w)


def no_instantiation(node: Any, key: str) -> None:
    """Refuse Hydra's instantiation keys (``_target_`` …) anywhere in ``node``.

    Raises:
        ConfigError: ``<key>._target_: expected no object to instantiate … (got 'os.system')``.
    """
    if isinstance(node, Mapping):
        for k, v in node.items():
            if k in INSTANTIATION_KEYS:
                raise ConfigError(f"{key}.{k}", NO_OBJECT, v)
            no_instantiation(v, f"{key}.{k}")
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            no_instantiation(v, f"{key}[{i}]")


def interpolates(text: Any) -> bool:
    """Whether ``text`` is a string that OmegaConf would read as an interpolation
    (``${oc.env:HOME}``, ``a ${x} b``); an escaped ``\\${…}`` is literal text."""
    return isinstance(text, str) and INTERPOLATION.search(text) is not None


def literal(node: Any, key: str) -> None:
    """Refuse an interpolation anywhere in ``node`` (a config read before OmegaConf
    resolves it): a name or any other value is taken as written, never looked up
    (an environment variable, another key). Mapping keys are never interpolated.

    Raises:
        ConfigError: ``network.name: expected a name taken literally, without ${…}
            (got '${oc.env:HOME}')``.
    """
    if isinstance(node, Mapping):
        for k, v in node.items():
            literal(v, f"{key}.{k}" if key else str(k))
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            literal(v, f"{key}[{i}]")
    elif interpolates(node):
        what = "a name" if key.rpartition(".")[2] == "name" else "a value"
        raise ConfigError(key, f"{what} taken literally, without ${{…}} (simoffice reads no interpolation "
                          "outside hydra.*; write \\${ for a literal ${)", node)
