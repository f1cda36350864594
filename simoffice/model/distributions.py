"""Probability distributions of durations (minutes) and other positive quantities.

Each distribution is a small frozen object whose ``repr`` shows its parameters
and whose :meth:`Distribution.sample` draws a numpy array from a given
``numpy.random.Generator`` (there is no global random state). In YAML a
distribution is written as a mapping with a ``dist`` name and its parameters::

    service_time: {dist: lognormal, mean: 12, cv: 1.0}
    patience: {dist: weibull, mean: 30, cv: 1.3}
    setup: {dist: empirical, values: [1, 2, 5], probs: [0.5, 0.3, 0.2]}

:func:`from_config` turns such a mapping into a distribution and raises
:class:`~simoffice.errors.ConfigError` naming the key of a wrong parameter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, Mapping

import numpy as np
from scipy import optimize, special

from simoffice.errors import ConfigError

__all__ = [
    "Distribution", "Exponential", "Lognormal", "Gamma", "Deterministic",
    "Uniform", "Triangular", "Empirical", "Weibull", "weibull_shape", "from_config", "NAMES",
]


class Distribution:
    """Base class: a non-negative random quantity with a known ``mean`` and
    coefficient of variation ``cv`` (standard deviation / mean)."""

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        """Return an array of ``size`` independent draws.

        Draws are made by inversion, one uniform each, so that the same generator
        state gives draws at the same quantiles whatever the distribution
        (common random numbers across scenarios that change a distribution).
        """
        return self.quantile(rng.random(size))

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """The inverse distribution function at probabilities ``u`` in [0, 1)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        params = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{type(self).__name__}({params})"


@dataclass(frozen=True, repr=False)
class Exponential(Distribution):
    """Exponential with the given mean."""

    mean: float

    def quantile(self, u):
        return -self.mean * np.log1p(-u)

    @property
    def cv(self):
        return 1.0


@dataclass(frozen=True, repr=False)
class Lognormal(Distribution):
    """Lognormal given by its mean and coefficient of variation (not log-scale parameters)."""

    mean: float
    cv: float

    def quantile(self, u):
        sigma2 = math.log1p(self.cv**2)
        mu = math.log(self.mean) - sigma2 / 2
        return np.exp(mu + math.sqrt(sigma2) * special.ndtri(u))


@dataclass(frozen=True, repr=False)
class Gamma(Distribution):
    """Gamma given by its mean and coefficient of variation (shape = 1 / cv²)."""

    mean: float
    cv: float

    def quantile(self, u):
        shape = 1.0 / self.cv**2
        return self.mean / shape * special.gammaincinv(shape, u)


# Weibull shapes solvable for a given CV without overflowing the gamma function:
# k = 0.05 gives a CV of about 3.7e5, k = 1e4 a CV of about 1.3e-4.
WEIBULL_SHAPE_RANGE = (0.05, 1.0e4)


def _weibull_cv(shape: float) -> float:
    g1, g2 = special.gammaln(1 + 1 / shape), special.gammaln(1 + 2 / shape)
    return math.sqrt(math.expm1(g2 - 2 * g1))


WEIBULL_CV_RANGE = (_weibull_cv(WEIBULL_SHAPE_RANGE[1]), _weibull_cv(WEIBULL_SHAPE_RANGE[0]))


@lru_cache(maxsize=1024)
def weibull_shape(cv: float) -> float:
    """The Weibull shape ``k`` whose coefficient of variation is ``cv``.

    The CV of a Weibull is sqrt(Γ(1 + 2/k) / Γ(1 + 1/k)² − 1), which falls from
    infinity to 0 as k grows (k = 1 is the exponential, CV 1); it is inverted
    numerically on log k.
    """
    lo, hi = WEIBULL_CV_RANGE
    if not lo <= cv <= hi:
        raise ValueError(f"Weibull cv {cv} outside [{lo:.3g}, {hi:.3g}]")
    target = math.log(cv)
    f = lambda log_k: math.log(_weibull_cv(math.exp(log_k))) - target  # noqa: E731
    return math.exp(optimize.brentq(f, *np.log(WEIBULL_SHAPE_RANGE), xtol=1e-12))


