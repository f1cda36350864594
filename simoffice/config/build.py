"""From a composed config to a validated :class:`~simoffice.model.spec.ModelSpec`.

Every cross-field check lives here and runs once, before any simulation. A
failed check raises :class:`~simoffice.errors.ConfigError` with the key path,
what was expected and the value given.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Mapping

import numpy as np
from omegaconf import DictConfig, OmegaConf

from simoffice.model import distributions

from simoffice.config import synthetic
from simoffice.errors import ConfigError
from simoffice.model.profile import ArrivalProfile
from simoffice.vocabulary import WEEKDAYS
from simoffice.model.spec import (
    CHOOSABLE, CONTACT_CENTRE, MOBILE_OFFICE, OFFICE, PHONE_MODES, PHONE_NONE, VIDEO_CENTRE,
    Appointments, Bundle, DeskGroup, Design, ExpertCentre, ModelSpec, Office, Phone, Run, Schedule,
    Segment, Service, Shift, Slots, Stop, Zone,
)
from simoffice.model.timetable import parse_clock, parse_hours
from simoffice.vocabulary import DAY
from simoffice.vocabulary import hhmm

CLOSING_POLICIES = ("serve_waiting", "send_away")
NEEDS_PER_TICKET = ("one", "all")
OTHER_NEEDS = ("same_visit", "next_visit")
DESK_SERVES = ("all", "walk_in", "appointment")
WHEN_FULL = ("walk_in", "wait")
DEFAULT_AGENCY = "agency"


def build_spec(cfg: DictConfig | Mapping[str, Any]) -> ModelSpec:
    """Validate a composed config and freeze it into a ModelSpec.

    Args:
        cfg: the composed Hydra config (or the same as plain dicts) with
            ``network``, ``schedule``, ``design`` and ``run``.

    Raises:
        ConfigError: the first invalid value found, named by its key path.
    """
    if isinstance(cfg, DictConfig):
        cfg = OmegaConf.to_container(cfg, resolve=True)
    for part in ("network", "schedule", "design", "run"):
        if not isinstance(cfg.get(part), Mapping):
            raise ConfigError(part, "a config group (mapping)", cfg.get(part))
        _no_instantiation(cfg[part], part)
    run = _run(cfg["run"])
    design = _design(cfg["design"])
    schedule, hours = _schedule(cfg["schedule"], run)  # checked even where it does not apply (mmc)
    net = cfg["network"]
    kind = net.get("kind", "explicit")
    if kind == "mmc":
        return _mmc(net, design, run, schedule.name)
    if kind == "synthetic":
        net = _synthetic(net, schedule, hours)
    elif kind != "explicit":
        raise ConfigError("network.kind", "'synthetic', 'explicit' or 'mmc'", kind)
    return _explicit(net, schedule, hours, design, run)


# Hydra's instantiation keys: simoffice never builds Python objects from a config,
# and refuses them so that a config file cannot name code to import or run.
INSTANTIATION_KEYS = ("_target_", "_call_", "_partial_", "_args_", "_recursive_", "_convert_")


def _no_instantiation(node: Any, key: str) -> None:
    if isinstance(node, Mapping):
        for k, v in node.items():
            if k in INSTANTIATION_KEYS:
                raise ConfigError(f"{key}.{k}", "no object instantiation keys in a simoffice config", v)
            _no_instantiation(v, f"{key}.{k}")
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            _no_instantiation(v, f"{key}[{i}]")


# --- scalar checks ---------------------------------------------------------------

def _int(value: Any, key: str, low: int | None = None) -> int:
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or value != int(value)):
        raise ConfigError(key, "an integer" + (f" >= {low}" if low is not None else ""), value)
    if low is not None and value < low:
        raise ConfigError(key, f"an integer >= {low}", value)
    return int(value)


def _num(value: Any, key: str, low: float | None = None, strict: bool = False) -> float:
    bound = "" if low is None else (f" > {low}" if strict else f" >= {low}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(key, "a finite number" + bound, value)
    if low is not None and (value <= low if strict else value < low):
        raise ConfigError(key, "a number" + bound, value)
    return float(value)


def _prob(value: Any, key: str, below_one: bool = False) -> float:
    expected = "a probability in [0, 1)" if below_one else "a probability in [0, 1]"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(key, expected, value)
    if not 0 <= value <= 1 or (below_one and value >= 1):
        raise ConfigError(key, expected, value)
    return float(value)


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, "true or false", value)
    return value


def _choice(value: Any, key: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ConfigError(key, f"one of {list(options)}", value)
    return value


def _nonempty(value: Any, key: str, what: str) -> Any:
    if not value:
        raise ConfigError(key, f"at least one {what}", value)
    return value


def _weekday(value: Any, key: str) -> int:
    if value not in WEEKDAYS:
        raise ConfigError(key, f"a weekday, one of {list(WEEKDAYS)}", value)
    return WEEKDAYS.index(value)


def _weights(mapping: Mapping[str, Any], key: str, names: tuple[str, ...], what: str,
             suffix: str = "") -> tuple[float, ...]:
    """Probabilities over ``names`` from a name -> weight mapping, normalised.
    A weight's key is ``{key}.{name}{suffix}``."""
    w = [0.0] * len(names)
    for name, value in mapping.items():
        if name not in names:
            raise ConfigError(f"{key}.{name}", f"a known {what}, one of {list(names)}", name)
        w[names.index(name)] = _num(value, f"{key}.{name}{suffix}", 0)
    total = sum(w)
    if total <= 0:
        raise ConfigError(key, "weights with a positive sum", dict(mapping))
    return tuple(x / total for x in w)


# --- groups ----------------------------------------------------------------------

