"""Staffing search: the fewest desks per unit, weekday and hour that meet a service-level target.

An operations analyst asks: how many desks does the City centre need on Monday
from 08:00 to 09:00 so that 80 % of its clients are seen within 15 minutes? The
search answers for every office (and the contact centre) and every hour block of
its opening hours, in four steps:

1. **Pilot.** The baseline network is simulated. For each unit × weekday × block
   the contacts that queued there (walk-ins, appointments, video clients
   connected at a desk; calls at the contact centre; online sessions, no-shows
   and trips to a closed office do not queue) give the arrival rate λ, and the
   unit's served contacts its mean service time E[S]: an offered load
   a = λ E[S] for the block.
2. **First guess.** The smallest c whose Erlang C service level,
   P(wait ≤ target) = 1 − C(c, a) e^(−(cμ − λ) target), reaches the target share
   (:func:`simoffice.measures.theory.erlang_c_staffing`), and at least
   ``staffing.min_staff``.
3. **Simulation rounds.** The network is simulated with that staffing (the same
   seed every round, so every round sees the same clients). A block whose
   simulated service level (contacts that queued in the block, mean over
   replications, with its 95 % interval) clearly misses the target (the whole
   interval below it) gets one more desk; a block clearly above it (the whole
   interval above) tries one desk less, which it keeps while the next round
   still shows it clearly above, and gives back otherwise; each lower count is
   tried once. Elsewhere Erlang C's count stands: the simulation corrects the
   theory only where it clearly disagrees. The rounds
   stop when no block changes, or after ``staffing.max_rounds`` (then the
   desks the last round adds are kept, those it would take away are not, and
   that staffing is simulated once more).
4. **Output.** The staffing as hour-block shifts of a new schedule and desk
   counts of a copy of the network (see :meth:`StaffingSearch.save`), a table
   per block, and the weekly staff hours against the baseline.

Approximations, stated in the outputs too:

- Erlang C treats each block as a steady-state M/M/c queue on its own. In the
  simulation, blocks interact: a queue left at the end of a block is carried
  into the next, and every block of a round changes at once, so a block's
  result depends a little on its neighbours' staffing. The search's answer is
  the simulated one, which includes these effects.
- The load is measured once, in the pilot. Staffing changes how many clients
  renege and come back (or call again), which the rounds see but the first
  guess does not.
- Staff are searched per unit, as if its desks were one pool; the count of a
  block is split over the unit's desk groups in proportion to their baseline
  weekly hours. Under a design with cross-trained desks (``one_stop``) every
  desk has every skill of its office and the split does not matter; otherwise
  every staffed desk group keeps at least one desk in every block, and the
  simulation corrects the total, not the mix.
- Mobile offices (fixed stops), the video centre (booked sessions: capacity is
  its slot calendar) and the expert centre (back office, no wait target) keep
  their baseline staff.

The units, blocks, load and first guess are in :mod:`~simoffice.studies.staffing_blocks`,
the rounds in :mod:`~simoffice.studies.staffing_rounds`, and the configs the search
reads and writes in :mod:`~simoffice.studies.staffing_configs`.
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
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from simoffice.config.build import build_spec, weekly_staff_hours
from simoffice.config.checks import boolean, integer
from simoffice.config.schema import StaffingConfig
from simoffice.config.strict import section
from simoffice.errors import ConfigError
from simoffice.files import atomic_write
from simoffice.model.spec import ModelSpec
from simoffice.run.pages import write_page
from simoffice.run.results import Results, jsonable
from simoffice.studies.staffing_blocks import (
    Unit,
    block_lookup,
    block_staff,
    erlang_guess,
    erlang_level,
    offered_load,
    searched_units,
    unit_blocks,
)
from simoffice.studies.staffing_configs import _compact, explicit_configs, to_yaml
from simoffice.studies.staffing_rounds import Simulations, run_rounds
from simoffice.version import __version__
from simoffice.vocabulary import DAY

__all__ = ["StaffingParams", "StaffingSearch", "search_staffing", "staffing_params"]

NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class StaffingParams:
    """The ``staffing`` block of the config (see :class:`simoffice.config.schema.StaffingConfig`)."""

    service_level: float
    block_min: int
    max_rounds: int
    min_staff: int
    contact_centre: bool
    network_name: str | None
    schedule_name: str | None


def staffing_params(s: Mapping[str, Any] | None) -> StaffingParams:
    """Check the ``staffing`` block (keys not given take the schema's defaults).

    Raises:
        ConfigError: an unknown key, a value out of range, named by its key path.
    """
    s = section(s or {}, StaffingConfig, "staffing")
    level = s.service_level
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ConfigError("staffing.service_level", "a share in (0, 1), e.g. 0.8", level)
    block = integer(s.block_min, "staffing.block_min", 1)
    if block > DAY:
        raise ConfigError("staffing.block_min", f"an integer from 1 to {DAY} (minutes)", block)
    for key in ("network_name", "schedule_name"):
        value = getattr(s, key)
        if value is not None and (not isinstance(value, str) or not NAME.match(value)):
            raise ConfigError(f"staffing.{key}", "a file name of letters, digits, '_', '.' or '-', or null", value)
    return StaffingParams(
        service_level=float(level),
        block_min=block,
        max_rounds=integer(s.max_rounds, "staffing.max_rounds", 1),
        min_staff=integer(s.min_staff, "staffing.min_staff", 0),
        contact_centre=boolean(s.contact_centre, "staffing.contact_centre"),
        network_name=s.network_name,
        schedule_name=s.schedule_name,
    )


# --- the search -------------------------------------------------------------------------

@dataclass
class StaffingSearch:
    """What the search found.

    ``table`` has a row per unit × weekday × block: ``office``, ``kind``,
    ``weekday``, ``block_start``, ``block_end``, ``shift``, ``arrivals_per_hour``,
    ``service_mean_min``, ``load`` (Erlangs), ``baseline_staff``,
    ``erlang_c_guess``, ``staff`` (the search's answer), ``erlang_c_service_level``
    (theory at ``staff``), ``service_level`` with ``ci_low``, ``ci_high`` and
    ``n`` (simulated with the final staffing). ``rounds`` has a row per round ×
    block with the staff simulated and its service level. ``hours`` has a row
    per searched unit and a total: weekly staff hours before and after.
    """

    table: pd.DataFrame
    rounds: pd.DataFrame
    hours: pd.DataFrame
    network: dict
    schedule: dict
    baseline: Results = field(repr=False)
    staffed: Results = field(repr=False)
    converged: bool
    pending: int
    meta: dict

    def command(self, config_dir: str | os.PathLike) -> str:
        """The command that runs the staffed network from configs written to ``config_dir``."""
        return (f"simoffice {shlex.quote(searchpath(config_dir))} "
                f"network={self.network['name']} schedule={self.schedule['name']}")

    def save(self, out_dir: str | os.PathLike) -> Path:
        """Write, each file atomically: ``staffing.parquet`` (the table),
        ``staffing_rounds.parquet``, ``staffing.json`` (meta, hours, the command),
        ``staffing.html``, the staffed network and schedule as
        ``configs/network/<name>.yaml`` and ``configs/schedule/<name>.yaml`` (a
        Hydra config search path), and the baseline's and the staffed network's
        own outputs in ``baseline/`` and ``staffed/``."""
        out = Path(out_dir)
        configs = out / "configs"
        for group in ("network", "schedule"):
            (configs / group).mkdir(parents=True, exist_ok=True)
        header = (f"# Written by the simoffice staffing search ({self.meta['network']}, {self.meta['schedule']}): "
                  f"{self.meta['service_level']:.0%} within the target wait, {self.meta['block_min']}-min blocks.\n"
                  f"# Run it: {self.command(configs)}\n")
        first = {k: self.network[k] for k in ("name", "kind") if k in self.network}
        net_doc = {"defaults": ["schema_network", "_self_"], **first, **_compact(self.network)}
        for group, doc in (("network", net_doc), ("schedule", _compact(self.schedule))):
            text = header + to_yaml(doc)
            name = self.network["name"] if group == "network" else self.schedule["name"]
            atomic_write(configs / group / f"{name}.yaml", lambda p, t=text: Path(p).write_text(t))
        atomic_write(out / "staffing.parquet", lambda p: self.table.to_parquet(p, index=False))
        atomic_write(out / "staffing_rounds.parquet", lambda p: self.rounds.to_parquet(p, index=False))
        doc = {"meta": self.meta, "converged": self.converged, "pending_blocks": self.pending,
               "hours": self.hours.to_dict(orient="records"), "command": self.command(configs),
               "network_config": str(configs / "network" / f"{self.network['name']}.yaml"),
               "schedule_config": str(configs / "schedule" / f"{self.schedule['name']}.yaml")}
        text = json.dumps(jsonable(doc), indent=2)
        self.baseline.save(out / "baseline")
        self.staffed.save(out / "staffed")
        write_page("staffing", self, out / "staffing.html", configs)
        atomic_write(out / "staffing.json", lambda p: Path(p).write_text(text + "\n"))  # last: the search is complete
        return out

    def summary_lines(self, config_dir: str | os.PathLike) -> list[str]:
        """The terminal summary: hours per unit, what the simulation changed, the command."""
        m = self.meta
        lines = [f"{'unit':<24} {'baseline h/week':>15} {'staffed h/week':>15} {'change':>18}"]
        for r in self.hours.itertuples():
            change = f"{r.change:+.1f}" + (f" ({r.change_pct:+.1f} %)" if np.isfinite(r.change_pct) else "")
            lines.append(f"{str(r.office):<24} {r.baseline_hours:>15.1f} {r.staffed_hours:>15.1f} {change:>18}")
        t = self.table
        up, down = int((t["staff"] > t["erlang_c_guess"]).sum()), int((t["staff"] < t["erlang_c_guess"]).sum())
        lines.append(f"\nErlang C's first guess kept in {len(t) - up - down} of {len(t)} blocks; the simulation "
                     f"added desks in {up} and removed desks in {down}.")
        sl = t["service_level"]
        known = sl.notna()
        meets = int((sl[known] >= m["service_level"]).sum())
        lines.append(f"Blocks meeting the target in the final simulation: {meets} of {int(known.sum())} with "
                     f"contacts (mean over replications; 95 % intervals in staffing.parquet).")
        if self.converged:
            lines.append(f"Settled after {m['rounds']} simulation rounds.")
        else:
            lines.append(f"Not settled after {m['rounds']} rounds (staffing.max_rounds): {self.pending} blocks would "
                         "still change; the staffing shown has the desks the last round added (not those it would "
                         "take away), simulated once more.")
        for key, label in (("service_level", "service level"), ("wait_mean_min", "mean wait")):
            b, s = (r.summary["measures"][key] for r in (self.baseline, self.staffed))
            lines.append(f"Network {label}: {_fmt(b, key)} baseline, {_fmt(s, key)} staffed.")
        if self.meta["network_kind"] == "mmc" and self.converged and t["staff"].nunique() == 1:
            lines.append(f"Every block needs {int(t['staff'].iloc[0])} desk(s): the same as "
                         f"network=mmc network.servers={int(t['staff'].iloc[0])}.")
        lines.append(f"\nRun the staffed network:\n  {self.command(config_dir)}")
        return lines


def searchpath(config_dir: str | os.PathLike) -> str:
    """The override that adds ``config_dir`` to Hydra's config search path (the path
    quoted, so that it may hold ``=`` or spaces)."""
    path = str(Path(config_dir).resolve()).replace("\\", "\\\\").replace('"', '\\"')
    return f'hydra.searchpath=["file://{path}"]'


def _fmt(m: dict, key: str) -> str:
    if m.get("mean") is None:
        return "–"
    scale, unit = (100, " %") if key == "service_level" else (1, " min")
    ci = "" if m.get("ci_low") is None else f" ({m['ci_low'] * scale:.1f}–{m['ci_high'] * scale:.1f})"
    return f"{m['mean'] * scale:.1f}{unit}{ci}"


def search_staffing(cfg: DictConfig | Mapping[str, Any], progress: bool | None = None,
                    log: Callable[[str], None] | None = None) -> StaffingSearch:
    """Find the fewest desks per unit × weekday × block that meet the service-level
    target (see the module docstring).

    Args:
        cfg: a composed config (or the same as plain dicts) with a ``staffing`` block.
        progress: show progress bars (default: ``run.progress``).
        log: called with a line per simulation round (e.g. ``print``).

    Raises:
        ConfigError: an invalid config value, named by its key path.
    """
    from simoffice.run.simulate import simulate

    started = time.perf_counter()
    say = log or (lambda line: None)
    base = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else copy.deepcopy(dict(cfg))
    params = staffing_params(base.get("staffing"))
    baseline_spec = build_spec(base)
    if not baseline_spec.run.keep_contacts:  # the block service levels come from every contact's wait
        raise ConfigError("run.keep_contacts", "true for the staffing search, which reads every contact's wait",
                          False)
    network, schedule = explicit_configs(base)
    work_spec = build_spec({**base, "network": network, "schedule": schedule})
    units = searched_units(work_spec, params.contact_centre)
    if not units:
        raise ConfigError("network.offices", "an office (or a contact centre with staffing.contact_centre) to staff",
                          [u.name for u in work_spec.offices])
    blocks = unit_blocks(work_spec, units, params.block_min)
    net_name = params.network_name or _file_name(f"{network['name']}_staffed")
    sched_name = params.schedule_name or _file_name(f"{schedule['name']}_staffed")

    say(f"pilot: simulating the baseline ({baseline_spec.run.replications} replications × "
        f"{baseline_spec.run.weeks} weeks)")
    baseline = simulate(base, progress)
    load = offered_load(baseline, work_spec, units, blocks, block_lookup(blocks, len(units)))
    unit_of = blocks["unit"].to_numpy()
    floor = np.array([max(params.min_staff, units[u].floor) for u in unit_of])
    guess = np.array([erlang_guess(r.arrivals_per_hour / 60, r.service_mean_min, units[u].target_min,
                                   params.service_level, int(f))
                      for r, u, f in zip(load.itertuples(), unit_of, floor)], dtype=np.int64)

    sims = Simulations(base, network, schedule, units, blocks, (net_name, sched_name), progress, say)
    found = run_rounds(sims, guess, floor, params.service_level, params.max_rounds, say)
    net, sched = sims.configs(found.staff)
    results = sims.results(found.staff)
    table = _block_table(work_spec, units, blocks, load, guess, found.staff, sims.levels(found.staff))
    rounds_table = pd.concat(sims.history, ignore_index=True)
    rounds_table.insert(1, "office", blocks["office"].to_numpy()[rounds_table["block"]])
    rounds_table.insert(2, "shift", blocks["shift"].to_numpy()[rounds_table["block"]])
    meta = _meta(base, params, baseline_spec, work_spec, units, found.rounds)
    meta["seconds"] = round(time.perf_counter() - started, 1)
    return StaffingSearch(table, rounds_table, _hours(baseline, results, units), net, sched, baseline, results,
                          found.converged, found.pending, meta)


def _meta(base: dict, params: StaffingParams, baseline: ModelSpec, work: ModelSpec, units: list[Unit],
          rounds: int) -> dict[str, Any]:
    """What was searched, how, and by which software (``staffing.json``'s ``meta``)."""
    return {
        "network": baseline.name, "network_kind": base["network"].get("kind", "explicit"),
        "schedule": baseline.schedule_name, "design": baseline.design.name,
        "service_level": params.service_level, "service_level_target_min": baseline.run.service_level_target_min,
        "phone_target_sec": None if work.phone is None else work.phone.target_min * 60,
        "block_min": params.block_min, "rounds": rounds, "replications": baseline.run.replications,
        "weeks": baseline.run.weeks, "warmup_weeks": baseline.run.warmup_weeks,
        "seed": baseline.run.seed, "units": [u.name for u in units], "version": __version__,
    }


def _block_table(spec: ModelSpec, units: list[Unit], blocks: pd.DataFrame, load: pd.DataFrame, guess: np.ndarray,
                 staff: np.ndarray, final: pd.DataFrame) -> pd.DataFrame:
    """The search's table: a row per block with its load, the baseline's desks, Erlang C's
    guess, the desks found and their service level (theory, and simulated: ``final``)."""
    unit_of = blocks["unit"].to_numpy()
    table = blocks.drop(columns=["unit", "day", "start_min", "end_min"]).copy()
    table = pd.concat([table, load], axis=1)
    table["baseline_staff"] = block_staff(spec, units, blocks)
    table["erlang_c_guess"] = guess
    table["staff"] = staff
    table["erlang_c_service_level"] = [erlang_level(int(c), r.arrivals_per_hour / 60, r.service_mean_min,
                                                    units[u].target_min)
                                       for c, r, u in zip(staff, load.itertuples(), unit_of)]
    for col in ("mean", "ci_low", "ci_high", "n"):
        table["service_level" if col == "mean" else col] = final[col].to_numpy()
    return table


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def _hours(baseline: Results, staffed: Results, units: list[Unit]) -> pd.DataFrame:
    """Scheduled weekly staff hours of each searched unit, before and after, and the total."""
    before, after = (weekly_staff_hours(r.spec) for r in (baseline, staffed))

    def unit_hours(table: dict, name: str) -> float:
        return float(sum(h for (u, _), h in table.items() if u == name))

    # The mmc network's single office is called "office" in both specs.
    rows = [{"office": u.name, "baseline_hours": unit_hours(before, u.name), "staffed_hours": unit_hours(after, u.name)}
            for u in units]
    rows.append({"office": "total", "baseline_hours": sum(r["baseline_hours"] for r in rows),
                 "staffed_hours": sum(r["staffed_hours"] for r in rows)})
    out = pd.DataFrame(rows)
    out["change"] = out["staffed_hours"] - out["baseline_hours"]
    out["change_pct"] = np.where(out["baseline_hours"] > 0,
                                 100 * out["change"] / out["baseline_hours"].where(out["baseline_hours"] > 0), np.nan)
    return out
