"""Specifications of simoffice.model.distributions: moments of the draws, repr, building from config.

Error cases of ``from_config`` are specified elsewhere.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simoffice.model.distributions import (
    Deterministic,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    Triangular,
    Uniform,
    Weibull,
    from_config,
    weibull_shape,
)

N = 200_000
SEED = 20_260_105
Z = 4.0  # standard errors allowed; fixed seeds make each check deterministic

# One representative of each distribution with a non-zero spread.
RANDOM = {
    "exponential": Exponential(30.0),
    "lognormal": Lognormal(12.0, 0.8),
    "gamma": Gamma(8.0, 0.5),
    "weibull": Weibull(20.0, 1.4),
    "weibull_rising_hazard": Weibull(10.0, 0.4),
    "uniform": Uniform(4.0, 10.0),
    "triangular": Triangular(2.0, 3.0, 10.0),
    "empirical": Empirical((1.0, 2.0, 5.0), (0.5, 0.3, 0.2)),
}


def draws(dist) -> np.ndarray:
    """N draws of ``dist`` from a fixed-seed generator."""
    return dist.sample(np.random.default_rng(SEED), N)


def cv_standard_error(x: np.ndarray) -> float:
    """Delta-method standard error of the sample CV, from the sample's central moments.

    With g(m, v) = sqrt(v) / m, Var(g) ≈ (g_m² μ2 + 2 g_m g_v μ3 + g_v² (μ4 − μ2²)) / n,
    so heavy tails (lognormal: kurtosis ≈ 21 at cv 0.8) widen the tolerance as they should.
    """
    d = x - x.mean()
    m, m2, m3, m4 = x.mean(), (d**2).mean(), (d**3).mean(), (d**4).mean()
    s = math.sqrt(m2)
    g_m, g_v = -s / m**2, 1 / (2 * s * m)
    return math.sqrt((g_m**2 * m2 + 2 * g_m * g_v * m3 + g_v**2 * (m4 - m2**2)) / len(x))


# ---------------------------------------------------------------- moments of the draws


@pytest.mark.parametrize("dist", RANDOM.values(), ids=RANDOM.keys())
def test_sample_mean_is_within_four_standard_errors_of_mean(dist):
    """The mean of 200k draws is within 4 standard errors (cv·mean/√n) of ``.mean``."""
    x = draws(dist)
    se = dist.cv * dist.mean / math.sqrt(N)
    assert abs(x.mean() - dist.mean) <= Z * se, (x.mean(), dist.mean, se)


@pytest.mark.parametrize("dist", RANDOM.values(), ids=RANDOM.keys())
def test_sample_cv_is_within_four_standard_errors_of_cv(dist):
    """The CV of 200k draws is within 4 delta-method standard errors of ``.cv``."""
    x = draws(dist)
    sample_cv = x.std(ddof=1) / x.mean()
    se = cv_standard_error(x)
    assert se < 0.01 * dist.cv  # 200k draws pin the CV to well under 1 %
    assert abs(sample_cv - dist.cv) <= Z * se, (sample_cv, dist.cv, se)


@pytest.mark.parametrize("dist", RANDOM.values(), ids=RANDOM.keys())
def test_draws_have_the_requested_shape_and_are_non_negative(dist):
    """sample returns an array of the requested shape with no negative values."""
    x = dist.sample(np.random.default_rng(SEED), (3, 4))
    assert x.shape == (3, 4)
    assert (x >= 0).all()


def test_deterministic_always_draws_its_value():
    """Deterministic draws are all equal to the value: mean = value and CV = 0."""
    dist = Deterministic(7.5)
    x = draws(dist)
    assert (x == 7.5).all()
    assert dist.mean == 7.5 and dist.cv == 0.0


def test_bounded_distributions_stay_within_their_support():
    """Uniform and Triangular draws lie in [low, high]; Empirical draws are among its values."""
    u, t, e = draws(RANDOM["uniform"]), draws(RANDOM["triangular"]), draws(RANDOM["empirical"])
    assert u.min() >= 4.0 and u.max() <= 10.0
    assert t.min() >= 2.0 and t.max() <= 10.0
    assert set(np.unique(e)) == {1.0, 2.0, 5.0}


def test_empirical_draws_values_with_their_probabilities():
    """Each Empirical value's share of 200k draws is within 4 binomial standard errors of its probability."""
    x = draws(RANDOM["empirical"])
    for value, p in zip((1.0, 2.0, 5.0), (0.5, 0.3, 0.2)):
        share = (x == value).mean()
        assert abs(share - p) <= Z * math.sqrt(p * (1 - p) / N)


