"""What each arm of a comparison is: the settings that differ from the baseline's, and opening hours.

An arm is defined by a few overrides (``schedule=mon_thu``,
``network.mobile_routes=[]``), but what they change is in the composed config:
the keys whose values differ from the baseline's are listed as ``key: baseline →
arm``. A config group chosen otherwise (``schedule``, ``design``, ``network``,
whose ``name`` differs) is one item, ``schedule: five_day → mon_thu``, with its
changed keys below it; lists are summarised by their length (``network.mobile_routes:
1 mobile route (North bus) → none``), or compared item by item when both have the
same items. Opening hours, the most visible change to clients, are shown side by
side per weekday from the arms' specs. Config values are only ever shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from simoffice.model.spec import CONTACT_CENTRE, MOBILE_OFFICE, ModelSpec, Office
from simoffice.model.timetable import day_pairs, open_minutes
from simoffice.vocabulary import WEEKDAY_NAMES, hhmm

MAX_TEXT = 60  # characters of a value shown
MAX_INLINE = 7  # a list of at most this many plain values is shown whole
SKIPPED = ("compare", "hydra")  # top-level keys that are the same study, not an arm's choice
OPENING_KEYS = ("opening_hours",)  # shown in the opening hours table instead


@dataclass(frozen=True)
class Change:
    """A setting that differs: dotted ``key``, its value in the baseline and in the arm (as text)."""

    key: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.key}: {self.before} → {self.after}"


def plain(cfg: Any) -> Any:
    """A config as plain containers: a DictConfig unresolved (interpolations as text)."""
    from omegaconf import DictConfig, ListConfig, OmegaConf

    if isinstance(cfg, (DictConfig, ListConfig)):
        return OmegaConf.to_container(cfg, resolve=False)
    return cfg


def changes(baseline: Any, arm: Any) -> list[Change]:
    """The settings of ``arm`` that differ from ``baseline`` (plain containers), in the
    baseline's key order; the study's own keys (``compare``, ``hydra``) are left out."""
    out: list[Change] = []
    for key in _keys(baseline, arm):
        if key in SKIPPED:
            continue
        _diff(_get(baseline, key), _get(arm, key), key, out)
    return out


_MISSING = object()


def _keys(a: Any, b: Any) -> list:
    keys = list(a) if isinstance(a, dict) else []
    return keys + [k for k in (b if isinstance(b, dict) else []) if k not in keys]


def _get(x: Any, key: Any) -> Any:
    return x.get(key, _MISSING) if isinstance(x, dict) else _MISSING


def _diff(a: Any, b: Any, key: str, out: list[Change]) -> None:
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in _keys(a, b):
            _diff(_get(a, k), _get(b, k), f"{key}.{k}", out)
        return
    if isinstance(a, list) and isinstance(b, list):
        names_a, names_b = _names(a), _names(b)
        if names_a is not None and names_a == names_b:
            for name, x, y in zip(names_a, a, b):
                _diff(x, y, f"{key}[{name}]", out)
            return
        if names_a is None and names_b is None and len(a) == len(b) and any(isinstance(x, (dict, list)) for x in a):
            for i, (x, y) in enumerate(zip(a, b)):
                _diff(x, y, f"{key}[{i}]", out)
            return
    out.append(Change(key, text(a, key), text(b, key)))


def _names(items: list) -> list[str] | None:
    """The items' ``name`` values when every item is a mapping with a name."""
    if items and all(isinstance(x, dict) and "name" in x for x in items):
        return [str(x["name"]) for x in items]
    return None


def text(value: Any, key: str = "") -> str:
    """A config value as short text: ``none`` for null or an empty list, a short list of
    plain values whole, a longer one or a list of mappings by its length (``2 mobile
    routes (North bus, South bus)``), a mapping by its size."""
    if value is _MISSING:
        return "not set"
    if value is None:
        return "none"
    if isinstance(value, list):
        if not value:
            return "none"
        if len(value) <= MAX_INLINE and not any(isinstance(x, (dict, list)) for x in value):
            return _short("[" + ", ".join(str(x) for x in value) + "]")
        noun = _noun(key)
        counted = f"{len(value)} {noun if len(value) == 1 else noun + 's'}"
        names = _names(value)
        return counted + (_short(f" ({', '.join(names)})") if names and len(names) <= 3 else "")
    if isinstance(value, dict):
        return f"{len(value)} settings" if len(value) != 1 else "1 setting"
    if isinstance(value, bool):
        return "true" if value else "false"  # as in the config files
    return _short(str(value))


def _noun(key: str) -> str:
    """``network.mobile_routes`` -> ``mobile route``: the key's last part in words, singular."""
    last = key.rsplit(".", 1)[-1].split("[", 1)[0].replace("_", " ")
    return last[:-1] if last.endswith("s") and not last.endswith("ss") else (last or "item")


def _short(s: str) -> str:
    return s if len(s) <= MAX_TEXT else s[:MAX_TEXT - 1] + "…"


def grouped(found: Sequence[Change], max_details: int = 8) -> list[str]:
    """The changes as items for people: a config group chosen otherwise (its ``name``
    changed) as ``schedule: five_day → mon_thu`` followed by its other changed keys
    (opening hours left out: the opening hours table shows them), at most
    ``max_details`` of them, then ``… and N more``."""
    groups = {c.key.rsplit(".", 1)[0]: c for c in found if c.key.count(".") == 1 and c.key.endswith(".name")}
    items: list[str] = [f"{g}: {c.before} → {c.after}" for g, c in groups.items()]
    details = [c for c in found if c.key.rsplit(".", 1)[0] not in groups or not c.key.endswith(".name")]
    details = [c for c in details if not any(f".{k}." in f".{c.key}." for k in OPENING_KEYS)]
    items += [str(c) for c in details[:max_details]]
    if len(details) > max_details:
        items.append(f"… and {len(details) - max_details} more settings")
    return items


