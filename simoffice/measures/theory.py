"""Closed-form queueing results the simulator is validated against.

These are reference formulas ("oracles"), not part of the simulation itself.
Validation tests run the simulator on configurations where an exact answer is
known (Poisson arrivals, exponential service and patience, a single desk group)
and compare the simulated statistics with the values computed here; the
staffing search uses the same formulas to get a first estimate of the number of
desks needed.

Units: all times are in minutes and all rates are per minute. ``servers`` is
the number of desks (agents) working in parallel, ``arrival_rate`` is λ,
``service_rate`` is μ (1 / mean service time), ``patience_rate`` is θ
(1 / mean patience). The offered load is a = λ / μ.

Contents:

* M/M/c (Erlang C): :func:`erlang_c`, :func:`erlang_c_wait_mean`,
  :func:`erlang_c_wait_tail`, :func:`erlang_c_service_level`,
  :func:`utilisation`.
* M/M/c+M (Erlang A, exponential patience): :func:`erlang_a` returning
  :class:`ErlangA`.
* Staffing: :func:`square_root_staffing`, :func:`erlang_c_staffing`.
* Repeat visits when a visit settles each need only with some probability:
  :func:`bundle_visits_all_needs`, :func:`bundle_visits_one_need`.

Every function checks its arguments and raises :class:`ValueError` whose
message starts with the name of the offending parameter.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

__all__ = [
    "erlang_c", "erlang_c_wait_mean", "erlang_c_wait_tail",
    "erlang_c_service_level", "ErlangA", "erlang_a",
    "bundle_visits_all_needs", "bundle_visits_one_need", "utilisation",
    "square_root_staffing", "erlang_c_staffing",
]

# Erlang A sums the (infinite) queue-length distribution term by term; this
# bounds the work for pathological inputs (tiny patience_rate in overload).
_ERLANG_A_MAX_TERMS = 10_000_000
_REL_TOL = 1e-16


# --------------------------------------------------------------------------
# argument checks


def _check_int(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum} (got {value!r})")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum} (got {value!r})")
    return value


def _check_real(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number (got {value!r})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite (got {value!r})")
    return value


def _check_positive(name: str, value) -> float:
    x = _check_real(name, value)
    if x <= 0:
        raise ValueError(f"{name} must be > 0 (got {value!r})")
    return x


def _check_non_negative(name: str, value) -> float:
    x = _check_real(name, value)
    if x < 0:
        raise ValueError(f"{name} must be >= 0 (got {value!r})")
    return x


def _check_mmc(servers, arrival_rate, service_rate) -> tuple[int, float, float]:
    """Validate M/M/c parameters including stability; return (c, λ, μ)."""
    c = _check_int("servers", servers, 1)
    lam = _check_positive("arrival_rate", arrival_rate)
    mu = _check_positive("service_rate", service_rate)
    if lam >= c * mu:
        raise ValueError(
            f"arrival_rate must be < servers * service_rate for a stable M/M/c "
            f"queue (got arrival_rate={lam!r}, servers * service_rate={c * mu!r})"
        )
    return c, lam, mu


# --------------------------------------------------------------------------
# Erlang C (M/M/c)


def _erlang_c_from_b(c: int, a: float, b: float) -> float:
    """Erlang C from Erlang B B(c, a): C = c B / (c - a (1 - B))."""
    return c * b / (c - a * (1.0 - b))


def _erlang_b(c: int, a: float) -> float:
    """Erlang B by the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Probability that an arriving customer has to wait in an M/M/c queue.

    Args:
        servers: number of parallel servers c (integer >= 1).
        arrival_rate: Poisson arrival rate λ, per minute (> 0).
        service_rate: service rate μ of one server, per minute (> 0).

    Returns:
        P(Wq > 0), the Erlang C probability (dimensionless, in (0, 1]).
        Computed through the Erlang B recursion, which neither overflows nor
        loses precision for large c (hundreds or thousands of servers).

    Raises:
        ValueError: naming ``servers`` if it is not an integer >= 1, naming
            ``arrival_rate`` or ``service_rate`` if not finite and > 0, and
            naming ``arrival_rate`` if the queue is unstable
            (arrival_rate >= servers * service_rate).
    """
    c, lam, mu = _check_mmc(servers, arrival_rate, service_rate)
    a = lam / mu
    return _erlang_c_from_b(c, a, _erlang_b(c, a))


def erlang_c_wait_mean(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean waiting time in queue E[Wq] of an M/M/c queue, in minutes.

    E[Wq] = C / (c μ - λ), averaged over all arrivals (those who do not wait
    count with zero wait).

    Args:
        servers: number of parallel servers c (integer >= 1).
        arrival_rate: arrival rate λ, per minute (> 0).
        service_rate: service rate μ of one server, per minute (> 0).

    Raises:
        ValueError: as :func:`erlang_c` (invalid ``servers``,
            ``arrival_rate``, ``service_rate``, or an unstable load, which
            names ``arrival_rate``).
    """
    c, lam, mu = _check_mmc(servers, arrival_rate, service_rate)
    return erlang_c(c, lam, mu) / (c * mu - lam)


