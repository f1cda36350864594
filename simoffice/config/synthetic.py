"""A synthetic network: the geography and service points generated from a few parameters.

``offices`` towns are scattered over a square country, each with an office;
urban zones cluster around them, rural zones are spread over the whole
square, and ``rural_share`` of the ``population`` lives in the rural ones
(:mod:`simoffice.config.geography`). A zone's clients can reach its
``reachable_offices`` nearest offices, travelling the straight-line distance
at ``speed_kmh``. A rural zone with no office within ``mobile_threshold_min``
minutes gets a weekly stop of a mobile office. Every desk count — offices,
mobile offices, contact centre, video centre, expert centre — is sized from
the demand the catalogue implies (:mod:`simoffice.config.demand`), with the
square-root staffing rule.

:func:`generate` is a pure function of the typed network config (and the
schedule's shifts): the same ``seed`` gives the same network, and the result is
an explicit network (``kind: explicit``) that
:func:`simoffice.config.build.build_spec` validates like a hand-written one.
The generator does not validate: build_spec checks its parameters and the
catalogue first.

Units: minutes (travel, service times, opening hours), kilometres (the plane),
weeks (demand: bundles and work minutes per week).
"""

from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from simoffice.config import geography
from simoffice.config.demand import CONNECT_MIN, MOBILE_LOCAL_TRAVEL_MIN, Demand, Loads, distribute
from simoffice.config.geography import GenZone, Route, travel_minutes
from simoffice.config.network_schema import CatalogueConfig, SyntheticNetworkConfig
from simoffice.vocabulary import hhmm

# The catalogue: copied as it is into the explicit network.
CATALOGUE = tuple(f.name for f in dataclasses.fields(CatalogueConfig))

# Staffing.
PHONE_BETA = 1.5  # callers hang up within minutes and the target is in seconds: more slack than offices
APPOINTMENT_MIN_DESKS = 3  # offices with this many desks book appointments and host a video station
SLOT_MIN = 30
SLOT_SLACK = 1.25  # appointment calendars hold a quarter more than the expected bookings

# The contact centre's rules, as in configs/network/regional.yaml.
PHONE_RULES = {"patience": {"dist": "exponential", "mean": 3.0}, "retry_prob": 0.6, "retry_after_min": 20.0,
               "service_level_target_sec": 20.0}
MOBILE_COST_PER_DAY = 150.0


def generate(net: SyntheticNetworkConfig, shift_names: Sequence[str], open_min_per_week: float = 2700.0) -> dict:
    """An explicit network generated from a synthetic network's parameters.

    Args:
        net: the typed ``network`` config of ``kind: synthetic`` (generator
            parameters and catalogue), already validated.
        shift_names: the schedule's shifts, longest first: every unit is
            staffed on the first, which covers the opening hours (see :func:`staff`).
        open_min_per_week: the schedule's public opening minutes in a week;
            work per week over these minutes is a unit's offered load.

    Returns:
        The ``network`` config of an explicit network (``kind: explicit``) as
        plain dicts: the catalogue as given, and generated ``zones``,
        ``offices``, ``mobile_routes``, ``contact_centre``, ``video_centre`` and
        ``expert_centre``; zones and offices carry their places (``xy_km``), so
        the report can draw a map.
    """
    p = Params.of(net)
    rng = np.random.default_rng(p.seed)
    side, office_xy, town = geography.towns(rng, p.offices, p.spacing_km)
    zones = geography.zones(rng, p.zones, p.rural_share, p.population, office_xy, town, side)
    office_names = [f"Office {i + 1:0{len(str(p.offices))}d}" for i in range(p.offices)]
    minutes = travel_minutes(np.array([z.xy for z in zones]), office_xy, p.speed_kmh)
    reach = [np.argsort(row, kind="stable")[:min(p.reachable, p.offices)] for row in minutes]
    routes = (geography.routes(zones, minutes, p.speed_kmh, p.mobile_threshold_min, p.stops_per_route)
              if p.mobile_routes else [])
    demand = Demand(net)
    # Appointments and video connections go only to offices with a calendar and
    # a station, which are chosen by size: size offices first, then share again.
    first = distribute(demand, p.offices, zones, minutes, reach, routes, booked=frozenset())
    booked = _booked(office_desks(first, demand, p, open_min_per_week), first, demand)
    work = distribute(demand, p.offices, zones, minutes, reach, routes, booked)

    out: dict[str, Any] = {"kind": "explicit", "name": net.name}
    out.update({k: _copy(getattr(net, k)) for k in CATALOGUE})
    out["zones"] = {z.name: _zone_dict(z, p, {office_names[o]: float(minutes[i, o]) for o in reach[i]})
                    for i, z in enumerate(zones)}
    out["offices"] = _offices(office_names, work, booked, demand, p, shift_names, open_min_per_week)
    for office, xy in zip(out["offices"], office_xy):
        office["xy_km"] = _km(xy)
    out["mobile_routes"] = [_route_dict(r, zones, work, demand, p) for r in routes]
    totals = work.total
    out["contact_centre"] = _contact_centre(totals, demand, p, shift_names, open_min_per_week) \
        if p.contact_centre else None
    out["video_centre"] = _video_centre(totals, demand, p, shift_names, open_min_per_week) \
        if p.video_centre else None
    out["expert_centre"] = _expert_centre(totals, demand, p, shift_names, open_min_per_week) \
        if p.expert_centre else None
    return out


