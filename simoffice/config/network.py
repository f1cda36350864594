"""An explicit network's service units and zones, from its typed config.

Units are everything with desks and a queue, in this order: the offices, the
mobile offices (routes of stops), then the remote units — the contact centre
and the video centre; the expert centre is a back office of its own. Zones
are where clients live and how long they travel (minutes, one way) to each
service point they can reach.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simoffice.config import bounds, catalogue, hours
from simoffice.config.checks import boolean, integer, nonempty, number, one_of, probability, weekday, weights
from simoffice.config.network_schema import (
    ContactCentreConfig,
    DeskGroupConfig,
    MobileDeskConfig,
    MobileRouteConfig,
    NetworkConfig,
    OfficeConfig,
    SlotsConfig,
    VideoCentreConfig,
)
from simoffice.errors import ConfigError
from simoffice.model.spec import (
    CONTACT_CENTRE,
    MOBILE_OFFICE,
    OFFICE,
    VIDEO_CENTRE,
    Design,
    DeskGroup,
    ExpertCentre,
    ModelSpec,
    Office,
    Phone,
    Run,
    Schedule,
    Segment,
    Shift,
    Slots,
    Stop,
    Zone,
)
from simoffice.model.timetable import parse_hours
from simoffice.vocabulary import DAY, hhmm

DESK_SERVES = ("all", "walk_in", "appointment")


def explicit(net: NetworkConfig, schedule: Schedule, default_hours: tuple, design: Design, run: Run) -> ModelSpec:
    """The model of an explicit network: catalogue, units and zones.

    ``default_hours``: the schedule's opening hours, for units without their own.

    Raises:
        ConfigError: the first invalid value, named by its key path.
    """
    segments = catalogue.segments(net)
    services, skills, agencies = catalogue.services(net)
    bundles = catalogue.bundles(net, services, segments)
    names: set[str] = set()
    units = offices(net, skills, agencies, schedule, default_hours, design, names)
    units += mobile_offices(net, skills, agencies, names)
    zones = _zones(net, units, segments)
    remote = Remote.of(net, units, schedule, default_hours, skills)  # appended to units, after the service points
    return ModelSpec(
        name=str(net.name),
        skills=skills,
        segments=segments,
        services=services,
        bundles=bundles,
        offices=tuple(units),
        profile=catalogue.profile(net.arrival_profile),
        busyness_cv=number(net.busyness_cv, "network.busyness_cv", 0),
        schedule=schedule,
        design=design,
        run=run,
        max_visits=bounds.at_most(integer(net.max_visits, "network.max_visits", 1), "network.max_visits",
                                  "max_visits"),
        return_after_days=integer(net.return_after_days, "network.return_after_days", 1),
        schedule_name=schedule.name,
        zones=zones,
        agencies=agencies,
        contact_centre=remote.contact_centre,
        phone=remote.phone,
        video_centre=remote.video_centre,
        connect_min=remote.connect_min,
        expert=remote.expert,
        appointments=catalogue.appointments(net.appointments),
        choice_scale_min=number(net.choice.scale_min, "network.choice.scale_min", 0, strict=True),
        choice_day_value_min=number(net.choice.day_value_min, "network.choice.day_value_min", 0),
        staff_cost_per_hour=bounds.at_most(number(net.staff_cost_per_hour, "network.staff_cost_per_hour", 0),
                                           "network.staff_cost_per_hour", "cost_per_hour", "a finite number >= 0"),
        contract_hours_per_week=number(net.contract_hours_per_week, "network.contract_hours_per_week", 0,
                                       strict=True),
        standards=(),  # build_spec adds them
    )


def _unique_name(name: Any, key: str, names: set[str]) -> str:
    """A service point's name, new among ``names`` (which it joins)."""
    if not isinstance(name, str) or not name or name in names:
        raise ConfigError(key, "a unique, non-empty service point name", name)
    names.add(name)
    return name


# --- offices and mobile offices ------------------------------------------------------

