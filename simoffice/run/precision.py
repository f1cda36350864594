"""Replications for a precision: run batches until each named interval is narrow enough.

A measure's 95 % interval over ``n`` replications has the half-width
``t(n−1) · s / √n`` (``s`` the replications' standard deviation): four times the
replications halve it. With ``run.precision`` (measure → half-width, see
:mod:`simoffice.config.precision`) the run goes in batches:

1. the first batch is ``run.replications`` (at least
   :data:`~simoffice.config.precision.MIN_FIRST_BATCH`, at most ``run.max_replications``);
2. after each batch, every named measure's interval is computed as the summary
   computes it (:func:`~simoffice.measures.intervals.measure_interval`, cut to the
   measure's range) and its half-width taken as the longer side, ``max(mean −
   ci_low, ci_high − mean)``; a relative half-width asked is a share of the mean so far;
3. when every measure is within, the run stops; else the next batch runs up to the
   fewest replications ``n`` with ``t(n−1) · s / √n`` within, from the ``s`` so far
   (for the measure that needs most), at most twice the replications so far (a
   spread estimated from few replications can be far off) and at most
   ``run.max_replications``; there the run stops whatever the widths (a warning says
   which measure was not within).

Replication ``r`` depends only on ``(seed, r)`` and batches continue the indices
(the second batch runs ``n₁ … n₂ − 1``), so a run that stops at ``n`` has the
tables of a run with ``run.replications=n``. A measure undefined in every
replication (no expert centre, no bundle ended) cannot be waited for: it is left
out, with a warning. In a comparison the arms run each batch together, the same
replication indices, until every arm is within (:func:`replicate_arms`), so they pair.

Stopping when the interval is narrow enough makes its coverage a little below
95 % (the spread is estimated from the same replications, and a batch whose spread
happens to be small stops the run): on normal values, about 93–94 % for counts of
20 to 100. The first batch of at least five and the doubling cap keep it there; ask
a somewhat narrower half-width when the 95 % must hold exactly.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from scipy import stats

from simoffice.config.bounds import affordable_replications
from simoffice.config.precision import first_batch
from simoffice.errors import RunInterrupted
from simoffice.measures.intervals import measure_interval
from simoffice.measures.metrics import UNITS
from simoffice.model.spec import ModelSpec
from simoffice.run.runner import run_replications

LEVEL = 0.95  # the summary's intervals (measure_interval)
NETWORK = "all"  # the network's row among a replication's measures


def replicate(spec: ModelSpec, progress: bool | None = None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The replications of a spec, and what its precision reached: ``run.replications``
    of them (and None) without ``run.precision``, else batches until every named
    measure is within (see the module docstring).

    Raises:
        RunInterrupted: as :func:`~simoffice.run.runner.run_replications`.
    """
    reps, infos = replicate_arms([spec], progress)
    return reps[0], infos[0]


Replications = list[dict[str, Any]]


def replicate_arms(specs: Sequence[ModelSpec], progress: bool | None = None,
                   names: Sequence[str] | None = None) -> tuple[list[Replications], list[dict[str, Any] | None]]:
    """The replications of several arms run together: without a precision in any arm,
    each arm's ``run.replications``; else batches of the same replication indices in
    every arm (the first arm's ``run.replications`` and ``run.max_replications``),
    until every arm's named measures are within. ``names``: the arms' names, in the
    progress bars.

    Returns:
        per arm, its replications in order, and what its precision reached (None
        without a precision).

    Raises:
        RunInterrupted: as :func:`~simoffice.run.runner.run_replications`.
    """
    if not any(spec.run.precision for spec in specs):
        return [run_replications(spec, progress) for spec in specs], [None] * len(specs)
    run = specs[0].run
    most = run.max_replications
    n = first_batch(run)
    # as many as fit in memory (a precision run checked its first batch only)
    room = min((k for k in map(affordable_replications, specs) if k is not None), default=None)
    reps: list[list[dict[str, Any]]] = [[] for _ in specs]
    batches: list[int] = []
    done = 0
    while True:
        for arm, spec in enumerate(specs):
            label = f"{names[arm]}: " if names else ""
            try:
                reps[arm] += run_replications(spec, progress, range(done, n),
                                              desc=f"{label}replications {done + 1}–{n}")
            except RunInterrupted as err:
                raise RunInterrupted(done + err.finished, n) from None
        done = n
        batches.append(n)
        states = [[reached(name, width, relative, values(arm_reps, name))
                   for name, width, relative in spec.run.precision] for spec, arm_reps in zip(specs, reps)]
        full = room is not None and room <= n
        if n >= most or full or all(s["met"] for arm in states for s in arm):
            break
        n = next_count(n, [s["needed"] for arm in states for s in arm if not s["met"]],
                       most if room is None else min(most, room))
    return reps, [summary(spec, arm, n, batches, full) for spec, arm in zip(specs, states)]


