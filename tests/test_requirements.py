"""Specifications of the staffing requirements per interval (simoffice.measures.requirements)
and of the Erlang A measures they staff against (service level and mean wait of the served).

Expected values come from independent computations: the textbook factorial Erlang C
formula in exact rationals, numerical integration (scipy.integrate.quad) of the
infinite-server convolution and of the offered-wait density, a linear solve of
the truncated M/M/c+M chain, and limits.
"""

from __future__ import annotations

import doctest
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import quad

from simoffice.errors import ConfigError
from simoffice.measures import requirements as requirements_module
from simoffice.measures.erlang_a import erlang_a, erlang_a_served_wait_mean, erlang_a_service_level
from simoffice.measures.requirements import (
    REQUIREMENT_COLUMNS,
    THEORY_MEASURES,
    Target,
    achieved,
    offered_load,
    requirements,
    staff_for,
)
from simoffice.measures.theory import erlang_c_service_level, erlang_c_staffing

# ---------------------------------------------------------------- helpers


def meets(values: dict, target: Target) -> bool:
    """Whether the theory ``values`` meet ``target`` (written out here, independently of the module)."""
    if target.max_occupancy is not None and not values["occupancy"] <= target.max_occupancy:
        return False
    return {
        "service_level": values["service_level"] >= target.service_level,
        "asa": values["asa_min"] <= target.asa_min,
        "p_wait": values["p_wait"] <= target.p_wait,
        "abandonment": values["abandonment"] <= target.abandonment,
    }[target.kind]


def direct_erlang_c(c: int, a: Fraction) -> Fraction:
    """P(wait > 0) of M/M/c by the textbook factorial formula, in exact rationals."""
    top = a**c / math.factorial(c) * Fraction(c) / (c - a)
    return top / (sum(a**j / math.factorial(j) for j in range(c)) + top)


def mmcm_states(c: int, lam: float, mu: float, theta: float, size: int = 400) -> np.ndarray:
    """Stationary distribution of the M/M/c+M chain truncated at ``size`` states, by a linear solve."""
    q = np.zeros((size, size))
    for n in range(size - 1):
        q[n, n + 1] = lam
        q[n + 1, n] = min(n + 1, c) * mu + max(n + 1 - c, 0) * theta
    np.fill_diagonal(q, -q.sum(axis=1))
    a = q.T.copy()
    a[-1] = 1.0  # one balance equation is redundant: normalise instead
    b = np.zeros(size)
    b[-1] = 1.0
    return np.linalg.solve(a, b)


def offered_wait_integral(c, lam, mu, theta, weight, upper):
    """∫_0^upper weight(x) e^{-θx} f_V(x) dx, with f_V(x) = π_c cμ e^{-cμx} exp(λ(1 − e^{-θx}) / θ) the
    density of the offered wait (the wait a client would have if patient) and π_c from a linear solve."""
    pi_c = mmcm_states(c, lam, mu, theta)[c]

    def f(x):
        return weight(x) * pi_c * c * mu * math.exp(-(c * mu + theta) * x + lam * -math.expm1(-theta * x) / theta)

    return quad(f, 0, upper, epsabs=1e-13, epsrel=1e-11, limit=200)[0]


# ---------------------------------------------------------------- Erlang A: served within t, wait of the served

MMCM_CASES = [  # c, λ, μ, θ, t (per minute, minutes)
    (1, 0.7, 1.0, 0.5, 0.5),
    (5, 4.0, 1.0, 0.5, 0.3),
    (3, 6.0, 1.0, 0.2, 1.0),   # overloaded: λ > cμ
    (12, 10.0, 1.0, 2.0, 0.1),
]


@pytest.mark.parametrize("c, lam, mu, theta, t", MMCM_CASES)
def test_erlang_a_service_level_integrates_the_offered_wait_density(c, lam, mu, theta, t):
    """The share served within t equals 1 − P(wait) + ∫_0^t e^{-θx} f_V(x) dx (a client is served
    if its patience outlasts its offered wait V)."""
    p_wait = 1.0 - mmcm_states(c, lam, mu, theta)[:c].sum()
    expected = 1.0 - p_wait + offered_wait_integral(c, lam, mu, theta, lambda x: 1.0, t)
    assert erlang_a_service_level(c, lam, mu, theta, t) == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("c, lam, mu, theta, t", MMCM_CASES)