def _copy(value: Any) -> Any:
    """A catalogue value (mappings of typed blocks, or a scalar) as plain data."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value


# --- parameters --------------------------------------------------------------------

@dataclass(frozen=True)
class Params:
    """The generator's parameters (see :class:`simoffice.config.network_schema.SyntheticNetworkConfig`),
    with the number of zones resolved."""

    offices: int
    zones: int
    population: float
    rural_share: float
    seed: int
    spacing_km: float
    speed_kmh: float
    reachable: int
    beta: float
    max_utilisation: float
    rural_segment_mix: dict[str, float] | None
    mobile_routes: bool
    mobile_threshold_min: float
    stops_per_route: int
    contact_centre: bool
    video_centre: bool
    expert_centre: bool

    @classmethod
    def of(cls, net: SyntheticNetworkConfig) -> "Params":
        offices = int(net.offices)
        return cls(
            offices=offices,
            zones=int(net.zones) if net.zones is not None else 3 * offices,
            population=float(net.population),
            rural_share=float(net.rural_share),
            seed=int(net.seed),
            spacing_km=float(net.office_spacing_km),
            speed_kmh=float(net.speed_kmh),
            reachable=int(net.reachable_offices),
            beta=float(net.staffing_beta),
            max_utilisation=float(net.max_utilisation),
            rural_segment_mix=net.rural_segment_mix,
            mobile_routes=bool(net.mobile_routes),
            mobile_threshold_min=float(net.mobile_threshold_min),
            stops_per_route=int(net.mobile_stops_per_route),
            contact_centre=bool(net.contact_centre),
            video_centre=bool(net.video_centre),
            expert_centre=bool(net.expert_centre),
        )


def _km(xy: Sequence[float]) -> list[float]:
    """A place on the plane as ``xy_km`` (km, to the metre)."""
    return [round(float(xy[0]), 3), round(float(xy[1]), 3)]


def _zone_dict(z: GenZone, p: Params, travel: dict[str, float]) -> dict:
    out: dict[str, Any] = {"population": z.population, "rural": z.rural, "travel_min": travel, "xy_km": _km(z.xy)}
    if z.rural and p.rural_segment_mix is not None:
        out["segment_mix"] = dict(p.rural_segment_mix)
    return out


# --- staffing ---------------------------------------------------------------------------

def desks_for(load: float, beta: float, max_utilisation: float) -> int:
    """Desks for an offered load of ``load`` desks' worth of work (Erlangs): the
    square-root staffing rule ``a + beta × sqrt(a)``, rounded, with enough desks
    to keep utilisation at or below ``max_utilisation``, and at least one."""
    if load <= 0:
        return 1
    tol = 1e-9  # a load of exactly 1.7 at max_utilisation 0.85 needs 2 desks, not 3
    return max(1, math.floor(load + beta * math.sqrt(load) + 0.5), math.ceil(load / max_utilisation - tol))


def staff(desks: int, shift_names: Sequence[str]) -> dict[str, int]:
    """Desks per shift: all on the schedule's longest shift, which covers the
    opening hours. Leaving the others empty keeps the staff of a network the
    same under schedules with equal weekly hours (five_day and mon_thu), so
    that they compare at equal staff hours."""
    return {shift_names[0]: desks}


def office_desks(loads: Loads, demand: Demand, p: Params, open_min: float) -> list[int]:
    """Desks each office needs for its whole load."""
    return [desks_for(demand.office_minutes(v) / open_min, p.beta, p.max_utilisation) for v in loads.office]


def _booked(desks: list[int], loads: Loads, demand: Demand) -> frozenset[int]:
    """Offices with APPOINTMENT_MIN_DESKS desks, and in any case the busiest one,
    book appointments (and host a video station when there is a video centre)."""
    busiest = int(np.argmax([demand.office_minutes(v) for v in loads.office]))
    return frozenset(o for o, n in enumerate(desks) if n >= APPOINTMENT_MIN_DESKS) | {busiest}


def _offices(names: list[str], loads: Loads, booked: frozenset[int], demand: Demand, p: Params,
             shift_names: Sequence[str], open_min: float) -> list[dict]:
    """Offices with desk groups sized from their load: one group per agency when
    each agency has work for at least two desks, else one group for every skill."""
    n_ag = len(demand.agencies)
    desks = office_desks(loads, demand, p, open_min)
    offices = []
    for o, name in enumerate(names):
        load = loads.office[o, :n_ag] / open_min
        if n_ag > 1 and (load >= 2.0).all():
            groups = [{"name": f"{agency} desks", "skills": list(demand.skills_by_agency[agency]),
                       "staff": staff(desks_for(float(load[a]), p.beta, p.max_utilisation), shift_names)}
                      for a, agency in enumerate(demand.agencies)]
        else:
            groups = [{"name": "all services", "skills": list(demand.all_skills),
                       "staff": staff(desks[o], shift_names)}]
        office: dict[str, Any] = {"name": name, "desk_groups": groups}
        if o in booked:
            calendar = loads.office[o, demand.keys.index("appointment")] / open_min
            office["appointments"] = {"slot_min": SLOT_MIN, "per_slot": max(1, math.ceil(SLOT_SLACK * calendar))}
            if p.video_centre:
                office["video_stations"] = 1
        offices.append(office)
    return offices


def _route_dict(r: Route, zones: list[GenZone], loads: Loads, demand: Demand, p: Params) -> dict:
    """A mobile route with desks for its busiest stop's load (a zone's weekly
    work falls in its one weekly stop)."""
    desks = 1
    for z, (_, start, end) in zip(r.zones, r.stops):
        desks = max(desks, desks_for(demand.office_minutes(loads.mobile[z]) / (end - start), p.beta,
                                     p.max_utilisation))
    return {
        "name": r.name,
        "desk_groups": [{"name": "generalists", "skills": list(demand.all_skills), "count": desks}],
        "stops": [{"zone": zones[z].name, "weekday": day, "hours": f"{hhmm(start)}-{hhmm(end)}"}
                  for z, (day, start, end) in zip(r.zones, r.stops)],
        "travel_between_stops_min": r.gap_min,
        "local_travel_min": MOBILE_LOCAL_TRAVEL_MIN,
        "cost_per_day": MOBILE_COST_PER_DAY,
    }


def _centre_groups(name: str, skills: list[str], minutes: float, beta: float, p: Params,
                   shift_names: Sequence[str], open_min: float) -> list[dict]:
    desks = desks_for(minutes / open_min, beta, p.max_utilisation)
    return [{"name": name, "skills": list(skills), "staff": staff(desks, shift_names)}]


def _contact_centre(total: np.ndarray, demand: Demand, p: Params, shift_names: Sequence[str],
                    open_min: float) -> dict | None:
    """Agents for every service the phone can handle, on the schedule's hours."""
    if not demand.phone_skills:
        return None
    minutes = float(total[demand.keys.index("phone")])
    return {"desk_groups": _centre_groups("agents", demand.phone_skills, minutes, max(PHONE_BETA, p.beta), p,
                                          shift_names, open_min), **copy.deepcopy(PHONE_RULES)}


def _video_centre(total: np.ndarray, demand: Demand, p: Params, shift_names: Sequence[str],
                  open_min: float) -> dict | None:
    """Remote advisors, and a slot calendar with a place per advisor."""
    if not demand.video_skills:
        return None
    minutes = float(total[demand.keys.index("video")])
    groups = _centre_groups("remote advisors", demand.video_skills, minutes, p.beta, p, shift_names, open_min)
    advisors = max(groups[0]["staff"].values())
    return {"desk_groups": groups, "slots": {"slot_min": SLOT_MIN, "per_slot": advisors}, "connect_min": CONNECT_MIN}


def _expert_centre(total: np.ndarray, demand: Demand, p: Params, shift_names: Sequence[str],
                   open_min: float) -> dict | None:
    """Experts for every service that escalates."""
    if not demand.expert_skills:
        return None
    minutes = float(total[demand.keys.index("expert")])
    return {"desk_groups": _centre_groups("experts", demand.expert_skills, minutes, p.beta, p, shift_names, open_min)}
