"""The tables of a run, and writing them to an output directory.

:class:`Results` holds tidy pandas tables (names, not codes):

- ``contacts``: a row per contact (ticket, call, session, no-show or failed trip);
- ``bundles``: a row per bundle;
- ``cases``: a row per case escalated to the expert centre;
- ``timeseries``: per replication × unit × desk group × 15-minute bin
  (``desk_group == "all"`` holds the unit totals);
- ``replications``: a row per replication × unit × measure (``office == "all"``
  for the network);
- ``groups``: a row per replication × split (``segment``, ``zone``, ``channel``,
  ``weekday``) × group × measure, for the clients' side of the measures;
- ``standards``: a row per replication × unit (``all`` for the network, ``expert
  centre``) × service standard: the share that met it (abandonment: that abandoned);
- ``hours``: per replication × unit × weekday × hour, the contacts that queued and
  those seen within their channel's wait standard (the report's heat map);
- ``weekly``: per replication × unit × measured week × measure, the weekly figures
  whose growth marks a unit that does not settle (:mod:`simoffice.measures.trend`);
- ``summary``: ``{"measures": {name: interval}, "units": {unit: {measure:
  interval}}, "groups": {"segment"|"channel"|"zone"|"weekday": {group: {measure:
  interval}}}, "equity": {"segment"|"zone": {measure: {highest, lowest, gap:
  interval}}}, "standards": [{standard, unit, kind, channel, within, within_unit,
  target, direction, label, source, mean, ci_low, ci_high, n, status}],
  "warnings": [{kind, unit, text}], "meta": {...}}``; an interval is ``{mean,
  ci_low, ci_high, n}``, cut to the measure's possible range (a share's [0, 1],
  else [0, ∞)); a gap's interval is a difference and is not cut.

With ``run.keep_contacts=false`` the ``contacts``, ``bundles`` and ``cases``
tables are empty and ``timeseries`` holds a typical week (see
:mod:`simoffice.measures.aggregate`).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from simoffice.engine import recorder
from simoffice.files import atomic_write
from simoffice.measures import metrics
from simoffice.measures.intervals import measure_interval, t_interval
from simoffice.measures.schedule_checks import schedule_warnings
from simoffice.measures.trend import growing, growth_text
from simoffice.model.channels import CHANNELS
from simoffice.model.spec import ModelSpec
from simoffice.model.standards import status
from simoffice.run.pages import write_page
from simoffice.run.tables import write_table
from simoffice.vocabulary import DAY

TABLES = ("contacts", "bundles", "cases", "timeseries", "replications", "groups", "standards", "hours", "weekly")
CONFIG = "config.yaml"  # the run's config, resolved: what Results.load rebuilds the spec from
FILES = tuple(f"{t}.parquet" for t in TABLES) + (CONFIG, "summary.json", "report.html")
# The measures a short repr shows.
REPR_MEASURES = ("service_level", "wait_mean_min", "abandonment_rate")
# Fewer replications than this get a warning: a Student-t interval of 2 or 3 values is very wide.
FEW_REPLICATIONS = 5


@dataclass
class Results:
    """Everything a run produced (see the module docstring for the tables)."""

    contacts: pd.DataFrame
    bundles: pd.DataFrame
    cases: pd.DataFrame
    timeseries: pd.DataFrame
    replications: pd.DataFrame
    groups: pd.DataFrame
    standards: pd.DataFrame
    hours: pd.DataFrame
    weekly: pd.DataFrame
    summary: dict[str, Any]
    spec: ModelSpec | None = field(repr=False)  # None: loaded from a run of a ModelSpec (no config saved)
    config: dict[str, Any] | None = field(default=None, repr=False)  # the config as plain values (None: a ModelSpec)

    def __repr__(self) -> str:
        """One line: what ran, how much, and the headline measures with their intervals."""
        meta = self.summary.get("meta", {})
        measures = self.summary.get("measures", {})
        shown = []
        for name in REPR_MEASURES:
            iv = measures.get(name) or {}
            if iv.get("mean") is not None:
                bounds = (f" [{iv['ci_low']:.3g}, {iv['ci_high']:.3g}]"
                          if iv.get("ci_low") is not None and iv.get("ci_high") is not None else "")
                shown.append(f"{name}={iv['mean']:.3g}{bounds}")
        return (f"<Results {meta.get('network')} × {meta.get('schedule')} × {meta.get('design')}: "
                f"{meta.get('replications')} replications × {meta.get('weeks')} weeks, "
                f"{len(self.contacts):,} contacts; {', '.join(shown) or 'no measures'}>")

    @classmethod
    def load(cls, out_dir: str | os.PathLike) -> Any:
        """Reopen what a run saved in ``out_dir`` (a run's folder, an arm of a
        comparison, a sweep job): the same :class:`Results` the run returned.
        A comparison's folder reopens with ``simoffice.Comparison.load`` (or
        ``simoffice.load``, which takes either).

        The tables and ``meta`` are as the run returned them; in ``summary`` a value
        that was not finite (NaN) reads back as None, as summary.json writes it. The
        spec is rebuilt from ``config.yaml`` (from Hydra's ``.hydra/config.yaml`` for
        a run saved before it was written); a run of a ModelSpec has no config and
        loads with ``spec=None`` (tables and summary only; its page cannot be redrawn).

        Raises:
            ConfigError: ``out_dir`` is not the folder of a complete run (no
                ``summary.json``; a comparison's folder is named as such), or a file
                in it is not what the run wrote.
        """
        from simoffice.run.saved import load_run

        return load_run(Path(out_dir))

    @property
    def measures(self) -> pd.DataFrame:
        """The summary measures as a table: mean, ci_low, ci_high, n per measure."""
        return pd.DataFrame(self.summary["measures"]).T

    def save(self, out_dir: str | os.PathLike) -> Path:
        """Write the tables, config.yaml (the config, resolved; not for a run of a
        ModelSpec), report.html (as ``run.report`` says: ``full``, ``light``
        or ``none``, no page) and summary.json into ``out_dir``.

        Each file is written to a temporary name and renamed into place, so a
        file is either complete or absent; summary.json comes last. A save
        that fails or is interrupted (KeyboardInterrupt) removes the files it
        had created: the directory holds every file of the run or none.
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        # allow_nan=False: JSON has no NaN or Infinity (jsonable writes them as null).
        text = json.dumps(jsonable(self.summary), indent=2, allow_nan=False)
        new = [out / name for name in FILES if not (out / name).exists()]
        level = self.spec.run.report if self.spec is not None else "none"
        try:
            for name in TABLES:
                table = getattr(self, name)
                atomic_write(out / f"{name}.parquet", lambda p: write_table(table, p))
            if self.config is not None:
                config = yaml.safe_dump(jsonable(self.config), sort_keys=False, allow_unicode=True)
                atomic_write(out / CONFIG, lambda p: Path(p).write_text(config, encoding="utf-8"))
            if level != "none":
                write_page("run", self, out / "report.html", level)
            atomic_write(out / "summary.json", lambda p: Path(p).write_text(text + "\n"))
        except BaseException:
            for path in new:
                path.unlink(missing_ok=True)
            raise
        return out


def jsonable(x: Any) -> Any:
    """``x`` with numpy numbers as Python numbers and NaN or ±inf as None, for JSON."""
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


def assemble(spec: ModelSpec, reps: list[dict[str, Any]], meta: dict[str, Any]) -> Results:
    """Turn the replications' logs into tidy tables and the summary."""
    names = _Names(spec)
    contacts = _contacts(_stack(reps, "contacts"), spec, names)
    bundles = _bundles(_stack(reps, "bundles"), spec, names)
    cases = _cases(_stack(reps, "cases"), spec, names)
    timeseries = _timeseries(_stack(reps, "timeseries"), spec, names)
    long = [(r["replication"], office, m, v) for r in reps for office, ms in r["measures"] for m, v in ms.items()]
    replications = pd.DataFrame(long, columns=["replication", "office", "measure", "value"])
    network = replications[replications["office"] == "all"]
    long = [(r["replication"], by, group, m, v) for r in reps for by, group, ms in r["groups"] for m, v in ms.items()]
    groups = pd.DataFrame(long, columns=["replication", "by", "group", "measure", "value"])
    long = [(r["replication"], office, s, v) for r in reps for office, s, v in r["standards"]]
    standards = pd.DataFrame(long, columns=["replication", "office", "standard", "value"])
    hours = _hours(reps, names)
    weekly = weekly_table(reps)
    units = replications[replications["office"] != "all"]
    summary = {
        "measures": {m: measure_interval(network.loc[network["measure"] == m, "value"], m) for m in metrics.MEASURES},
        "units": {str(u): {str(m): measure_interval(v["value"], m) for m, v in rows.groupby("measure", sort=False)}
                  for u, rows in units.groupby("office", sort=False)},
        "groups": {by: group_intervals(groups, by) for by in ("segment", "channel", "zone", "weekday")},
        "equity": {by: equity(groups, by) for by in ("segment", "zone")},
        "standards": standard_intervals(standards, spec),
        "warnings": run_warnings(spec, weekly),
        "meta": meta,
    }
    summary["warnings"] += non_finite_warnings(summary["measures"])
    return Results(contacts, bundles, cases, timeseries, replications, groups, standards, hours, weekly, summary,
                   spec)


def weekly_table(reps: list[dict[str, Any]]) -> pd.DataFrame:
    """The ``weekly`` table of replications: a row per replication × unit × week × measure."""
    long = [(r["replication"], office, w, m, v) for r in reps for office, w, m, v in r["weekly"]]
    return pd.DataFrame(long, columns=["replication", "office", "week", "measure", "value"])


def _hours(reps: list[dict[str, Any]], names: "_Names") -> pd.DataFrame:
    """The heat map's table: a row per replication × unit × weekday × hour with a contact that queued."""
    h = _stack(reps, "hours")
    return pd.DataFrame({
        "replication": h["replication"],
        "office": _names(h["office"], names.offices),
        "weekday": h["weekday"],
        "hour": h["hour"],
        "queued": h["queued"],
        "in_time": h["in_time"],
    })


def standard_intervals(standards: pd.DataFrame, spec: ModelSpec) -> list[dict[str, Any]]:
    """Each standard's interval and status, the network's first, then per unit in
    config order (the expert centre last), where the standard counted anyone."""
    units = {u.name: i for i, u in enumerate(spec.offices)}
    out = []
    for st in spec.standards:
        rows = standards[standards["standard"] == st.name]
        for office, part in sorted(rows.groupby("office", sort=False),
                                   key=lambda kv: -1 if kv[0] == "all" else units.get(kv[0], len(units))):
            within, target = st.limit(units.get(office))
            ci = t_interval(part["value"], low=0.0, high=1.0)
            out.append({"standard": st.name, "unit": str(office), "kind": st.kind,
                        "channel": [CHANNELS[c] for c in st.channels] or None,
                        "within": within, "within_unit": st.within_unit, "target": target,
                        "direction": st.direction, "label": st.label, "source": st.source, **ci,
                        "status": status(ci["mean"], ci["ci_low"], ci["ci_high"], target, st.direction)})
    return out


def run_warnings(spec: ModelSpec, weekly: pd.DataFrame) -> list[dict[str, str]]:
    """What a reader must know before trusting the means: units open with no desk
    on duty or without a skill, staff on duty while closed (the spec's own checks),
    units whose waits or backlog keep growing, and too few replications."""
    out = schedule_warnings(spec)
    out += [{"kind": "unstable", "unit": g["unit"], "text": growth_text(g)} for g in growing(weekly)]
    n = spec.run.replications
    if n < FEW_REPLICATIONS:
        text = ("One replication: no measure has an interval, and no standard can be judged met or missed; "
                "run run.replications=10 or more." if n == 1 else
                f"Only {n} replications: the intervals are wide; run run.replications=10 or more for firm answers.")
        out.append({"kind": "few_replications", "unit": "all", "text": text})
    return out


def non_finite_warnings(measures: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    """A measure whose mean is infinite (a cost priced beyond any float): summary.json
    writes it as null, and the reader is told why."""
    out = []
    for name, interval in measures.items():
        mean = interval.get("mean")
        if mean is not None and isinstance(mean, (float, np.floating)) and math.isinf(mean):
            out.append({"kind": "non_finite", "unit": "all",
                        "text": f"The network's {name} is not a finite number (a price or a count too large to add "
                                "up): it is left blank."})
    return out


class _Names:
    """The names behind the codes of a log's columns, in code order."""

    def __init__(self, spec: ModelSpec):
        self.offices = [o.name for o in spec.offices]
        self.desk_groups = [g.name for o in spec.offices for g in o.desk_groups]
        self.segments = [s.name for s in spec.segments]
        self.zones = [z.name for z in spec.zones]
        self.services = [s.name for s in spec.services]
        self.skills = list(spec.skills)
        self.bundle_types = [b.name for b in spec.bundles]


def _stack(reps: list[dict[str, Any]], part: str) -> dict[str, np.ndarray]:
    """One part of the log (``contacts``, ``bundles`` …) of every replication, stacked,
    with a ``replication`` column first."""
    first = next(iter(reps[0][part]))
    cols = {"replication": np.concatenate([np.full(len(r[part][first]), r["replication"], np.int32) for r in reps])}
    for k in reps[0][part]:
        # One replication's column as it is: a national log is large enough to mind a copy.
        cols[k] = reps[0][part][k] if len(reps) == 1 else np.concatenate([r[part][k] for r in reps])
    return cols


def _contacts(c: dict[str, np.ndarray], spec: ModelSpec, names: _Names) -> pd.DataFrame:
    """The contacts table: a row per contact, names for codes, waits and service times in minutes."""
    w0, w1 = spec.run.window
    contacts = pd.DataFrame({
        "replication": c["replication"],
        "bundle": c["bundle"],
        "visit": c["visit"],
        "channel": _names(c["channel"], list(CHANNELS)),
        "office": _names(c["office"], names.offices),
        "zone": _names(c["zone"], names.zones),
        "segment": _names(c["segment"], names.segments),
        "service": _names(c["service"], names.services),
        "skill": _names(c["skill"], names.skills),
        "desk_group": _names(c["desk_group"], names.desk_groups),
        "desk": c["desk"],
        "priority": c["priority"],
        "n_needs": c["n_needs"],
        "n_settled": c["n_settled"],
        "arrival_min": c["arrival_min"],
        "start_min": c["start_min"],
        "end_min": c["end_min"],
        "wait_min": np.where(np.isnan(c["start_min"]), c["end_min"], c["start_min"]) - c["arrival_min"],
        "service_min": c["end_min"] - c["start_min"],
        "travel_min": c["travel_min"],
        "outcome": _names(c["outcome"], list(recorder.OUTCOMES)),
        "in_window": (c["arrival_min"] >= w0) & (c["arrival_min"] < w1),
        "weekday": ((c["arrival_min"] // DAY + spec.run.start_weekday) % 7).astype(np.int8),
        "hour": ((c["arrival_min"] % DAY) // 60).astype(np.int8),
    })
    # A trip to a closed office, a no-show and an online session have no queue time.
    no_queue = contacts["outcome"].isin(["closed", "no_show"]) | (contacts["channel"] == "online")
    contacts.loc[no_queue, "wait_min"] = np.nan
    return contacts


def _bundles(b: dict[str, np.ndarray], spec: ModelSpec, names: _Names) -> pd.DataFrame:
    """The bundles table: a row per bundle, names for codes."""
    w0, w1 = spec.run.window
    return pd.DataFrame({
        "replication": b["replication"],
        "bundle": b["bundle"],
        "office": _names(b["office"], names.offices),
        "zone": _names(b["zone"], names.zones),
        "segment": _names(b["segment"], names.segments),
        "bundle_type": _names(b["bundle_type"], names.bundle_types),
        "created_min": b["created_min"],
        "first_visit_min": b["first_visit_min"],
        "end_min": b["end_min"],
        "visits": b["visits"],
        "tickets": b["tickets"],
        "failed_trips": b["failed_trips"],
        "needs": b["needs"],
        "needs_settled": b["needs_settled"],
        "needs_proactive": b["needs_proactive"],
        "needs_escalated": b["escalated"],
        "travel_min": b["travel_min"],
        "status": _names(b["status"], list(recorder.STATUSES)),
        "in_window": (b["created_min"] >= w0) & (b["created_min"] < w1),
    })


def _cases(k: dict[str, np.ndarray], spec: ModelSpec, names: _Names) -> pd.DataFrame:
    """The cases table: a row per case escalated to the expert centre, turnaround in days."""
    w0, w1 = spec.run.window
    return pd.DataFrame({
        "replication": k["replication"],
        "bundle": k["bundle"],
        "zone": _names(k["zone"], names.zones),
        "segment": _names(k["segment"], names.segments),
        "service": _names(k["service"], names.services),
        "skill": _names(k["skill"], names.skills),
        "expert": k["expert"],
        "escalated_min": k["escalated_min"],
        "start_min": k["start_min"],
        "end_min": k["end_min"],
        "turnaround_days": (k["end_min"] - k["escalated_min"]) / DAY,
        "follow_up": k["follow_up"].astype(bool),
        "in_window": (k["escalated_min"] >= w0) & (k["escalated_min"] < w1),
    })


def _timeseries(t: dict[str, np.ndarray], spec: ModelSpec, names: _Names) -> pd.DataFrame:
    """The time series table: a row per unit × desk group (``all``: the unit's total) × bin."""
    bin_start = t["bin_start_min"]
    return pd.DataFrame({
        "replication": t["replication"],
        "office": _names(t["office"], names.offices),
        "desk_group": _names(t["desk_group"], names.desk_groups, missing="all"),
        "bin_start_min": bin_start,
        "weekday": ((bin_start // DAY + spec.run.start_weekday) % 7).astype(np.int8),
        "hour": ((bin_start % DAY) // 60).astype(np.int8),
        "queue_mean": t["queue_mean"],
        "busy_mean": t["busy_mean"],
        "on_duty_mean": t["on_duty_mean"],
    })


def group_intervals(groups: pd.DataFrame, by: str) -> dict[str, dict[str, dict[str, float]]]:
    """Interval over replications of each measure of each group of a split."""
    part = groups[groups["by"] == by]
    return {
        str(g): {str(m): measure_interval(v["value"], m) for m, v in rows.groupby("measure", sort=False)}
        for g, rows in part.groupby("group", sort=False)
    }


def equity(groups: pd.DataFrame, by: str) -> dict[str, dict[str, Any]]:
    """The largest gap between groups of a split, per measure: the groups with the
    highest and lowest mean, and an interval for their paired difference."""
    out: dict[str, dict[str, Any]] = {}
    part = groups[groups["by"] == by]
    if part["group"].nunique() < 2:
        return out  # one group: no gap
    for m in metrics.CLIENT_MEASURES + ("coverage_within_min",):
        wide = part[part["measure"] == m].pivot_table(index="replication", columns="group", values="value",
                                                      observed=True)
        wide = wide.dropna(axis=1, how="any")
        if wide.shape[1] < 2:
            continue
        means = wide.mean()
        hi, lo = means.idxmax(), means.idxmin()
        out[m] = {"highest": str(hi), "lowest": str(lo), "gap": t_interval(wide[hi] - wide[lo])}
    return out


def _names(codes: np.ndarray, names: list[str], missing: str | None = None) -> pd.Categorical:
    """Codes (-1 for none) as a categorical of names; -1 becomes ``missing`` (or NA)."""
    categories = list(names) + ([missing] if missing is not None else [])
    codes = np.asarray(codes, dtype=np.int64)
    if missing is not None:
        codes = np.where(codes < 0, len(names), codes)
    # Names may repeat across offices (two desk groups called "general"):
    # categories must be unique, so map through the unique list.
    unique = list(dict.fromkeys(categories))
    remap = np.array([unique.index(n) for n in categories] + [-1], dtype=np.int64)
    return pd.Categorical.from_codes(remap[np.where(codes < 0, len(categories), codes)], categories=unique)
