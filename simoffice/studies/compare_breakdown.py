"""Where two arms differ: paired differences by unit, by weekday and by zone.

The network's figures can hide where a change happens: closing on Fridays may
lengthen the wait at one office only, and a mobile route helps the villages it
stops in. The same pairing as for the network (replication ``r`` of each arm sees
the same clients) gives an interval for each unit's difference (from
``Results.replications``, office != "all") and each weekday's or zone's (from
``Results.groups``, ``by == "weekday"`` or ``"zone"``).
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from simoffice.measures.intervals import t_interval
from simoffice.model.spec import MOBILE_OFFICE
from simoffice.run.results import Results
from simoffice.studies.compare_verdict import BETTER, VERDICT, WORSE, verdict
from simoffice.vocabulary import WEEKDAY_NAMES

# The measures of each breakdown, in the order of its table's columns.
BREAKDOWN_MEASURES: dict[str, tuple[str, ...]] = {
    "unit": ("wait_mean_min", "service_level", "failed_trip_rate", "cost"),
    "weekday": ("wait_mean_min", "service_level", "abandonment_rate", "failed_trip_rate"),
    "zone": ("coverage_within_min", "travel_min_per_bundle", "wait_mean_min", "failed_trip_rate"),
}
COLUMNS = ["arm", "group", "measure", "baseline_mean", "arm_mean", "mean", "ci_low", "ci_high", "n", "verdict"]
COVERAGE_MEASURES = ("coverage_within_min", "travel_min_per_bundle")


def paired_difference(baseline: pd.Series, arm: pd.Series) -> dict[str, float | int | None]:
    """The means of two series indexed by replication and the interval of their paired
    difference arm − baseline (replications missing or NaN in either are left out)."""
    paired = (arm - baseline).dropna()
    ci = t_interval(paired.to_numpy())
    return {"baseline_mean": _nanmean(baseline), "arm_mean": _nanmean(arm), **ci}


def _nanmean(x: pd.Series) -> float | None:
    x = x.dropna()
    return float(x.mean()) if len(x) else None


def by_unit(arms: Mapping[str, Results]) -> pd.DataFrame:
    """Per arm after the first, unit (in the baseline's order, then the arm's new units)
    and :data:`BREAKDOWN_MEASURES` ``unit`` measure: the paired difference and its verdict.
    A unit of one arm only has the means of that arm and no difference."""
    tables = {name: _long(res.replications[res.replications["office"] != "all"], "office") for name, res in
              arms.items()}
    order = {name: [o.name for o in res.spec.offices] for name, res in arms.items()}
    return _differences(tables, order, BREAKDOWN_MEASURES["unit"])


def by_group(arms: Mapping[str, Results], by: str) -> pd.DataFrame:
    """As :func:`by_unit` for a split of ``Results.groups`` (``weekday`` or ``zone``):
    weekdays Monday first, zones in the baseline's order. Empty when the results
    have no such split."""
    tables = {name: _long(res.groups[res.groups["by"] == by], "group") for name, res in arms.items()}
    if by == "weekday":
        order = {name: list(WEEKDAY_NAMES) for name in arms}
    else:
        order = {name: [z.name for z in res.spec.zones] for name, res in arms.items()}
    return _differences(tables, order, BREAKDOWN_MEASURES[by])


def _long(table: pd.DataFrame, column: str) -> pd.Series:
    """Values indexed by (group, measure, replication)."""
    t = table.rename(columns={column: "group"})
    return t.set_index(["group", "measure", "replication"])["value"].astype(float).sort_index()


def _differences(tables: Mapping[str, pd.Series], order: Mapping[str, list[str]],
                 measures: tuple[str, ...]) -> pd.DataFrame:
    names = list(tables)
    base = tables[names[0]]
    rows = []
    for name in names[1:]:
        arm = tables[name]
        groups = _ordered(order[names[0]], order[name], base, arm)
        for g in groups:
            for m in measures:
                b, a = _values(base, g, m), _values(arm, g, m)
                if b.dropna().empty and a.dropna().empty:
                    continue
                d = paired_difference(b, a)
                rows.append({"arm": name, "group": g, "measure": m, **d,
                             "verdict": verdict(VERDICT[m][2], d["ci_low"], d["ci_high"])})
    return pd.DataFrame(rows, columns=COLUMNS)


def _ordered(first: list[str], second: list[str], base: pd.Series, arm: pd.Series) -> list[str]:
    present = set(base.index.get_level_values(0)) | set(arm.index.get_level_values(0))
    out = [g for g in first if g in present]
    out += [g for g in second if g in present and g not in out]
    return out + sorted(str(g) for g in present if g not in out)


def _values(table: pd.Series, group: str, measure: str) -> pd.Series:
    try:
        return table.loc[(group, measure)]
    except KeyError:
        return pd.Series(dtype=float)


def about_coverage(arms: Mapping[str, Results], zones: pd.DataFrame) -> bool:
    """Whether the comparison is about where people live: the arms have different mobile
    routes, or some zone's coverage or travel differs clearly."""
    routes = {frozenset(o.name for o in res.spec.offices if o.kind == MOBILE_OFFICE) for res in arms.values()}
    if len(routes) > 1:
        return True
    return bool(len(zones)) and bool(
        zones[zones["measure"].isin(COVERAGE_MEASURES) & zones["verdict"].isin((BETTER, WORSE))].shape[0])


def breakdowns(arms: Mapping[str, Results]) -> dict[str, pd.DataFrame]:
    """``unit`` and ``weekday`` breakdowns, and ``zone`` when :func:`about_coverage`."""
    out = {"unit": by_unit(arms), "weekday": by_group(arms, "weekday")}
    zones = by_group(arms, "zone")
    if about_coverage(arms, zones):
        out["zone"] = zones
    return out