def values(reps: Sequence[dict[str, Any]], name: str) -> np.ndarray:
    """One value per replication of a named measure: ``<measure>`` the network's,
    ``<unit>/<measure>`` the unit's (a network of one unit has only the network's)."""
    unit, _, measure = name.rpartition("/")
    out = []
    for rep in reps:
        rows = dict(rep["measures"])
        out.append(rows.get(unit or NETWORK, rows[NETWORK])[measure])
    return np.asarray(out, dtype=float)


def reached(name: str, width: float, relative: bool, x: np.ndarray) -> dict[str, Any]:
    """One measure's state after a batch: ``mean``, ``half_width`` (None: no interval
    yet), ``asked_half_width`` (in the measure's unit), ``met``, ``undefined`` (NaN in
    every replication: not waited for) and ``needed``, the replications that would
    bring it within (None: none would, e.g. 5 % of a mean of 0 that varies)."""
    measure = name.rpartition("/")[2]
    ci = measure_interval(x, measure)
    defined = x[~np.isnan(x)]
    if ci["mean"] is None:
        return {"mean": None, "half_width": None, "asked_half_width": None, "met": True, "undefined": True,
                "needed": len(x)}
    mean = ci["mean"]
    asked = width * abs(mean) if relative else width
    if ci["ci_low"] is None:  # one defined value: no spread yet
        return {"mean": mean, "half_width": None, "asked_half_width": asked, "met": False, "undefined": False,
                "needed": 2 * len(x)}
    half = max(mean - ci["ci_low"], ci["ci_high"] - mean)
    met = half <= asked
    needed = len(x) if met else needed_count(float(defined.std(ddof=1)), asked)
    if needed is not None and len(defined) < len(x):  # some replications leave it undefined
        needed = math.ceil(needed * len(x) / len(defined))
    return {"mean": mean, "half_width": half, "asked_half_width": asked, "met": met, "undefined": False,
            "needed": needed}


def needed_count(s: float, half_width: float, level: float = LEVEL, most: int = 10**7) -> int | None:
    """The fewest replications ``n >= 2`` whose interval ``t(n−1) · s / √n`` is within
    ``half_width``, for a standard deviation ``s`` (None: none is, a half-width of 0
    for a spread > 0; ``most`` when more would be needed)."""
    if s == 0:
        return 2
    if half_width <= 0:
        return None
    q = (1 + level) / 2
    n = max(2, math.floor((stats.norm.ppf(q) * s / half_width) ** 2))  # t > z: never more than needed
    while n < most and stats.t.ppf(q, n - 1) * s / math.sqrt(n) > half_width:
        n += 1
    return n


def next_count(n: int, needed: Sequence[int | None], most: int) -> int:
    """The replications after the next batch: what the measures not yet within need
    (None: as many as allowed), at least one more, at most twice ``n`` and ``most``."""
    want = max(most if k is None else k for k in needed)
    return min(most, 2 * n, max(n + 1, want))


