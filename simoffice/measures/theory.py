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
* M/M/c+M (Erlang A, exponential patience): :func:`~simoffice.measures.erlang_a.erlang_a`
  in :mod:`simoffice.measures.erlang_a`.
* Staffing: :func:`square_root_staffing`, :func:`erlang_c_staffing`.
* Repeat visits when a visit settles each need only with some probability:
  :func:`bundle_visits_all_needs`, :func:`bundle_visits_one_need`.

Every function checks its arguments and raises :class:`ValueError` whose
message starts with the name of the offending parameter.
"""

from __future__ import annotations

import math
import numbers

__all__ = [
    "erlang_c", "erlang_c_wait_mean", "erlang_c_wait_tail",
    "erlang_c_service_level",
    "bundle_visits_all_needs", "bundle_visits_one_need", "utilisation",
    "square_root_staffing", "erlang_c_staffing",
]

# --------------------------------------------------------------------------
# argument checks


def check_int(name: str, value, minimum: int) -> int:
    """``value`` as an int; ValueError naming ``name`` unless it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum} (got {value!r})")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum} (got {value!r})")
    return value


def check_real(name: str, value) -> float:
    """``value`` as a float; ValueError naming ``name`` unless it is a finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number (got {value!r})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite (got {value!r})")
    return value


def check_positive(name: str, value) -> float:
    """``value`` as a float; ValueError naming ``name`` unless it is finite and > 0."""
    x = check_real(name, value)
    if x <= 0:
        raise ValueError(f"{name} must be > 0 (got {value!r})")
    return x


def check_non_negative(name: str, value) -> float:
    """``value`` as a float; ValueError naming ``name`` unless it is finite and >= 0."""
    x = check_real(name, value)
    if x < 0:
        raise ValueError(f"{name} must be >= 0 (got {value!r})")
    return x


def _check_mmc(servers, arrival_rate, service_rate) -> tuple[int, float, float]:
    """Validate M/M/c parameters including stability; return (c, λ, μ)."""
    c = check_int("servers", servers, 1)
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
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
    t = check_non_negative("t", t)
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
    target = check_non_negative("target", target)
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
    c = check_int("servers", servers, 1)
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
    return lam / (c * mu)


# --------------------------------------------------------------------------
# repeat visits


def _check_bundle(k, r) -> tuple[int, float]:
    k = check_int("k", k, 0)
    r = check_real("r", r)
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
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
    beta = check_non_negative("beta", beta)
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
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
    target_wait = check_non_negative("target_wait", target_wait)
    service_level = check_real("service_level", service_level)
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