def offices(net: NetworkConfig, skills: tuple[str, ...], agencies: tuple[str, ...], schedule: Schedule,
            default_hours: tuple, design: Design, names: set[str]) -> list[Office]:
    """The fixed service points, staffed on the schedule's shifts."""
    units = []
    for o_i, o in enumerate(nonempty(net.offices, "network.offices", "office")):
        units.append(_office(o, f"network.offices[{o_i}]", bool(net.zones), skills, agencies, schedule,
                             default_hours, design, names))
    return units


def _office(o: OfficeConfig, key: str, has_zones: bool, skills: tuple[str, ...], agencies: tuple[str, ...],
            schedule: Schedule, default_hours: tuple, design: Design, names: set[str]) -> Office:
    name = _unique_name(o.name, f"{key}.name", names)
    groups = desk_groups(o.desk_groups, f"{key}.desk_groups", skills, schedule.shifts, f"schedule '{schedule.name}'",
                         design.cross_trained)
    per_week = number(o.bundles_per_week, f"{key}.bundles_per_week", 0)
    if has_zones and per_week > 0:
        raise ConfigError(f"{key}.bundles_per_week", "0 (demand comes from network.zones)", per_week)
    if o.agencies is None:
        present = frozenset(range(len(agencies)))
    else:
        if not isinstance(o.agencies, (list, tuple)) or not o.agencies:
            raise ConfigError(f"{key}.agencies",
                              f"a non-empty list of agencies out of {list(agencies)}, or null for all", o.agencies)
        for a_i, a in enumerate(o.agencies):
            if a not in agencies:
                raise ConfigError(f"{key}.agencies[{a_i}]", f"an agency of some service, one of {list(agencies)}", a)
        present = frozenset(agencies.index(a) for a in o.agencies)
    opening = default_hours if o.opening_hours is None else hours.opening(o.opening_hours, f"{key}.opening_hours")
    calendar = slots(o.appointments, f"{key}.appointments")
    video_stations = bounds.at_most(integer(o.video_stations, f"{key}.video_stations", 0), f"{key}.video_stations",
                                    "desks", "an integer >= 0")
    if calendar is None and video_stations == 0:
        for g_i, g in enumerate(groups):
            if g.serves == "appointment":
                raise ConfigError(f"{key}.desk_groups[{g_i}].serves",
                                  "'all' or 'walk_in' (the office takes no appointments: no appointments calendar "
                                  "and no video_stations)", g.serves)
    return Office(name, per_week, groups, opening, kind=OFFICE, shifts=schedule.shifts, agencies=present,
                  slots=calendar, video_stations=video_stations, stops=(), local_travel_min=0.0, cost_per_day=0.0,
                  shrinkage=probability(o.shrinkage, f"{key}.shrinkage", below_one=True),
                  xy=place(o.xy_km, f"{key}.xy_km"))


def mobile_offices(net: NetworkConfig, skills: tuple[str, ...], agencies: tuple[str, ...],
                   names: set[str]) -> list[Office]:
    """The mobile routes: desks on duty during each stop, every agency on board."""
    zone_names = tuple(net.zones or ())
    units = []
    for r_i, route in enumerate(net.mobile_routes or []):
        key = f"network.mobile_routes[{r_i}]"
        name = _unique_name(route.name, f"{key}.name", names)
        if not zone_names:
            raise ConfigError("network.zones", f"zones for the stops of mobile route '{name}' ({key})", net.zones)
        route_stops = stops(route, key, zone_names)
        groups = desk_groups(route.desk_groups, f"{key}.desk_groups", skills, (), key, mobile=True)
        units.append(Office(name, 0.0, groups, (None,) * 7, kind=MOBILE_OFFICE, shifts=(),
                            agencies=frozenset(range(len(agencies))), slots=None, video_stations=0, stops=route_stops,
                            local_travel_min=number(route.local_travel_min, f"{key}.local_travel_min", 0),
                            cost_per_day=bounds.at_most(number(route.cost_per_day, f"{key}.cost_per_day", 0),
                                                        f"{key}.cost_per_day", "cost_per_day", "a finite number >= 0"),
                            shrinkage=probability(route.shrinkage, f"{key}.shrinkage", below_one=True), xy=None))
    return units


