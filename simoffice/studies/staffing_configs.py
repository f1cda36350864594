"""The staffing search's configs: the network and schedule it staffs, and those it writes.

The search works on an explicit network (an ``mmc`` network is written out as
the same queue, a ``synthetic`` one as the network it generates) and writes
the roster it finds as a copy of that network whose searched units' desk
groups are staffed by the roster's shifts (breaks included), and a copy of
the schedule with those shifts added: configs the simulator composes and runs
like any other.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping, Sequence

import numpy as np
import yaml

from simoffice.config.build import generated_network
from simoffice.errors import ConfigError
from simoffice.model.spec import CONTACT_CENTRE
from simoffice.vocabulary import WEEKDAYS, hhmm

__all__ = ["mmc_as_explicit", "explicit_configs", "rostered_configs", "split", "to_yaml"]


def mmc_as_explicit(net: Mapping[str, Any]) -> tuple[dict, dict]:
    """The ``mmc`` network written out as an explicit network and an always-open
    schedule that simulate the same queue: one office open 24/7, one service,
    one segment (patience as given, nobody returns), Poisson arrivals at a
    constant rate, the desks on one shift around the clock."""
    mean, cv = float(net["service_mean_min"]), float(net["service_cv"])
    if cv == 0:
        service_time = {"dist": "deterministic", "value": mean}
    elif cv == 1:
        service_time = {"dist": "exponential", "mean": mean}
    else:
        service_time = {"dist": "lognormal", "mean": mean, "cv": cv}
    patience = net.get("patience_mean_min")
    network = {
        "kind": "explicit",
        "name": str(net.get("name", "mmc")),
        "max_visits": 1,
        "return_after_days": 1,
        "staff_cost_per_hour": 0.0,
        "arrival_profile": {"bin_min": 60, "start": "00:00", "time_of_day": [1.0] * 24,
                            "weekdays": {d: 1.0 for d in WEEKDAYS}},
        "segments": {"all": {"share": 1.0, "return_prob": 0.0, "informed_share": 1.0,
                             "patience": None if patience is None else {"dist": "exponential", "mean": patience}}},
        "services": {"service": {"skill": "service", "service_time": service_time}},
        "bundles": {"single": {"needs": ["service"], "share": 1.0}},
        "offices": [{"name": "office", "bundles_per_week": float(net["arrivals_per_hour"]) * 168,
                     "desk_groups": [{"name": "desks", "skills": ["service"], "staff": {"always": net["servers"]}}]}],
    }
    schedule = {
        "name": "always_open",
        "opening_hours": {d: "00:00-24:00" for d in WEEKDAYS},
        "shifts": {"always": {"start": "00:00", "end": "24:00", "days": list(WEEKDAYS)}},
        "holidays": [],
        "closing_policy": "serve_waiting",
    }
    return network, schedule


def explicit_configs(cfg: Mapping[str, Any]) -> tuple[dict, dict]:
    """The network (written out: ``kind: explicit``) and schedule the search staffs."""
    net = cfg["network"]
    kind = net.get("kind", "explicit")
    if kind == "mmc":
        return mmc_as_explicit(net)
    if kind == "synthetic":
        return generated_network(cfg), copy.deepcopy(dict(cfg["schedule"]))
    return copy.deepcopy(dict(net)), copy.deepcopy(dict(cfg["schedule"]))


def _compact(node: Any) -> Any:
    """A config as plain data, with the unset parameters of distributions left out."""
    if isinstance(node, Mapping):
        drop = "dist" in node
        return {k: _compact(v) for k, v in node.items() if not (drop and v is None)}
    if isinstance(node, (list, tuple)):
        return [_compact(v) for v in node]
    return node


class _Dumper(yaml.SafeDumper):
    """YAML as the project's configs are written: short mappings and lists of
    scalars on one line (``{start: "08:00", end: "09:00", days: [mon]}``), clock
    times in quotes."""


def _flat(values) -> bool:
    return all(not isinstance(v, (dict, list)) for v in values)


_Dumper.add_representer(list, lambda d, data: d.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=_flat(data)))
_Dumper.add_representer(dict, lambda d, data: d.represent_mapping(
    "tag:yaml.org,2002:map", data.items(), flow_style=len(data) <= 8 and all(
        not isinstance(v, dict) and (not isinstance(v, list) or _flat(v)) for v in data.values())))
_Dumper.add_representer(str, lambda d, data: d.represent_scalar(
    "tag:yaml.org,2002:str", data, style='"' if ":" in data else None))


def to_yaml(doc: Mapping[str, Any]) -> str:
    """A config as YAML text (keys in their order)."""
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


def split(n: int, weights: tuple[float, ...], required: tuple[bool, ...]) -> list[int]:
    """``n`` desks over desk groups: one for each required group, the rest in
    proportion to ``weights`` (largest remainders; all equal when no weight is positive)."""
    out = np.array([1 if r else 0 for r in required], dtype=np.int64)
    rest = n - int(out.sum())
    w = np.array(weights, dtype=float)
    w = w if w.sum() > 0 else np.ones(len(w))
    if rest > 0:
        share = rest * w / w.sum()
        base = np.floor(share).astype(np.int64)
        order = np.argsort(-(share - base), kind="stable")
        base[order[:rest - int(base.sum())]] += 1
        out += base
    return [int(x) for x in out]


def shift_name(unit: int, row: Any) -> str:
    """The config name of a roster shift: ``roster_u<unit>_<weekday>_<HHMM>_<HHMM>`` and
    ``_b<HHMM>`` for its break (built from numbers only, never from a config's text)."""
    name = f"roster_u{unit}_{row.weekday}_{hhmm(row.start_min).replace(':', '')}_{hhmm(row.end_min).replace(':', '')}"
    if not np.isnan(row.break_start_min):
        name += f"_b{hhmm(row.break_start_min).replace(':', '')}"
    return name


def roster_shift(row: Any) -> dict:
    """A roster row as a shift config: its times, weekday and break."""
    shift = {"start": hhmm(row.start_min), "end": hhmm(row.end_min), "days": [row.weekday]}
    if not np.isnan(row.break_start_min):
        shift["breaks"] = [{"start": hhmm(row.break_start_min), "end": hhmm(row.break_end_min),
                            "paid": bool(row.break_paid)}]
    return shift


def rostered_configs(network: Mapping[str, Any], schedule: Mapping[str, Any], units: Sequence[Any],
                     rosters: Mapping[tuple[int, int], Any], network_name: str,
                     schedule_name: str) -> tuple[dict, dict]:
    """The network with each searched unit's desk groups staffed by their rosters, and
    the schedule with the offices' roster shifts added (the contact centre gets its
    own). Every other key, unit and shift is kept.

    Args:
        units: the searched units (:class:`simoffice.studies.staffing_intervals.Unit`).
        rosters: (unit position, desk group position or -1 for a pool) -> its
            :class:`~simoffice.studies.rostering.Roster`, whose ``shifts`` name each
            row's desk group by position (``group``); a group with no row has no desks.

    Raises:
        ConfigError: the schedule already has a shift named like a roster shift.
    """
    net = copy.deepcopy(dict(network))
    sched = copy.deepcopy(dict(schedule))
    net["name"], sched["name"] = network_name, schedule_name
    office_shifts: dict[str, dict] = {}
    for u, unit in enumerate(units):
        shifts: dict[str, dict] = {}
        counts: dict[str, dict[str, int]] = {g: {} for g in unit.groups}
        for (owner, _), roster in rosters.items():
            if owner != u:
                continue
            for row in roster.shifts.itertuples():
                name = shift_name(u, row)
                shifts[name] = roster_shift(row)
                group = counts[unit.groups[row.group]]
                group[name] = group.get(name, 0) + int(row.count)
        if unit.kind == CONTACT_CENTRE:
            cc = net["contact_centre"]
            cc["shifts"] = shifts
            groups = cc["desk_groups"]
        else:
            office_shifts.update(shifts)
            groups = next(o for o in net["offices"] if o["name"] == unit.name)["desk_groups"]
        for g in groups:
            g["staff"] = counts[g["name"]]
    clash = set(office_shifts) & set(sched.get("shifts") or {})
    if clash:
        name = sorted(clash)[0]
        raise ConfigError(f"schedule.shifts.{name}", "a shift name other than the roster's "
                          "('roster_u<unit>_<weekday>_<HHMM>_<HHMM>')", name)
    sched["shifts"] = {**(sched.get("shifts") or {}), **office_shifts}
    return net, sched
