"""Staffing search: a roster of shifts per office that meets a service standard at least cost.

An operations analyst asks: how many staff, on which shifts, does each office
need so that 80 % of its clients are seen within 15 minutes, at least cost? The
search answers for every office (and the contact centre) in five steps:

1. **Pilot.** The baseline network is simulated. For each unit × weekday ×
   interval of ``roster.interval_min`` minutes, the contacts that queued there
   (walk-ins, appointments, video clients connected at a desk; calls at the
   contact centre; online sessions, no-shows and trips to a closed office do
   not queue) give the arrival rate, the unit's served contacts its mean service
   time, its abandonments its mean patience.
2. **Requirements.** Per interval, the fewest desks the target needs
   (:func:`simoffice.measures.requirements.requirements`: Erlang C, or Erlang A
   for an abandonment target; by default on the offered load of the
   infinite-server method, which carries long services into the next interval),
   at least ``roster.min_staff`` where the unit is open.
3. **Roster.** Each unit's requirement, split over its desk groups, is covered by
   shifts from ``roster.templates`` at least cost: an integer program per desk
   group (:func:`simoffice.studies.rostering.solve_roster`).
4. **Its own simulation.** The roster is simulated on the same clients (the same
   seed). Where an interval's target measure clearly misses the goal (its whole
   95 % interval over replications on the wrong side), the requirement rises by
   one desk and the roster is solved again, until no interval clearly misses or
   ``staffing.max_rounds`` rounds have run (:mod:`~simoffice.studies.staffing_rounds`).
5. **Output.** The roster (``roster.parquet``), configs that run it, the command
   that reproduces the final run, and every figure reported (staff hours, cost,
   FTE, the target measure) as the final run measured it, with its interval.

Approximations, stated in the outputs too: the requirement treats each interval
as a stationary queue; a unit's desk groups share its requirement in proportion
to their baseline hours (cross-trained desks under ``one_stop`` make the split
irrelevant); mobile offices, the video centre and the expert centre keep their
baseline staff. The simulation, not the theory, decides what the roster shows.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from simoffice.config.build import build_spec
from simoffice.config.checks import boolean, integer, one_of
from simoffice.config.roster import roster_rules
from simoffice.config.schema import RunConfig, StaffingConfig
from simoffice.config.strict import section
from simoffice.errors import ConfigError
from simoffice.files import atomic_write, file_name
from simoffice.measures.intervals import t_interval
from simoffice.measures.requirements import TARGET_KINDS, Target, requirements
from simoffice.model.spec import ModelSpec
from simoffice.run.pages import write_page
from simoffice.run.results import Results, jsonable
from simoffice.studies.staffing_configs import _compact, explicit_configs, to_yaml
from simoffice.studies.staffing_intervals import (
    TARGET_MEASURES,
    Unit,
    contact_values,
    interval_levels,
    interval_lookup,
    measured_arrivals,
    meets,
    open_mask,
    queued,
    searched_units,
    unit_intervals,
)
from simoffice.studies.staffing_rounds import Rounds, run_rounds
from simoffice.version import __version__

__all__ = ["StaffingParams", "StaffingSearch", "search_staffing", "staffing_params"]

METHODS = ("offered_load", "per_interval")
# Override keys the staffed run does not carry: the search's own, and the network and
# schedule it replaces with the staffed configs (their overrides are written into them).
NOT_CARRIED = ("task", "experiment", "staffing", "roster", "network", "schedule", "hydra")


@dataclass(frozen=True)
class StaffingParams:
    """The ``staffing`` block of the config (see :class:`simoffice.config.schema.StaffingConfig`)."""

    target: str
    service_level: float
    asa_min: float
    p_wait: float
    abandonment: float
    max_occupancy: float | None
    method: str
    max_rounds: int
    contact_centre: bool
    network_name: str | None
    schedule_name: str | None

    @property
    def goal(self) -> float:
        """The value the target measure must reach (a share, or minutes for ``asa``)."""
        return {"service_level": self.service_level, "asa": self.asa_min, "p_wait": self.p_wait,
                "abandonment": self.abandonment}[self.target]


def _share(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        raise ConfigError(key, "a share in (0, 1), e.g. 0.8", value)
    return float(value)


def staffing_params(s: Mapping[str, Any] | None) -> StaffingParams:
    """Check the ``staffing`` block (keys not given take the schema's defaults).

    Raises:
        ConfigError: an unknown key, a value out of range, named by its key path.
    """
    s = section(s or {}, StaffingConfig, "staffing")
    asa = s.asa_min
    if isinstance(asa, bool) or not isinstance(asa, (int, float)) or not asa > 0:
        raise ConfigError("staffing.asa_min", "a positive number of minutes", asa)
    occupancy = None if s.max_occupancy is None else _share(s.max_occupancy, "staffing.max_occupancy")
    for key in ("network_name", "schedule_name"):
        if getattr(s, key) is not None:
            file_name(getattr(s, key), f"staffing.{key}")
    return StaffingParams(
        target=one_of(s.target, "staffing.target", TARGET_KINDS),
        service_level=_share(s.service_level, "staffing.service_level"),
        asa_min=float(asa),
        p_wait=_share(s.p_wait, "staffing.p_wait"),
        abandonment=_share(s.abandonment, "staffing.abandonment"),
        max_occupancy=occupancy,
        method=one_of(s.method, "staffing.method", METHODS),
        max_rounds=integer(s.max_rounds, "staffing.max_rounds", 1),
        contact_centre=boolean(s.contact_centre, "staffing.contact_centre"),
        network_name=s.network_name,
        schedule_name=s.schedule_name,
    )


# --- the search -------------------------------------------------------------------------

@dataclass
class StaffingSearch:
    """What the search found.

    ``roster``: a row per shift (unit, desk group, weekday, start, end, break,
    persons). ``intervals``: a row per unit × weekday × interval: the pilot's
    load, the theory's requirement, the final requirement, the rostered desks,
    and the target measure in the baseline and in the staffed run (mean over
    replications with its 95 % interval). ``rounds``: a row per round ×
    interval. ``units``: per searched unit and the total, the baseline's and
    the staffed run's measured staff hours, overtime, cost, FTE and target
    measure, each with its interval.
    """

    roster: pd.DataFrame
    intervals: pd.DataFrame
    rounds: pd.DataFrame
    units: pd.DataFrame
    network: dict
    schedule: dict
    baseline: Results = field(repr=False)
    staffed: Results = field(repr=False)
    converged: bool
    missing: int
    meta: dict
    carried: tuple[str, ...] = ()
    searchpath: tuple[str, ...] = ()

    def overrides(self, config_dir: str | os.PathLike) -> list[str]:
        """The overrides that run the staffed network as the search's final round did:
        the search path with ``config_dir``, the command line's other overrides
        (design, run settings), the staffed network and schedule, and the run settings
        that decide the clients."""
        m = self.meta
        paths = [*self.searchpath, f"file://{Path(config_dir).resolve()}"]
        quoted = ",".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
        run = {f"run.{k}": str(v) for k, v in m["run_settings"].items()}
        keys = {o.split("=", 1)[0].lstrip("+~") for o in self.carried}
        out = [f"hydra.searchpath=[{quoted}]", *self.carried]
        if "design" not in keys:
            out.append(f"design={m['design']}")
        out += [f"network={self.network['name']}", f"schedule={self.schedule['name']}"]
        out += [f"{k}={v}" for k, v in run.items() if k not in keys]
        return out

    def command(self, config_dir: str | os.PathLike) -> str:
        """The command that reproduces the search's final run from configs written to ``config_dir``."""
        return "simoffice " + " ".join(shlex.quote(o) for o in self.overrides(config_dir))

    def save(self, out_dir: str | os.PathLike) -> Path:
        """Write, each file atomically: ``roster.parquet``, ``staffing.parquet`` (the
        intervals), ``staffing_rounds.parquet``, ``staffing.json`` (meta, the units'
        measured figures, the command), ``staffing.html``, the staffed network and
        schedule as ``configs/network/<name>.yaml`` and ``configs/schedule/<name>.yaml``
        (a Hydra config search path), and the baseline's and the staffed network's own
        outputs in ``baseline/`` and ``staffed/``."""
        out = Path(out_dir)
        configs = out / "configs"
        for group in ("network", "schedule"):
            (configs / group).mkdir(parents=True, exist_ok=True)
        header = (f"# Written by the simoffice staffing search ({self.meta['network']}, {self.meta['schedule']}): "
                  f"{self.meta['target_text']}, {self.meta['interval_min']}-min intervals.\n"
                  f"# Run it: {self.command(configs)}\n")
        first = {k: self.network[k] for k in ("name", "kind") if k in self.network}
        net_doc = {"defaults": ["schema_network", "_self_"], **first, **_compact(self.network)}
        for group, doc in (("network", net_doc), ("schedule", _compact(self.schedule))):
            text = header + to_yaml(doc)
            name = self.network["name"] if group == "network" else self.schedule["name"]
            atomic_write(configs / group / f"{name}.yaml", lambda p, t=text: Path(p).write_text(t))
        for name, table in (("roster", self.roster), ("staffing", self.intervals), ("staffing_rounds", self.rounds)):
            atomic_write(out / f"{name}.parquet", lambda p, t=table: t.to_parquet(p, index=False))
        doc = {"meta": self.meta, "converged": self.converged, "missing_intervals": self.missing,
               "verdict": self.verdict(), "units": self.units.to_dict(orient="records"),
               "command": self.command(configs), "overrides": self.overrides(configs),
               "network_config": str(configs / "network" / f"{self.network['name']}.yaml"),
               "schedule_config": str(configs / "schedule" / f"{self.schedule['name']}.yaml")}
        text = json.dumps(jsonable(doc), indent=2)
        self.baseline.save(out / "baseline")
        self.staffed.save(out / "staffed")
        write_page("staffing", self, out / "staffing.html", configs)
        atomic_write(out / "staffing.json", lambda p: Path(p).write_text(text + "\n"))  # last: the search is complete
        return out

    def total(self, measure: str, run: str) -> dict:
        """A row of the network total (searched units) for ``measure`` in ``run`` (baseline/staffed)."""
        row = self.units[(self.units["office"] == "total") & (self.units["measure"] == measure)].iloc[0]
        return {k: row[f"{run}_{k}"] for k in ("mean", "ci_low", "ci_high")}

    def verdict(self) -> str:
        """One paragraph: the staffed run's measured hours against the baseline's, and whether
        the roster meets the target; says plainly when the baseline is already lean."""
        d = self.units[(self.units["office"] == "total") & (self.units["measure"] == "staff_hours")].iloc[0]
        t = self.intervals
        known, base_known = t["value"].notna(), t["baseline_value"].notna()
        change = d["change_mean"]
        pct = 100 * change / d["baseline_mean"] if d["baseline_mean"] else float("nan")
        hours = (f"measured staff hours a week {d['baseline_mean']:.1f} in the baseline, {d['staffed_mean']:.1f} "
                 f"with the roster ({change:+.1f} h, {pct:+.1f} %; 95 % interval {d['change_ci_low']:+.1f} to "
                 f"{d['change_ci_high']:+.1f})")
        g = self.units[(self.units["office"] == "total") & (self.units["measure"] == "target")].iloc[0]
        scale, unit = (100, " %") if self.meta["target"] != "asa" else (1, " min")
        standard = (f"{self.meta['target_measure']} {g['staffed_mean'] * scale:.1f}{unit} (95 % interval "
                    f"{g['staffed_ci_low'] * scale:.1f}–{g['staffed_ci_high'] * scale:.1f}) with the roster, "
                    f"{g['baseline_mean'] * scale:.1f}{unit} in the baseline, against the goal of "
                    f"{self.meta['goal'] * scale:g}{unit}; the roster's mean meets it in "
                    f"{int(t.loc[known, 'meets'].sum())} of "
                    f"{int(known.sum())} intervals with contacts, the baseline's in "
                    f"{int(t.loc[base_known, 'baseline_meets'].sum())} of {int(base_known.sum())}")
        if self.missing:
            text = (f"The roster still clearly misses the target in {self.missing} intervals after "
                    f"{self.meta['rounds']} rounds (raise staffing.max_rounds or widen roster.templates): {hours}; "
                    f"{standard}.")
        elif d["change_ci_high"] < 0:
            text = (f"The roster needs fewer paid hours than the baseline, and no interval clearly misses the "
                    f"target: {hours}; {standard}.")
        elif d["change_ci_low"] > 0:
            text = (f"The baseline is already lean: a roster with no interval clearly missing the target needs "
                    f"more paid hours, not fewer: {hours}; {standard}.")
        else:
            text = (f"The roster meets the target with the baseline's paid hours, within the simulation's "
                    f"precision: {hours}; {standard}.")
        if not self.converged:
            text += (f" The rounds stopped at staffing.max_rounds ({self.meta['max_rounds']}) with requirements "
                     "still moving: more rounds may find a leaner roster.")
        if not self.meta.get("baseline_breaks", True):
            text += " The baseline's shifts have no breaks; the roster's follow roster.templates."
        return text

    def summary_lines(self, config_dir: str | os.PathLike) -> list[str]:
        """The terminal summary: measured figures per unit, the verdict, the command."""
        lines = [f"{'unit':<24} {'measure':<16} {'baseline':>22} {'roster':>22}"]
        for r in self.units.itertuples():
            if r.measure not in ("staff_hours", "fte", "target"):
                continue
            label = {"staff_hours": "staff h/week", "fte": "FTE", "target": self.meta["target_measure"]}[r.measure]
            lines.append(f"{str(r.office):<24} {label:<16} {_fmt(r, 'baseline'):>22} {_fmt(r, 'staffed'):>22}")
        lines.append("")
        lines.append(self.verdict())
        lines.append(f"Roster: {int(self.roster['count'].sum())} shifts a week over {self.roster['office'].nunique()} "
                     f"units (roster.parquet); {self.meta['rounds']} simulation rounds.")
        lines.append(f"\nRun the staffed network (reproduces the figures above):\n  {self.command(config_dir)}")
        return lines


def _fmt(row: Any, run: str) -> str:
    mean, lo, hi = (getattr(row, f"{run}_{k}") for k in ("mean", "ci_low", "ci_high"))
    if mean is None or not np.isfinite(mean):
        return "–"
    scale = 100 if row.unit == "share" else 1
    ci = "" if lo is None or not np.isfinite(lo) else f" ({lo * scale:.1f}–{hi * scale:.1f})"
    return f"{mean * scale:.1f}{ci}"


def _plain(cfg: DictConfig | Mapping[str, Any]) -> dict:
    return OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else copy.deepcopy(dict(cfg))


def search_staffing(cfg: DictConfig | Mapping[str, Any], progress: bool | None = None,
                    log: Callable[[str], None] | None = None, overrides: Sequence[str] = (),
                    searchpath: Sequence[str] = ()) -> StaffingSearch:
    """Roster every office (and the contact centre) to meet the target at least cost,
    checked in its own simulation (see the module docstring).

    Args:
        cfg: a composed config (or the same as plain dicts) with ``staffing`` and ``roster`` blocks.
        progress: show progress bars (default: ``run.progress``).
        log: called with a line per step (e.g. ``print``).
        overrides: the command line's overrides; those the staffed run needs (design,
            run settings …) are carried into its command.
        searchpath: the config search path the command used (kept in the staffed command).

    Raises:
        ConfigError: an invalid config value, or an interval no shift template can cover.
    """
    from simoffice.run.simulate import simulate

    started = time.perf_counter()
    say = log or (lambda line: None)
    base = _plain(cfg)
    params = staffing_params(base.get("staffing"))
    rules = roster_rules(base.get("roster"))
    baseline_spec = build_spec(base)
    if not baseline_spec.run.keep_contacts:  # the interval levels come from every contact's wait
        raise ConfigError("run.keep_contacts", "true for the staffing search, which reads every contact's wait",
                          False)
    network, schedule = explicit_configs(base)
    work_spec = build_spec({**base, "network": network, "schedule": schedule})
    units = searched_units(work_spec, params.contact_centre, rules.interval_min)
    if not units:
        raise ConfigError("network.offices", "an office (or a contact centre with staffing.contact_centre) to staff",
                          [u.name for u in work_spec.offices])
    step = rules.interval_min
    intervals = unit_intervals(units, step)
    names = (params.network_name or _file_name(f"{network['name']}_staffed"),
             params.schedule_name or _file_name(f"{schedule['name']}_staffed"))

    say(f"pilot: simulating the baseline ({baseline_spec.run.replications} replications × "
        f"{baseline_spec.run.weeks} weeks)")
    baseline = simulate(base, progress)
    if baseline_spec.run.warmup_auto:  # the baseline's pilot found it: every round measures the same weeks
        base = {**base, "run": {**(base.get("run") or {}), "warmup_weeks": baseline.summary["meta"]["warmup_weeks"]}}
        baseline_spec = build_spec(base)
    lookup = interval_lookup(intervals, len(units))
    load = measured_arrivals(baseline, units, intervals, lookup, step)
    theory = _requirements(units, intervals, load, params, rules.min_staff, step)
    say(f"requirements: {int(theory['requirement'].sum())} desk-intervals a week over {len(intervals)} intervals "
        f"({params.method.replace('_', ' ')} method)")

    rounds = Rounds(base, network, schedule, units, intervals, rules, work_spec.staff_cost_per_hour, params.target,
                    names, progress, say)
    found = run_rounds(rounds, theory["requirement"].to_numpy(), _floors(units, intervals, rules.min_staff),
                       params.goal, params.max_rounds, say)
    base_levels = interval_levels(baseline.contacts, units, lookup, len(intervals), params.target)
    table = _interval_table(intervals, load, theory, found, rounds.on_duty(found.rosters), base_levels, params)
    net, sched = rounds.configs(found.rosters)
    meta = _meta(base, params, rules, baseline_spec, units, found.rounds)
    meta["baseline_breaks"] = any(sh.breaks for u in units
                                  for sh in (baseline_spec.offices[u.index].shifts or baseline_spec.schedule.shifts))
    meta.update(seconds=round(time.perf_counter() - started, 1), solve_seconds=round(rounds.solve_seconds, 1),
                simulate_seconds=round(rounds.simulate_seconds, 1))
    rounds_table = pd.concat(rounds.history, ignore_index=True)
    for col in ("office", "weekday", "interval_start"):
        rounds_table.insert(2, col, intervals[col].to_numpy()[rounds_table["interval"]])
    carried = tuple(o for o in overrides if o.split("=", 1)[0].lstrip("+~").split(".")[0] not in NOT_CARRIED)
    return StaffingSearch(_roster_table(units, found.rosters, rules), table, rounds_table,
                          _unit_figures(baseline, found.results, units, params), net, sched, baseline, found.results,
                          found.converged, found.missing, meta, carried, tuple(searchpath))


def _target(unit: Unit, params: StaffingParams, patience: float) -> Target:
    """The requirement's target for a unit (its own wait target; Erlang A with the
    measured patience for an abandonment target).

    Raises:
        ConfigError: an abandonment target for a unit where nobody abandoned in the pilot run."""
    abandon = params.target == "abandonment"
    if abandon and not np.isfinite(patience):
        raise ConfigError("staffing.target", f"a target other than abandonment: nobody abandoned at {unit.name} in "
                          "the pilot run, so its clients' patience is unknown", params.target)
    return Target(kind=params.target, service_level=params.service_level, within_min=unit.target_min,
                  asa_min=params.asa_min, p_wait=params.p_wait, abandonment=params.abandonment,
                  patience_mean_min=patience if abandon and np.isfinite(patience) else None,
                  max_occupancy=params.max_occupancy)


def _requirements(units: list[Unit], intervals: pd.DataFrame, load: pd.DataFrame, params: StaffingParams,
                  min_staff: int, step: int) -> pd.DataFrame:
    """Per interval row: the offered load (Erlangs, by ``params.method``) and the desks
    the target needs, at least ``min_staff`` and one per required desk group."""
    out = pd.DataFrame({"load": np.zeros(len(intervals)), "requirement": np.zeros(len(intervals), np.int64)})
    unit_of = intervals["unit"].to_numpy()
    for u, unit in enumerate(units):
        rows = np.flatnonzero(unit_of == u)
        if not len(rows):
            continue
        part = load.iloc[rows]
        service = float(part["service_mean_min"].iloc[0])
        floor = max(min_staff, unit.floor)
        if not np.isfinite(service) or service <= 0:  # nobody served in the pilot
            out.loc[rows, "requirement"] = floor
            continue
        target = _target(unit, params, float(part["patience_mean_min"].iloc[0]))
        mask = open_mask(unit, step)
        days = intervals["day"].to_numpy()[rows]
        ks = intervals["k"].to_numpy()[rows]
        for day in np.unique(days):
            rates = np.zeros(unit.n_intervals)
            at = days == day
            rates[ks[at]] = part["arrivals_per_hour"].to_numpy()[at] / 60
            need = requirements(rates, service, target, step, params.method, min_staff=0,
                                start_min=unit.start_min)
            staff = np.where(mask[day], np.maximum(need["staff"].to_numpy(), floor), 0)
            out.loc[rows[at], "requirement"] = staff[ks[at]]
            out.loc[rows[at], "load"] = need["load"].to_numpy()[ks[at]]
    return out


def _floors(units: list[Unit], intervals: pd.DataFrame, min_staff: int) -> np.ndarray:
    """The fewest desks of each interval row: ``roster.min_staff``, and one per required desk group."""
    return np.array([max(min_staff, units[u].floor) for u in intervals["unit"]], dtype=np.int64)


def _interval_table(intervals: pd.DataFrame, load: pd.DataFrame, theory: pd.DataFrame, found: Any,
                    rostered: np.ndarray, base_levels: pd.DataFrame, params: StaffingParams) -> pd.DataFrame:
    """The search's table: a row per interval with the pilot's load, the requirement
    (theory, final), the rostered desks and the target measure, baseline and staffed."""
    table = intervals.drop(columns=["unit", "day", "k"]).copy()
    table = pd.concat([table, load.reset_index(drop=True), theory.rename(
        columns={"requirement": "requirement_theory"})], axis=1)
    table["requirement"] = found.staff
    table["rostered"] = rostered
    for prefix, levels in (("baseline_", base_levels), ("", found.levels)):
        for col in ("mean", "ci_low", "ci_high", "n"):
            table[prefix + ("value" if col == "mean" else col)] = levels[col].to_numpy()
        table[prefix + "meets"] = meets(levels, params.target, params.goal)
    return table


def _roster_table(units: list[Unit], rosters: dict, rules: Any) -> pd.DataFrame:
    """A row per roster shift: unit, desk group, weekday, start, end, break, persons, paid hours."""
    part_time = {t.name: t.part_time for t in rules.templates}
    parts = []
    for (u, _), roster in sorted(rosters.items()):
        s = roster.shifts.copy()
        s.insert(0, "desk_group", [units[u].groups[g] for g in s.pop("group")])
        s.insert(0, "office", units[u].name)
        s["part_time"] = s["template"].map(part_time).astype(bool)
        parts.append(s)
    if not parts:
        return pd.DataFrame(columns=["office", "desk_group", "weekday", "start_min", "end_min", "count"])
    return pd.concat(parts, ignore_index=True)


UNIT_MEASURES = ("staff_hours", "overtime_min", "cost", "fte")


def _unit_figures(baseline: Results, staffed: Results, units: list[Unit], params: StaffingParams) -> pd.DataFrame:
    """Per searched unit and their total: the measured staff hours, overtime, cost, FTE
    and target measure of the baseline and the staffed run (mean over replications,
    95 % interval) and the paired change (same seed: the same clients)."""
    names = [u.name for u in units]

    def per_rep(results: Results) -> pd.DataFrame:
        r = results.replications
        if len(results.spec.offices) == 1:  # a single unit's measures are the network's
            r = r[r["office"] == "all"].assign(office=names[0])
        r = r[r["office"].isin(names) & r["measure"].isin(UNIT_MEASURES)]
        table = r.pivot_table(index=["office", "replication"], columns="measure", values="value", aggfunc="sum")
        total = table.groupby(level="replication").sum()
        total.index = pd.MultiIndex.from_product([["total"], total.index])
        table = pd.concat([table, total])
        q = queued(results.contacts, units)
        q = q.assign(value=contact_values(q, units, params.target)).dropna(subset=["value"])
        per_unit = q.groupby(["unit", "replication"])["value"].mean()
        per_unit.index = per_unit.index.set_levels([names[i] for i in per_unit.index.levels[0]], level=0)
        whole = q.groupby("replication")["value"].mean()
        whole.index = pd.MultiIndex.from_product([["total"], whole.index])
        table["target"] = pd.concat([per_unit, whole])
        return table

    before, after = per_rep(baseline), per_rep(staffed)
    rows = []
    unit_of = {"staff_hours": "hours per week", "overtime_min": "min per week", "cost": "per week",
               "fte": "staff", "target": "share" if params.target != "asa" else "min"}
    for office in [*names, "total"]:
        for measure in [*UNIT_MEASURES, "target"]:
            if measure not in before.columns or office not in before.index.get_level_values(0):
                continue
            b = before.loc[office, measure] if office in before.index else pd.Series(dtype=float)
            a = after.loc[office, measure] if office in after.index else pd.Series(dtype=float)
            row = {"office": office, "measure": measure, "unit": unit_of[measure]}
            for run, values in (("baseline", b), ("staffed", a)):
                ci = t_interval(values.dropna().to_numpy())
                row.update({f"{run}_{k}": ci[k] for k in ("mean", "ci_low", "ci_high")})
            paired = (a - b).dropna()
            ci = t_interval(paired.to_numpy())
            row.update({f"change_{k}": ci[k] for k in ("mean", "ci_low", "ci_high")})
            rows.append(row)
    return pd.DataFrame(rows)


def _meta(base: dict, params: StaffingParams, rules: Any, baseline: ModelSpec, units: list[Unit],
          rounds: int) -> dict[str, Any]:
    """What was searched, how, and by which software (``staffing.json``'s ``meta``)."""
    label = TARGET_MEASURES[params.target][0]
    if params.target == "service_level":
        text = f"{params.service_level:.0%} of clients within {baseline.run.service_level_target_min:g} min"
    elif params.target == "asa":
        text = f"mean wait at most {params.asa_min:g} min"
    elif params.target == "p_wait":
        text = f"at most {params.p_wait:.0%} of clients wait"
    else:
        text = f"at most {params.abandonment:.0%} of clients abandon"
    return {
        "network": baseline.name, "network_kind": base["network"].get("kind", "explicit"),
        "schedule": baseline.schedule_name, "design": baseline.design.name,
        "target": params.target, "goal": params.goal, "target_text": text, "target_measure": label,
        "service_level": params.service_level, "service_level_target_min": baseline.run.service_level_target_min,
        "method": params.method, "interval_min": rules.interval_min, "rounds": rounds,
        "max_rounds": params.max_rounds,
        "replications": baseline.run.replications, "weeks": baseline.run.weeks,
        "warmup_weeks": baseline.run.warmup_weeks, "seed": baseline.run.seed, "units": [u.name for u in units],
        "run_settings": run_settings(base.get("run") or {}), "version": __version__,
    }


# Run settings that do not change a run's figures (how it is shown, how many processes run it).
NOT_FIGURES = ("jobs", "progress", "quiet", "resume")


def run_settings(run: Mapping[str, Any]) -> dict[str, Any]:
    """The ``run`` settings that decide the figures (seed, weeks, targets …), as the
    staffed command must give them: every one the config sets unlike the schema's
    defaults, and always the seed, replications and weeks."""
    defaults = RunConfig()
    return {k: v for k, v in run.items() if k not in NOT_FIGURES and (
        k in ("seed", "replications", "weeks", "warmup_weeks") or v != getattr(defaults, k, None))}


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)