def desk_groups(cfgs: list[DeskGroupConfig | MobileDeskConfig] | None, key: str, skills: tuple[str, ...],
                shifts: tuple[Shift, ...], where: str, cross_trained: bool = False, mobile: bool = False,
                centre: bool = False) -> tuple[DeskGroup, ...]:
    """Desk groups of a unit; ``where`` names the unit's shifts in messages.
    ``mobile``: staffed by ``count`` during every stop (recorded as shift 0 of
    the route); ``centre``: a centre's desks serve every client (``serves: all``);
    ``cross_trained``: every group gets every skill of the unit.

    Raises:
        ConfigError: no group, a group without skills or with an unknown one,
            staff on a shift the unit does not have, names that repeat.
    """
    shift_names = tuple(s.name for s in shifts)
    groups = []
    for g_i, g in enumerate(nonempty(cfgs, key, "desk group")):
        gkey = f"{key}[{g_i}]"
        g_skills = nonempty(g.skills, f"{gkey}.skills", "skill")
        for s_i, sk in enumerate(g_skills):
            if sk not in skills:
                raise ConfigError(f"{gkey}.skills[{s_i}]", f"a skill some service needs, one of {list(skills)}", sk)
        if mobile:
            staff = [(0, bounds.at_most(integer(g.count, f"{gkey}.count", 0), f"{gkey}.count", "desks",
                                        "an integer >= 0"))]
            serves = "all"
        else:
            staff = _staff(g.staff, f"{gkey}.staff", shift_names, where)
            if centre and g.serves != "all":
                raise ConfigError(f"{gkey}.serves", "'all' (a centre's desks serve every client it has)", g.serves)
            serves = one_of(g.serves, f"{gkey}.serves", DESK_SERVES)
        groups.append(DeskGroup(str(g.name), frozenset(skills.index(s) for s in g_skills), tuple(staff), serves))
    if len({g.name for g in groups}) < len(groups):
        raise ConfigError(key, "desk groups with unique names", [g.name for g in groups])
    if cross_trained:
        union = frozenset().union(*(g.skills for g in groups))
        groups = [DeskGroup(g.name, union, g.staff, g.serves) for g in groups]
    return tuple(groups)


def _staff(cfg: Any, key: str, shift_names: tuple[str, ...], where: str) -> list[tuple[int, int]]:
    """(shift index, desks) for each shift named in a desk group's ``staff``."""
    if cfg is None:
        return []
    if not isinstance(cfg, Mapping):
        raise ConfigError(key, f"a mapping shift -> desks, shifts of {where}", cfg)
    staff = []
    for shift, count in cfg.items():
        if shift not in shift_names:
            raise ConfigError(f"{key}.{shift}", f"a shift of {where}, one of {list(shift_names)}", shift)
        desks = bounds.at_most(integer(count, f"{key}.{shift}", 0), f"{key}.{shift}", "desks", "an integer >= 0")
        staff.append((shift_names.index(shift), desks))
    return staff


def slots(cfg: SlotsConfig | None, key: str) -> Slots | None:
    """An appointment calendar (null: none)."""
    if cfg is None:
        return None
    slot_min = integer(cfg.slot_min, f"{key}.slot_min", 1)
    if slot_min > DAY:
        raise ConfigError(f"{key}.slot_min", f"an integer from 1 to {DAY} (a slot within a day)", slot_min)
    return Slots(slot_min, integer(cfg.per_slot, f"{key}.per_slot", 1))