def _run(r: Mapping[str, Any]) -> Run:
    weeks = _int(r.get("weeks"), "run.weeks", 1)
    warmup = _int(r.get("warmup_weeks"), "run.warmup_weeks", 0)
    if warmup >= weeks:
        raise ConfigError("run.warmup_weeks", f"fewer weeks than run.weeks ({weeks})", warmup)
    try:
        start = dt.date.fromisoformat(str(r.get("start_date")))
    except ValueError:
        raise ConfigError("run.start_date", "an ISO date such as 2026-01-05", r.get("start_date")) from None
    return Run(
        weeks=weeks,
        warmup_weeks=warmup,
        drain_weeks=_int(r.get("drain_weeks"), "run.drain_weeks", 0),
        replications=_int(r.get("replications"), "run.replications", 1),
        seed=_int(r.get("seed"), "run.seed", 0),
        jobs=_int(r.get("jobs"), "run.jobs", 0),
        service_level_target_min=_num(r.get("service_level_target_min"), "run.service_level_target_min", 0, True),
        coverage_target_min=_num(r.get("coverage_target_min", 30.0), "run.coverage_target_min", 0),
        start_date=start.isoformat(),
        start_weekday=start.weekday(),
        progress=_bool(r.get("progress", True), "run.progress"),
        keep_contacts=_bool(r.get("keep_contacts", True), "run.keep_contacts"),
        check_invariants=_bool(r.get("check_invariants", False), "run.check_invariants"),
    )


def _design(d: Mapping[str, Any]) -> Design:
    return Design(
        name=str(d.get("name")),
        needs_per_ticket=_choice(d.get("needs_per_ticket"), "design.needs_per_ticket", NEEDS_PER_TICKET),
        other_needs=_choice(d.get("other_needs"), "design.other_needs", OTHER_NEEDS),
        cross_trained=_bool(d.get("cross_trained"), "design.cross_trained"),
    )


def _opening(hours: Mapping[str, Any] | None, key: str) -> tuple:
    if not isinstance(hours, Mapping):
        raise ConfigError(key, "a mapping weekday -> 'HH:MM-HH:MM' or null", hours)
    out: list = [None] * 7
    for day, text in hours.items():
        i = _weekday(day, f"{key}.{day}")
        out[i] = None if text is None else parse_hours(text, f"{key}.{day}")
    return tuple(out)


def _schedule(s: Mapping[str, Any], run: Run) -> tuple[Schedule, tuple]:
    """The schedule, and its weekly opening hours (the offices' default)."""
    shifts = _shifts(s.get("shifts"), "schedule.shifts")
    start = dt.date.fromisoformat(run.start_date)
    holidays = set()
    for i, h in enumerate(s.get("holidays") or []):
        try:
            day = (dt.date.fromisoformat(str(h)) - start).days
        except ValueError:
            raise ConfigError(f"schedule.holidays[{i}]", "an ISO date such as 2026-01-07", h) from None
        holidays.add(day)
    return Schedule(
        name=str(s.get("name")),
        shifts=tuple(shifts),
        holidays=frozenset(holidays),
        closing_policy=_choice(s.get("closing_policy"), "schedule.closing_policy", CLOSING_POLICIES),
    ), _opening(s.get("opening_hours"), "schedule.opening_hours")


def _profile(p: Mapping[str, Any]) -> ArrivalProfile:
    key = "network.arrival_profile"
    bin_min = _int(p.get("bin_min"), f"{key}.bin_min", 1)
    if bin_min > DAY or DAY % bin_min:
        raise ConfigError(f"{key}.bin_min", "a divisor of 1440 (1, 5, 15, 30, 60 …)", bin_min)
    start = parse_clock(p.get("start", "00:00"), f"{key}.start", allow_24=False)
    if start % bin_min:
        raise ConfigError(f"{key}.start", f"a multiple of bin_min ({bin_min} min)", p.get("start"))
    n_bins, first = DAY // bin_min, start // bin_min

    def day_shape(values: Any, k: str) -> np.ndarray:
        values = list(values or [])
        if len(values) > n_bins - first:
            raise ConfigError(k, f"at most {n_bins - first} bins of {bin_min} min from {p.get('start')}", values)
        row = np.zeros(n_bins)
        for i, v in enumerate(values):
            row[first + i] = _num(v, f"{k}[{i}]", 0)
        return row

    base = day_shape(p.get("time_of_day"), f"{key}.time_of_day")
    by_day = p.get("by_weekday") or {}
    day_weights = np.zeros(7)
    for day, w in (p.get("weekdays") or {}).items():
        day_weights[_weekday(day, f"{key}.weekdays.{day}")] = _num(w, f"{key}.weekdays.{day}", 0)
    rows = []
    for i, day in enumerate(WEEKDAYS):
        row = day_shape(by_day[day], f"{key}.by_weekday.{day}") if day in by_day else base
        rows.append(day_weights[i] * row)
    for day in by_day:
        _weekday(day, f"{key}.by_weekday.{day}")
    weights = np.array(rows)
    if weights.sum() <= 0:
        raise ConfigError(key, "a profile with some positive rate in the week", dict(p))
    return ArrivalProfile(bin_min, weights / weights.sum())