@dataclass(frozen=True, repr=False)
class Weibull(Distribution):
    """Weibull given by its mean and coefficient of variation.

    The shape ``k`` follows from the CV alone (see :func:`weibull_shape`; cv 1 is
    the exponential, cv < 1 a rising hazard, cv > 1 a falling one) and the scale
    is mean / Γ(1 + 1/k).
    """

    mean: float
    cv: float

    @property
    def shape(self) -> float:
        return weibull_shape(self.cv)

    @property
    def scale(self) -> float:
        return self.mean / math.exp(special.gammaln(1 + 1 / self.shape))

    def quantile(self, u):
        return self.scale * (-np.log1p(-np.asarray(u, dtype=float))) ** (1 / self.shape)


@dataclass(frozen=True, repr=False)
class Deterministic(Distribution):
    """Always ``value``."""

    value: float

    @property
    def mean(self):
        return self.value

    @property
    def cv(self):
        return 0.0

    def quantile(self, u):
        return np.full(np.shape(u), float(self.value))


@dataclass(frozen=True, repr=False)
class Uniform(Distribution):
    """Uniform on [low, high]."""

    low: float
    high: float

    @property
    def mean(self):
        return (self.low + self.high) / 2

    @property
    def cv(self):
        return (self.high - self.low) / math.sqrt(12) / self.mean if self.mean else 0.0

    def quantile(self, u):
        return self.low + u * (self.high - self.low)


@dataclass(frozen=True, repr=False)
class Triangular(Distribution):
    """Triangular on [low, high] with the given mode."""

    low: float
    mode: float
    high: float

    @property
    def mean(self):
        return (self.low + self.mode + self.high) / 3

    @property
    def cv(self):
        a, c, b = self.low, self.mode, self.high
        var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18
        return math.sqrt(var) / self.mean if self.mean else 0.0

    def quantile(self, u):
        a, c, b = self.low, self.mode, self.high
        if a == b:
            return np.full(np.shape(u), float(a))
        split = (c - a) / (b - a)
        return np.where(u < split, a + np.sqrt(u * (b - a) * (c - a)),
                        b - np.sqrt((1 - u) * (b - a) * (b - c)))


@dataclass(frozen=True, repr=False)
class Empirical(Distribution):
    """Discrete distribution on ``values`` with probabilities ``probs`` (equal if omitted)."""

    values: tuple[float, ...]
    probs: tuple[float, ...]

    @property
    def mean(self):
        return float(np.dot(self.values, self.probs))

    @property
    def cv(self):
        v, p = np.asarray(self.values), np.asarray(self.probs)
        m = float(v @ p)
        return math.sqrt(float(((v - m) ** 2) @ p)) / m if m else 0.0

    def quantile(self, u):
        k = np.searchsorted(np.cumsum(self.probs), u, side="right")
        return np.asarray(self.values, dtype=float)[np.minimum(k, len(self.values) - 1)]


# name -> (class, required parameters)
NAMES: dict[str, tuple[type[Distribution], tuple[str, ...]]] = {
    "exponential": (Exponential, ("mean",)),
    "lognormal": (Lognormal, ("mean", "cv")),
    "gamma": (Gamma, ("mean", "cv")),
    "weibull": (Weibull, ("mean", "cv")),
    "deterministic": (Deterministic, ("value",)),
    "uniform": (Uniform, ("low", "high")),
    "triangular": (Triangular, ("low", "mode", "high")),
    "empirical": (Empirical, ("values",)),
}