def stops(route: MobileRouteConfig, key: str, zone_names: tuple[str, ...]) -> tuple[Stop, ...]:
    """A route's stops, each in a zone of the network; two stops of a day leave
    ``travel_between_stops_min`` between them.

    Raises:
        ConfigError: no stop, an unknown zone or weekday, hours not within a
            day, or two stops of a day too close.
    """
    out = []
    # A gap of at least a minute: the office closes (and sends away those waiting) between stops.
    gap = number(route.travel_between_stops_min, f"{key}.travel_between_stops_min", 0, strict=True)
    for i, st in enumerate(nonempty(route.stops, f"{key}.stops", "stop")):
        k = f"{key}.stops[{i}]"
        if st.zone not in zone_names:
            raise ConfigError(f"{k}.zone", f"a zone of network.zones, one of {list(zone_names)}", st.zone)
        day = weekday(st.weekday, f"{k}.weekday")
        lo, hi = parse_hours(st.hours, f"{k}.hours")
        out.append(Stop(zone_names.index(st.zone), day, lo, hi))
    by_day = sorted(range(len(out)), key=lambda i: (out[i].weekday, out[i].start))
    for a, b in zip(by_day, by_day[1:]):
        if out[a].weekday == out[b].weekday and out[b].start < out[a].end + gap:
            end, earliest = out[a].end, math.ceil(out[a].end + gap)
            when = f"a start at or after {hhmm(earliest)}" if earliest < DAY else "another weekday"
            raise ConfigError(
                f"{key}.stops[{b}].hours",
                f"{when} (stops[{a}] that day ends at {hhmm(end)}, then travel_between_stops_min = {gap:g})",
                route.stops[b].hours)
    return tuple(out)


# --- remote units ----------------------------------------------------------------------

@dataclass(frozen=True)
class Remote:
    """The remote units: the contact centre and the video centre (their indices
    in the units, or None) with the phone rules and the minutes a desk takes to
    connect a video client, and the expert centre."""

    contact_centre: int | None
    phone: Phone | None
    video_centre: int | None
    connect_min: float
    expert: ExpertCentre | None

    @classmethod
    def of(cls, net: NetworkConfig, units: list[Office], schedule: Schedule, default_hours: tuple,
           skills: tuple[str, ...]) -> "Remote":
        """The remote units of ``net``; the contact and video centres are appended to ``units``."""
        contact_centre = phone = video_centre = None
        if net.contact_centre is not None:
            contact_centre = len(units)
            units.append(centre(net.contact_centre, "network.contact_centre", CONTACT_CENTRE, schedule, default_hours,
                                skills))
            phone = _phone(net.contact_centre, "network.contact_centre")
        connect_min = 0.0
        if net.video_centre is not None:
            vc, key = net.video_centre, "network.video_centre"
            video_centre = len(units)
            units.append(centre(vc, key, VIDEO_CENTRE, schedule, default_hours, skills,
                                slots=slots(vc.slots, f"{key}.slots")))
            connect_min = number(vc.connect_min, f"{key}.connect_min", 0)
        expert = None
        if net.expert_centre is not None:
            ec, key = net.expert_centre, "network.expert_centre"
            own = ec.shifts is not None
            shifts = hours.shifts(ec.shifts, f"{key}.shifts") if own else schedule.shifts
            where = f"{key}.shifts" if own else f"schedule '{schedule.name}'"
            expert = ExpertCentre(desk_groups(ec.desk_groups, f"{key}.desk_groups", skills, shifts, where, centre=True),
                                  shifts)
        return cls(contact_centre, phone, video_centre, connect_min, expert)


def centre(cfg: ContactCentreConfig | VideoCentreConfig, key: str, kind: str, schedule: Schedule, default_hours: tuple,
           skills: tuple[str, ...], slots: Slots | None = None) -> Office:
    """A contact or video centre: its own shifts and hours, or the schedule's.

    Raises:
        ConfigError: a shift, opening hours, a desk group or the shrinkage out of range.
    """
    own = cfg.shifts is not None
    shifts = hours.shifts(cfg.shifts, f"{key}.shifts") if own else schedule.shifts
    where = f"{key}.shifts" if own else f"schedule '{schedule.name}'"
    opening = default_hours if cfg.opening_hours is None else hours.opening(cfg.opening_hours, f"{key}.opening_hours")
    groups = desk_groups(cfg.desk_groups, f"{key}.desk_groups", skills, shifts, where, centre=True)
    return Office(kind.replace("_", " "), 0.0, groups, opening, kind=kind, shifts=shifts, agencies=frozenset(),
                  slots=slots, video_stations=0, stops=(), local_travel_min=0.0, cost_per_day=0.0,
                  shrinkage=probability(cfg.shrinkage, f"{key}.shrinkage", below_one=True), xy=None)