def _segments(net: Mapping[str, Any]) -> tuple[Segment, ...]:
    seg_cfg = _nonempty(net.get("segments"), "network.segments", "segment")
    seg_names = tuple(seg_cfg)
    shares = _weights({n: s.get("share") for n, s in seg_cfg.items()}, "network.segments", seg_names,
                      "segment", ".share")
    uptake = net.get("online_uptake")
    if uptake is not None:
        uptake = _prob(uptake, "network.online_uptake")
    segments = []
    for (name, s), share in zip(seg_cfg.items(), shares):
        key = f"network.segments.{name}"
        patience = s.get("patience")
        channels = s.get("channels") or {"walk_in": 1.0}
        if not isinstance(channels, Mapping):
            raise ConfigError(f"{key}.channels", f"a mapping channel -> weight, channels {list(CHOOSABLE)}", channels)
        weights = _weights(channels, f"{key}.channels", CHOOSABLE, "channel")
        if uptake is not None:
            weights = _with_online_share(weights, uptake)
        segments.append(Segment(
            name=name,
            share=share,
            patience=None if patience is None else distributions.from_config(patience, f"{key}.patience"),
            priority=_int(s.get("priority", 0), f"{key}.priority"),
            return_prob=_prob(s.get("return_prob", 0.8), f"{key}.return_prob"),
            informed_share=_prob(s.get("informed_share", 1.0), f"{key}.informed_share"),
            channels=weights,
            digital_skill=_prob(s.get("digital_skill", 0.5), f"{key}.digital_skill"),
        ))
    return tuple(segments)


def _with_online_share(weights: tuple[float, ...], share: float) -> tuple[float, ...]:
    """Channel probabilities with ``share`` for online and the other channels in
    their given proportions (walk-in only if the segment gave no other)."""
    online = CHOOSABLE.index("online")
    rest = [0.0 if i == online else w for i, w in enumerate(weights)]
    total = sum(rest)
    if total <= 0:
        rest[CHOOSABLE.index("walk_in")], total = 1.0, 1.0
    return tuple(share if i == online else (1 - share) * w / total for i, w in enumerate(rest))


def _dist_or_none(value: Any, key: str):
    return None if value is None else distributions.from_config(value, key)


def _services(net: Mapping[str, Any]) -> tuple[tuple[Service, ...], tuple[str, ...], tuple[str, ...]]:
    """Services, skills and agencies (in order of first mention)."""
    svc_cfg = _nonempty(net.get("services"), "network.services", "service")
    skills: list[str] = []
    agencies: list[str] = []
    services = []
    for name, s in svc_cfg.items():
        key = f"network.services.{name}"
        skill = s.get("skill")
        if not isinstance(skill, str) or not skill:
            raise ConfigError(f"{key}.skill", "a skill name", skill)
        if skill not in skills:
            skills.append(skill)
        agency = s.get("agency") or DEFAULT_AGENCY
        if not isinstance(agency, str):
            raise ConfigError(f"{key}.agency", "an agency name", agency)
        if agency not in agencies:
            agencies.append(agency)
        escalation = _prob(s.get("escalation_prob", 0.0), f"{key}.escalation_prob")
        expert_time = _dist_or_none(s.get("expert_time"), f"{key}.expert_time")
        if escalation > 0 and expert_time is None:
            raise ConfigError(f"{key}.expert_time",
                              f"a distribution of the expert centre's working minutes, since escalation_prob = {escalation:g} > 0",
                              None)
        services.append(Service(
            name=name,
            skill=skills.index(skill),
            service_time=distributions.from_config(s.get("service_time"), f"{key}.service_time"),
            missing_document_prob=_prob(s.get("missing_document_prob", 0.0), f"{key}.missing_document_prob", below_one=True),
            agency=agencies.index(agency),
            online=_bool(s.get("online", False), f"{key}.online"),
            phone=PHONE_MODES.index(_choice(s.get("phone", "none"), f"{key}.phone", PHONE_MODES)),
            video=_bool(s.get("video", False), f"{key}.video"),
            phone_time=_dist_or_none(s.get("phone_time"), f"{key}.phone_time"),
            video_time=_dist_or_none(s.get("video_time"), f"{key}.video_time"),
            escalation_prob=escalation,
            expert_time=expert_time,
            follow_up_prob=_prob(s.get("follow_up_prob", 0.0), f"{key}.follow_up_prob"),
            proactive_share=_prob(s.get("proactive_share", 0.0), f"{key}.proactive_share"),
        ))
    return tuple(services), tuple(skills), tuple(agencies)


def _bundles(net: Mapping[str, Any], services: tuple[Service, ...], segments: tuple[Segment, ...]) -> tuple[Bundle, ...]:
    svc_names = tuple(s.name for s in services)
    seg_names = tuple(s.name for s in segments)
    b_cfg = _nonempty(net.get("bundles"), "network.bundles", "bundle")
    b_shares = _weights({n: b.get("share") for n, b in b_cfg.items()}, "network.bundles", tuple(b_cfg),
                        "bundle", ".share")
    bundles = []
    for (name, b), share in zip(b_cfg.items(), b_shares):
        key = f"network.bundles.{name}"
        needs = _nonempty(b.get("needs"), f"{key}.needs", "service")
        idx = []
        for i, need in enumerate(needs):
            if need not in svc_names:
                raise ConfigError(f"{key}.needs[{i}]", f"a service, one of {list(svc_names)}", need)
            if svc_names.index(need) in idx:
                raise ConfigError(f"{key}.needs[{i}]", "each service at most once in a bundle", need)
            idx.append(svc_names.index(need))
        mix = b.get("segment_mix")
        probs = tuple(s.share for s in segments) if mix is None else _weights(mix, f"{key}.segment_mix", seg_names, "segment")
        bundles.append(Bundle(name, tuple(idx), share, tuple(probs)))
    return tuple(bundles)