def spec_changes(baseline: ModelSpec, arm: ModelSpec) -> list[str]:
    """What differs between two specs, in words, for arms given as specs (no config):
    the network, schedule and design chosen, and the units added or removed."""
    out = []
    for what, a, b in (("network", baseline.name, arm.name), ("schedule", baseline.schedule_name, arm.schedule_name),
                       ("design", baseline.design.name, arm.design.name)):
        if a != b:
            out.append(f"{what}: {a} → {b}")
    units_a, units_b = [o.name for o in baseline.offices], [o.name for o in arm.offices]
    added, removed = [u for u in units_b if u not in units_a], [u for u in units_a if u not in units_b]
    if added:
        out.append("units added: " + ", ".join(added))
    if removed:
        out.append("units removed: " + ", ".join(removed))
    return out


def describe(configs: Mapping[str, Any], specs: Mapping[str, ModelSpec],
             overrides: Mapping[str, Sequence[str]] | None = None) -> dict[str, list[str]]:
    """Per arm, what it is: the overrides that define it (when given), then what differs
    from the baseline (the first arm): from the composed configs, or from the specs for
    an arm given as a spec. The baseline's items are its overrides only."""
    names = list(specs)
    base = names[0]
    out: dict[str, list[str]] = {}
    for name in names:
        items = []
        if overrides is not None:
            own = [str(o) for o in overrides.get(name, ())]
            items.append("set by: " + (" ".join(own) if own else "no overrides of its own"))
        if name == base:
            items.append("the baseline: every other arm is compared with it")
        elif isinstance(configs.get(name), ModelSpec) or isinstance(configs.get(base), ModelSpec):
            items += spec_changes(specs[base], specs[name]) or ["the same network, schedule and design"]
        else:
            items += grouped(changes(plain(configs[base]), plain(configs[name]))) or ["no setting differs"]
        out[name] = items
    return out


def day_hours(office: Office, weekday: int, zones: Sequence[str]) -> str:
    """A unit's hours on ``weekday`` (0 = Monday): ``08:00–12:00, 13:00–17:00``, ``closed``;
    a mobile office's with the zone of each stop: ``10:00–14:00 (Villages north)``."""
    if office.kind == MOBILE_OFFICE:
        stops = sorted((s.start, s.end, s.zone) for s in office.stops if s.weekday == weekday)
        return ", ".join(f"{hhmm(lo)}–{hhmm(hi)} ({zones[z]})" for lo, hi, z in stops) or "closed"
    pairs = day_pairs(office.opening[weekday])
    return ", ".join(f"{hhmm(lo)}–{hhmm(hi)}" for lo, hi in pairs) or "closed"


def unit_label(office: Office) -> str:
    """A unit's name, with what it is when it is not a fixed office."""
    kinds = {MOBILE_OFFICE: "mobile office", CONTACT_CENTRE: "phone"}
    return f"{office.name} ({kinds[office.kind]})" if office.kind in kinds else office.name


def week_hours(office: Office) -> str:
    """A unit's open hours a week: ``45 h``, ``41 h 15 min`` (a mobile office's: at its stops)."""
    total = (sum(st.end - st.start for st in office.stops) if office.kind == MOBILE_OFFICE
             else open_minutes(office.opening))
    hours, minutes = divmod(int(round(total)), 60)
    return f"{hours} h" + (f" {minutes} min" if minutes else "")


WEEK = "Week"  # the weekday of the row of hours a week


def opening_hours(specs: Mapping[str, ModelSpec]) -> list[dict[str, Any]]:
    """Opening hours side by side: rows ``{"units": [unit, ...], "weekday": "Fri",
    "hours": {arm: text}, "differs": bool}``, a group's days then its hours a week
    (weekday :data:`WEEK`). Units whose hours are the same in every arm and on every
    day are one group (usually all the offices on the schedule's hours); a unit
    missing from an arm shows ``–``. A weekday closed in every arm for a group is
    left out."""
    names = list(specs)
    units: dict[str, dict[str, tuple[Office, Sequence[str]]]] = {}
    for arm in names:
        zones = [z.name for z in specs[arm].zones]
        for office in specs[arm].offices:
            units.setdefault(unit_label(office), {})[arm] = (office, zones)
    groups: dict[tuple, list[str]] = {}
    for unit, by_arm in units.items():
        days = tuple(tuple(day_hours(by_arm[a][0], d, by_arm[a][1]) if a in by_arm else "–" for a in names)
                     for d in range(7))
        week = tuple(week_hours(by_arm[a][0]) if a in by_arm else "–" for a in names)
        groups.setdefault((*days, week), []).append(unit)
    rows = []
    for key, members in groups.items():
        for day, hours in zip((*WEEKDAY_NAMES, WEEK), key):
            if day != WEEK and all(h in ("closed", "–") for h in hours):
                continue
            rows.append({"units": members, "weekday": day, "hours": dict(zip(names, hours)),
                         "differs": len(set(hours)) > 1})
    return rows
