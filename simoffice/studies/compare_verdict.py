"""Verdicts of a comparison: better, worse or no clear difference, and the words for them.

A measure has a direction: lower is better for waits, failed trips or cost, higher
for the share seen within the target or the population covered, and neither for
desk utilisation (busier desks are cheaper but make queues longer). A paired
difference arm − baseline whose 95 % interval lies wholly on the good side is
*better*, wholly on the bad side *worse*, and one whose interval contains 0 is
*no clear difference*. A measure without a direction is *higher* or *lower*.
With one replication there is no interval, hence *no verdict*.

The headline of an arm counts its verdicts ("five_day is better than mon_thu on 5
measures, worse on 2, no clear difference on 4"); a few sentences name the largest
clear differences with their intervals, and where they happen.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import pandas as pd

LOWER, HIGHER = "lower", "higher"  # the better direction of a measure
BETTER, WORSE, UNCLEAR, NO_VERDICT = "better", "worse", "no clear difference", "no verdict"
CURRENCY = "{currency}"  # in a unit: the run's currency (meta["currency"])

# The measures a verdict speaks of, in this order: label (for sentences), unit (shares:
# "%", shown in % and their differences in points) and the better direction (None: neither).
VERDICT: dict[str, tuple[str, str, str | None]] = {
    "wait_mean_min": ("mean wait", "min", LOWER),
    "service_level": ("clients seen within the target wait", "%", HIGHER),
    "abandonment_rate": ("clients leaving the queue", "%", LOWER),
    "failed_trip_rate": ("failed trips", "%", LOWER),
    "visits_per_bundle_mean": ("contacts per bundle", "", LOWER),
    "one_visit_resolution": ("bundles settled in one contact", "%", HIGHER),
    "bundle_completion_days_mean": ("days to complete a bundle", "days", LOWER),
    "expert_turnaround_days": ("expert centre turnaround", "days", LOWER),
    "travel_min_per_bundle": ("travel per bundle", "min", LOWER),
    "coverage_within_min": ("residents with a service point open nearby", "%", HIGHER),
    "cost": ("cost", f"{CURRENCY} a week", LOWER),
    "overtime_min": ("overtime", "min a week", LOWER),
    "staff_hours": ("staff hours", "h a week", LOWER),
    "utilisation": ("desk utilisation", "%", None),
}


def one_replication_reason(replications: int) -> str:
    """Why a comparison of ``replications`` (fewer than 2) has no verdict."""
    return (f"With {replications} replication there is no interval: run run.replications=10 or more "
            "for a verdict.")


def verdict(direction: str | None, low: Any, high: Any) -> str:
    """The verdict of a paired difference with the 95 % interval ``low``–``high``
    (None or NaN: no interval, :data:`NO_VERDICT`) for a measure whose better
    direction is ``direction`` (:data:`LOWER`, :data:`HIGHER` or None)."""
    if not (_finite(low) and _finite(high)):
        return NO_VERDICT
    if low <= 0 <= high:
        return UNCLEAR
    went = HIGHER if low > 0 else LOWER
    if direction is None:
        return went
    return BETTER if went == direction else WORSE


def unit_text(unit: str, currency: str) -> str:
    """A :data:`VERDICT` unit with the currency filled in."""
    return unit.replace(CURRENCY, currency)


def headline_rows(differences: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The headline table: per arm and :data:`VERDICT` measure (in that order) that
    has a mean in both arms, the baseline's and the arm's means, the paired
    difference with its interval, and the verdict.

    Columns: ``arm, measure, label, unit, direction, baseline_mean, arm_mean, mean,
    ci_low, ci_high, n, verdict``.
    """
    rows = []
    for arm, group in differences.groupby("arm", sort=False):
        by_measure = group.set_index("measure")
        for m, (label, unit, direction) in VERDICT.items():
            if m not in by_measure.index:
                continue
            d = by_measure.loc[m]
            if not (_finite(d["baseline_mean"]) and _finite(d["arm_mean"])):
                continue
            rows.append({"arm": arm, "measure": m, "label": label, "unit": unit_text(unit, currency),
                         "direction": direction, "baseline_mean": float(d["baseline_mean"]),
                         "arm_mean": float(d["arm_mean"]), "mean": _float(d["mean"]), "ci_low": _float(d["ci_low"]),
                         "ci_high": _float(d["ci_high"]), "n": int(d["n"]),
                         "verdict": verdict(direction, d["ci_low"], d["ci_high"])})
    return pd.DataFrame(rows, columns=["arm", "measure", "label", "unit", "direction", "baseline_mean", "arm_mean",
                                       "mean", "ci_low", "ci_high", "n", "verdict"])