def test_closed_form_moments():
    """The mean and cv properties match the textbook formulas."""
    assert Exponential(30.0).cv == 1.0
    assert Uniform(4.0, 10.0).mean == 7.0
    assert Uniform(4.0, 10.0).cv == pytest.approx(6 / math.sqrt(12) / 7)
    assert Triangular(2.0, 3.0, 10.0).mean == 5.0
    assert Triangular(2.0, 3.0, 10.0).cv == pytest.approx(math.sqrt((4 + 100 + 9 - 20 - 6 - 30) / 18) / 5)
    assert Empirical((1.0, 2.0, 5.0), (0.5, 0.3, 0.2)).mean == pytest.approx(2.1)
    assert Empirical((1.0, 2.0, 5.0), (0.5, 0.3, 0.2)).cv == pytest.approx(
        math.sqrt(0.5 * 1.1**2 + 0.3 * 0.1**2 + 0.2 * 2.9**2) / 2.1)


@pytest.mark.parametrize("shape", [0.5, 1.0, 2.0, 7.5])
def test_weibull_shape_and_scale_match_scipy(shape):
    """A Weibull of shape k and scale λ written by its mean and CV has the same quantiles
    as scipy's weibull_min(k, scale=λ), and weibull_shape inverts the CV formula."""
    from scipy import stats

    scale = 10.0
    ref = stats.weibull_min(shape, scale=scale)
    dist = Weibull(float(ref.mean()), float(ref.std() / ref.mean()))
    assert dist.shape == pytest.approx(shape, rel=1e-9)
    assert dist.scale == pytest.approx(scale, rel=1e-9)
    u = np.array([0.0, 0.01, 0.3, 0.5, 0.9, 0.999])
    assert dist.quantile(u) == pytest.approx(ref.ppf(u), rel=1e-9)
    assert weibull_shape(float(ref.std() / ref.mean())) == pytest.approx(shape, rel=1e-9)


def test_weibull_with_cv_1_is_the_exponential():
    """Shape 1: the Weibull of CV 1 draws exactly the exponential's quantiles."""
    u = np.linspace(0, 0.999, 50)
    assert Weibull(30.0, 1.0).quantile(u) == pytest.approx(Exponential(30.0).quantile(u), rel=1e-9)


def test_a_weibull_cv_outside_the_solvable_range_is_refused():
    """A CV no Weibull shape in [0.05, 1e4] reaches is a config error naming the key."""
    from simoffice.errors import ConfigError

    with pytest.raises(ConfigError, match=r"^patience\.cv: expected a number in .* for a Weibull"):
        from_config({"dist": "weibull", "mean": 10, "cv": 1e-6}, "patience")


def test_same_seed_gives_same_draws():
    """Draws depend only on the generator passed in (no global random state)."""
    dist = Lognormal(12.0, 0.8)
    a = dist.sample(np.random.default_rng(1), 100)
    np.random.seed(999)  # global state must not matter
    b = dist.sample(np.random.default_rng(1), 100)
    assert np.array_equal(a, b)


# ---------------------------------------------------------------- repr