def _shifts(cfg: Mapping[str, Any], key: str) -> tuple[Shift, ...]:
    shifts = []
    for name, sh in _nonempty(cfg, key, "shift").items():
        k = f"{key}.{name}"
        if not isinstance(sh, Mapping):
            raise ConfigError(k, "a shift {start, end, days}", sh)
        start = parse_clock(sh.get("start"), f"{k}.start", allow_24=False)
        end = parse_clock(sh.get("end"), f"{k}.end")
        if end <= start:
            raise ConfigError(f"{k}.end", f"a time after the start ({sh.get('start')})", sh.get("end"))
        days = _nonempty(sh.get("days"), f"{k}.days", "weekday")
        shifts.append(Shift(name, start, end, frozenset(_weekday(d, f"{k}.days[{i}]") for i, d in enumerate(days))))
    return tuple(shifts)


def _desk_groups(cfgs: Any, key: str, skills: tuple[str, ...], shifts: tuple[Shift, ...], where: str,
                 cross_trained: bool = False, mobile: bool = False, centre: bool = False) -> tuple[DeskGroup, ...]:
    """Desk groups of a unit; ``mobile``: staffed by ``count`` during every stop
    (recorded as shift 0 of the route); ``centre``: a centre's desks serve every
    client (``serves: all``)."""
    shift_names = tuple(s.name for s in shifts)
    groups = []
    for g_i, g in enumerate(_nonempty(cfgs, key, "desk group")):
        gkey = f"{key}[{g_i}]"
        if not isinstance(g, Mapping):
            raise ConfigError(gkey, "a desk group {name, skills, staff}", g)
        g_skills = _nonempty(g.get("skills"), f"{gkey}.skills", "skill")
        for s_i, sk in enumerate(g_skills):
            if sk not in skills:
                raise ConfigError(f"{gkey}.skills[{s_i}]", f"a skill some service needs, one of {list(skills)}", sk)
        if mobile:
            staff = [(0, _int(g.get("count", 1), f"{gkey}.count", 0))]
            serves = "all"
        else:
            staff = []
            for shift, count in (g.get("staff") or {}).items():
                if shift not in shift_names:
                    raise ConfigError(f"{gkey}.staff.{shift}", f"a shift of {where}, one of {list(shift_names)}", shift)
                staff.append((shift_names.index(shift), _int(count, f"{gkey}.staff.{shift}", 0)))
            serves = g.get("serves", "all")
            if centre and serves != "all":
                raise ConfigError(f"{gkey}.serves", "'all' (a centre's desks serve every client it has)", serves)
            serves = _choice(serves, f"{gkey}.serves", DESK_SERVES)
        groups.append(DeskGroup(str(g.get("name")), frozenset(skills.index(s) for s in g_skills), tuple(staff), serves))
    if len({g.name for g in groups}) < len(groups):
        raise ConfigError(key, "desk groups with unique names", [g.name for g in groups])
    if cross_trained:
        union = frozenset().union(*(g.skills for g in groups))
        groups = [DeskGroup(g.name, union, g.staff, g.serves) for g in groups]
    return tuple(groups)


def staffed_skills(unit: Office, clients: str | None = None) -> frozenset[int]:
    """Skills of the unit's desk groups that have at least one desk on some shift
    and take ``clients`` (``walk_in`` or ``appointment``; None: any)."""
    refused = {"walk_in": "appointment", "appointment": "walk_in"}.get(clients)
    return frozenset().union(*(g.skills for g in unit.desk_groups
                               if g.serves != refused and any(n > 0 for _, n in g.staff)))


def _slots(cfg: Any, key: str) -> Slots | None:
    if cfg is None:
        return None
    if not isinstance(cfg, Mapping):
        raise ConfigError(key, "a slot calendar {slot_min, per_slot}" + (" or null" if key.endswith("appointments") else ""), cfg)
    slot_min = _int(cfg.get("slot_min", 30), f"{key}.slot_min", 1)
    if slot_min > DAY:
        raise ConfigError(f"{key}.slot_min", f"an integer from 1 to {DAY} (a slot within a day)", slot_min)
    return Slots(slot_min, _int(cfg.get("per_slot", 1), f"{key}.per_slot", 1))


def _centre(cfg: Mapping[str, Any], key: str, kind: str, schedule: Schedule, default_hours: tuple,
            skills: tuple[str, ...], **extra) -> Office:
    if not isinstance(cfg, Mapping):
        raise ConfigError(key, "a centre {desk_groups, opening_hours, shifts, …} or null for none", cfg)
    shifts = schedule.shifts if cfg.get("shifts") is None else _shifts(cfg.get("shifts"), f"{key}.shifts")
    where = f"schedule '{schedule.name}'" if cfg.get("shifts") is None else f"{key}.shifts"
    hours = cfg.get("opening_hours")
    opening = default_hours if hours is None else _opening(hours, f"{key}.opening_hours")
    groups = _desk_groups(cfg.get("desk_groups"), f"{key}.desk_groups", skills, shifts, where, centre=True)
    return Office(kind.replace("_", " "), 0.0, groups, opening, kind=kind, shifts=shifts, **extra)