def counts(headline: pd.DataFrame, arm: str) -> dict[str, int]:
    """How many of the arm's measures with a direction are better, worse or not clearly different."""
    rows = headline[(headline["arm"] == arm) & headline["direction"].notna()]
    return {v: int((rows["verdict"] == v).sum()) for v in (BETTER, WORSE, UNCLEAR)}


def headline_sentence(headline: pd.DataFrame, arm: str, baseline: str) -> str:
    """``five_day is better than mon_thu on 5 measures, worse on 2, no clear difference on 4.``"""
    c = counts(headline, arm)
    return (f"{arm} is better than {baseline} on {_measures(c[BETTER])}, worse on {c[WORSE]}, "
            f"no clear difference on {c[UNCLEAR]}.")


def _measures(n: int) -> str:
    return f"{n} measure" if n == 1 else f"{n} measures"


def largest_sentence(headline: pd.DataFrame, arm: str, top: int = 3) -> str | None:
    """The ``top`` largest clear differences of the arm (better or worse) with their
    intervals and levels; None without any. A share's difference is sized in points
    (a rare event that doubles, 0.4 % to 0.8 %, is not a large change), any other's
    relative to the larger of the two levels."""
    rows = headline[(headline["arm"] == arm) & headline["verdict"].isin((BETTER, WORSE))]
    if rows.empty:
        return None
    relative = rows["mean"].abs() / rows[["baseline_mean", "arm_mean"]].abs().max(axis=1).clip(lower=1e-12)
    size = relative.where(rows["unit"] != "%", rows["mean"].abs())
    picked = rows.loc[size.sort_values(ascending=False).index[:top]]
    parts = [f"{r['label']} {levels(r['baseline_mean'], r['arm_mean'], r['unit'])}: "
             f"{change(r['mean'], r['ci_low'], r['ci_high'], r['unit'])}, {r['verdict']}" for _, r in picked.iterrows()]
    return "Largest clear differences: " + "; ".join(parts) + "."


def levels(before: float, after: float, unit: str) -> str:
    """Two levels: ``from 9.00 to 4.90 min``, ``from 6.0 % to 0.1 %``."""
    if unit == "%":
        return f"from {level(before, unit)} to {level(after, unit)}"
    return f"from {number(before, unit)} to {level(after, unit)}"


def change(mean: float, low: float, high: float, unit: str) -> str:
    """A clear difference in words: ``4.10 min lower (3.20–5.00)``, shares in points (no
    interval when it is the same in every replication)."""
    a, b = sorted((abs(low), abs(high)))
    word = HIGHER if mean > 0 else LOWER
    interval = f" ({number(a, unit)}–{number(b, unit)})" if number(a, unit) != number(b, unit) else ""
    return f"{number(abs(mean), unit)}{_points(unit)} {word}{interval}"


def signed(mean: float, low: float | None, high: float | None, unit: str, inner: bool = False) -> str:
    """A difference with its sign and interval: ``−4.10 min (−5.00 to −3.20)``, shares in
    points; ``inner``: ``−4.10 min, −5.00 to −3.20`` (to go inside brackets). No interval
    is shown when it is a single number (the difference is the same in every replication)."""
    text = f"{_sign(mean)}{number(abs(mean), unit)}{_points(unit)}"
    if _finite(low) and _finite(high) and number(low, unit) != number(high, unit):
        interval = f"{_sign(low)}{number(abs(low), unit)} to {_sign(high)}{number(abs(high), unit)}"
        text += f", {interval}" if inner else f" ({interval})"
    return text


def _sign(x: float) -> str:
    return "−" if x < 0 else "+"


def number(x: float, unit: str) -> str:
    """A number for people: shares (unit ``%``) in percent or points; fewer decimals for
    larger numbers, two significant digits below 0.1 (``0.013``)."""
    x = x * 100 if unit == "%" else x
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}" if abs(x) >= 0.1 or x == 0 else f"{x:.2g}"


def _points(unit: str) -> str:
    return " points" if unit == "%" else (f" {unit}" if unit else "")


def level(x: float | None, unit: str) -> str:
    """A level: ``9.00 min``, ``81.5 %``; ``–`` for none."""
    if not _finite(x):
        return "–"
    return f"{x * 100:.1f} %" if unit == "%" else number(x, unit) + (f" {unit}" if unit else "")


def _finite(x: Any) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _float(x: Any) -> float | None:
    return float(x) if _finite(x) else None


def join_words(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