@pytest.mark.parametrize("dist, text", [
    (Exponential(30.0), "Exponential(mean=30.0)"),
    (Lognormal(12.0, 0.8), "Lognormal(mean=12.0, cv=0.8)"),
    (Gamma(8.0, 0.5), "Gamma(mean=8.0, cv=0.5)"),
    (Weibull(20.0, 1.4), "Weibull(mean=20.0, cv=1.4)"),
    (Deterministic(5.0), "Deterministic(value=5.0)"),
    (Uniform(4.0, 10.0), "Uniform(low=4.0, high=10.0)"),
    (Triangular(2.0, 3.0, 10.0), "Triangular(low=2.0, mode=3.0, high=10.0)"),
    (Empirical((1.0, 2.0, 5.0), (0.5, 0.3, 0.2)), "Empirical(values=(1.0, 2.0, 5.0), probs=(0.5, 0.3, 0.2))"),
], ids=lambda v: type(v).__name__ if not isinstance(v, str) else "")
def test_repr_shows_class_and_parameters(dist, text):
    """repr is the class name with its parameters as keyword arguments."""
    assert repr(dist) == text


def test_repr_of_a_configured_distribution():
    """A distribution built from config shows its parameters as floats, e.g. Lognormal(mean=12.0, cv=0.8)."""
    assert repr(from_config({"dist": "lognormal", "mean": 12, "cv": 0.8}, "x")) == "Lognormal(mean=12.0, cv=0.8)"


# ---------------------------------------------------------------- from_config


@pytest.mark.parametrize("node, expected", [
    ({"dist": "exponential", "mean": 30}, Exponential(30.0)),
    ({"dist": "lognormal", "mean": 12, "cv": 0.8}, Lognormal(12.0, 0.8)),
    ({"dist": "gamma", "mean": 8, "cv": 0.5}, Gamma(8.0, 0.5)),
    ({"dist": "weibull", "mean": 20, "cv": 1.4}, Weibull(20.0, 1.4)),
    ({"dist": "deterministic", "value": 5}, Deterministic(5.0)),
    ({"dist": "deterministic", "value": 0}, Deterministic(0.0)),
    ({"dist": "uniform", "low": 4, "high": 10}, Uniform(4.0, 10.0)),
    ({"dist": "triangular", "low": 2, "mode": 3, "high": 10}, Triangular(2.0, 3.0, 10.0)),
    ({"dist": "empirical", "values": [1, 2, 5], "probs": [0.5, 0.3, 0.2]},
     Empirical((1.0, 2.0, 5.0), (0.5, 0.3, 0.2))),
], ids=lambda v: v["dist"] if isinstance(v, dict) else "")
def test_from_config_builds_each_distribution(node, expected):
    """from_config turns a YAML-like mapping into the matching distribution, parameters as floats."""
    dist = from_config(node, "service_time")
    assert type(dist) is type(expected)
    assert dist == expected
    for value in vars(dist).values():
        items = value if isinstance(value, tuple) else (value,)
        assert all(type(v) is float for v in items)


def test_from_config_ignores_extra_keys_of_other_distributions():
    """Only the parameters of the named distribution are used."""
    assert from_config({"dist": "exponential", "mean": 5, "cv": 3}, "x") == Exponential(5.0)


def test_empirical_without_probs_gets_equal_probabilities():
    """An empirical distribution given only values puts probability 1/k on each of its k values."""
    dist = from_config({"dist": "empirical", "values": [1, 2, 5]}, "setup")
    assert isinstance(dist, Empirical)
    assert dist.values == (1.0, 2.0, 5.0)
    assert dist.probs == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert dist.mean == pytest.approx(8 / 3)


def test_empirical_with_rounded_probs_accepted_by_from_config_can_be_sampled():
    """Probabilities rounded to 7 digits (1/3 as 0.3333333), which from_config accepts, can be sampled."""
    dist = from_config({"dist": "empirical", "values": [1, 2, 5], "probs": [0.3333333] * 3}, "setup")
    x = dist.sample(np.random.default_rng(0), 1000)
    assert set(np.unique(x)) <= {1.0, 2.0, 5.0}


def test_empirical_with_a_single_value_is_a_point_mass():
    """An empirical distribution of one value always draws it."""
    dist = from_config({"dist": "empirical", "values": [4]}, "setup")
    assert dist.probs == (1.0,)
    assert (dist.sample(np.random.default_rng(0), 10) == 4.0).all()
    assert dist.cv == 0.0
