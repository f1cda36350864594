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

from simoffice.measures import theory
from simoffice.config.build import _bool, _int, build_spec, weekly_staff_hours
from simoffice.errors import ConfigError
from simoffice.files import atomic_write
from simoffice.run.pages import write_page
from simoffice.run.results import Results, _jsonable
from simoffice.vocabulary import WEEKDAYS
from simoffice.model.spec import CONTACT_CENTRE, OFFICE, ModelSpec
from simoffice.studies.staffing_configs import _compact, explicit_configs, staffed_configs, to_yaml
from simoffice.measures.intervals import t_interval
from simoffice.vocabulary import DAY
from simoffice.vocabulary import hhmm

__all__ = ["StaffingParams", "StaffingSearch", "search_staffing", "staffing_params"]

NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
# Outcomes that never queued (a trip to a closed office, a booked appointment not kept).
NOT_QUEUED = ("closed", "no_show")


@dataclass(frozen=True)
class StaffingParams:
    """The ``staffing`` block of the config (see :class:`simoffice.config.schema.StaffingConfig`)."""

    service_level: float = 0.8
    block_min: int = 60
    max_rounds: int = 8
    min_staff: int = 1
    contact_centre: bool = True
    network_name: str | None = None
    schedule_name: str | None = None


def staffing_params(s: Mapping[str, Any] | None) -> StaffingParams:
    """Check the ``staffing`` block.

    Raises:
        ConfigError: a value out of range, named by its key path.
    """
    s = s or {}
    if not isinstance(s, Mapping):
        raise ConfigError("staffing", "a mapping {service_level, block_min, max_rounds, …}", s)
    level = s.get("service_level", 0.8)
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ConfigError("staffing.service_level", "a share in (0, 1), e.g. 0.8", level)
    block = _int(s.get("block_min", 60), "staffing.block_min", 1)
    if block > DAY:
        raise ConfigError("staffing.block_min", f"an integer from 1 to {DAY} (minutes)", block)
    names = {}
    for key in ("network_name", "schedule_name"):
        value = s.get(key)
        if value is not None and (not isinstance(value, str) or not NAME.match(value)):
            raise ConfigError(f"staffing.{key}", "a file name of letters, digits, '_', '.' or '-', or null", value)
        names[key] = value
    return StaffingParams(
        service_level=float(level),
        block_min=block,
        max_rounds=_int(s.get("max_rounds", 8), "staffing.max_rounds", 1),
        min_staff=_int(s.get("min_staff", 1), "staffing.min_staff", 0),
        contact_centre=_bool(s.get("contact_centre", True), "staffing.contact_centre"),
        **names,
    )