def _stops(route: Mapping[str, Any], key: str, zone_names: tuple[str, ...]) -> tuple[Stop, ...]:
    stops = []
    # A gap of at least a minute: the office closes (and sends away those waiting) between stops.
    gap = _num(route.get("travel_between_stops_min", 30.0), f"{key}.travel_between_stops_min", 0, strict=True)
    for i, st in enumerate(_nonempty(route.get("stops"), f"{key}.stops", "stop")):
        k = f"{key}.stops[{i}]"
        if not isinstance(st, Mapping):
            raise ConfigError(k, "a stop {zone, weekday, hours}", st)
        zone = st.get("zone")
        if zone not in zone_names:
            raise ConfigError(f"{k}.zone", f"a zone of network.zones, one of {list(zone_names)}", zone)
        day = _weekday(st.get("weekday"), f"{k}.weekday")
        lo, hi = parse_hours(st.get("hours"), f"{k}.hours")
        stops.append(Stop(zone_names.index(zone), day, lo, hi))
    by_day = sorted(range(len(stops)), key=lambda i: (stops[i].weekday, stops[i].start))
    for a, b in zip(by_day, by_day[1:]):
        if stops[a].weekday == stops[b].weekday and stops[b].start < stops[a].end + gap:
            end, earliest = stops[a].end, math.ceil(stops[a].end + gap)
            when = (f"a start at or after {hhmm(earliest)}" if earliest < DAY
                    else "another weekday")
            raise ConfigError(
                f"{key}.stops[{b}].hours",
                f"{when} (stops[{a}] that day ends at {hhmm(end)}, "
                f"then travel_between_stops_min = {gap:g})",
                route["stops"][b].get("hours"))
    return tuple(stops)


def _zones(net: Mapping[str, Any], units: list[Office], segments: tuple[Segment, ...]) -> tuple[Zone, ...]:
    """The network's zones; without ``network.zones`` each office is a zone of its
    own, with its ``bundles_per_week`` and no travel."""
    n_seg = len(segments)
    cfg = net.get("zones")
    if not cfg:
        return tuple(Zone(u.name, 0.0, u.bundles_per_week, False, (1.0,) * n_seg, ((i, 0.0),))
                     for i, u in enumerate(units) if u.kind == OFFICE)
    rate = _num(net.get("bundles_per_1000_per_week", 1.0), "network.bundles_per_1000_per_week", 0)
    names = {u.name: i for i, u in enumerate(units) if u.physical}
    seg_names = tuple(s.name for s in segments)
    zones = []
    if not isinstance(cfg, Mapping):
        raise ConfigError("network.zones", "a mapping zone name -> {population, travel_min, …}, or null", cfg)
    for z, (name, zc) in enumerate(cfg.items()):
        key = f"network.zones.{name}"
        if not isinstance(zc, Mapping):
            raise ConfigError(key, "a zone {population, segment_mix, rural, travel_min}", zc)
        population = _num(zc.get("population"), f"{key}.population", 0)
        mix = zc.get("segment_mix")
        if mix is None:
            weights = (1.0,) * n_seg
        else:
            probs = _weights(mix, f"{key}.segment_mix", seg_names, "segment")
            weights = tuple(p / s.share if s.share > 0 else 0.0 for p, s in zip(probs, segments))
        travel = {}
        travel_cfg = zc.get("travel_min") or {}
        if not isinstance(travel_cfg, Mapping):
            raise ConfigError(f"{key}.travel_min", "a mapping service point -> one-way minutes", travel_cfg)
        for point, minutes in travel_cfg.items():
            if point not in names:
                raise ConfigError(f"{key}.travel_min.{point}", f"a service point (office or mobile route), one of {list(names)}", point)
            unit = units[names[point]]
            if unit.kind == MOBILE_OFFICE and not any(st.zone == z for st in unit.stops):
                stops_in = sorted({list(cfg)[st.zone] for st in unit.stops})
                raise ConfigError(f"{key}.travel_min.{point}",
                                  f"a service point that serves zone '{name}' (mobile route '{point}' stops only in {stops_in})",
                                  point)
            travel[names[point]] = _num(minutes, f"{key}.travel_min.{point}", 0)
        for i, u in enumerate(units):
            if u.kind == MOBILE_OFFICE and any(st.zone == z for st in u.stops):
                travel.setdefault(i, u.local_travel_min)
        zones.append(Zone(name, population, population / 1000.0 * rate, _bool(zc.get("rural", False), f"{key}.rural"),
                          weights, tuple(sorted(travel.items()))))
    return tuple(zones)


