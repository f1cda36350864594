"""Specifications of simoffice.measures.intervals.t_interval: Student-t intervals across replications."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from simoffice.measures.intervals import t_interval

SAMPLE = [12.1, 9.8, 11.4, 10.2, 13.0, 10.9, 11.7, 9.5]


def test_matches_scipy_t_interval_on_a_known_sample():
    """The 95 % interval equals scipy.stats.t.interval with the sample mean and standard error."""
    x = np.array(SAMPLE)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    r = t_interval(SAMPLE)
    assert r["n"] == 8
    assert r["mean"] == pytest.approx(x.mean(), rel=1e-12)
    assert r["ci_low"] == pytest.approx(lo, rel=1e-12)
    assert r["ci_high"] == pytest.approx(hi, rel=1e-12)


def test_hand_computed_interval():
    """For [1, 2, 3] the 95 % interval is 2 ± t(0.975, 2) · 1/√3."""
    r = t_interval([1.0, 2.0, 3.0])
    half = 4.302652729911275 / math.sqrt(3)
    assert r == pytest.approx({"mean": 2.0, "ci_low": 2.0 - half, "ci_high": 2.0 + half, "n": 3})


@pytest.mark.parametrize("level", [0.8, 0.9, 0.99])
def test_other_levels_match_scipy(level):
    """The level argument sets the confidence level as in scipy."""
    x = np.array(SAMPLE)
    lo, hi = stats.t.interval(level, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    r = t_interval(SAMPLE, level=level)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((lo, hi), rel=1e-12)


def test_higher_level_gives_wider_interval():
    """A 99 % interval contains the 95 % interval."""
    a, b = t_interval(SAMPLE, 0.95), t_interval(SAMPLE, 0.99)
    assert b["ci_low"] < a["ci_low"] < a["mean"] < a["ci_high"] < b["ci_high"]


def test_nan_values_are_dropped():
    """NaN values (a measure undefined in a replication) are left out, including from n."""
    with_nan = SAMPLE[:3] + [float("nan")] + SAMPLE[3:] + [np.nan]
    assert t_interval(with_nan) == t_interval(SAMPLE)
    assert t_interval(with_nan)["n"] == len(SAMPLE)


def test_accepts_numpy_arrays_and_pandas_series():
    """Any array-like of numbers is accepted."""
    pd = pytest.importorskip("pandas")
    expected = t_interval(SAMPLE)
    assert t_interval(np.array(SAMPLE)) == expected
    assert t_interval(pd.Series(SAMPLE)) == expected


def test_constant_sample_has_zero_width():
    """Identical replications give an interval of zero width at their common value."""
    r = t_interval([4.0, 4.0, 4.0])
    assert r == {"mean": 4.0, "ci_low": 4.0, "ci_high": 4.0, "n": 3}


def test_single_value_has_a_mean_but_no_interval():
    """With n = 1 the mean is the value and both bounds are None."""
    assert t_interval([3.5]) == {"mean": 3.5, "ci_low": None, "ci_high": None, "n": 1}
    assert t_interval([3.5, float("nan")]) == {"mean": 3.5, "ci_low": None, "ci_high": None, "n": 1}


@pytest.mark.parametrize("values", [[], [float("nan")], [np.nan, np.nan]], ids=["empty", "one-nan", "all-nan"])
def test_no_values_give_no_mean(values):
    """With n = 0 (nothing, or only NaN) the mean and both bounds are None."""
    assert t_interval(values) == {"mean": None, "ci_low": None, "ci_high": None, "n": 0}


def test_results_are_plain_python_numbers():
    """The mean and bounds are Python floats and n is an int (JSON-friendly)."""
    r = t_interval(np.array(SAMPLE, dtype=np.float32))
    assert all(type(r[k]) is float for k in ("mean", "ci_low", "ci_high"))
    assert type(r["n"]) is int
