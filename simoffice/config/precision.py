"""``run.precision`` and ``run.max_replications``, checked.

``run.precision`` names the measures whose 95 % interval must be narrow enough,
each with the half-width to reach: a number is absolute, in the measure's own unit
(a share such as ``service_level``: 0.01 is ±1 point; ``wait_mean_min``: minutes),
a text ``"5%"`` is relative, 5 % of the measure's mean. A name is one of the
network's summary measures (:data:`~simoffice.measures.metrics.MEASURES`) or a
unit's, as ``<unit>/<measure>`` (``City centre/wait_mean_min``). The run itself is
:mod:`simoffice.run.precision`.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

from simoffice.config import bounds
from simoffice.config.checks import integer
from simoffice.errors import ConfigError
from simoffice.model.measure_names import MEASURES
from simoffice.model.spec import ModelSpec, Run

KEY = "run.precision"
WIDTH = 'a half-width > 0: a number in the measure\'s unit (a share: 0.01 = ±1 point) or a text such as "5%"'
RELATIVE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*$")
# The first batch of a precision run is at least this many replications: the spread
# estimated from fewer is too rough to say how many more are needed.
MIN_FIRST_BATCH = 5


def precision_targets(value: Any) -> tuple[tuple[str, float, bool], ...]:
    """``run.precision`` as (measure, half-width, relative) in the order given; a
    relative half-width as a fraction (``"5%"`` is 0.05). None or ``{}``: none.

    Raises:
        ConfigError: not a mapping; a name that is not a summary measure
            (``<measure>`` or ``<unit>/<measure>``); a half-width that is not a
            number > 0 or a percentage > 0 (``"5%"``).
    """
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise ConfigError(KEY, 'a mapping measure -> half-width, e.g. {service_level: 0.01, wait_mean_min: "5%"}',
                          value)
    out = []
    for name, width in value.items():
        name = str(name)
        measure = name.rpartition("/")[2]
        unit = name.rpartition("/")[0]
        if measure not in MEASURES or (name.count("/") and not unit.strip()):
            raise ConfigError(f"{KEY}.{name}", f"a summary measure, one of {list(MEASURES)}, or "
                              "'<unit>/<measure>' for a unit's", name)
        out.append((name, *_half_width(width, f"{KEY}.{name}")))
    return tuple(out)


def _half_width(width: Any, key: str) -> tuple[float, bool]:
    """(half-width, relative) of one measure."""
    if isinstance(width, str):
        match = RELATIVE.match(width)
        if match is None or float(match.group(1)) <= 0:
            raise ConfigError(key, WIDTH, width)
        return float(match.group(1)) / 100.0, True
    if isinstance(width, bool) or not isinstance(width, (int, float)) or not math.isfinite(width) or width <= 0:
        raise ConfigError(key, WIDTH, width)
    return float(width), False


def max_replications(value: Any, replications: int, targets: tuple) -> int:
    """``run.max_replications``: an integer >= 2 under the bound of replications; with
    a precision, at least ``run.replications`` (the first batch).

    Raises:
        ConfigError: out of range, or below ``run.replications`` with a precision.
    """
    key = "run.max_replications"
    n = bounds.at_most(integer(value, key, 2), key, "replications", "an integer >= 2")
    if targets and n < replications:
        raise ConfigError(key, f"an integer >= run.replications ({replications}) with run.precision", n)
    return n


def check_units(spec: ModelSpec) -> None:
    """Every ``<unit>/<measure>`` of the spec's precision names one of its units.

    Raises:
        ConfigError: ``run.precision.<name>: expected a unit of the network …``.
    """
    units = [u.name for u in spec.offices]
    for name, _, _ in spec.run.precision:
        unit = name.rpartition("/")[0]
        if "/" in name and unit not in units:
            raise ConfigError(f"{KEY}.{name}", f"a unit of the network before '/', one of {units}", unit)


def first_batch(run: Run) -> int:
    """The replications of a precision run's first batch: ``run.replications``, at least
    :data:`MIN_FIRST_BATCH`, at most ``run.max_replications``."""
    return min(max(run.replications, MIN_FIRST_BATCH), run.max_replications)