def _phone(cc: ContactCentreConfig, key: str) -> Phone:
    return Phone(
        patience=catalogue.dist_or_none(cc.patience, f"{key}.patience"),
        retry_prob=probability(cc.retry_prob, f"{key}.retry_prob"),
        retry_after_min=number(cc.retry_after_min, f"{key}.retry_after_min", 0),
        target_min=number(cc.service_level_target_sec, f"{key}.service_level_target_sec", 0, strict=True) / 60.0,
    )


# --- zones ---------------------------------------------------------------------------------

def _zones(net: NetworkConfig, units: list[Office], segments: tuple[Segment, ...]) -> tuple[Zone, ...]:
    """The network's zones; without ``network.zones`` each office is a zone of its
    own, with its ``bundles_per_week`` and no travel."""
    n_seg = len(segments)
    if not net.zones:
        return tuple(Zone(u.name, 0.0, u.bundles_per_week, False, (1.0,) * n_seg, ((i, 0.0),), u.xy, None)
                     for i, u in enumerate(units) if u.kind == OFFICE)
    rate = number(net.bundles_per_1000_per_week, "network.bundles_per_1000_per_week", 0)
    names = {u.name: i for i, u in enumerate(units) if u.physical}
    seg_names = tuple(s.name for s in segments)
    zone_names = list(net.zones)
    out = []
    for z, (name, zc) in enumerate(net.zones.items()):
        key = f"network.zones.{name}"
        population = bounds.at_most(number(zc.population, f"{key}.population", 0), f"{key}.population",
                                    "population", "a number >= 0")
        if zc.segment_mix is None:
            segment_weights = (1.0,) * n_seg
        else:
            probs = weights(zc.segment_mix, f"{key}.segment_mix", seg_names, "segment")
            segment_weights = tuple(p / s.share if s.share > 0 else 0.0 for p, s in zip(probs, segments))
        travel = {}
        travel_cfg = zc.travel_min or {}
        if not isinstance(travel_cfg, Mapping):
            raise ConfigError(f"{key}.travel_min", "a mapping service point -> one-way minutes", travel_cfg)
        for point, minutes in travel_cfg.items():
            if point not in names:
                raise ConfigError(f"{key}.travel_min.{point}",
                                  f"a service point (office or mobile route), one of {list(names)}", point)
            unit = units[names[point]]
            if unit.kind == MOBILE_OFFICE and not any(st.zone == z for st in unit.stops):
                stops_in = sorted({zone_names[st.zone] for st in unit.stops})
                raise ConfigError(f"{key}.travel_min.{point}", f"a service point that serves zone '{name}' "
                                  f"(mobile route '{point}' stops only in {stops_in})", point)
            travel[names[point]] = number(minutes, f"{key}.travel_min.{point}", 0)
        for i, u in enumerate(units):
            if u.kind == MOBILE_OFFICE and any(st.zone == z for st in u.stops):
                travel.setdefault(i, u.local_travel_min)
        out.append(Zone(name, population, population / 1000.0 * rate, boolean(zc.rural, f"{key}.rural"),
                        segment_weights, tuple(sorted(travel.items())), place(zc.xy_km, f"{key}.xy_km"),
                        None if zc.arrival_profile is None
                        else catalogue.profile(zc.arrival_profile, f"{key}.arrival_profile")))
    return tuple(out)


def place(value: Any, key: str) -> tuple[float, float] | None:
    """Where a zone or an office lies: ``[x, y]`` in km on a flat map, or None when not given.

    Raises:
        ConfigError: anything but two finite numbers (or null).
    """
    expected = "two finite numbers [x, y] (km east, km north), or null"
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ConfigError(key, expected, value)
    for c in value:
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not math.isfinite(c):
            raise ConfigError(key, expected, value)
    return float(value[0]), float(value[1])