def _explicit(net: Mapping[str, Any], schedule: Schedule, default_hours: tuple, design: Design,
              run: Run) -> ModelSpec:
    segments = _segments(net)
    services, skills, agencies = _services(net)
    bundles = _bundles(net, services, segments)
    if net.get("zones") is not None and not isinstance(net.get("zones"), Mapping):
        raise ConfigError("network.zones", "a mapping zone name -> {population, travel_min, …}, or null", net.get("zones"))
    has_zones = bool(net.get("zones"))
    zone_names = tuple(net.get("zones") or ())
    units: list[Office] = []
    names_seen: set[str] = set()

    def unique_name(name: Any, key: str) -> str:
        if not isinstance(name, str) or not name or name in names_seen:
            raise ConfigError(key, "a unique, non-empty service point name", name)
        names_seen.add(name)
        return name

    for o_i, o in enumerate(_nonempty(net.get("offices"), "network.offices", "office")):
        key = f"network.offices[{o_i}]"
        name = unique_name(o.get("name"), f"{key}.name")
        groups = _desk_groups(o.get("desk_groups"), f"{key}.desk_groups", skills, schedule.shifts,
                              f"schedule '{schedule.name}'", design.cross_trained)
        per_week = _num(o.get("bundles_per_week", 0.0), f"{key}.bundles_per_week", 0)
        if has_zones and per_week > 0:
            raise ConfigError(f"{key}.bundles_per_week", "0 (demand comes from network.zones)", per_week)
        office_agencies = o.get("agencies")
        if office_agencies is None:
            present = frozenset(range(len(agencies)))
        else:
            if not isinstance(office_agencies, (list, tuple)) or not office_agencies:
                raise ConfigError(f"{key}.agencies", f"a non-empty list of agencies out of {list(agencies)}, or null for all",
                                  office_agencies)
            for a_i, a in enumerate(office_agencies):
                if a not in agencies:
                    raise ConfigError(f"{key}.agencies[{a_i}]", f"an agency of some service, one of {list(agencies)}", a)
            present = frozenset(agencies.index(a) for a in office_agencies)
        hours = o.get("opening_hours")
        opening = default_hours if hours is None else _opening(hours, f"{key}.opening_hours")
        slots = _slots(o.get("appointments"), f"{key}.appointments")
        video_stations = _int(o.get("video_stations", 0), f"{key}.video_stations", 0)
        if slots is None and video_stations == 0:
            for g_i, g in enumerate(groups):
                if g.serves == "appointment":
                    raise ConfigError(f"{key}.desk_groups[{g_i}].serves",
                                      "'all' or 'walk_in' (the office takes no appointments: no appointments calendar "
                                      "and no video_stations)", g.serves)
        units.append(Office(name, per_week, groups, opening, kind=OFFICE, shifts=schedule.shifts, agencies=present,
                            slots=slots, video_stations=video_stations))
    for r_i, route in enumerate(net.get("mobile_routes") or []):
        key = f"network.mobile_routes[{r_i}]"
        if not isinstance(route, Mapping):
            raise ConfigError(key, "a mobile route {name, desk_groups, stops, …}", route)
        name = unique_name(route.get("name"), f"{key}.name")
        if not has_zones:
            raise ConfigError("network.zones", f"zones for the stops of mobile route '{name}' ({key})",
                              net.get("zones"))
        stops = _stops(route, key, zone_names)
        groups = _desk_groups(route.get("desk_groups"), f"{key}.desk_groups", skills, (), key, mobile=True)
        units.append(Office(name, 0.0, groups, (None,) * 7, kind=MOBILE_OFFICE, agencies=frozenset(range(len(agencies))),
                            stops=stops,
                            local_travel_min=_num(route.get("local_travel_min", 10.0), f"{key}.local_travel_min", 0),
                            cost_per_day=_num(route.get("cost_per_day", 0.0), f"{key}.cost_per_day", 0)))
    zones = _zones(net, units, segments)
    # Remote units, after the service points.
    phone = contact_centre = video_centre = None
    if net.get("contact_centre") is not None:
        cc = net["contact_centre"]
        key = "network.contact_centre"
        contact_centre = len(units)
        units.append(_centre(cc, key, CONTACT_CENTRE, schedule, default_hours, skills))
        phone = Phone(
            patience=_dist_or_none(cc.get("patience"), f"{key}.patience"),
            retry_prob=_prob(cc.get("retry_prob", 0.5), f"{key}.retry_prob"),
            retry_after_min=_num(cc.get("retry_after_min", 30.0), f"{key}.retry_after_min", 0),
            target_min=_num(cc.get("service_level_target_sec", 60.0), f"{key}.service_level_target_sec", 0, strict=True) / 60.0,
        )
    connect_min = 0.0
    if net.get("video_centre") is not None:
        vc = net["video_centre"]
        key = "network.video_centre"
        video_centre = len(units)
        slots = _slots(vc.get("slots") or {}, f"{key}.slots") if isinstance(vc, Mapping) else None
        units.append(_centre(vc, key, VIDEO_CENTRE, schedule, default_hours, skills, slots=slots))
        connect_min = _num(vc.get("connect_min", 5.0), f"{key}.connect_min", 0)
    expert = None
    if net.get("expert_centre") is not None:
        ec = net["expert_centre"]
        key = "network.expert_centre"
        if not isinstance(ec, Mapping):
            raise ConfigError(key, "a centre {desk_groups, shifts} or null for none", ec)
        shifts = schedule.shifts if ec.get("shifts") is None else _shifts(ec.get("shifts"), f"{key}.shifts")
        where = f"schedule '{schedule.name}'" if ec.get("shifts") is None else f"{key}.shifts"
        expert = ExpertCentre(_desk_groups(ec.get("desk_groups"), f"{key}.desk_groups", skills, shifts, where,
                                           centre=True), shifts)
    appointments = _appointments(net.get("appointments") or {})
    choice = net.get("choice") or {}
    if not isinstance(choice, Mapping):
        raise ConfigError("network.choice", "a mapping {scale_min, day_value_min}", choice)
    spec = ModelSpec(
        name=str(net.get("name")),
        skills=skills,
        segments=segments,
        services=services,
        bundles=bundles,
        offices=tuple(units),
        profile=_profile(net.get("arrival_profile") or {}),
        schedule=schedule,
        design=design,
        run=run,
        max_visits=_int(net.get("max_visits", 6), "network.max_visits", 1),
        return_after_days=_int(net.get("return_after_days", 1), "network.return_after_days", 1),
        schedule_name=schedule.name,
        zones=zones,
        agencies=agencies,
        contact_centre=contact_centre,
        phone=phone,
        video_centre=video_centre,
        connect_min=connect_min,
        expert=expert,
        appointments=appointments,
        choice_scale_min=_num(choice.get("scale_min", 20.0), "network.choice.scale_min", 0, strict=True),
        choice_day_value_min=_num(choice.get("day_value_min", 60.0), "network.choice.day_value_min", 0),
        staff_cost_per_hour=_num(net.get("staff_cost_per_hour", 35.0), "network.staff_cost_per_hour", 0),
    )
    _check_reachable(spec, net)
    return spec