def test_erlang_a_served_wait_mean_integrates_the_offered_wait_density(c, lam, mu, theta, t):
    """The mean wait of the served is ∫ x e^{-θx} f_V(x) dx / P(served), and P(served) = 1 − P(abandon)."""
    p_wait = 1.0 - mmcm_states(c, lam, mu, theta)[:c].sum()
    served_waiting = offered_wait_integral(c, lam, mu, theta, lambda x: 1.0, math.inf)
    p_served = 1.0 - p_wait + served_waiting
    assert p_served == pytest.approx(1.0 - erlang_a(c, lam, mu, theta).abandon_prob, rel=1e-8)
    expected = offered_wait_integral(c, lam, mu, theta, lambda x: x, math.inf) / p_served
    assert erlang_a_served_wait_mean(c, lam, mu, theta) == pytest.approx(expected, rel=1e-8)


def test_erlang_a_service_level_runs_from_no_wait_to_everyone_served():
    """At t = 0 the served in time are those who do not wait; as t grows, everyone who does not abandon."""
    c, lam, mu, theta = 5, 4.5, 1.0, 0.3
    result = erlang_a(c, lam, mu, theta)
    assert erlang_a_service_level(c, lam, mu, theta, 0.0) == pytest.approx(1.0 - result.p_wait, rel=1e-12)
    assert erlang_a_service_level(c, lam, mu, theta, 500.0) == pytest.approx(1.0 - result.abandon_prob, rel=1e-12)
    levels = [erlang_a_service_level(c, lam, mu, theta, t) for t in np.linspace(0, 3, 13)]
    assert np.all(np.diff(levels) > 0)


def test_erlang_a_measures_tend_to_erlang_c_as_patience_grows():
    """With almost endless patience nobody abandons: the service level and the mean wait are Erlang C's."""
    c, lam, mu = 55, 12.0, 0.25
    theta = 1e-9
    assert erlang_a_service_level(c, lam, mu, theta, 0.25) == pytest.approx(
        erlang_c_service_level(c, lam, mu, 0.25), rel=1e-6)
    exact_wait = float(direct_erlang_c(c, Fraction(48)) / (c * Fraction(1, 4) - 12))
    assert erlang_a_served_wait_mean(c, lam, mu, theta) == pytest.approx(exact_wait, rel=1e-6)


def test_erlang_a_measures_name_a_bad_argument():
    with pytest.raises(ValueError, match="^target"):
        erlang_a_service_level(2, 1.0, 1.0, 0.5, -1.0)
    with pytest.raises(ValueError, match="^patience_rate"):
        erlang_a_served_wait_mean(2, 1.0, 1.0, 0.0)


# ---------------------------------------------------------------- offered load


def test_constant_demand_carried_in_at_its_load_stays_at_lambda_times_mean_service():
    """λ constant and the day starting at λ E[S]: the infinite-server load is λ E[S] in every interval."""
    loads = offered_load(np.full(12, 1.5), 30, 8.0, carried_in=1.5 * 8.0)
    np.testing.assert_allclose(loads, 12.0, rtol=1e-13)


def test_constant_demand_from_an_empty_start_rises_to_lambda_times_mean_service():
    """From an empty start the load approaches λ E[S]; the shortfall falls by e^{-h/E[S]} an interval."""
    lam, h, mean = 2.0, 15.0, 20.0
    loads = offered_load(np.full(40, lam), h, mean)
    shortfall = lam * mean - loads[:12]
    assert np.all(shortfall > 0)
    np.testing.assert_allclose(shortfall[1:] / shortfall[:-1], math.exp(-h / mean), rtol=1e-9)
    assert loads[-1] == pytest.approx(lam * mean, rel=1e-12)


