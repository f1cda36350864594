"""The M/M/c+M queue (Erlang A): c desks, Poisson arrivals, exponential service and patience.

The oracle of a queue whose clients leave when their patience runs out, as
callers hang up: validation tests compare the simulated wait and abandonment
with it, and the staffing requirements (:mod:`simoffice.measures.requirements`)
staff against its service level (:func:`erlang_a_service_level`), mean wait of
the served (:func:`erlang_a_served_wait_mean`), P(wait > 0) and abandonment.
Units and argument checks as in :mod:`simoffice.measures.theory`
(times in minutes, rates per minute; a bad argument raises :class:`ValueError`
naming it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import betainc, gammaln

from simoffice.measures.theory import check_int, check_non_negative, check_positive

__all__ = ["ErlangA", "erlang_a", "erlang_a_service_level", "erlang_a_served_wait_mean"]

# Erlang A sums the (infinite) queue-length distribution term by term; this
# bounds the work for pathological inputs (tiny patience_rate in overload).
_ERLANG_A_MAX_TERMS = 10_000_000
# The sum stops when its remaining tail is provably below this share of it.
_REL_TOL = 1e-16


@dataclass(frozen=True)
class ErlangA:
    """Steady-state results of an M/M/c+M queue (exponential patience).

    Attributes:
        p_wait: probability that an arriving customer finds all servers busy
            and has to queue (equal to the time-stationary probability by
            PASTA).
        wait_mean: mean time spent in queue, in minutes, over all arrivals:
            customers who are served at once count 0, customers who abandon
            count their time in queue until they leave.
        abandon_prob: probability that an arriving customer abandons before
            service (equals patience_rate * wait_mean).
        queue_mean: mean number of customers waiting (not in service).
    """

    p_wait: float
    wait_mean: float
    abandon_prob: float
    queue_mean: float


def _logsumexp(values: list[float]) -> float:
    m = max(values)
    return m + math.log(math.fsum(math.exp(v - m) for v in values))


def _too_many_terms(theta: float, lam: float, c_mu: float):
    raise ValueError(
        f"patience_rate is too small for this load: the Erlang A sum needs more "
        f"than {_ERLANG_A_MAX_TERMS} terms (got patience_rate={theta!r}, "
        f"arrival_rate={lam!r}, servers * service_rate={c_mu!r})"
    )


def _queue_sums(c_mu: float, lam: float, theta: float) -> tuple[float, float, float]:
    """The states c + k, k >= 0, of the queue relative to state c (q_k = π_{c+k} / π_c):
    ``(s0, s1, log_scale)`` with s0 = Σ q_k and s1 = Σ k q_k, both stored scaled by
    exp(-log_scale) to stay in floating-point range.

    Raises:
        ValueError: naming ``patience_rate`` when the sum needs more than
            :data:`_ERLANG_A_MAX_TERMS` terms.
    """
    if (lam - c_mu) / theta >= _ERLANG_A_MAX_TERMS:
        _too_many_terms(theta, lam, c_mu)
    term = 1.0
    s0 = 1.0
    s1 = 0.0
    log_scale = 0.0
    k = 0
    while True:
        k += 1
        ratio = lam / (c_mu + k * theta)
        term *= ratio
        s0 += term
        s1 += k * term
        if s1 > 1e200:
            term *= 1e-200
            s0 *= 1e-200
            s1 *= 1e-200
            log_scale += 200 * math.log(10)
        if ratio < 1.0:
            # Ratios decrease with k, so the tail is bounded by geometric series.
            g = ratio / (1.0 - ratio)
            tail0 = term * g
            tail1 = term * (k * g + g / (1.0 - ratio))
            if tail0 <= _REL_TOL * s0 and tail1 <= _REL_TOL * s1:
                return s0, s1, log_scale
        if k >= _ERLANG_A_MAX_TERMS:
            _too_many_terms(theta, lam, c_mu)


def erlang_a(servers: int, arrival_rate: float, service_rate: float,
             patience_rate: float) -> ErlangA:
    """Exact steady state of the M/M/c+M (Erlang A) queue.

    Customers arrive at rate λ, are served by c servers at rate μ each, and
    abandon the queue after an exponential patience with rate θ. The number
    in system is a birth–death process with stationary distribution

        π_j ∝ a^j / j!                                   for j <= c,
        π_{c+k} = π_c ∏_{i=1..k} λ / (c μ + i θ)          for k >= 1,

    with a = λ / μ. The infinite sum is truncated once the remaining tail is
    provably below 1e-16 of the accumulated sum; the computation uses
    logarithms and rescaled running products, so it neither overflows nor
    underflows for hundreds of servers, and it is valid for any θ > 0,
    including overload (λ >= c μ). The number of terms needed grows like
    (λ - c μ) / θ in overload and like 1 / (1 - λ / (c μ)) otherwise.

    Args:
        servers: number of parallel servers c (integer >= 1).
        arrival_rate: arrival rate λ, per minute (> 0).
        service_rate: service rate μ of one server, per minute (> 0).
        patience_rate: abandonment rate θ of one waiting customer, per minute
            (> 0; 1 / mean patience in minutes).

    Returns:
        :class:`ErlangA` with p_wait, wait_mean (minutes), abandon_prob and
        queue_mean. wait_mean = queue_mean / λ (Little's law) and
        abandon_prob = θ · queue_mean / λ = θ · wait_mean.

    Raises:
        ValueError: naming ``servers`` if not an integer >= 1, naming
            ``arrival_rate``, ``service_rate`` or ``patience_rate`` if not
            finite and > 0, and naming ``patience_rate`` if it is so small
            relative to the load that the sum would need more than ten
            million terms (e.g. 1e-9 in overload).
    """
    c = check_int("servers", servers, 1)
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
    theta = check_positive("patience_rate", patience_rate)

    # States j < c, as log weights relative to state c (π_j / π_c).
    log_a = math.log(lam / mu)
    lgc = math.lgamma(c + 1)
    log_low = [(j - c) * log_a + lgc - math.lgamma(j + 1) for j in range(c)]

    s0, s1, log_scale = _queue_sums(c * mu, lam, theta)
    log_queue_block = log_scale + math.log(s0)          # log Σ_{j>=c} π_j / π_c
    log_norm = _logsumexp(log_low + [log_queue_block])  # log Σ_j π_j / π_c
    p_wait = math.exp(log_queue_block - log_norm)
    queue_mean = s1 * math.exp(log_scale - log_norm) if s1 > 0 else 0.0
    wait_mean = queue_mean / lam
    return ErlangA(
        p_wait=p_wait,
        wait_mean=wait_mean,
        abandon_prob=theta * wait_mean,
        queue_mean=queue_mean,
    )


# --------------------------------------------------------------------------
# Waits of the clients who are served (the offered wait of each queue position)


def _log_sum(values: np.ndarray) -> float:
    """log Σ exp(values), without overflow (scipy's logsumexp costs more than the sums here)."""
    m = float(values.max())
    return m + math.log(float(np.exp(values - m).sum()))


def _waiting_states(c: int, lam: float, mu: float, theta: float) -> np.ndarray:
    """π_{c+k}, k = 0, 1, …, K: the stationary probabilities of the states with every desk
    busy and k clients waiting, cut where the rest of the sum is provably below 1e-17 of it.

    Raises:
        ValueError: naming ``patience_rate`` when more than :data:`_ERLANG_A_MAX_TERMS`
            terms would be needed.
    """
    c_mu = c * mu
    if (lam - c_mu) / theta >= _ERLANG_A_MAX_TERMS:
        _too_many_terms(theta, lam, c_mu)
    log_lam = math.log(lam)
    log_q = np.zeros(1)  # log π_{c+k} / π_c
    chunk = 32
    while True:
        k = len(log_q) - 1
        ks = np.arange(k + 1, k + chunk + 1, dtype=float)
        log_q = np.concatenate((log_q, log_q[-1] + np.cumsum(log_lam - np.log(c_mu + ks * theta))))
        k = len(log_q) - 1
        ratio = lam / (c_mu + (k + 1) * theta)  # the next ratio; later ones are smaller
        if ratio < 1.0:
            log_tail = log_q[-1] + math.log(ratio / (1.0 - ratio))
            if log_tail <= _log_sum(log_q) + math.log(1e-17):
                break
        if k >= _ERLANG_A_MAX_TERMS:
            _too_many_terms(theta, lam, c_mu)
        chunk *= 2
    j = np.arange(c, dtype=float)
    log_low = (j - c) * math.log(lam / mu) + gammaln(c + 1) - gammaln(j + 1)  # log π_j / π_c, j < c
    log_pi_c = -_log_sum(np.concatenate((log_low, log_q)))
    return np.exp(log_q + log_pi_c)


def erlang_a_service_level(servers: int, arrival_rate: float, service_rate: float,
                           patience_rate: float, target: float) -> float:
    """Share of all arrivals of an M/M/c+M queue who start service within ``target`` minutes.

    Clients who abandon count as not served in time, whatever their patience, as in
    the simulator's service level (served in time / clients who queued). An
    arrival that finds the c desks busy and k clients waiting would reach a desk
    after the offered wait V_k, a sum of exponential stages of rates c μ + j θ,
    j = k, …, 0 (a service ends or one of the j ahead abandons); it is served if its
    own patience outlasts V_k. Tilting by the patience gives

        P(served within t | k) = E[e^{-θ V_k}; V_k <= t]
                               = c μ / (c μ + (k + 1) θ) · I_{1 - e^{-θ t}}(k + 1, (c μ + θ) / θ),

    with I the regularised incomplete beta function, and

        service level = 1 - P(wait) + Σ_k π_{c+k} P(served within t | k).

    Every term is positive, so the sum loses no precision. As θ → 0 it tends to the
    Erlang C service level :func:`~simoffice.measures.theory.erlang_c_service_level`.

    Args:
        servers: number of parallel servers c (integer >= 1).
        arrival_rate: arrival rate λ, per minute (> 0).
        service_rate: service rate μ of one server, per minute (> 0).
        patience_rate: abandonment rate θ, per minute (> 0; 1 / mean patience).
        target: acceptable wait in minutes (finite, >= 0).

    Raises:
        ValueError: as :func:`erlang_a`, or naming ``target`` if it is negative or not
            finite.
    """
    c = check_int("servers", servers, 1)
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
    theta = check_positive("patience_rate", patience_rate)
    target = check_non_negative("target", target)
    pi = _waiting_states(c, lam, mu, theta)
    k = np.arange(len(pi), dtype=float)
    served = c * mu / (c * mu + (k + 1) * theta)
    in_time = betainc(k + 1, (c * mu + theta) / theta, -math.expm1(-theta * target))
    return float(1.0 - pi.sum() + (pi * served * in_time).sum())


def erlang_a_served_wait_mean(servers: int, arrival_rate: float, service_rate: float,
                              patience_rate: float) -> float:
    """Mean wait in queue of the clients of an M/M/c+M queue who are served, in minutes.

    The average speed of answer: clients served at once count 0, clients who
    abandon are left out (unlike :attr:`ErlangA.wait_mean`, which averages over all
    arrivals and counts the time an abandoning client waited). It is the
    simulator's mean wait, which averages the waits of the clients whose service
    started. With V_k the offered wait of an arrival that finds k clients waiting
    (see :func:`erlang_a_service_level`),

        E[W; served | k] = E[V_k e^{-θ V_k}] = c μ / (c μ + (k + 1) θ) · Σ_{i=1..k+1} 1 / (c μ + i θ),

    and the mean is Σ_k π_{c+k} E[W; served | k] / P(served), P(served) = 1 - P(abandon).

    Args:
        servers: number of parallel servers c (integer >= 1).
        arrival_rate: arrival rate λ, per minute (> 0).
        service_rate: service rate μ of one server, per minute (> 0).
        patience_rate: abandonment rate θ, per minute (> 0; 1 / mean patience).

    Raises:
        ValueError: as :func:`erlang_a`.
    """
    c = check_int("servers", servers, 1)
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
    theta = check_positive("patience_rate", patience_rate)
    pi = _waiting_states(c, lam, mu, theta)
    k = np.arange(len(pi), dtype=float)
    served = c * mu / (c * mu + (k + 1) * theta)
    stage_means = np.cumsum(1.0 / (c * mu + (k + 1) * theta))
    p_served = 1.0 - pi.sum() + (pi * served).sum()
    return float((pi * served * stage_means).sum() / p_served)