def _appointments(a: Mapping[str, Any]) -> Appointments:
    key = "network.appointments"
    if not isinstance(a, Mapping):
        raise ConfigError(key, "a mapping {booking_horizon_days, no_show_prob, lateness, priority, when_full}", a)
    return Appointments(
        horizon_days=_int(a.get("booking_horizon_days", 10), f"{key}.booking_horizon_days", 1),
        no_show_prob=_prob(a.get("no_show_prob", 0.12), f"{key}.no_show_prob", below_one=True),
        lateness=_dist_or_none(a.get("lateness"), f"{key}.lateness"),
        priority=_bool(a.get("priority", True), f"{key}.priority"),
        when_full=_choice(a.get("when_full", "walk_in"), f"{key}.when_full", WHEN_FULL),
    )


def serves_need(unit: Office, service: Service, staffed: frozenset[int] | None = None) -> bool:
    """Whether a desk of the unit can handle the service (skill staffed, agency present)."""
    staffed = staffed_skills(unit) if staffed is None else staffed
    return service.skill in staffed and (not unit.agencies or service.agency in unit.agencies)


def _check_reachable(spec: ModelSpec, net: Mapping[str, Any]) -> None:
    """Every need a zone's clients may have can be handled at a service point
    they reach (walking in is every client's last resort); every channel a
    segment uses exists; every remote service has staff for it."""
    has_zones = bool(net.get("zones"))
    skills, services, units = spec.skills, spec.services, spec.offices
    staffed = [staffed_skills(u) for u in units]
    walk_in = [staffed_skills(u, "walk_in") for u in units]
    for zone in spec.zones:
        if zone.bundles_per_week <= 0:
            continue
        # The bundles the zone's clients can have (as the client factory draws them).
        mine = [b for b in spec.bundles
                if b.share > 0 and any(p * w > 0 for p, w in zip(b.segment_probs, zone.segment_weights))]
        mine = mine or [b for b in spec.bundles if b.share > 0]
        needs = sorted({j for b in mine for j in b.needs if services[j].proactive_share < 1})
        for j in needs:
            svc = services[j]
            if any(serves_need(units[u], svc, walk_in[u]) for u, _ in zone.travel):
                continue
            skill, agency = skills[svc.skill], spec.agencies[svc.agency]
            if has_zones:
                given = dict(net["zones"][zone.name].get("travel_min") or {})
                for u, minutes in zone.travel:  # mobile routes stopping in the zone
                    given.setdefault(units[u].name, minutes)
                raise ConfigError(f"network.zones.{zone.name}.travel_min",
                                  f"a service point with agency '{agency}' and a staffed desk with skill '{skill}' "
                                  f"taking walk-in clients, for service '{svc.name}'", given)
            o = zone.travel[0][0]
            if svc.skill not in walk_in[o]:
                raise ConfigError(f"network.offices[{o}].desk_groups",
                                  f"a staffed desk group with skill '{skill}' (service '{svc.name}') "
                                  "that takes walk-in clients", sorted(skills[s] for s in walk_in[o]))
            raise ConfigError(f"network.offices[{o}].agencies", f"agency '{agency}' (service '{svc.name}')",
                              net["offices"][o].get("agencies"))
    channel_unit = {"phone": spec.contact_centre, "video": spec.video_centre}
    has_slots = any(u.slots is not None for u in units if u.kind == OFFICE)
    for seg in spec.segments:
        given = net["segments"][seg.name].get("channels") or {}
        for c, w in zip(CHOOSABLE, seg.channels):
            if w <= 0:
                continue
            key = f"network.segments.{seg.name}.channels.{c}"
            if c in channel_unit and channel_unit[c] is None:
                block = "contact_centre" if c == "phone" else "video_centre"
                raise ConfigError(key, f"0 (the network has no {block})", given.get(c))
            if c == "appointment" and not has_slots:
                raise ConfigError(key, "0 (no office has an appointments calendar)", given.get(c))
    used = sorted({j for b in spec.bundles for j in b.needs})
    for j in used:
        svc = services[j]
        key = f"network.services.{svc.name}"
        skill = skills[svc.skill]
        if svc.phone != PHONE_NONE and spec.contact_centre is not None and svc.skill not in staffed[spec.contact_centre]:
            raise ConfigError(f"{key}.phone", f"'none', or a staffed contact-centre agent with skill '{skill}'",
                              PHONE_MODES[svc.phone])
        if svc.video and spec.video_centre is not None and svc.skill not in staffed[spec.video_centre]:
            raise ConfigError(f"{key}.video", f"false, or a staffed video-centre advisor with skill '{skill}'", True)
        if svc.escalation_prob > 0:
            given = net["services"][svc.name].get("escalation_prob")
            if spec.expert is None:
                raise ConfigError(f"{key}.escalation_prob", "0 (the network has no expert_centre)", given)
            if not any(svc.skill in g.skills and any(n > 0 for _, n in g.staff) for g in spec.expert.desk_groups):
                raise ConfigError(f"{key}.escalation_prob", f"0, or a staffed expert with skill '{skill}'", given)


