"""Specifications of the closed-form queueing oracles in simoffice.measures.theory and .erlang_a.

Every expected value here comes from an independent source: textbook special
cases, the direct factorial formula in exact rational arithmetic, a linear
solve of the truncated Markov chain, limits, or Monte Carlo.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from simoffice.measures import erlang_a as erlang_a_module
from simoffice.measures import theory
from simoffice.measures.erlang_a import ErlangA, erlang_a
from simoffice.measures.theory import (
    bundle_visits_all_needs,
    bundle_visits_one_need,
    erlang_c,
    erlang_c_service_level,
    erlang_c_staffing,
    erlang_c_wait_mean,
    erlang_c_wait_tail,
    square_root_staffing,
    utilisation,
)

from oracle import assert_covers, scenario_seed

# ---------------------------------------------------------------- helpers


def direct_erlang_c(c: int, lam: Fraction, mu: Fraction) -> Fraction:
    """Erlang C by the textbook factorial formula, in exact rationals."""
    a = lam / mu
    top = a**c / math.factorial(c) * Fraction(c) / (c - a)
    return top / (sum(a**j / math.factorial(j) for j in range(c)) + top)


def direct_erlang_b(c: int, a: float) -> float:
    """Erlang B by the textbook factorial formula, in exact rationals."""
    a = Fraction(a)
    return float((a**c / math.factorial(c))
                 / sum(a**j / math.factorial(j) for j in range(c + 1)))


def ctmc_mmc_plus_m(c: int, lam: float, mu: float, theta: float, n_max: int):
    """Stationary law of M/M/c+M truncated at n_max, from the generator matrix."""
    n = n_max + 1
    q = np.zeros((n, n))
    for j in range(n):
        if j + 1 < n:
            q[j, j + 1] = lam
        if j > 0:
            q[j, j - 1] = min(j, c) * mu + max(j - c, 0) * theta
        q[j, j] = -q[j].sum()
    # Solve pi Q = 0 with sum(pi) = 1.
    system = np.vstack([q.T, np.ones(n)])
    rhs = np.zeros(n + 1)
    rhs[-1] = 1.0
    pi, *_ = np.linalg.lstsq(system, rhs, rcond=None)
    return pi


def max_of_geometrics_by_inclusion_exclusion(k: int, r: float) -> float:
    """Mean of the max of k geometric(r) variables, alternating sum in exact rationals."""
    q = 1 - Fraction(r)
    return float(sum(Fraction(math.comb(k, j) * (-1) ** (j + 1)) / (1 - q**j)
                     for j in range(1, k + 1)))


# ---------------------------------------------------------------- Erlang C


@pytest.mark.parametrize("lam", [0.1, 0.5, 0.75, 0.99])
def test_single_server_waits_with_probability_rho(lam):
    """M/M/1: P(wait) = rho and E[Wq] = rho / (mu - lam)."""
    mu = 1.0
    rho = lam / mu
    assert erlang_c(1, lam, mu) == pytest.approx(rho, rel=1e-12)
    assert erlang_c_wait_mean(1, lam, mu) == pytest.approx(rho / (mu - lam), rel=1e-12)


def test_single_server_wait_tail_is_textbook_exponential():
    """M/M/1: P(Wq > t) = rho exp(-(mu - lam) t)."""
    lam, mu, t = 0.6, 1.0, 2.5
    assert erlang_c_wait_tail(1, lam, mu, t) == pytest.approx(0.6 * math.exp(-0.4 * 2.5))


def test_two_servers_at_unit_load_wait_one_third_of_the_time():
    """M/M/2 with lam = mu = 1 has C = 1/3 and E[Wq] = 1/3."""
    # a = 1: sum_{j<2} a^j/j! = 1 + 1 = 2; a^2/2! * c/(c-a) = 1/2 * 2/1 = 1;
    # C = 1 / (2 + 1) = 1/3.  E[Wq] = C / (c mu - lam) = (1/3) / (2 - 1) = 1/3.
    assert erlang_c(2, 1.0, 1.0) == pytest.approx(1 / 3, rel=1e-14)
    assert erlang_c_wait_mean(2, 1.0, 1.0) == pytest.approx(1 / 3, rel=1e-14)


@pytest.mark.parametrize("c, lam, mu", [
    (1, 0.3, 1.0), (2, 1.5, 1.0), (3, 2.0, 0.9), (5, 4.5, 1.0),
    (8, 0.5, 0.1), (10, 9.9, 1.0), (12, 0.01, 1.0),
])
def test_recursion_matches_factorial_formula(c, lam, mu):
    """The Erlang B recursion reproduces the direct factorial Erlang C formula."""
    exact = direct_erlang_c(c, Fraction(lam), Fraction(mu))
    assert erlang_c(c, lam, mu) == pytest.approx(float(exact), rel=1e-12)


def test_two_hundred_servers_do_not_overflow():
    """c = 200 at load 190 agrees with the exact rational factorial formula."""
    exact = direct_erlang_c(200, Fraction(190), Fraction(1))
    assert erlang_c(200, 190.0, 1.0) == pytest.approx(float(exact), rel=1e-10)


def test_halfin_whitt_limit_at_square_root_staffing():
    """With c = a + beta sqrt(a) and large a, C tends to 1 / (1 + beta Phi(beta) / phi(beta))."""
    beta, a = 1.0, 10_000.0
    c = square_root_staffing(a, 1.0, beta)
    phi = math.exp(-beta**2 / 2) / math.sqrt(2 * math.pi)
    big_phi = 0.5 * (1 + math.erf(beta / math.sqrt(2)))
    assert erlang_c(c, a, 1.0) == pytest.approx(1 / (1 + beta * big_phi / phi), abs=0.01)


def test_service_level_and_tail_are_complements():
    """P(Wq <= t) + P(Wq > t) = 1, and at t = 0 the service level is 1 - C."""
    args = (4, 3.0, 1.0)
    for t in (0.0, 0.5, 3.0):
        assert (erlang_c_service_level(*args, t) + erlang_c_wait_tail(*args, t)
                == pytest.approx(1.0, rel=1e-14))
    assert erlang_c_service_level(*args, 0.0) == pytest.approx(1 - erlang_c(*args))


def test_wait_tail_integrates_to_the_mean():
    """E[Wq] equals the integral of P(Wq > t) over t >= 0."""
    args = (3, 2.4, 1.0)
    ts = np.linspace(0.0, 60.0, 601)
    tail = np.array([erlang_c_wait_tail(*args, t) for t in ts])
    integral = float(np.sum((tail[1:] + tail[:-1]) / 2 * np.diff(ts)))
    assert integral == pytest.approx(erlang_c_wait_mean(*args), rel=1e-3)


def test_utilisation_is_load_per_server_and_may_exceed_one():
    """Utilisation is lam / (c mu), with no stability requirement."""
    assert utilisation(4, 3.0, 1.0) == pytest.approx(0.75)
    assert utilisation(2, 5.0, 1.0) == pytest.approx(2.5)


# ---------------------------------------------------------------- Erlang A


@pytest.mark.parametrize("c, lam, mu", [(1, 0.5, 1.0), (3, 2.4, 1.0), (20, 15.0, 0.8)])
def test_erlang_a_without_abandonment_is_erlang_c(c, lam, mu):
    """As patience_rate -> 0 Erlang A tends to Erlang C (P(wait) and E[Wq])."""
    res = erlang_a(c, lam, mu, 1e-9)
    assert res.p_wait == pytest.approx(erlang_c(c, lam, mu), rel=1e-6)
    assert res.wait_mean == pytest.approx(erlang_c_wait_mean(c, lam, mu), rel=1e-6)
    assert res.queue_mean == pytest.approx(lam * erlang_c_wait_mean(c, lam, mu), rel=1e-6)
    assert res.abandon_prob == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("c, lam, mu, theta", [
    (1, 0.5, 1.0, 0.2), (3, 5.0, 1.0, 0.5), (10, 30.0, 1.0, 1 / 30), (200, 210.0, 1.0, 0.1),
])
def test_abandonment_equals_patience_rate_times_wait(c, lam, mu, theta):
    """Abandonment probability is theta * E[Wq] and E[Wq] is E[queue] / lam (Little)."""
    res = erlang_a(c, lam, mu, theta)
    assert isinstance(res, ErlangA)
    assert res.abandon_prob == pytest.approx(theta * res.wait_mean, rel=1e-12)
    assert res.wait_mean == pytest.approx(res.queue_mean / lam, rel=1e-12)
    assert 0.0 < res.p_wait <= 1.0 and 0.0 < res.abandon_prob < 1.0


def test_erlang_a_with_instant_abandonment_is_erlang_b_loss():
    """With huge patience_rate the queue is a loss system: P(wait) = P(abandon) = Erlang B."""
    c, lam, mu = 4, 3.0, 1.0
    res = erlang_a(c, lam, mu, 1e9)
    loss = direct_erlang_b(c, lam / mu)
    assert res.p_wait == pytest.approx(loss, rel=1e-6)
    assert res.abandon_prob == pytest.approx(loss, rel=1e-6)
    assert res.wait_mean < 1e-9


@pytest.mark.parametrize("c, lam, mu, theta", [(3, 5.0, 1.0, 0.5), (2, 1.5, 1.0, 2.0)])
def test_erlang_a_matches_truncated_markov_chain(c, lam, mu, theta):
    """p_wait and queue_mean match a linear solve of the truncated generator, overload included."""
    pi = ctmc_mmc_plus_m(c, lam, mu, theta, n_max=200)
    n = np.arange(pi.size)
    res = erlang_a(c, lam, mu, theta)
    assert res.p_wait == pytest.approx(pi[c:].sum(), rel=1e-9)
    assert res.queue_mean == pytest.approx((np.maximum(n - c, 0) * pi).sum(), rel=1e-9)


def test_single_server_erlang_a_conserves_flow():
    """M/M/1+M in overload: served rate lam (1 - P(abandon)) equals mu P(server busy)."""
    lam, mu, theta = 2.0, 1.0, 0.25
    res = erlang_a(1, lam, mu, theta)
    assert lam * (1 - res.abandon_prob) == pytest.approx(mu * res.p_wait, rel=1e-12)


def test_erlang_a_handles_two_hundred_servers_at_low_and_high_load():
    """c = 200 gives finite probabilities whether nearly idle or overloaded."""
    idle = erlang_a(200, 1.0, 1.0, 0.1)
    assert 0.0 <= idle.p_wait < 1e-100 and idle.queue_mean >= 0.0
    busy = erlang_a(200, 400.0, 1.0, 0.5)
    assert busy.p_wait == pytest.approx(1.0, abs=1e-12)
    # In heavy overload almost every excess arrival abandons: P(abandon) ~ 1 - c mu / lam.
    assert busy.abandon_prob == pytest.approx(0.5, abs=0.01)


# ---------------------------------------------------------------- repeat visits


@pytest.mark.parametrize("r", [0.05, 0.3, 0.9, 1.0])
def test_one_need_takes_one_over_r_visits(r):
    """A single need takes a geometric number of visits with mean 1 / r."""
    assert bundle_visits_all_needs(1, r) == pytest.approx(1 / r, rel=1e-12)
    assert bundle_visits_one_need(1, r) == pytest.approx(1 / r, rel=1e-12)


@pytest.mark.parametrize("k", [1, 2, 5, 40])
def test_certain_settlement_needs_one_visit_for_all(k):
    """With r = 1 every need is settled at the first visit."""
    assert bundle_visits_all_needs(k, 1.0) == 1.0
    assert bundle_visits_one_need(k, 1.0) == k


@pytest.mark.parametrize("k, r", [(2, 0.5), (3, 0.4), (6, 0.1), (10, 0.75), (15, 0.02)])
def test_all_needs_matches_inclusion_exclusion(k, r):
    """The stable computation equals the exact alternating inclusion-exclusion sum."""
    assert bundle_visits_all_needs(k, r) == pytest.approx(
        max_of_geometrics_by_inclusion_exclusion(k, r), rel=1e-12)


def test_two_needs_at_half_by_hand():
    """k = 2, r = 1/2: 2 / (1 - 1/2) - 1 / (1 - 1/4) = 4 - 4/3 = 8/3 visits."""
    assert bundle_visits_all_needs(2, 0.5) == pytest.approx(8 / 3, rel=1e-14)


@pytest.mark.oracle
@pytest.mark.parametrize("k, r", [(3, 0.4), (5, 0.7)])
def test_all_needs_agrees_with_monte_carlo(k, r):
    """The interval of the mean of the max of k geometrics (200k draws, the scenario's own
    seed, the suite's family-wise level) contains the formula's value."""
    rng = np.random.default_rng(scenario_seed(f"max of geometrics k={k} r={r}"))
    visits = rng.geometric(r, size=(200_000, k)).max(axis=1)
    assert_covers(visits, bundle_visits_all_needs(k, r), f"mean of the max of {k} geometrics({r})")


def test_bundling_saves_visits():
    """Handling all needs per visit takes at least 1/r but no more than k/r visits."""
    for k, r in [(2, 0.5), (4, 0.8), (8, 0.3)]:
        all_needs = bundle_visits_all_needs(k, r)
        assert 1 / r <= all_needs <= bundle_visits_one_need(k, r)


def test_one_need_per_visit_adds_up():
    """One need per visit: k needs at r = 0.5 take 2 visits each, 6 in all for k = 3."""
    assert bundle_visits_one_need(3, 0.5) == pytest.approx(6.0)


def test_zero_needs_take_zero_visits():
    """No needs, no visits."""
    assert bundle_visits_all_needs(0, 0.5) == 0.0
    assert bundle_visits_one_need(0, 0.5) == 0.0


# ---------------------------------------------------------------- staffing


@pytest.mark.parametrize("lam, mu, beta", [
    (100.0, 1.0, 1.0), (9.0, 1.0, 1.0), (2.0, 0.1, 0.5), (0.3, 1.0, 2.0), (7.3, 0.25, 1.5),
])
def test_square_root_staffing_is_smallest_c_above_a_plus_beta_root_a(lam, mu, beta):
    """square_root_staffing gives the least integer c >= a + beta sqrt(a) with c > a."""
    a = lam / mu
    c = square_root_staffing(lam, mu, beta)
    assert isinstance(c, int)
    assert c >= a + beta * math.sqrt(a) and c > a
    assert c - 1 < a + beta * math.sqrt(a) or c - 1 <= a


def test_square_root_staffing_example():
    """a = 100 and beta = 1 give 100 + 10 = 110 servers."""
    assert square_root_staffing(100.0, 1.0, 1.0) == 110


def test_square_root_staffing_stays_above_the_load():
    """beta = 0 still staffs strictly above an integer load."""
    assert square_root_staffing(4.0, 1.0, 0.0) == 5


@pytest.mark.parametrize("lam, mu, target, level", [
    (2.0, 0.1, 1.0, 0.8),      # 20 erlangs, 80 % within 1 minute
    (0.5, 1 / 12, 5.0, 0.9),   # 6 erlangs, 90 % within 5 minutes
    (30.0, 1.0, 0.0, 0.5),     # half of the customers must not wait at all
    (0.1, 0.2, 2.0, 0.95),
])
def test_erlang_c_staffing_is_the_smallest_sufficient_c(lam, mu, target, level):
    """The staffing meets the service level and one server fewer does not."""
    c = erlang_c_staffing(lam, mu, target, level)
    assert c > lam / mu
    assert erlang_c_service_level(c, lam, mu, target) >= level
    if c - 1 > lam / mu:
        assert erlang_c_service_level(c - 1, lam, mu, target) < level


def test_erlang_c_staffing_never_staffs_at_or_below_the_load():
    """A trivially met target still gets more servers than the offered load."""
    assert erlang_c_staffing(4.0, 1.0, 10.0, 0.01) == 5


def test_erlang_c_staffing_hand_example():
    """lam = mu = 1, target 0, level 0.6: c = 2 gives 1 - 1/3 = 2/3 >= 0.6; c = 1 is unstable."""
    assert erlang_c_staffing(1.0, 1.0, 0.0, 0.6) == 2


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("call, name", [
    (lambda: erlang_c(0, 1.0, 2.0), "servers"),
    (lambda: erlang_c(2.5, 1.0, 2.0), "servers"),
    (lambda: erlang_c(True, 0.5, 2.0), "servers"),
    (lambda: erlang_c(2, 0.0, 1.0), "arrival_rate"),
    (lambda: erlang_c(2, float("nan"), 1.0), "arrival_rate"),
    (lambda: erlang_c(2, 1.0, -1.0), "service_rate"),
    (lambda: erlang_c(2, 2.0, 1.0), "arrival_rate"),           # lam = c mu: unstable
    (lambda: erlang_c_wait_mean(1, 3.0, 1.0), "arrival_rate"),  # lam > c mu: unstable
    (lambda: erlang_c_wait_tail(2, 1.0, 1.0, -1.0), "t"),
    (lambda: erlang_c_service_level(2, 1.0, 1.0, float("inf")), "target"),
    (lambda: utilisation(0, 1.0, 1.0), "servers"),
    (lambda: erlang_a(0, 1.0, 1.0, 1.0), "servers"),
    (lambda: erlang_a(2, 1.0, 1.0, 0.0), "patience_rate"),
    (lambda: erlang_a(2, -1.0, 1.0, 1.0), "arrival_rate"),
    (lambda: bundle_visits_all_needs(-1, 0.5), "k"),
    (lambda: bundle_visits_all_needs(2, 0.0), "r"),
    (lambda: bundle_visits_one_need(2, 1.5), "r"),
    (lambda: square_root_staffing(1.0, 1.0, -0.5), "beta"),
    (lambda: square_root_staffing(1.0, 0.0), "service_rate"),
    (lambda: erlang_c_staffing(1.0, 1.0, -1.0, 0.8), "target_wait"),
    (lambda: erlang_c_staffing(1.0, 1.0, 1.0, 1.0), "service_level"),
    (lambda: erlang_c_staffing(0.0, 1.0, 1.0, 0.8), "arrival_rate"),
])
def test_invalid_arguments_raise_value_error_naming_the_parameter(call, name):
    """Invalid input raises ValueError whose message starts with the parameter's name."""
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()


def test_module_exports_what_it_documents():
    """Every name in __all__ exists and has a docstring."""
    for module in (theory, erlang_a_module):
        for name in module.__all__:
            assert getattr(module, name).__doc__