def test_offered_load_agrees_with_a_numerical_convolution_for_a_step_profile():
    """m(t) = ∫ λ(t − u) e^{-u/E[S]} du, averaged over each interval by quad, for λ stepping up and down."""
    rates = [0.0, 2.0, 2.0, 0.5, 3.0, 0.0, 0.0, 0.0]
    h, mean = 30.0, 25.0

    def rate(t):
        return rates[int(t // h)] if 0 <= t < h * len(rates) else 0.0

    def load(t):
        kinks = [t - k * h for k in range(len(rates) + 1) if 0 < t - k * h < t]
        return quad(lambda u: rate(t - u) * math.exp(-u / mean), 0, t, points=kinks or None, limit=200,
                    epsabs=1e-12, epsrel=1e-12)[0]

    expected = [quad(load, k * h, (k + 1) * h, epsabs=1e-10, epsrel=1e-10)[0] / h for k in range(len(rates))]
    np.testing.assert_allclose(offered_load(np.array(rates), h, mean), expected, rtol=1e-7, atol=1e-12)


def test_load_carried_after_a_step_down_decays_exponentially():
    """After the arrivals stop, the load left decays as e^{-t/E[S]}: the first idle interval averages
    m(T)·(E[S]/h)(1 − e^{-h/E[S]}) and each later one e^{-h/E[S]} times the previous."""
    lam, h, mean = 1.0, 30.0, 45.0
    rates = np.r_[np.full(60, lam), np.zeros(5)]
    loads = offered_load(rates, h, mean, carried_in=lam * mean)
    idle = loads[60:]
    assert idle[0] == pytest.approx(lam * mean * mean / h * -math.expm1(-h / mean), rel=1e-12)
    np.testing.assert_allclose(idle[1:] / idle[:-1], math.exp(-h / mean), rtol=1e-12)


# ---------------------------------------------------------------- staff for one interval


@pytest.mark.parametrize("lam, mean, within, level", [
    (0.2, 10.0, 15.0, 0.8), (12.0, 4.0, 0.25, 0.8), (3.0, 7.0, 5.0, 0.95), (50.0, 3.0, 0.5, 0.9),
    (0.01, 30.0, 0.0, 0.5), (7.5, 12.0, 20.0, 0.0),
])
def test_staff_for_a_service_level_is_erlang_c_staffing(lam, mean, within, level):
    target = Target("service_level", service_level=level, within_min=within)
    assert staff_for(lam, mean, target) == erlang_c_staffing(lam, 1 / mean, within, level)


def test_textbook_example_360_calls_per_half_hour():
    """The worked Erlang C example of 360 calls per half hour, 4-minute calls and an answer target of
    15 seconds: 48 Erlangs; 55 agents answer 80 % in time (P(wait) ≈ 0.239, mean wait ≈ 8.2 s) and 54 do not.
    Checked against the factorial formula in exact rationals, not against a pinned number alone."""
    lam, mean, within = 12.0, 4.0, 0.25
    a = Fraction(48)
    mu = Fraction(1, 4)

    def service_level(c):
        return 1 - float(direct_erlang_c(c, a)) * math.exp(-float(c * mu - 12) * within)

    assert service_level(54) < 0.8 <= service_level(55)
    target = Target("service_level", service_level=0.8, within_min=within)
    assert staff_for(lam, mean, target) == 55
    values = achieved(55, lam, mean, target)
    assert values["p_wait"] == pytest.approx(float(direct_erlang_c(55, a)), rel=1e-12)
    assert values["p_wait"] == pytest.approx(0.2387, abs=5e-5)
    assert values["asa_min"] * 60 == pytest.approx(float(direct_erlang_c(55, a) / (55 * mu - 12)) * 60, rel=1e-12)
    assert values["asa_min"] * 60 == pytest.approx(8.18, abs=0.01)
    assert values["service_level"] == pytest.approx(service_level(55), rel=1e-12)
    assert values["occupancy"] == pytest.approx(48 / 55, rel=1e-15)
    assert values["abandonment"] == 0.0


TARGETS = [
    Target("service_level", service_level=0.8, within_min=15),
    Target("service_level", service_level=0.9, within_min=0.5),
    Target("asa", asa_min=2.0),
    Target("asa", asa_min=0.1),
    Target("p_wait", p_wait=0.5),
    Target("p_wait", p_wait=0.05),
    Target("service_level", service_level=0.8, within_min=15, max_occupancy=0.7),
    Target("p_wait", p_wait=0.9, max_occupancy=0.85),
    Target("service_level", service_level=0.8, within_min=5, patience_mean_min=10),
    Target("asa", asa_min=1.0, patience_mean_min=3),
    Target("p_wait", p_wait=0.3, patience_mean_min=20),
    Target("abandonment", abandonment=0.05, patience_mean_min=10),
    Target("abandonment", abandonment=0.2, patience_mean_min=2),
    Target("abandonment", abandonment=0.01, patience_mean_min=30, max_occupancy=0.8),
]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{t.kind}-{t.patience_mean_min}-{t.max_occupancy}")
@pytest.mark.parametrize("lam, mean", [(0.05, 12.0), (0.8, 15.0), (6.0, 4.0), (30.0, 5.0)])
def test_staff_for_is_the_fewest_desks_that_meet_the_target(target, lam, mean):
    """The theory at the returned c meets the target, at c − 1 it does not (every kind, with or without
    patience and an occupancy cap)."""
    c = staff_for(lam, mean, target)
    assert c >= 1
    assert meets(achieved(c, lam, mean, target), target)
    assert not meets(achieved(c - 1, lam, mean, target), target)


def test_staff_for_never_goes_below_min_staff_and_gives_it_without_load():
    target = Target("p_wait", p_wait=0.5)
    assert staff_for(0.0, 10.0, target) == 0
    assert staff_for(0.0, 10.0, target, min_staff=2) == 2
    fewest = staff_for(1.0, 10.0, target)
    assert staff_for(1.0, 10.0, target, min_staff=fewest + 3) == fewest + 3
    assert staff_for(1.0, 10.0, target, min_staff=1) == fewest


@pytest.mark.parametrize("field, stricter, patience", [
    ("service_level", [0.5, 0.7, 0.8, 0.9, 0.95, 0.99], None),
    ("asa_min", [5.0, 2.0, 1.0, 0.5, 0.1, 0.01], None),
    ("p_wait", [0.9, 0.6, 0.4, 0.2, 0.05, 0.001], None),
    ("max_occupancy", [1.0, 0.95, 0.9, 0.85, 0.7, 0.5], None),
    ("service_level", [0.5, 0.7, 0.8, 0.9, 0.95, 0.99], 5.0),
    ("abandonment", [0.5, 0.2, 0.1, 0.05, 0.02, 0.005], 5.0),
])
def test_staff_grows_as_the_target_gets_stricter(field, stricter, patience):
    kind = {"asa_min": "asa", "max_occupancy": "p_wait"}.get(field, field)
    base = {"p_wait": 1.0} if field == "max_occupancy" else {}
    staffs = [staff_for(4.0, 6.0, Target(kind, patience_mean_min=patience, **{**base, field: value}))
              for value in stricter]
    assert staffs == sorted(staffs)
    assert staffs[-1] > staffs[0]


def test_patience_lowers_the_staff_needed_for_a_wait_target():
    """Clients who abandon relieve the queue: with patience, a mean-wait target needs no more desks."""
    for lam in (0.5, 3.0, 20.0):
        erlang_c_staff = staff_for(lam, 5.0, Target("asa", asa_min=0.5))
        assert staff_for(lam, 5.0, Target("asa", asa_min=0.5, patience_mean_min=2.0)) <= erlang_c_staff


# ---------------------------------------------------------------- achieved


def test_achieved_is_nan_where_the_queue_has_no_steady_state():
    target = Target("service_level")
    values = achieved(3, 1.0, 5.0, target)  # λ E[S] = 5 > 3 desks
    assert math.isnan(values["service_level"]) and math.isnan(values["asa_min"]) and math.isnan(values["p_wait"])
    assert values["occupancy"] == pytest.approx(5 / 3)
    assert all(math.isnan(v) for v in achieved(0, 1.0, 5.0, target).values())
    idle = achieved(2, 0.0, 5.0, target)
    assert idle["occupancy"] == 0.0
    assert all(math.isnan(idle[m]) for m in ("service_level", "asa_min", "p_wait", "abandonment"))


def test_achieved_under_erlang_a_uses_the_carried_load_for_occupancy():
    target = Target("abandonment", patience_mean_min=4.0)
    c, lam, mean = 4, 1.0, 5.0  # overloaded without patience
    values = achieved(c, lam, mean, target)
    result = erlang_a(c, lam, 1 / mean, 1 / 4.0)
    assert values["abandonment"] == result.abandon_prob
    assert values["p_wait"] == result.p_wait
    assert values["occupancy"] == pytest.approx(lam * (1 - result.abandon_prob) * mean / c, rel=1e-14)
    assert values["occupancy"] < 1
    nobody = achieved(0, lam, mean, target)
    assert (nobody["service_level"], nobody["p_wait"], nobody["abandonment"]) == (0.0, 1.0, 1.0)


# ---------------------------------------------------------------- requirements per interval


def test_requirements_table_has_a_row_per_interval_and_the_documented_columns():
    rates = [0.0, 0.4, 1.2, 0.9, 0.0]
    table = requirements(rates, 12.0, Target("service_level"), interval_min=15, start_min=480)
    assert list(table.columns) == list(REQUIREMENT_COLUMNS)
    assert set(THEORY_MEASURES) < set(table.columns)
    assert len(table) == 5
    assert table["interval"].tolist() == [0, 1, 2, 3, 4]
    assert table["start_min"].tolist() == [480, 495, 510, 525, 540]
    assert table["end_min"].tolist() == [495, 510, 525, 540, 555]
    assert table["arrivals_per_min"].tolist() == rates
    assert pd.api.types.is_integer_dtype(table["staff"])


@pytest.mark.parametrize("arrivals", [[0.5, 1.0, 2.0], np.array([0.5, 1.0, 2.0]), pd.Series([0.5, 1.0, 2.0])])
def test_requirements_take_plain_numbers(arrivals):
    table = requirements(arrivals, 6.0, Target("p_wait"), method="per_interval")
    assert table["staff"].tolist() == [staff_for(x, 6.0, Target("p_wait")) for x in (0.5, 1.0, 2.0)]


def test_each_row_staffs_the_effective_arrival_rate_and_reports_its_theory():
    target = Target("service_level", service_level=0.9, within_min=10, patience_mean_min=15)
    table = requirements([0.3, 1.5, 0.2, 0.0, 0.0], 20.0, target, interval_min=30)
    for row in table.itertuples():
        lam = row.load / 20.0
        assert row.staff == staff_for(lam, 20.0, target)
        values = achieved(row.staff, lam, 20.0, target)
        for name in THEORY_MEASURES:
            assert getattr(row, name) == pytest.approx(values[name], nan_ok=True)


def test_constant_demand_needs_the_same_staff_by_either_method():
    """λ constant (the day carried in at λ E[S]): the offered load is λ E[S], so both methods agree."""
    rates = np.full(16, 2.5)
    for target in (Target("service_level"), Target("abandonment", patience_mean_min=8.0)):
        per_interval = requirements(rates, 9.0, target, method="per_interval")
        offered = requirements(rates, 9.0, target, carried_in=2.5 * 9.0)
        np.testing.assert_allclose(offered["load"], per_interval["load"], rtol=1e-13)
        assert offered["staff"].tolist() == per_interval["staff"].tolist()
        assert len(set(offered["staff"])) == 1


def test_no_load_needs_no_staff_beyond_min_staff():
    """Intervals before the first arrival (both methods) and without arrivals (per interval) need
    min_staff; so does an interval long after closing, whose tail of offered load is negligible."""
    rates = [0.0, 0.0, 1.0, 1.0, 0.0] + [0.0] * 20
    target = Target("service_level")
    for min_staff in (0, 2):
        per_interval = requirements(rates, 10.0, target, method="per_interval", min_staff=min_staff)
        assert (per_interval.loc[per_interval["arrivals_per_min"] == 0, "staff"] == min_staff).all()
        offered = requirements(rates, 10.0, target, min_staff=min_staff)
        assert offered["staff"].iloc[:2].tolist() == [min_staff, min_staff]
        assert offered["staff"].iloc[-1] == min_staff
        assert (offered["staff"] >= min_staff).all()


def test_offered_load_staffs_the_interval_after_a_busy_one_when_services_are_long():
    """Hour-long services started before the arrivals stop still need desks in the next interval;
    the per-interval formula, which sees no arrivals there, staffs none."""
    rates = [1.0, 1.0, 1.0, 0.0, 0.0]
    target = Target("service_level", service_level=0.8, within_min=15)
    offered = requirements(rates, 60.0, target, interval_min=30)
    per_interval = requirements(rates, 60.0, target, interval_min=30, method="per_interval")
    assert per_interval["staff"].iloc[3] == 0
    assert offered["load"].iloc[3] > 10
    assert offered["staff"].iloc[3] >= offered["load"].iloc[3]
    assert offered["staff"].iloc[4] > 0
    # and the day's first interval needs fewer desks: the load builds up from an empty office
    assert offered["staff"].iloc[0] < per_interval["staff"].iloc[0]


def test_the_module_docstring_example_runs():
    result = doctest.testmod(requirements_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("fields, where", [
    ({"kind": "wait"}, "target.kind"),
    ({"kind": "service_level", "service_level": 1.0}, "target.service_level"),
    ({"kind": "service_level", "service_level": -0.1}, "target.service_level"),
    ({"kind": "service_level", "within_min": -1.0}, "target.within_min"),
    ({"kind": "asa", "asa_min": 0.0}, "target.asa_min"),
    ({"kind": "p_wait", "p_wait": 0.0}, "target.p_wait"),
    ({"kind": "p_wait", "p_wait": float("nan")}, "target.p_wait"),
    ({"kind": "abandonment", "abandonment": 0.05}, "target.patience_mean_min"),
    ({"kind": "abandonment", "abandonment": 1.0, "patience_mean_min": 5.0}, "target.abandonment"),
    ({"kind": "asa", "patience_mean_min": 0.0}, "target.patience_mean_min"),
    ({"kind": "asa", "max_occupancy": 1.2}, "target.max_occupancy"),
    ({"kind": "asa", "max_occupancy": True}, "target.max_occupancy"),
])
def test_a_bad_target_is_a_config_error_naming_the_field(fields, where):
    with pytest.raises(ConfigError) as info:
        Target(**fields)
    assert info.value.key == where


@pytest.mark.parametrize("kwargs, where", [
    ({"arrivals_per_min": [1.0, -0.5]}, "arrivals_per_min[1]"),
    ({"arrivals_per_min": [1.0, 2.0, float("nan")]}, "arrivals_per_min[2]"),
    ({"arrivals_per_min": []}, "arrivals_per_min"),
    ({"arrivals_per_min": [[1.0]]}, "arrivals_per_min"),
    ({"arrivals_per_min": ["many"]}, "arrivals_per_min"),
    ({"service_mean_min": 0.0}, "service_mean_min"),
    ({"service_mean_min": -3.0}, "service_mean_min"),
    ({"interval_min": 0}, "interval_min"),
    ({"interval_min": float("inf")}, "interval_min"),
    ({"method": "erlang"}, "method"),
    ({"min_staff": -1}, "min_staff"),
    ({"min_staff": 1.5}, "min_staff"),
    ({"start_min": float("nan")}, "start_min"),
    ({"carried_in": -1.0}, "carried_in"),
])
def test_bad_requirements_arguments_are_config_errors_naming_the_argument(kwargs, where):
    args = {"arrivals_per_min": [1.0, 2.0], "service_mean_min": 5.0, "target": Target("asa"), **kwargs}
    with pytest.raises(ConfigError) as info:
        requirements(**args)
    assert info.value.key == where


def test_a_config_error_reads_as_one_line():
    with pytest.raises(ConfigError) as info:
        requirements([1.0], 5.0, Target("asa"), interval_min=0)
    assert str(info.value) == "interval_min: expected a number of minutes > 0 (got 0)"
    with pytest.raises(ConfigError) as info:
        Target("abandonment")
    assert str(info.value) == (
        "target.patience_mean_min: expected a mean patience in minutes > 0 for an abandonment target "
        "(Erlang A) (got None)")


def test_bad_single_interval_arguments_are_config_errors():
    target = Target("asa")
    for call, where in [
        (lambda: staff_for(-1.0, 5.0, target), "arrivals_per_min"),
        (lambda: staff_for(1.0, 0.0, target), "service_mean_min"),
        (lambda: achieved(-1, 1.0, 5.0, target), "c"),
        (lambda: offered_load(np.array([1.0]), -30, 5.0), "interval_min"),
        (lambda: offered_load(np.array([1.0]), 30, 5.0, carried_in=float("nan")), "carried_in"),
    ]:
        with pytest.raises(ConfigError) as info:
            call()
        assert info.value.key == where