def summary(spec: ModelSpec, states: list[dict[str, Any]], n: int, batches: list[int],
            full: bool = False) -> dict[str, Any]:
    """What a precision run reached (``meta["precision"]``): ``asked`` (as given: a
    number, or ``"5%"``), ``reached`` (per measure its state, see :func:`reached`,
    without ``needed``), ``met`` (every defined measure within), ``replications``,
    ``max_replications``, ``batches`` (the replications after each batch) and
    ``memory`` (true: the run stopped short of the maximum, as many replications as
    fit in memory; see :func:`~simoffice.config.bounds.affordable_replications`)."""
    asked = {name: (f"{width * 100:g}%" if relative else width) for name, width, relative in spec.run.precision}
    out = {name: {k: v for k, v in s.items() if k != "needed"} for (name, _, _), s in zip(spec.run.precision, states)}
    met = all(s["met"] for s in states)
    return {"asked": asked, "reached": out, "met": met, "replications": n,
            "max_replications": spec.run.max_replications, "batches": batches,
            "memory": bool(full and not met and n < spec.run.max_replications)}


# --- in words ------------------------------------------------------------------------

def _amount(name: str, x: float) -> str:
    """A half-width in the measure's unit: a share in points."""
    unit = UNITS[name.rpartition("/")[2]]
    if unit == "share":
        return f"{_number(100 * x)} points"
    return f"{_number(x)} {unit}"


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _asked(name: str, asked: Any) -> str:
    if isinstance(asked, str):
        return f"±{asked.replace('%', ' %')} of the mean"
    return f"±{_amount(name, asked)}"


def _measure_text(name: str, asked: Any, s: dict[str, Any]) -> str:
    if s["undefined"]:
        return f"{name} undefined in every replication (not waited for)"
    if s["half_width"] is None:
        return f"{name} no interval (one value) (asked {_asked(name, asked)})"
    half = f"±{_amount(name, s['half_width'])}"
    if isinstance(asked, str) and s["mean"]:  # relative: the share of the mean reached too
        half += f", {_number(100 * s['half_width'] / abs(s['mean']))} % of the mean"
        return f"{name} {half} (asked ±{asked.replace('%', ' %')})"
    return f"{name} {half} (asked {_asked(name, asked)})"


def precision_line(info: dict[str, Any]) -> str:
    """What a precision run did, in one line (the command line prints it on stderr):
    ``precision: 40 replications; service_level ±0.8 points (asked ±1 points), …`` or
    ``precision: reached run.max_replications=100 before wait_mean_min was within
    ±0.2 min (±0.31 min)`` and the measures that were within."""
    states = info["reached"]
    texts = [_measure_text(name, info["asked"][name], s) for name, s in states.items()]
    if info["met"]:
        return f"precision: {info['replications']} replications; " + ", ".join(texts)
    missed = [name for name, s in states.items() if not s["met"]]
    what = " and ".join(f"{name} was within {_asked(name, info['asked'][name])}"
                        + ("" if states[name]["half_width"] is None
                           else f" (±{_amount(name, states[name]['half_width'])})") for name in missed)
    stop = (f"stopped at {info['replications']} replications, as many as fit in memory (run.keep_contacts=false "
            "holds more)" if info.get("memory") else f"reached run.max_replications={info['max_replications']}")
    within = [text for (name, s), text in zip(states.items(), texts) if s["met"]]  # the others are said above
    return f"precision: {stop} before {what}" + (f"; {', '.join(within)}" if within else "")


def precision_warnings(info: dict[str, Any]) -> list[dict[str, str]]:
    """The summary's warnings (kind ``precision``) of a precision run: stopped by
    ``run.max_replications`` before a measure was within, and each measure undefined
    in every replication, which the run could not wait for."""
    out = []
    if not info["met"]:
        advice = ("Set run.keep_contacts=false" if info.get("memory") else "Raise run.max_replications")
        out.append({"kind": "precision", "unit": "all",
                    "text": "The run " + precision_line(info)[len("precision: "):] + f". {advice}, or ask a wider "
                    "interval."})
    for name, s in info["reached"].items():
        if s["undefined"]:
            out.append({"kind": "precision", "unit": "all",
                        "text": f"run.precision names {name}, which no replication defines (nothing to measure it "
                                "on): the run did not wait for it."})
    return out