def from_config(node: Mapping[str, Any] | None, key: str) -> Distribution:
    """Build a distribution from its YAML mapping.

    Args:
        node: mapping with ``dist`` and the parameters that distribution needs.
        key: the key path of ``node``, used in error messages.

    Raises:
        ConfigError: unknown ``dist``, a missing parameter, or a parameter out of range.
    """
    if node is None or not hasattr(node, "get"):
        raise ConfigError(key, "a distribution such as {dist: exponential, mean: 10}", node)
    name = node.get("dist")
    if name not in NAMES:
        raise ConfigError(f"{key}.dist", f"one of {sorted(NAMES)}", name)
    cls, required = NAMES[name]
    params = {}
    for p in required:
        value = node.get(p)
        if value is None:
            raise ConfigError(f"{key}.{p}", f"a value for the {name} distribution's '{p}'", value)
        params[p] = value
    if name == "empirical":
        return _empirical(node, key)
    for p, value in params.items():
        _number(value, f"{key}.{p}")
    if "mean" in params and not params["mean"] > 0:
        raise ConfigError(f"{key}.mean", "a number > 0", params["mean"])
    if "cv" in params and not params["cv"] > 0:
        raise ConfigError(f"{key}.cv", "a number > 0 (use dist: deterministic for no variation)", params["cv"])
    if name == "weibull" and not WEIBULL_CV_RANGE[0] <= params["cv"] <= WEIBULL_CV_RANGE[1]:
        raise ConfigError(f"{key}.cv", f"a number in [{WEIBULL_CV_RANGE[0]:.2g}, {WEIBULL_CV_RANGE[1]:.2g}] "
                          "for a Weibull", params["cv"])
    if name == "deterministic" and params["value"] < 0:
        raise ConfigError(f"{key}.value", "a number >= 0", params["value"])
    if name in ("uniform", "triangular"):
        if params["low"] < 0:
            raise ConfigError(f"{key}.low", "a number >= 0", params["low"])
        if params["high"] < params["low"]:
            raise ConfigError(f"{key}.high", f"a number >= low ({params['low']})", params["high"])
    if name == "triangular" and not params["low"] <= params["mode"] <= params["high"]:
        raise ConfigError(f"{key}.mode", f"a number in [{params['low']}, {params['high']}]", params["mode"])
    return cls(**{p: float(v) for p, v in params.items()})


def _number(value: Any, key: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(key, "a finite number", value)


def _empirical(node: Mapping[str, Any], key: str) -> Empirical:
    values = node.get("values")
    if not isinstance(values, (list, tuple)) or not values:
        raise ConfigError(f"{key}.values", "a non-empty list of numbers >= 0", values)
    for i, v in enumerate(values):
        _number(v, f"{key}.values[{i}]")
        if v < 0:
            raise ConfigError(f"{key}.values[{i}]", "a number >= 0", v)
    probs = node.get("probs")
    if probs is None:
        probs = [1.0 / len(values)] * len(values)
    if not isinstance(probs, (list, tuple)):
        raise ConfigError(f"{key}.probs", f"{len(values)} probabilities, one per value", probs)
    if len(probs) != len(values):
        raise ConfigError(f"{key}.probs", f"{len(values)} probabilities, one per value", probs)
    for i, p in enumerate(probs):
        _number(p, f"{key}.probs[{i}]")
        if not 0 <= p <= 1:
            raise ConfigError(f"{key}.probs[{i}]", "a probability in [0, 1]", p)
    if not math.isclose(sum(probs), 1.0, abs_tol=1e-6):
        raise ConfigError(f"{key}.probs", "probabilities that sum to 1", probs)
    if sum(v * p for v, p in zip(values, probs)) <= 0:
        raise ConfigError(f"{key}.values", "values whose mean is > 0", values)
    total = sum(probs)  # rescale rounding (0.333 × 3) to exactly 1 for numpy's sampler
    return Empirical(tuple(float(v) for v in values), tuple(float(p) / total for p in probs))