# --- units and blocks -------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    """A unit whose staff are searched: an office or the contact centre.

    ``weights``: baseline weekly hours of each desk group (how a block's desks
    are split); ``required``: groups that keep a desk in every block (their
    skills or clients differ from the other groups')."""

    index: int
    name: str
    kind: str
    target_min: float
    groups: tuple[str, ...]
    weights: tuple[float, ...]
    required: tuple[bool, ...]

    @property
    def floor(self) -> int:
        return sum(self.required)


def _units(spec: ModelSpec, params: StaffingParams) -> list[Unit]:
    hours = weekly_staff_hours(spec)
    units = []
    for i, unit in enumerate(spec.offices):
        if unit.kind == CONTACT_CENTRE and params.contact_centre:
            target = spec.phone.target_min
        elif unit.kind == OFFICE:
            target = spec.run.service_level_target_min
        else:
            continue
        weights = tuple(hours[(unit.name, g.name)] for g in unit.desk_groups)
        staffed = [g for g, w in zip(unit.desk_groups, weights) if w > 0]
        alike = len({(g.skills, g.serves) for g in staffed}) <= 1
        required = tuple(w > 0 and not alike for w in weights)
        units.append(Unit(i, unit.name, unit.kind, target, tuple(g.name for g in unit.desk_groups), weights,
                          required))
    return units


def _blocks(spec: ModelSpec, units: list[Unit], block_min: int) -> pd.DataFrame:
    """A row per unit × weekday × block of the unit's opening hours: blocks of
    ``block_min`` minutes from opening time, the last one cut at closing."""
    rows = []
    for u, unit in enumerate(units):
        for day, hours in enumerate(spec.offices[unit.index].opening):
            if hours is None:
                continue
            lo, hi = hours
            for start in range(lo, hi, block_min):
                end = min(start + block_min, hi)
                rows.append({"unit": u, "office": unit.name, "kind": unit.kind, "weekday": WEEKDAYS[day],
                             "day": day, "start_min": start, "end_min": end, "block_start": hhmm(start),
                             "block_end": hhmm(end), "shift": f"{WEEKDAYS[day]}_{hhmm(start).replace(':', '')}"
                             f"_{hhmm(end).replace(':', '')}"})
    return pd.DataFrame(rows, columns=["unit", "office", "kind", "weekday", "day", "start_min", "end_min",
                                       "block_start", "block_end", "shift"])


def _lookup(blocks: pd.DataFrame, n_units: int) -> np.ndarray:
    """Block index per (unit, weekday, minute of the day); -1 outside every block."""
    table = np.full((n_units, 7, DAY), -1, dtype=np.int64)
    for b, row in enumerate(blocks.itertuples()):
        table[row.unit, row.day, row.start_min:row.end_min] = b
    return table


def _open_days(spec: ModelSpec) -> np.ndarray:
    """Days of each weekday in the measured window that are not public holidays."""
    w0, w1 = spec.run.window
    days = np.arange(int(w0 // DAY), int(w1 // DAY))
    days = days[~np.isin(days, list(spec.schedule.holidays))]
    return np.bincount((days + spec.run.start_weekday) % 7, minlength=7)


def _queued(contacts: pd.DataFrame, units: list[Unit], lookup: np.ndarray) -> pd.DataFrame:
    """Contacts that queued at a searched unit in the measured window, with their
    block and whether they started within the unit's target wait."""
    position = {u.name: i for i, u in enumerate(units)}
    c = contacts
    keep = (c["in_window"].to_numpy(dtype=bool) & ~c["outcome"].isin(NOT_QUEUED).to_numpy(dtype=bool)
            & (c["channel"] != "online").to_numpy(dtype=bool)
            & c["office"].isin(list(position)).to_numpy(dtype=bool))
    c = c[keep]
    unit = c["office"].astype(str).map(position).to_numpy(dtype=np.int64)
    minute = (c["arrival_min"].to_numpy() % DAY).astype(np.int64)
    block = lookup[unit, c["weekday"].to_numpy(dtype=np.int64), minute]
    targets = np.array([u.target_min for u in units])
    wait = c["start_min"].to_numpy() - c["arrival_min"].to_numpy()
    in_time = ~np.isnan(wait) & (wait <= targets[unit] + 1e-9)
    out = pd.DataFrame({"replication": c["replication"].to_numpy(), "block": block, "in_time": in_time})
    return out[out["block"] >= 0]


def block_service_levels(contacts: pd.DataFrame, units: list[Unit], lookup: np.ndarray,
                         n_blocks: int) -> pd.DataFrame:
    """Per block: the share of contacts that queued in the block and started within
    the target, as a mean over replications with its 95 % interval and ``n``
    (replications with a contact there), and ``queued`` (contacts, all replications)."""
    q = _queued(contacts, units, lookup)
    per_rep = q.groupby(["block", "replication"])["in_time"].mean()
    rows = []
    for b, values in per_rep.groupby(level="block"):
        rows.append({"block": b, **t_interval(values.to_numpy())})
    out = pd.DataFrame(rows, columns=["block", "mean", "ci_low", "ci_high", "n"]).set_index("block")
    out = out.reindex(range(n_blocks))
    out["n"] = out["n"].fillna(0).astype(int)
    out["queued"] = q.groupby("block").size().reindex(range(n_blocks), fill_value=0).to_numpy()
    return out.astype({"mean": float, "ci_low": float, "ci_high": float})


def offered_load(results: Results, spec: ModelSpec, units: list[Unit], blocks: pd.DataFrame,
                 lookup: np.ndarray) -> pd.DataFrame:
    """Per block: arrivals per hour of contacts that queued, the unit's mean service
    time (served contacts in the window) and the offered load in Erlangs."""
    q = _queued(results.contacts, units, lookup)
    counts = q.groupby("block").size().reindex(range(len(blocks)), fill_value=0).to_numpy()
    occurrences = _open_days(spec)[blocks["day"].to_numpy()] * results.spec.run.replications
    minutes = (blocks["end_min"] - blocks["start_min"]).to_numpy()
    per_min = np.where(occurrences > 0, counts / np.maximum(occurrences, 1) / minutes, 0.0)
    c = results.contacts
    served = c[c["in_window"].to_numpy(dtype=bool) & (c["outcome"] == "served").to_numpy(dtype=bool)]
    mean_s = served.groupby(served["office"].astype(str))["service_min"].mean()
    service = np.array([float(mean_s.get(units[u].name, np.nan)) for u in blocks["unit"]])
    return pd.DataFrame({"arrivals_per_hour": per_min * 60, "service_mean_min": service,
                         "load": np.where(np.isfinite(service), per_min * service, 0.0)})


def erlang_guess(per_min: float, service_mean: float, target_min: float, level: float, floor: int) -> int:
    """The fewest desks with an Erlang C service level of at least ``level``
    (``floor`` at least; ``floor`` for a block with no load)."""
    if not per_min > 0 or not np.isfinite(service_mean) or service_mean <= 0:
        return floor
    return max(floor, theory.erlang_c_staffing(per_min, 1.0 / service_mean, target_min, level))


def _block_staff(spec: ModelSpec, units: list[Unit], blocks: pd.DataFrame) -> np.ndarray:
    """Desks of each block's unit on duty at the block's start in ``spec``."""
    out = np.zeros(len(blocks), dtype=np.int64)
    for b, row in enumerate(blocks.itertuples()):
        unit = spec.offices[units[row.unit].index]
        shifts = unit.shifts or spec.schedule.shifts
        for g in unit.desk_groups:
            for s, n in g.staff:
                sh = shifts[s]
                if row.day in sh.days and sh.start <= row.start_min < sh.end:
                    out[b] += n
    return out


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
        text = json.dumps(_jsonable(doc), indent=2)
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


def _decide(staff: np.ndarray, levels: pd.DataFrame, tested: dict, floor: np.ndarray, target: float) -> np.ndarray:
    """The next round's staffing, block by block. A count changes only on clear
    evidence, the 95 % interval of the block's simulated service level:

    - one desk more where the whole interval is below the target;
    - one desk less where the whole interval is above it and one desk less has
      not been tried in the block yet;
    - one desk back where a desk taken away leaves an interval that is not
      wholly above the target (one desk less is not shown to meet it);
    - otherwise the count stays: Erlang C's guess stands unless the simulation
      clearly contradicts it.

    ``tested`` remembers the interval's lower end of every count simulated in a
    block. With a single replication (no interval) the mean decides.
    """
    new = staff.copy()
    means, lows, highs = (levels[k].to_numpy() for k in ("mean", "ci_low", "ci_high"))
    for b, c in enumerate(staff):
        c, mean = int(c), means[b]
        if np.isnan(mean):
            continue  # nobody queued in the block: keep the count
        low, high = (mean, mean) if np.isnan(lows[b]) else (lows[b], highs[b])
        tested[(b, c)] = float(low)
        taken_from = tested.get((b, c + 1))
        if high < target or (low < target and taken_from is not None and taken_from >= target):
            new[b] = c + 1
        elif low >= target and c - 1 >= floor[b] and (b, c - 1) not in tested:
            new[b] = c - 1
    return new


class _Simulations:
    """The simulations of a search. Each staffing is simulated once (the same seed:
    the same clients); its block service levels are kept, and the tables of the
    last two (a round often goes back to the staffing before)."""

    def __init__(self, base: dict, network: dict, schedule: dict, units: list[Unit], blocks: pd.DataFrame,
                 names: tuple[str, str], progress: bool | None, say: Callable[[str], None]):
        self.base, self.network, self.schedule, self.units, self.blocks = base, network, schedule, units, blocks
        self.names, self.progress, self.say = names, progress, say
        self.lookup = _lookup(blocks, len(units))
        self.seen: dict[bytes, pd.DataFrame] = {}
        self.recent: dict[bytes, Results] = {}
        self.history: list[pd.DataFrame] = []

    def configs(self, staff: np.ndarray) -> tuple[dict, dict]:
        return staffed_configs(self.network, self.schedule, self.units, self.blocks, staff, *self.names)

    def results(self, staff: np.ndarray, label: str = "staffed network") -> Results:
        from simoffice.run.simulate import simulate

        key = staff.tobytes()
        if key not in self.recent:
            net, sched = self.configs(staff)
            started = time.perf_counter()
            self.recent = {k: v for k, v in self.recent.items() if k in list(self.recent)[-1:]}
            self.recent[key] = simulate({**self.base, "network": net, "schedule": sched}, self.progress)
            self.say(f"{label}: simulated {int(staff.sum())} block-desks in {time.perf_counter() - started:.1f} s")
        return self.recent[key]

    def levels(self, staff: np.ndarray, round: int | None = None) -> pd.DataFrame:
        """The block service levels of a staffing (recorded as ``round`` of the history)."""
        key = staff.tobytes()
        if key not in self.seen:
            contacts = self.results(staff, f"round {round}").contacts
            self.seen[key] = block_service_levels(contacts, self.units, self.lookup, len(self.blocks))
        levels = self.seen[key]
        if round is not None:
            self.history.append(pd.DataFrame({
                "round": round, "block": range(len(self.blocks)), "staff": staff,
                "service_level": levels["mean"].to_numpy(), "ci_low": levels["ci_low"].to_numpy(),
                "ci_high": levels["ci_high"].to_numpy(), "n": levels["n"].to_numpy()}))
        return levels


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
    from simoffice.version import __version__
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
    units = _units(work_spec, params)
    if not units:
        raise ConfigError("network.offices", "an office (or a contact centre with staffing.contact_centre) to staff",
                          [u.name for u in work_spec.offices])
    blocks = _blocks(work_spec, units, params.block_min)
    net_name = params.network_name or _file_name(f"{network['name']}_staffed")
    sched_name = params.schedule_name or _file_name(f"{schedule['name']}_staffed")

    say(f"pilot: simulating the baseline ({baseline_spec.run.replications} replications × "
        f"{baseline_spec.run.weeks} weeks)")
    baseline = simulate(base, progress)
    load = offered_load(baseline, work_spec, units, blocks, _lookup(blocks, len(units)))
    unit_of = blocks["unit"].to_numpy()
    floor = np.array([max(params.min_staff, units[u].floor) for u in unit_of])
    guess = np.array([erlang_guess(r.arrivals_per_hour / 60, r.service_mean_min, units[u].target_min,
                                   params.service_level, int(f))
                      for r, u, f in zip(load.itertuples(), unit_of, floor)], dtype=np.int64)

    sims = _Simulations(base, network, schedule, units, blocks, (net_name, sched_name), progress, say)
    staff = guess.copy()
    tested: dict = {}
    converged, pending, rounds = False, 0, 0
    for rounds in range(1, params.max_rounds + 1):
        levels = sims.levels(staff, rounds)
        new = _decide(staff, levels, tested, floor, params.service_level)
        up, down = int((new > staff).sum()), int((new < staff).sum())
        if not up and not down:
            converged = True
            break
        say(f"round {rounds}: +1 desk in {up} blocks (clearly below the target, or a desk given back), "
            f"−1 desk in {down} (clearly above it)")
        if rounds == params.max_rounds:
            # Not settled: keep the desks the last round adds (clear misses, desks given
            # back), leave out those it would take away, and simulate that once more.
            pending = up + down
            say(f"round {rounds} was the last (staffing.max_rounds): keeping the desks it adds, not those it "
                "would take away")
            staff = np.maximum(staff, new)
            sims.levels(staff, rounds + 1)
            break
        staff = new
    net, sched = sims.configs(staff)
    results = sims.results(staff)
    final = sims.levels(staff)

    table = blocks.drop(columns=["unit", "day", "start_min", "end_min"]).copy()
    table = pd.concat([table, load], axis=1)
    table["baseline_staff"] = _block_staff(work_spec, units, blocks)
    table["erlang_c_guess"] = guess
    table["staff"] = staff
    table["erlang_c_service_level"] = [_erlang_level(int(c), r.arrivals_per_hour / 60, r.service_mean_min,
                                                     units[u].target_min)
                                       for c, r, u in zip(staff, load.itertuples(), unit_of)]
    for col in ("mean", "ci_low", "ci_high", "n"):
        table["service_level" if col == "mean" else col] = final[col].to_numpy()
    rounds_table = pd.concat(sims.history, ignore_index=True)
    rounds_table.insert(1, "office", blocks["office"].to_numpy()[rounds_table["block"]])
    rounds_table.insert(2, "shift", blocks["shift"].to_numpy()[rounds_table["block"]])
    hours = _hours(baseline, results, units)
    meta = {
        "network": baseline_spec.name, "network_kind": base["network"].get("kind", "explicit"),
        "schedule": baseline_spec.schedule_name, "design": baseline_spec.design.name,
        "service_level": params.service_level, "service_level_target_min": baseline_spec.run.service_level_target_min,
        "phone_target_sec": None if work_spec.phone is None else work_spec.phone.target_min * 60,
        "block_min": params.block_min, "rounds": rounds, "replications": baseline_spec.run.replications,
        "weeks": baseline_spec.run.weeks, "warmup_weeks": baseline_spec.run.warmup_weeks,
        "seed": baseline_spec.run.seed, "units": [u.name for u in units], "version": __version__,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return StaffingSearch(table, rounds_table, hours, net, sched, baseline, results, converged, pending, meta)


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def _erlang_level(c: int, per_min: float, service_mean: float, target_min: float) -> float:
    """Erlang C's service level with ``c`` desks; NaN with no load or an unstable queue."""
    if not per_min > 0 or not np.isfinite(service_mean) or c / service_mean <= per_min:
        return float("nan")
    return theory.erlang_c_service_level(c, per_min, 1.0 / service_mean, target_min)


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
