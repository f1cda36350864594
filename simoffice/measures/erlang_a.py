"""The M/M/c+M queue (Erlang A): c desks, Poisson arrivals, exponential service and patience.

The oracle of a queue whose clients leave when their patience runs out, as
callers hang up: validation tests compare the simulated wait and abandonment
with it. Units and argument checks as in :mod:`simoffice.measures.theory`
(times in minutes, rates per minute; a bad argument raises :class:`ValueError`
naming it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simoffice.measures.theory import check_int, check_positive

__all__ = ["ErlangA", "erlang_a"]

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