def erlang_c_wait_tail(servers: int, arrival_rate: float, service_rate: float,
                       t: float) -> float:
    """Probability that the wait in queue exceeds ``t`` minutes in M/M/c.

    P(Wq > t) = C exp(-(c μ - λ) t), over all arrivals.

    Args:
        servers: number of parallel servers c (integer >= 1).
        arrival_rate: arrival rate λ, per minute (> 0).
        service_rate: service rate μ of one server, per minute (> 0).
        t: waiting-time threshold in minutes (finite, >= 0).

    Raises:
        ValueError: as :func:`erlang_c`, or naming ``t`` if it is negative or
            not finite.
    """
    c, lam, mu = _check_mmc(servers, arrival_rate, service_rate)
    t = _check_non_negative("t", t)
    return erlang_c(c, lam, mu) * math.exp(-(c * mu - lam) * t)


def erlang_c_service_level(servers: int, arrival_rate: float, service_rate: float,
                           target: float) -> float:
    """Fraction of arrivals served within ``target`` minutes in M/M/c.

    P(Wq <= target) = 1 - C exp(-(c μ - λ) target).

    Args:
        servers: number of parallel servers c (integer >= 1).
        arrival_rate: arrival rate λ, per minute (> 0).
        service_rate: service rate μ of one server, per minute (> 0).
        target: acceptable wait in minutes (finite, >= 0).

    Raises:
        ValueError: as :func:`erlang_c`, or naming ``target`` if it is
            negative or not finite.
    """
    c, lam, mu = _check_mmc(servers, arrival_rate, service_rate)
    target = _check_non_negative("target", target)
    return 1.0 - erlang_c(c, lam, mu) * math.exp(-(c * mu - lam) * target)


