"""Staffing requirements per interval: how many desks each interval needs to meet a target.

An analyst rosters against a *requirement*: for every interval of the day (15, 30
or 60 minutes) the fewest desks (agents) that meet a standard the user picks.
This module computes it from plain numbers, without a network config: a vector
of arrival rates λ_k, one per interval, and the mean service time E[S].

**The target** (:class:`Target`) is one of

* ``service_level`` — at least a share of all clients start service within
  ``within_min`` minutes (today's standard, e.g. 80 % within 15 min). Under
  Erlang A clients who abandon count as not served in time, as in the
  simulator's service level;
* ``asa`` — the average speed of answer: the mean wait of the clients who are
  served is at most ``asa_min`` minutes. Under Erlang C everyone is served, so
  it is the mean wait of all; under Erlang A those who abandon are left out;
  in both it is the simulator's mean wait (the waits of started services);
* ``p_wait`` — P(wait > 0), the share who find every desk busy, is at most
  ``p_wait``;
* ``abandonment`` — at most a share ``abandonment`` abandon (Erlang A only);

optionally with an occupancy cap ``max_occupancy``: the busy share of the desks
(carried load / c; λ E[S] / c under Erlang C) at most, e.g. 0.85.

**The queue model** of one interval is stationary: Poisson arrivals, one pool of
c desks serving in order of arrival, exponential service with mean E[S]. Without
``patience_mean_min`` it is M/M/c, **Erlang C**
(:mod:`simoffice.measures.theory`; stable only while λ E[S] < c). With it, clients
also leave after an exponential patience of that mean: M/M/c+M, **Erlang A**
(:mod:`simoffice.measures.erlang_a`), which is stable at any load and used for
every kind of target.

**Two methods** turn the day's arrival rates into a load per interval:

* ``per_interval`` — the classic per-interval Erlang formula: interval k is
  staffed as a stationary queue with offered load a_k = λ_k E[S] Erlangs, as if
  it began and ended on its own.
* ``offered_load`` — the infinite-server (*modified offered load*) method for
  time-varying demand (Jennings, Mandelbaum, Massey and Whitt 1996). The load at
  time t is the mean number of clients who would be in service with unlimited
  desks,

      m(t) = ∫_0^∞ λ(t − u) P(S > u) du,

  so clients who arrived earlier and are still being served count. With
  exponential service, m' = λ(t) − m / E[S]; for λ constant over interval k
  (length h, starting at load m_k) that gives exactly

      m(t_k + s) = λ_k E[S] + (m_k − λ_k E[S]) e^{−s / E[S]},
      mean over the interval  m̄_k = λ_k E[S] + (m_k − λ_k E[S]) (E[S] / h)(1 − e^{−h / E[S]}),
      next start              m_{k+1} = λ_k E[S] + (m_k − λ_k E[S]) e^{−h / E[S]}.

  The day starts with ``carried_in`` Erlangs (0: empty). Interval k is then
  staffed as a stationary queue with offered load m̄_k, i.e. effective arrival
  rate m̄_k / E[S]. Long services carry load into the next interval: after the
  last arrivals the load decays as e^{−t / E[S]}, so the interval after a busy
  one still needs desks, and the first interval of the day needs fewer, since
  the load builds up. For constant demand both methods agree.

An interval whose load is below ``negligible_load`` (:data:`NEGLIGIBLE_LOAD`,
0.001 Erlangs: a client is in service less than 0.1 % of the time) has no load:
it needs ``min_staff`` desks. Without that cut the exponential tail of the
offered load would ask for a desk for hours after closing.

Assumptions: exponential service and patience, a single skill pool per
requirement, stationarity within an interval; the queue itself (as opposed to
the load in service) is not carried from one interval to the next. Units:
minutes throughout, rates per minute, load in Erlangs (mean busy desks with
unlimited desks).

Usage::

    >>> from simoffice.measures.requirements import Target, requirements
    >>> target = Target("service_level", service_level=0.8, within_min=15)
    >>> rates = [0.0, 0.5, 1.0, 1.0, 0.0, 0.0]           # clients per minute, 30-minute intervals
    >>> requirements(rates, service_mean_min=20, target=target, method="per_interval")["staff"].tolist()
    [0, 12, 22, 22, 0, 0]
    >>> requirements(rates, service_mean_min=20, target=target)["staff"].tolist()
    [0, 7, 16, 21, 12, 4]

Bad arguments raise :class:`simoffice.errors.ConfigError` naming the argument
(``target.<field>`` for a :class:`Target`), e.g. ``interval_min: expected a
number of minutes > 0 (got 0)``.
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simoffice.errors import ConfigError
from simoffice.measures.erlang_a import erlang_a, erlang_a_served_wait_mean, erlang_a_service_level
from simoffice.measures.theory import erlang_c, erlang_c_service_level, erlang_c_wait_mean

__all__ = [
    "TARGET_KINDS", "METHODS", "NEGLIGIBLE_LOAD", "REQUIREMENT_COLUMNS", "THEORY_MEASURES",
    "Target", "staff_for", "achieved", "offered_load", "requirements",
]

TARGET_KINDS = ("service_level", "asa", "p_wait", "abandonment")
METHODS = ("offered_load", "per_interval")
# Below this load (Erlangs) an interval needs no desk beyond min_staff.
NEGLIGIBLE_LOAD = 1e-3
# What :func:`achieved` returns, in this order.
THEORY_MEASURES = ("service_level", "asa_min", "p_wait", "abandonment", "occupancy")
REQUIREMENT_COLUMNS = ("interval", "start_min", "end_min", "arrivals_per_min", "load", "staff") + THEORY_MEASURES

# Doubling the desks past this means the target cannot be met (a guard, never reached
# by a valid target).
_MAX_SERVERS = 1 << 24

# --------------------------------------------------------------------------
# argument checks (ConfigError naming the argument)


def _number(where: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ConfigError(where, "a finite number", value)
    return float(value)


def _positive(where: str, value, what: str = "a number") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise ConfigError(where, f"{what} > 0", value)
    return float(value)


def _non_negative(where: str, value, what: str = "a number") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        raise ConfigError(where, f"{what} >= 0", value)
    return float(value)


def _share(where: str, value, low_open: bool, high_open: bool) -> float:
    interval = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = (value > 0 if low_open else value >= 0) and (value < 1 if high_open else value <= 1)
    if not ok:
        raise ConfigError(where, f"a share in {interval}", value)
    return float(value)


def _count(where: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ConfigError(where, "an integer >= 0", value)
    return int(value)


def _rates(arrivals_per_min) -> np.ndarray:
    """The arrival rates as a 1-D float array; ConfigError naming the first bad entry."""
    try:
        rates = np.asarray(arrivals_per_min, dtype=float)
    except (TypeError, ValueError):
        raise ConfigError("arrivals_per_min", "a sequence of arrival rates per minute", arrivals_per_min) from None
    if rates.ndim != 1 or rates.size == 0:
        raise ConfigError("arrivals_per_min", "a non-empty sequence of arrival rates per minute (one per interval)",
                          arrivals_per_min)
    bad = np.flatnonzero(~np.isfinite(rates) | (rates < 0))
    if bad.size:
        i = int(bad[0])
        raise ConfigError(f"arrivals_per_min[{i}]", "a finite arrival rate per minute >= 0", float(rates[i]))
    return rates


# --------------------------------------------------------------------------
# the target


@dataclass(frozen=True)
class Target:
    """What a staffing must achieve in every interval (minutes throughout).

    Attributes:
        kind: one of :data:`TARGET_KINDS`: ``service_level``, ``asa``, ``p_wait`` or
            ``abandonment``; only the fields of that kind (and the two model fields)
            matter, but every field is checked.
        service_level: kind ``service_level``: the share of all clients who must start
            service within ``within_min`` minutes, in [0, 1) (clients who abandon count
            as not served in time).
        within_min: kind ``service_level``: the acceptable wait, minutes (>= 0).
        asa_min: kind ``asa``: the largest mean wait of the clients who are served,
            minutes (> 0). Under Erlang C that is every client; under Erlang A those who
            abandon are left out (the simulator's mean wait).
        p_wait: kind ``p_wait``: the largest share of clients who must wait at all
            (find every desk busy), in (0, 1].
        abandonment: kind ``abandonment``: the largest share of clients who abandon, in
            (0, 1); needs ``patience_mean_min``.
        patience_mean_min: mean exponential patience, minutes (> 0). If given, every kind
            is computed with Erlang A (M/M/c+M); if None, with Erlang C (M/M/c).
        max_occupancy: if given, a cap in (0, 1] on the occupancy, the busy share of the
            desks: carried load / c, which is λ E[S] / c under Erlang C and
            λ (1 − P(abandon)) E[S] / c under Erlang A. Applies with any kind.

    Raises:
        ConfigError: ``target.<field>`` for a value out of range, and
            ``target.patience_mean_min`` for an abandonment target without patience.
    """

    kind: str
    service_level: float = 0.8
    within_min: float = 15.0
    asa_min: float = 2.0
    p_wait: float = 0.5
    abandonment: float = 0.05
    patience_mean_min: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self):
        if self.kind not in TARGET_KINDS:
            raise ConfigError("target.kind", f"one of {', '.join(TARGET_KINDS)}", self.kind)
        _share("target.service_level", self.service_level, low_open=False, high_open=True)
        _non_negative("target.within_min", self.within_min, "a number of minutes")
        _positive("target.asa_min", self.asa_min, "a number of minutes")
        _share("target.p_wait", self.p_wait, low_open=True, high_open=False)
        _share("target.abandonment", self.abandonment, low_open=True, high_open=True)
        if self.patience_mean_min is not None:
            _positive("target.patience_mean_min", self.patience_mean_min, "a mean patience in minutes")
        elif self.kind == "abandonment":
            raise ConfigError("target.patience_mean_min",
                              "a mean patience in minutes > 0 for an abandonment target (Erlang A)", None)
        if self.max_occupancy is not None:
            _share("target.max_occupancy", self.max_occupancy, low_open=True, high_open=False)


# --------------------------------------------------------------------------
# one stationary interval


_NAN = float("nan")


@functools.lru_cache(maxsize=256)  # P(wait), abandonment and occupancy come from one computation
def _erlang_a(c: int, lam: float, mu: float, theta: float):
    return erlang_a(c, lam, mu, theta)


@functools.lru_cache(maxsize=256)  # the search and achieved() ask for the same values
def _measure(name: str, c: int, lam: float, mu: float, target: Target) -> float:
    """One of :data:`THEORY_MEASURES` at ``c`` desks, arrival rate ``lam`` and service rate ``mu``
    (arguments already checked)."""
    if lam == 0.0:
        return (0.0 if c > 0 else _NAN) if name == "occupancy" else _NAN
    if target.patience_mean_min is None:  # Erlang C
        if name == "occupancy":
            return lam / (c * mu) if c > 0 else _NAN
        if lam >= c * mu:  # unstable (also c = 0): no steady state
            return _NAN
        if name == "service_level":
            return erlang_c_service_level(c, lam, mu, target.within_min)
        if name == "asa_min":
            return erlang_c_wait_mean(c, lam, mu)
        if name == "p_wait":
            return erlang_c(c, lam, mu)
        return 0.0  # abandonment
    theta = 1.0 / target.patience_mean_min  # Erlang A
    if c == 0:  # nobody is served: everyone waits and abandons
        return {"service_level": 0.0, "p_wait": 1.0, "abandonment": 1.0}.get(name, _NAN)
    if name == "service_level":
        return erlang_a_service_level(c, lam, mu, theta, target.within_min)
    if name == "asa_min":
        return erlang_a_served_wait_mean(c, lam, mu, theta)
    result = _erlang_a(c, lam, mu, theta)
    if name == "p_wait":
        return result.p_wait
    if name == "abandonment":
        return result.abandon_prob
    return lam * (1.0 - result.abandon_prob) / (c * mu)  # occupancy (carried)


_TARGET_MEASURE = {"service_level": "service_level", "asa": "asa_min", "p_wait": "p_wait",
                   "abandonment": "abandonment"}


def _meets(c: int, lam: float, mu: float, target: Target) -> bool:
    """Whether ``c`` desks meet ``target`` (NaN, i.e. an unstable queue, never does)."""
    if target.max_occupancy is not None and not _measure("occupancy", c, lam, mu, target) <= target.max_occupancy:
        return False
    value = _measure(_TARGET_MEASURE[target.kind], c, lam, mu, target)
    if target.kind == "service_level":
        return value >= target.service_level
    if target.kind == "asa":
        return value <= target.asa_min
    if target.kind == "p_wait":
        return value <= target.p_wait
    return value <= target.abandonment


def staff_for(arrivals_per_min: float, service_mean_min: float, target: Target, min_staff: int = 0) -> int:
    """Fewest desks meeting the target in a stationary M/M/c (or M/M/c+M) queue; min_staff if no load.

    Every measure of a target improves as desks are added, so the fewest desks are
    found by steps of growing size from the square-root staffing rule ⌈a + √a⌉
    (a = λ E[S]) and then bisection: O(log c) evaluations of the theory.

    Args:
        arrivals_per_min: Poisson arrival rate λ, clients per minute (finite, >= 0).
        service_mean_min: mean service time E[S], minutes (> 0).
        target: the :class:`Target`; Erlang A if it has a patience, else Erlang C.
        min_staff: desks never to go below (integer >= 0).

    Returns:
        max(min_staff, the fewest desks c whose theory meets the target); min_staff when
        λ = 0. Under Erlang C the result is always a stable queue (c > λ E[S]).

    Raises:
        ConfigError: naming ``arrivals_per_min``, ``service_mean_min`` or ``min_staff``.
    """
    lam = _non_negative("arrivals_per_min", arrivals_per_min, "an arrival rate per minute")
    mean = _positive("service_mean_min", service_mean_min, "a mean service time in minutes")
    min_staff = _count("min_staff", min_staff)
    if lam == 0.0:
        return min_staff
    return max(min_staff, _fewest(lam, 1.0 / mean, target, _first_guess(lam * mean)))


def _first_guess(load: float) -> int:
    """The square-root staffing rule ⌈a + √a⌉, where the search for the fewest desks starts."""
    return max(1, math.ceil(load + math.sqrt(load)))


def _fewest(lam: float, mu: float, target: Target, guess: int) -> int:
    """Fewest desks (>= 1) meeting ``target`` at λ > 0: steps of 1, 2, 4, … from ``guess`` until the
    answer is bracketed, then bisection; two evaluations when the guess is right."""
    c = max(1, guess)
    if _meets(c, lam, mu, target):
        meets, step = c, 1
        fails = max(0, meets - step)
        while fails > 0 and _meets(fails, lam, mu, target):  # zero desks never meet a target under load
            meets, step = fails, 2 * step
            fails = max(0, meets - step)
    else:
        fails, step = c, 1
        meets = fails + step
        while not _meets(meets, lam, mu, target):
            fails, step = meets, 2 * step
            meets = fails + step
            if meets > _MAX_SERVERS:
                raise ConfigError("target", f"a target that at most {_MAX_SERVERS} desks meet", target)
    while meets - fails > 1:
        mid = (fails + meets) // 2
        if _meets(mid, lam, mu, target):
            meets = mid
        else:
            fails = mid
    return meets


def achieved(c: int, arrivals_per_min: float, service_mean_min: float, target: Target) -> dict[str, float]:
    """The theory at ``c`` desks: what a stationary queue achieves, for every kind of target.

    Args:
        c: number of desks (integer >= 0).
        arrivals_per_min: arrival rate λ, clients per minute (finite, >= 0).
        service_mean_min: mean service time E[S], minutes (> 0).
        target: the model comes from it: Erlang A if it has a patience, else Erlang C.

    Returns:
        A dict with the keys of :data:`THEORY_MEASURES`: ``service_level`` (share of all
        clients who start service within ``target.within_min``), ``asa_min`` (mean wait of
        the served, minutes), ``p_wait`` (P(wait > 0)), ``abandonment`` (share who abandon;
        0 under Erlang C) and ``occupancy`` (busy share of the desks). NaN where undefined:
        every queue measure without arrivals or in an unstable Erlang C queue
        (λ E[S] >= c; its occupancy is still λ E[S] / c), the occupancy of zero desks,
        and the mean wait when nobody is served.

    Raises:
        ConfigError: naming ``c``, ``arrivals_per_min`` or ``service_mean_min``.
    """
    c = _count("c", c)
    lam = _non_negative("arrivals_per_min", arrivals_per_min, "an arrival rate per minute")
    mu = 1.0 / _positive("service_mean_min", service_mean_min, "a mean service time in minutes")
    return {name: float(_measure(name, c, lam, mu, target)) for name in THEORY_MEASURES}


# --------------------------------------------------------------------------
# a day of intervals


def offered_load(arrivals_per_min: np.ndarray, interval_min: float, service_mean_min: float,
                 carried_in: float = 0.0) -> np.ndarray:
    """Mean offered load (Erlangs) in each interval by the infinite-server method.

    m(t) = ∫_0^∞ λ(t − u) P(S > u) du, the mean number of clients in service with
    unlimited desks, for exponential service and λ constant over each interval; the
    closed form of the module docstring gives the exact average over each interval.

    Args:
        arrivals_per_min: arrival rate of each interval, clients per minute (finite, >= 0).
        interval_min: length of an interval, minutes (> 0).
        service_mean_min: mean service time E[S], minutes (> 0).
        carried_in: load present at the start of the first interval, Erlangs (>= 0;
            0: the day starts empty; λ_0 E[S]: as if the first rate had lasted forever).

    Returns:
        A float array with the mean load of each interval.

    Raises:
        ConfigError: naming ``arrivals_per_min[i]`` (or ``arrivals_per_min``),
            ``interval_min``, ``service_mean_min`` or ``carried_in``.
    """
    rates = _rates(arrivals_per_min)
    h = _positive("interval_min", interval_min, "a number of minutes")
    mean = _positive("service_mean_min", service_mean_min, "a mean service time in minutes")
    m = _non_negative("carried_in", carried_in, "a load in Erlangs")
    decay = math.exp(-h / mean)  # what is left of the excess load at the end of an interval
    share = -math.expm1(-h / mean) * mean / h  # its average over the interval
    loads = np.empty(len(rates))
    for k, lam in enumerate(rates):
        steady = lam * mean
        loads[k] = steady + (m - steady) * share
        m = steady + (m - steady) * decay
    return loads


def requirements(arrivals_per_min, service_mean_min: float, target: Target, interval_min: float = 30,
                 method: str = "offered_load", min_staff: int = 0, start_min: float = 0.0,
                 carried_in: float = 0.0, negligible_load: float = NEGLIGIBLE_LOAD) -> pd.DataFrame:
    """The desks each interval needs to meet ``target``, with the theory at that staffing.

    Args:
        arrivals_per_min: arrival rate of each interval, clients per minute (a list or an
            array of finite numbers >= 0, at least one).
        service_mean_min: mean service time E[S], minutes (> 0).
        target: the :class:`Target` every interval must meet.
        interval_min: length of an interval, minutes (> 0; the staffing search uses 15, 30
            or 60).
        method: ``"offered_load"`` (infinite-server load, the day starting empty) or
            ``"per_interval"`` (λ_k E[S]); see the module docstring.
        min_staff: desks never to go below in any interval (integer >= 0).
        start_min: clock time of the start of the first interval, minutes (finite).
        carried_in: method ``offered_load``: the load at the start of the first interval,
            Erlangs (>= 0; 0: the day starts empty). Ignored by ``per_interval``.
        negligible_load: a load below this many Erlangs counts as no load (>= 0).

    Returns:
        A DataFrame with a row per interval and the columns of :data:`REQUIREMENT_COLUMNS`:
        ``interval`` (0..n−1), ``start_min`` and ``end_min`` (start_min + k·interval_min
        and the next), ``arrivals_per_min`` (λ_k), ``load`` (Erlangs: λ_k E[S] for
        ``per_interval``, the mean infinite-server load for ``offered_load``), ``staff``
        (the fewest desks meeting the target at the effective arrival rate load / E[S];
        min_staff where the load is negligible) and the theory at that staff
        (:func:`achieved`): ``service_level``, ``asa_min``, ``p_wait``, ``abandonment``,
        ``occupancy``; a row with negligible load has the theory of no arrivals.

    Raises:
        ConfigError: naming ``arrivals_per_min[i]``, ``service_mean_min``,
            ``interval_min``, ``method``, ``min_staff``, ``start_min``, ``carried_in`` or
            ``negligible_load``.
    """
    rates = _rates(arrivals_per_min)
    mean = _positive("service_mean_min", service_mean_min, "a mean service time in minutes")
    h = _positive("interval_min", interval_min, "a number of minutes")
    if method not in METHODS:
        raise ConfigError("method", f"one of {', '.join(METHODS)}", method)
    min_staff = _count("min_staff", min_staff)
    start = _number("start_min", start_min)
    carried = _non_negative("carried_in", carried_in, "a load in Erlangs")
    negligible = _non_negative("negligible_load", negligible_load, "a load in Erlangs")
    loads = rates * mean if method == "per_interval" else offered_load(rates, h, mean, carried)
    rows = []
    guess = None  # the previous interval's answer: demand changes little from one interval to the next
    for load in np.where(loads >= negligible, loads, 0.0):
        lam = float(load) / mean
        staff = min_staff
        if lam > 0:
            guess = _fewest(lam, 1.0 / mean, target, guess or _first_guess(float(load)))
            staff = max(min_staff, guess)
        rows.append((staff, *achieved(staff, lam, mean, target).values()))
    n = len(rates)
    table = pd.DataFrame({
        "interval": np.arange(n),
        "start_min": start + h * np.arange(n),
        "end_min": start + h * np.arange(1, n + 1),
        "arrivals_per_min": rates,
        "load": loads,
    })
    theory = pd.DataFrame(rows, columns=("staff",) + THEORY_MEASURES)
    theory["staff"] = theory["staff"].astype(np.int64)
    return pd.concat([table, theory], axis=1)[list(REQUIREMENT_COLUMNS)]
