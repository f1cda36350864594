"""Callers' patience from an interval report, through Erlang A.

An ACD interval report gives, per half hour, the calls offered, handled and
abandoned, the average handle time (AHT), the average speed of answer (ASA, the
mean wait of the handled calls) and the agents staffed, but not one caller's
wait. With exponential patience of rate θ, a caller waiting in the queue leaves
at rate θ whatever else happens, so the callers who abandoned are θ times the
minutes everybody waited (the censored maximum-likelihood estimate of a
per-call log, in aggregate):

    θ = abandoned / (handled × ASA + abandoned × mean wait of those who abandoned).

The report gives the first two terms; the mean wait of the callers who abandoned
is taken from Erlang A (the M/M/n+M queue: Poisson arrivals at the interval's
offered rate, exponential handle times of its AHT, its agents, patience θ, in
steady state within each interval), which makes the equation one in θ, solved
by root finding (:func:`patience_rate`). The intervals given should be pooled
(:mod:`simoffice.calibration.interval_report` pools each weekday × interval over
the report's dates): Erlang A is convex in the arrival rate, and one half hour's
count is a noisy estimate of its rate. When the report has the mean time to
abandon, that term is observed too and θ is exact. Erlang A with the fitted θ
and the report's agents then predicts each interval's abandoned share and ASA,
a check of the approximation against the report (:func:`erlang_a_intervals`).

:func:`erlang_a_intervals` is Erlang A for many intervals at once (numpy arrays),
agreeing with the scalar oracle :func:`simoffice.measures.erlang_a.erlang_a`;
fractional agents (a half hour's mean staffing) interpolate linearly between the
whole numbers around them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

__all__ = ["ErlangAIntervals", "erlang_a_intervals", "patience_rate", "PATIENCE_RANGE_MIN"]

# Mean patience is looked for within this range (minutes).
PATIENCE_RANGE_MIN = (1e-3, 1e4)
# Terms of the queue beyond the point where each next term is at most half the one
# before: the rest of the sum is below 2**-60 of it.
_TAIL_TERMS = 60
# Intervals are computed in blocks of about this many array cells.
_BLOCK_CELLS = 2_000_000


@dataclass(frozen=True)
class ErlangAIntervals:
    """Erlang A (M/M/n+M in steady state) for each interval; times in minutes.

    Attributes:
        p_wait: share of callers who find every agent busy.
        p_abandon: share of callers who abandon.
        wait_served: mean wait of the callers who are answered (the ASA; 0 with
            nobody answered).
        wait_abandoned: mean wait of the callers who abandon (0 with nobody abandoning).
    """

    p_wait: np.ndarray
    p_abandon: np.ndarray
    wait_served: np.ndarray
    wait_abandoned: np.ndarray


def _whole_agents(lam: np.ndarray, mu: np.ndarray, n: np.ndarray, theta: float) -> np.ndarray:
    """(4, rows): P(wait), P(abandon), E[wait; answered], E[wait; abandoned] with ``n`` whole agents.

    A caller who finds the n agents busy and q callers waiting is at queue position
    j = q + 1; each position is left at rate n μ + j θ, so the caller is answered with
    probability n μ / (n μ + j θ), waits j / (n μ + j θ) on average, and
    E[wait; answered | j] = n μ / (n μ + j θ) · Σ_{i<=j} 1 / (n μ + i θ). By PASTA the
    caller sees the stationary π_{n+q} ∝ (a^n / n!) Π_{i<=q} λ / (n μ + i θ), a = λ / μ.
    """
    out = np.zeros((4, lam.size))
    live = lam > 0
    if not live.any():
        return out
    nmu = n * mu
    # Queue terms needed: past q0 each ratio λ / (n μ + q θ) is at most 1/2.
    q0 = np.maximum(np.ceil((2 * lam - nmu) / theta), 0)
    need = np.where(live, q0 + _TAIL_TERMS, 0).astype(np.int64)
    size = np.maximum(64, 2 ** np.ceil(np.log2(np.maximum(need, 1)))).astype(np.int64)
    for width in np.unique(size[live]):
        rows = np.flatnonzero(live & (size == width))
        step = max(1, _BLOCK_CELLS // int(width))
        for lo in range(0, rows.size, step):
            i = rows[lo:lo + step]
            out[:, i] = _block(lam[i], mu[i], n[i], theta, int(width))
    return out


def _block(lam: np.ndarray, mu: np.ndarray, n: np.ndarray, theta: float, width: int) -> np.ndarray:
    j = np.arange(1, width + 1, dtype=float)[None, :]  # queue position of an arriving caller
    nmu = (n * mu)[:, None]
    d = nmu + j * theta  # the rate position j is left at
    log_lam = np.log(lam)[:, None]
    # log π_{n+q} / π_n for q = 0 … width - 1
    log_rel = np.concatenate([np.zeros((lam.size, 1)), np.cumsum(log_lam - np.log(d[:, :-1]), axis=1)], axis=1)
    a = lam / mu
    log_pin = n * np.log(a) - special.gammaln(n + 1)
    with np.errstate(divide="ignore"):
        log_low = a + stats.poisson.logcdf(n - 1, a)  # log Σ_{k<n} a^k / k! (-inf with no agent)
    log_queue = log_pin + special.logsumexp(log_rel, axis=1)
    log_norm = np.logaddexp(log_low, log_queue)
    pi = np.exp(log_rel + (log_pin - log_norm)[:, None])  # π_{n+q}
    answered = nmu / d
    stage_means = np.cumsum(1.0 / d, axis=1)
    p_wait = pi.sum(axis=1)
    p_abandon = (pi * (j * theta / d)).sum(axis=1)
    wait_answered = (pi * answered * stage_means).sum(axis=1)
    wait_all = (pi * (j / d)).sum(axis=1)
    return np.stack([p_wait, p_abandon, wait_answered, np.maximum(wait_all - wait_answered, 0.0)])


def erlang_a_intervals(arrival_rate, service_rate, agents, patience_rate: float) -> ErlangAIntervals:
    """Erlang A for each interval: arrays of arrival rates λ and service rates μ (per
    minute) and agents (>= 0, fractional ones interpolated), one patience rate θ (> 0).

    Raises:
        ValueError: naming ``patience_rate`` if it is not finite and > 0, or
            ``agents`` / ``service_rate`` / ``arrival_rate`` if an entry is negative
            (service rates must be > 0).
    """
    lam, mu, agents = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                            for x in (arrival_rate, service_rate, agents)))
    lam, mu, agents = lam.ravel(), mu.ravel(), agents.ravel()
    if not (math.isfinite(patience_rate) and patience_rate > 0):
        raise ValueError(f"patience_rate must be finite and > 0 (got {patience_rate!r})")
    for name, x, ok in (("arrival_rate", lam, lam >= 0), ("service_rate", mu, mu > 0), ("agents", agents, agents >= 0)):
        if not (ok & np.isfinite(x)).all():
            raise ValueError(f"{name} must be finite and {'> 0' if name == 'service_rate' else '>= 0'} "
                             f"(got {x[~(ok & np.isfinite(x))][0]!r})")
    whole = np.floor(agents)
    share = agents - whole
    low = _whole_agents(lam, mu, whole, patience_rate)
    high = low.copy()
    frac = share > 0
    if frac.any():
        high[:, frac] = _whole_agents(lam[frac], mu[frac], whole[frac] + 1, patience_rate)
    p_wait, p_abandon, e_answered, e_abandoned = (1 - share) * low + share * high
    with np.errstate(invalid="ignore", divide="ignore"):
        wait_served = np.where(p_abandon < 1, e_answered / (1 - p_abandon), 0.0)
        wait_abandoned = np.where(p_abandon > 0, e_abandoned / p_abandon, 0.0)
    return ErlangAIntervals(p_wait, p_abandon, wait_served, wait_abandoned)


def patience_rate(offered_rate, service_rate, agents, handled, asa, abandoned, abandon_wait=None) -> float | None:
    """The patience rate θ (per minute) that explains the abandoned calls of the intervals.

    Solves θ · (Σ handled × ASA + Σ abandoned × w) = Σ abandoned, where w is an
    interval's observed mean time to abandon (``abandon_wait``, NaN where unknown)
    or else Erlang A's mean wait of the callers who abandon at that θ.

    Args:
        offered_rate: calls offered per minute of each interval.
        service_rate: 1 / AHT (per minute) of each interval.
        agents: agents staffed (mean over the interval).
        handled, asa: calls answered and their mean wait (minutes).
        abandoned: calls abandoned.
        abandon_wait: mean wait of the abandoned calls (minutes), or None / NaN.

    Returns:
        θ, or None if nobody abandoned. θ is kept within
        :data:`PATIENCE_RANGE_MIN` (mean patience from 0.001 to 10 000 minutes).
    """
    handled, abandoned = np.asarray(handled, dtype=float), np.asarray(abandoned, dtype=float)
    asa = np.nan_to_num(np.asarray(asa, dtype=float))
    known = np.full(abandoned.shape, np.nan) if abandon_wait is None else np.asarray(abandon_wait, dtype=float)
    total = float(abandoned.sum())
    if total <= 0:
        return None
    observed = float((handled * asa).sum() + np.where(np.isfinite(known), abandoned * known, 0.0).sum())
    model = (abandoned > 0) & ~np.isfinite(known)
    lo, hi = 1 / PATIENCE_RANGE_MIN[1], 1 / PATIENCE_RANGE_MIN[0]
    if not model.any():
        return float(np.clip(total / max(observed, 1e-12), lo, hi))
    lam = np.asarray(offered_rate, dtype=float)[model]
    mu = np.asarray(service_rate, dtype=float)[model]
    n = np.asarray(agents, dtype=float)[model]
    a = abandoned[model]

    def excess(log_theta: float) -> float:
        theta = math.exp(log_theta)
        w = erlang_a_intervals(lam, mu, n, theta).wait_abandoned
        return theta * (observed + float((a * w).sum())) - total

    # Bracket the root around the guess that those who abandoned waited as long as the
    # answered ones (widening by factors of 4: a long patience makes Erlang A slow).
    mean_asa = float((handled * asa).sum() / handled.sum()) if handled.sum() > 0 else 1.0
    guess = math.log(min(max(total / max(observed + total * mean_asa, 1e-12), lo), hi))
    left, right = max(guess - math.log(4), math.log(lo)), min(guess + math.log(4), math.log(hi))
    while excess(right) < 0:
        if right >= math.log(hi):
            return hi
        left, right = right, min(right + math.log(4), math.log(hi))
    while excess(left) > 0:
        if left <= math.log(lo):
            return lo
        left, right = max(left - math.log(4), math.log(lo)), left
    return math.exp(optimize.brentq(excess, left, right, xtol=1e-10, rtol=1e-10))