def utilisation(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Offered utilisation ρ = λ / (c μ) of ``servers`` servers (dimensionless).

    Not required to be below 1: a value >= 1 means the queue is unstable
    without abandonment.

    Args:
        servers: number of parallel servers c (integer >= 1).
        arrival_rate: arrival rate λ, per minute (> 0).
        service_rate: service rate μ of one server, per minute (> 0).

    Raises:
        ValueError: naming ``servers`` if not an integer >= 1, or
            ``arrival_rate`` / ``service_rate`` if not finite and > 0.
    """
    c = _check_int("servers", servers, 1)
    lam = _check_positive("arrival_rate", arrival_rate)
    mu = _check_positive("service_rate", service_rate)
    return lam / (c * mu)


# --------------------------------------------------------------------------
# Erlang A (M/M/c+M)


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
    c = _check_int("servers", servers, 1)
    lam = _check_positive("arrival_rate", arrival_rate)
    mu = _check_positive("service_rate", service_rate)
    theta = _check_positive("patience_rate", patience_rate)

    # States j < c, as log weights relative to state c (π_j / π_c).
    log_a = math.log(lam / mu)
    lgc = math.lgamma(c + 1)
    log_low = [(j - c) * log_a + lgc - math.lgamma(j + 1) for j in range(c)]

    # States c + k, k >= 0, relative to state c: s0 = Σ q_k, s1 = Σ k q_k,
    # stored scaled by exp(-log_scale) to stay in floating-point range.
    c_mu = c * mu
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
                break
        if k >= _ERLANG_A_MAX_TERMS:
            _too_many_terms(theta, lam, c_mu)

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
# repeat visits


def _check_bundle(k, r) -> tuple[int, float]:
    k = _check_int("k", k, 0)
    r = _check_real("r", r)
    if not 0.0 < r <= 1.0:
        raise ValueError(f"r must be a probability in (0, 1] (got {r!r})")
    return k, r


def bundle_visits_all_needs(k: int, r: float) -> float:
    """Expected number of visits to settle ``k`` needs handled together.

    At every visit each still-open need is dealt with and settled
    independently with probability ``r``; the customer returns until all are
    settled. The number of visits is the maximum of k independent
    geometric(r) variables, whose mean is

        Σ_{j=1..k} C(k, j) (-1)^{j+1} / (1 - (1 - r)^j).

    That alternating sum cancels badly for large k, so it is evaluated by the
    equivalent positive recursion on the number m of open needs,

        E_m (1 - q^m) = 1 + Σ_{j=1..m-1} C(m, j) r^j q^(m-j) E_{m-j},  q = 1 - r,

    which is accurate for any k (cost O(k²)).

    Args:
        k: number of needs (integer >= 0; k = 0 gives 0 visits).
        r: probability that one need is settled at one visit, in (0, 1].

    Returns:
        Expected number of visits (dimensionless, >= 1 for k >= 1).

    Raises:
        ValueError: naming ``k`` if it is not an integer >= 0, or ``r`` if it
            is not a finite number in (0, 1].
    """
    k, r = _check_bundle(k, r)
    if k == 0:
        return 0.0
    if r == 1.0:
        return 1.0
    log_r = math.log(r)
    log_q = math.log1p(-r)
    lgam = [math.lgamma(i + 1) for i in range(k + 1)]
    e = [0.0] * (k + 1)
    for m in range(1, k + 1):
        acc = [1.0]
        for j in range(1, m):
            log_p = lgam[m] - lgam[j] - lgam[m - j] + j * log_r + (m - j) * log_q
            acc.append(math.exp(log_p) * e[m - j])
        e[m] = math.fsum(acc) / -math.expm1(m * log_q)
    return e[k]


def bundle_visits_one_need(k: int, r: float) -> float:
    """Expected number of visits to settle ``k`` needs dealt with one per visit.

    Each visit handles one open need, settled with probability ``r``; each
    need therefore takes a geometric(r) number of visits with mean 1 / r, and
    the total is k / r.

    Args:
        k: number of needs (integer >= 0).
        r: probability that the need handled at a visit is settled, in (0, 1].

    Returns:
        Expected number of visits (dimensionless).

    Raises:
        ValueError: naming ``k`` if it is not an integer >= 0, or ``r`` if it
            is not a finite number in (0, 1].
    """
    k, r = _check_bundle(k, r)
    return k / r


# --------------------------------------------------------------------------
# staffing


def square_root_staffing(arrival_rate: float, service_rate: float,
                         beta: float = 1.0) -> int:
    """Square-root staffing rule c = ⌈a + β √a⌉, a = λ / μ.

    The result is also forced strictly above the offered load a, so that the
    M/M/c queue is stable even for β = 0.

    Args:
        arrival_rate: arrival rate λ, per minute (> 0).
        service_rate: service rate μ of one server, per minute (> 0).
        beta: safety factor β (finite, >= 0; about 1 for moderate service
            levels, larger for stricter ones).

    Returns:
        Number of servers (integer >= 1).

    Raises:
        ValueError: naming ``arrival_rate`` or ``service_rate`` if not finite
            and > 0, or ``beta`` if negative or not finite.
    """
    lam = _check_positive("arrival_rate", arrival_rate)
    mu = _check_positive("service_rate", service_rate)
    beta = _check_non_negative("beta", beta)
    a = lam / mu
    return max(math.ceil(a + beta * math.sqrt(a)), math.floor(a) + 1)


def erlang_c_staffing(arrival_rate: float, service_rate: float, target_wait: float,
                      service_level: float) -> int:
    """Fewest M/M/c servers meeting a service-level target.

    Returns the smallest c > a = λ / μ with P(Wq <= target_wait) >= service_level
    (see :func:`erlang_c_service_level`). The service level increases with c,
    so the search walks up from ⌊a⌋ + 1, updating Erlang B incrementally.

    Args:
        arrival_rate: arrival rate λ, per minute (> 0).
        service_rate: service rate μ of one server, per minute (> 0).
        target_wait: acceptable wait in minutes (finite, >= 0).
        service_level: required fraction of arrivals served within
            target_wait, in [0, 1) (1 is never reached by M/M/c).

    Returns:
        Number of servers (integer >= 1).

    Raises:
        ValueError: naming ``arrival_rate`` or ``service_rate`` if not finite
            and > 0, ``target_wait`` if negative or not finite, or
            ``service_level`` if not in [0, 1).
    """
    lam = _check_positive("arrival_rate", arrival_rate)
    mu = _check_positive("service_rate", service_rate)
    target_wait = _check_non_negative("target_wait", target_wait)
    service_level = _check_real("service_level", service_level)
    if not 0.0 <= service_level < 1.0:
        raise ValueError(f"service_level must be in [0, 1) (got {service_level!r})")
    a = lam / mu
    c = math.floor(a) + 1
    while lam >= c * mu:        # guard against rounding in a = λ / μ
        c += 1
    b = _erlang_b(c, a)
    while True:
        sl = 1.0 - _erlang_c_from_b(c, a, b) * math.exp(-(c * mu - lam) * target_wait)
        if sl >= service_level:
            return c
        c += 1
        b = a * b / (c + a * b)
