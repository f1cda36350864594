"""Compare two or more arms (policies) on the same clients.

Every arm is simulated with the same seed and replications, so replication
``r`` of each arm sees the same clients (common random numbers, see
:mod:`simoffice.engine.streams` and :mod:`simoffice.engine.clients`). The difference of a measure between an arm and
the baseline (the first arm) is taken replication by replication, and its 95 %
interval is that of the paired differences: much narrower than comparing two
independent runs. A verdict sentence says, per headline measure, whether the
arm raises or lowers it and by how much.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from simoffice.errors import ConfigError
from simoffice.files import atomic_write
from simoffice.measures import metrics
from simoffice.measures.intervals import t_interval
from simoffice.run.pages import write_page
from simoffice.run.results import Results, jsonable

# The measures a verdict speaks of, in this order: label, unit (shares in %), lower is better.
VERDICT = {
    "wait_mean_min": ("mean wait", "min", True),
    "service_level": ("clients seen within the target", "%", False),
    "abandonment_rate": ("clients leaving the queue", "%", True),
    "failed_trip_rate": ("failed trips", "%", True),
    "visits_per_bundle_mean": ("contacts per bundle", "", True),
    "bundle_completion_days_mean": ("days to complete a bundle", "days", True),
    "travel_min_per_bundle": ("travel per bundle", "min", True),
    "coverage_within_min": ("population with a service point open within the service circle", "%", False),
    "cost": ("cost", "a week", True),
    "overtime_min": ("overtime", "min a week", True),
    "utilisation": ("desk utilisation", "%", False),
    "staff_hours": ("staff hours", "h a week", True),
}


@dataclass
class Comparison:
    """The arms' results and the paired differences against the baseline.

    ``differences`` has a row per arm (other than the baseline) × measure:
    ``arm``, ``measure``, ``baseline_mean``, ``arm_mean``, ``mean`` (arm −
    baseline), ``ci_low``, ``ci_high``, ``n`` (replications paired).
    """

    arms: dict[str, Results]
    differences: pd.DataFrame
    verdicts: list[str]

    @property
    def baseline(self) -> str:
        return next(iter(self.arms))

    def save(self, out_dir: str | os.PathLike) -> Path:
        """Each arm's outputs in ``out_dir/<arm>/``, and ``comparison.parquet``,
        ``comparison.json`` and ``comparison.html`` in ``out_dir`` (each written atomically)."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for name, res in self.arms.items():
            res.save(out / name)
        diffs = self.differences
        atomic_write(out / "comparison.parquet", lambda p: diffs.to_parquet(p, index=False))
        doc = {"baseline": self.baseline, "arms": list(self.arms), "verdicts": self.verdicts,
               "differences": diffs.to_dict(orient="records"),
               "meta": {name: res.summary["meta"] for name, res in self.arms.items()}}
        text = json.dumps(jsonable(doc), indent=2)
        write_page("comparison", self, out / "comparison.html")
        # Last: a comparison.json means the comparison is complete.
        atomic_write(out / "comparison.json", lambda p: Path(p).write_text(text + "\n"))
        return out


def paired_differences(arms: Mapping[str, Results]) -> pd.DataFrame:
    """Per arm after the first and per measure: the paired difference arm − baseline."""
    names = list(arms)
    base = _network_values(arms[names[0]])
    rows = []
    for name in names[1:]:
        values = _network_values(arms[name])
        for m in metrics.MEASURES:
            b, a = base.get(m), values.get(m)
            if b is None or a is None:
                continue
            paired = (a - b).dropna()
            ci = t_interval(paired.to_numpy())
            rows.append({"arm": name, "measure": m, "baseline_mean": _nanmean(b), "arm_mean": _nanmean(a),
                         "mean": ci["mean"], "ci_low": ci["ci_low"], "ci_high": ci["ci_high"], "n": ci["n"]})
    return pd.DataFrame(rows, columns=["arm", "measure", "baseline_mean", "arm_mean", "mean", "ci_low", "ci_high",
                                       "n"])


def _network_values(res: Results) -> dict[str, pd.Series]:
    r = res.replications
    net = r[r["office"] == "all"]
    return {m: g.set_index("replication")["value"] for m, g in net.groupby("measure", observed=True)}


def _nanmean(x: pd.Series) -> float | None:
    x = x.dropna()
    return float(x.mean()) if len(x) else None


def _number(x: float, unit: str) -> str:
    """A difference as a number: shares in percentage points."""
    x = x * 100 if unit == "%" else x
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def _unit(unit: str) -> str:
    return " points" if unit == "%" else (f" {unit}" if unit else "")


def _level(x: float | None, unit: str) -> str:
    if x is None:
        return "–"
    return f"{x * 100:.1f} %" if unit == "%" else _number(x, unit) + (f" {unit}" if unit else "")


def verdict_lines(differences: pd.DataFrame, baseline: str) -> list[str]:
    """Plain sentences: per arm and headline measure, what changes against the
    baseline, e.g. "five_day lowers mean wait by 4.10 min (3.20–5.00) against mon_thu: from 9.00 min
    to 4.90 min against mon_thu." An interval that contains 0 is "no clear difference"."""
    lines = []
    for arm, rows in differences.groupby("arm", sort=False):
        by_measure = rows.set_index("measure")
        for m, (label, unit, _) in VERDICT.items():
            if m not in by_measure.index or pd.isna(by_measure.loc[m, "ci_low"]):
                continue
            d = by_measure.loc[m]
            lo, hi = float(d["ci_low"]), float(d["ci_high"])
            levels = f"from {_level(d['baseline_mean'], unit)} to {_level(d['arm_mean'], unit)}"
            if lo > 0 or hi < 0:
                a, b = sorted((abs(lo), abs(hi)))
                verb = "raises" if d["mean"] > 0 else "lowers"
                lines.append(f"{arm} {verb} {label} by {_number(abs(d['mean']), unit)}{_unit(unit)} "
                             f"({_number(a, unit)}–{_number(b, unit)}) against {baseline}: {levels}.")
            else:
                lines.append(f"{arm} makes no clear difference to {label} against {baseline} "
                             f"({_number(lo, unit)} to {_number(hi, unit)}{_unit(unit)}): {levels}.")
    return lines


def compare(arms: Mapping[str, Any], progress: bool | None = None) -> Comparison:
    """Simulate every arm and compare each with the first (the baseline).

    Args:
        arms: arm name -> a composed config, plain dicts or a ModelSpec; at least two,
            with the same ``run.seed`` and ``run.replications`` (so that replications pair).
        progress: show progress bars (default: each config's ``run.progress``).

    Raises:
        ConfigError: fewer than two arms, or arms whose seed or replications differ.
    """
    from simoffice.config.build import build_spec
    from simoffice.model.spec import ModelSpec
    from simoffice.run.simulate import simulate

    if len(arms) < 2:
        raise ConfigError("compare.arms", "at least two arms", list(arms))
    specs = {name: cfg if isinstance(cfg, ModelSpec) else build_spec(cfg) for name, cfg in arms.items()}
    first = next(iter(specs.values())).run
    for name, spec in specs.items():
        for key in ("seed", "replications"):
            if getattr(spec.run, key) != getattr(first, key):
                raise ConfigError(f"compare.arms.{name}", f"run.{key} = {getattr(first, key)} as in the first arm "
                                  "(replications pair only with the same seed)", getattr(spec.run, key))
    results = {name: simulate(arms[name] if not isinstance(arms[name], ModelSpec) else specs[name], progress)
               for name in arms}
    diffs = paired_differences(results)
    return Comparison(results, diffs, verdict_lines(diffs, next(iter(results))))