def _synthetic(net: Mapping[str, Any], schedule: Schedule, default_hours: tuple) -> dict:
    """Check a synthetic network's generator parameters and catalogue, then
    generate the explicit network it describes (see :mod:`simoffice.config.synthetic`)."""
    key = "network"
    offices = _int(net.get("offices"), f"{key}.offices", 1)
    zones = 3 * offices if net.get("zones") is None else _int(net.get("zones"), f"{key}.zones", 1)
    rural_share = _prob(net.get("rural_share"), f"{key}.rural_share")
    if 0 < rural_share < 1 and zones < 2:
        raise ConfigError(f"{key}.zones", "at least 2 zones when 0 < rural_share < 1 (an urban and a rural one)",
                          zones)
    params = {
        "offices": offices,
        "zones": zones,
        "population": _num(net.get("population"), f"{key}.population", 0, strict=True),
        "rural_share": rural_share,
        "seed": _int(net.get("seed"), f"{key}.seed", 0),
        "office_spacing_km": _num(net.get("office_spacing_km"), f"{key}.office_spacing_km", 0, strict=True),
        "speed_kmh": _num(net.get("speed_kmh"), f"{key}.speed_kmh", 0, strict=True),
        "reachable_offices": _int(net.get("reachable_offices"), f"{key}.reachable_offices", 1),
        "staffing_beta": _num(net.get("staffing_beta"), f"{key}.staffing_beta", 0),
        "max_utilisation": _num(net.get("max_utilisation"), f"{key}.max_utilisation", 0, strict=True),
        "mobile_routes": _bool(net.get("mobile_routes"), f"{key}.mobile_routes"),
        "mobile_threshold_min": _num(net.get("mobile_threshold_min"), f"{key}.mobile_threshold_min", 0),
        "mobile_stops_per_route": _int(net.get("mobile_stops_per_route"), f"{key}.mobile_stops_per_route", 1),
        "contact_centre": _bool(net.get("contact_centre"), f"{key}.contact_centre"),
        "video_centre": _bool(net.get("video_centre"), f"{key}.video_centre"),
        "expert_centre": _bool(net.get("expert_centre"), f"{key}.expert_centre"),
        "bundles_per_1000_per_week": _num(net.get("bundles_per_1000_per_week", 1.0),
                                          f"{key}.bundles_per_1000_per_week", 0),
    }
    if params["max_utilisation"] > 1:
        raise ConfigError(f"{key}.max_utilisation", "a number in (0, 1]", params["max_utilisation"])
    if params["mobile_stops_per_route"] > 10:  # two stops on each of five weekdays
        raise ConfigError(f"{key}.mobile_stops_per_route", "an integer from 1 to 10 (two stops a weekday at most)",
                          params["mobile_stops_per_route"])
    # The generator sizes staff from the catalogue: check it first, under its own key paths.
    segments = _segments(net)
    services, _, _ = _services(net)
    _bundles(net, services, segments)
    mix = net.get("rural_segment_mix")
    if mix is not None:
        _weights(mix, f"{key}.rural_segment_mix", tuple(s.name for s in segments), "segment")
    choice = net.get("choice") or {}
    _num(choice.get("scale_min", 20.0), f"{key}.choice.scale_min", 0, strict=True)
    _num(choice.get("day_value_min", 60.0), f"{key}.choice.day_value_min", 0)
    open_min = sum(h[1] - h[0] for h in default_hours if h is not None)
    if open_min <= 0:
        raise ConfigError("schedule.opening_hours", "some opening hours in the week (staff are sized on them)",
                          default_hours)
    # Longest shift first: it covers the opening hours, the next one the daily peak.
    shifts = sorted(schedule.shifts, key=lambda sh: -(sh.end - sh.start) * len(sh.days))
    return synthetic.generate({**net, **params}, [sh.name for sh in shifts], open_min_per_week=open_min)


def _mmc(net: Mapping[str, Any], design: Design, run: Run, schedule_name: str) -> ModelSpec:
    c = _int(net.get("servers"), "network.servers", 1)
    lam_h = _num(net.get("arrivals_per_hour"), "network.arrivals_per_hour", 0, strict=True)
    mean = _num(net.get("service_mean_min"), "network.service_mean_min", 0, strict=True)
    cv = _num(net.get("service_cv"), "network.service_cv", 0)
    patience = net.get("patience_mean_min")
    if patience is not None:
        patience = distributions.Exponential(_num(patience, "network.patience_mean_min", 0, strict=True))
    elif lam_h * mean / 60 >= c:
        raise ConfigError(
            "network.arrivals_per_hour",
            f"less than servers × 60 / service_mean_min = {c * 60 / mean:g} when nobody reneges (the queue would grow without end)",
            lam_h,
        )
    if cv == 0:
        service_time = distributions.Deterministic(mean)
    elif cv == 1:
        service_time = distributions.Exponential(mean)
    else:
        service_time = distributions.Lognormal(mean, cv)
    always = Shift("always", 0, DAY, frozenset(range(7)))
    return ModelSpec(
        name=str(net.get("name", "mmc")),
        skills=("service",),
        segments=(Segment("all", 1.0, patience, 0, 0.0, 1.0),),
        services=(Service("service", 0, service_time, 0.0),),
        bundles=(Bundle("single", (0,), 1.0, (1.0,)),),
        offices=(Office("office", lam_h * 168, (DeskGroup("desks", frozenset({0}), ((0, c),)),), ((0, DAY),) * 7,
                        shifts=(always,)),),
        profile=ArrivalProfile.constant(),
        schedule=Schedule("always_open", (always,), frozenset(), "serve_waiting"),
        design=design,
        run=run,
        max_visits=1,
        return_after_days=1,
        schedule_name=schedule_name,
        zones=(Zone("office", 0.0, lam_h * 168, False, (1.0,), ((0, 0.0),)),),
    )


def weekly_staff_hours(spec: ModelSpec) -> dict[tuple[str, str], float]:
    """Scheduled desk hours per week, by (unit, desk group); a mobile office's
    desks count the hours of its stops."""
    out = {}
    for office in spec.offices:
        for g in office.desk_groups:
            if office.kind == MOBILE_OFFICE:
                minutes = sum(n * sum(st.end - st.start for st in office.stops) for _, n in g.staff)
            else:
                shifts = office.shifts or spec.schedule.shifts
                minutes = sum(n * (shifts[s].end - shifts[s].start) * len(shifts[s].days) for s, n in g.staff)
            out[(office.name, g.name)] = minutes / 60
    return out
