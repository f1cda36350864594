"""A synthetic network: the geography and service points generated from a few parameters.

A country is a square on a plane, ``office_spacing_km`` × ``office_spacing_km``
of land per office. ``offices`` towns are scattered over it, each with an
office; towns differ in size. Urban zones cluster around the towns, rural zones are spread over the
whole square, and ``rural_share`` of the ``population`` lives in the rural
ones. A zone's clients can reach its ``reachable_offices`` nearest offices,
travelling the straight-line distance at ``speed_kmh``. A rural zone with no
office within ``mobile_threshold_min`` minutes gets a weekly stop of a mobile
office. Every desk count — offices, mobile offices, contact centre, video
centre, expert centre — is sized from the demand the catalogue implies, with
the square-root staffing rule.

:func:`generate` is a pure function of the network config (and the schedule's
shifts): the same ``seed`` gives the same network, and the result is an
explicit network (``kind: explicit``) that :func:`simoffice.config.build.build_spec`
validates like a hand-written one. The generator does not validate: build_spec
checks its parameters and the catalogue first.

Units: minutes (travel, service times, opening hours), kilometres (the plane),
weeks (demand: bundles and work minutes per week).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from simoffice.model import distributions
from simoffice.vocabulary import hhmm

# The catalogue: keys copied as they are into the explicit network.
CATALOGUE = ("max_visits", "return_after_days", "arrival_profile", "segments", "services", "bundles",
             "bundles_per_1000_per_week", "appointments", "choice", "staff_cost_per_hour")
CHANNELS = ("walk_in", "appointment", "phone", "video", "online")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

# Geography.
TOWN_SIZE_SIGMA = 0.8  # log-sd of town sizes: a few large towns, many small ones
ZONE_SIZE_SIGMA = 0.4  # log-sd of zone populations around their town's (or the rural) mean
TOWN_RADIUS_KM = 3.0  # urban zones lie this far (sd) from their town's office
MIN_OFFICE_GAP = 1 / 3  # of office_spacing_km: two offices are never closer
MIN_TRAVEL_MIN = 5.0  # even a zone next to an office needs a few minutes to get there

# Staffing.
PHONE_BETA = 1.5  # callers hang up within minutes and the target is in seconds: more slack than offices
APPOINTMENT_MIN_DESKS = 3  # offices with this many desks book appointments and host a video station
SLOT_MIN = 30
SLOT_SLACK = 1.25  # appointment calendars hold a quarter more than the expected bookings

# The contact centre's rules and the video centre's connection time, as in configs/network/regional.yaml.
PHONE_RULES = {"patience": {"dist": "exponential", "mean": 3.0}, "retry_prob": 0.6, "retry_after_min": 20.0,
               "service_level_target_sec": 20.0}
CONNECT_MIN = 5.0

# Mobile offices: one stop a day from 10:00 to 14:00, or two of 150 min from 09:00.
SINGLE_STOP = (600, 840)
FIRST_OF_TWO = (540, 690)
SECOND_STOP_MIN = 150
MAX_DRIVE_MIN = 180  # two stops of a day are at most this far apart (the second ends by 17:00)
MOBILE_LOCAL_TRAVEL_MIN = 10.0
MOBILE_COST_PER_DAY = 150.0
# Clients who know the hours count the days until a point opens (choice.day_value_min
# each); a weekly stop is on average about two working days away.
MOBILE_WAIT_DAYS = 2.0


def generate(net: Mapping[str, Any], shift_names: Sequence[str], open_min_per_week: float = 2700.0) -> dict:
    """An explicit network generated from a synthetic network's parameters.

    Args:
        net: the ``network`` config of ``kind: synthetic`` as plain mappings
            (generator parameters and catalogue), already validated.
        shift_names: the schedule's shifts, longest first: every unit is
            staffed on the first, which covers the opening hours (see :func:`staff`).
        open_min_per_week: the schedule's public opening minutes in a week;
            work per week over these minutes is a unit's offered load.

    Returns:
        The ``network`` config of an explicit network (``kind: explicit``): the
        catalogue as given, and generated ``zones``, ``offices``,
        ``mobile_routes``, ``contact_centre``, ``video_centre`` and
        ``expert_centre``.
    """
    p = Params.of(net)
    rng = np.random.default_rng(p.seed)
    side = p.spacing_km * math.sqrt(p.offices)
    office_xy = _place_offices(rng, p.offices, side, p.spacing_km * MIN_OFFICE_GAP)
    town = rng.lognormal(0.0, TOWN_SIZE_SIGMA, p.offices)
    zones = _zones(rng, p, office_xy, town, side)
    office_names = [f"Office {i + 1:0{len(str(p.offices))}d}" for i in range(p.offices)]
    minutes = _minutes(np.array([z.xy for z in zones]), office_xy, p.speed_kmh)
    reach = [np.argsort(row, kind="stable")[:min(p.reachable, p.offices)] for row in minutes]
    routes = _routes(zones, minutes, p) if p.mobile_routes else []
    demand = Demand(net, p)
    # Appointments and video connections go only to offices with a calendar and
    # a station, which are chosen by size: size offices first, then share again.
    first = _loads(p, zones, minutes, reach, routes, demand, booked=frozenset())
    booked = _booked(office_desks(first, demand, p, open_min_per_week), first, demand)
    loads = _loads(p, zones, minutes, reach, routes, demand, booked)

    out = {"kind": "explicit", "name": net.get("name", "synthetic")}
    out.update({k: copy.deepcopy(net[k]) for k in CATALOGUE if k in net})
    out["zones"] = {z.name: _zone_dict(z, p, {office_names[o]: float(minutes[i, o]) for o in reach[i]})
                    for i, z in enumerate(zones)}
    out["offices"] = _offices(office_names, loads, booked, demand, p, shift_names, open_min_per_week)
    out["mobile_routes"] = [_route_dict(r, zones, loads, demand, p) for r in routes]
    totals = loads.total
    out["contact_centre"] = _contact_centre(totals, demand, p, shift_names, open_min_per_week) \
        if p.contact_centre else None
    out["video_centre"] = _video_centre(totals, demand, p, shift_names, open_min_per_week) \
        if p.video_centre else None
    out["expert_centre"] = _expert_centre(totals, demand, p, shift_names, open_min_per_week) \
        if p.expert_centre else None
    return out


# --- parameters --------------------------------------------------------------------

@dataclass(frozen=True)
class Params:
    """The generator's parameters (see :class:`simoffice.config.schema.SyntheticNetworkConfig`)."""

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
    rural_segment_mix: Mapping[str, float] | None
    mobile_routes: bool
    mobile_threshold_min: float
    stops_per_route: int
    contact_centre: bool
    video_centre: bool
    expert_centre: bool
    scale_min: float
    day_value_min: float
    per_1000: float

    @classmethod
    def of(cls, net: Mapping[str, Any]) -> "Params":
        choice = net.get("choice") or {}
        offices = int(net["offices"])
        return cls(
            offices=offices,
            zones=int(net["zones"]) if net.get("zones") is not None else 3 * offices,
            population=float(net["population"]),
            rural_share=float(net["rural_share"]),
            seed=int(net["seed"]),
            spacing_km=float(net["office_spacing_km"]),
            speed_kmh=float(net["speed_kmh"]),
            reachable=int(net["reachable_offices"]),
            beta=float(net["staffing_beta"]),
            max_utilisation=float(net["max_utilisation"]),
            rural_segment_mix=net.get("rural_segment_mix"),
            mobile_routes=bool(net["mobile_routes"]),
            mobile_threshold_min=float(net["mobile_threshold_min"]),
            stops_per_route=int(net["mobile_stops_per_route"]),
            contact_centre=bool(net["contact_centre"]),
            video_centre=bool(net["video_centre"]),
            expert_centre=bool(net["expert_centre"]),
            scale_min=float(choice.get("scale_min", 20.0)),
            day_value_min=float(choice.get("day_value_min", 60.0)),
            per_1000=float(net.get("bundles_per_1000_per_week", 1.0)),
        )


# --- geography -----------------------------------------------------------------------

@dataclass(frozen=True)
class GenZone:
    """A generated zone: where it lies (km), its population, and whether it is rural."""

    name: str
    xy: tuple[float, float]
    population: int
    rural: bool


def _place_offices(rng: np.random.Generator, n: int, side: float, gap: float) -> np.ndarray:
    """``n`` points uniform in the square, none closer than ``gap`` km to another
    (a town has one office; two towns do not touch)."""
    points: list[np.ndarray] = []
    while len(points) < n:
        xy = rng.uniform(0.0, side, 2)
        if all(np.hypot(*(xy - q)) >= gap for q in points):
            points.append(xy)
    return np.array(points)


def zone_counts(zones: int, rural_share: float) -> tuple[int, int]:
    """(urban, rural) zone counts. Rural zones are smaller and more numerous than
    their share of the population: ``zones × sqrt(rural_share)`` of them, and at
    least one of each kind when both kinds have people."""
    rural = round(zones * math.sqrt(rural_share))
    if 0 < rural_share < 1:
        rural = min(max(rural, 1), zones - 1)
    elif rural_share == 0:
        rural = 0
    else:
        rural = zones
    return zones - rural, rural


def split_integer(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` split into whole numbers in proportion to ``weights`` (largest
    remainder), so that they sum to ``total`` exactly."""
    if len(weights) == 0:
        return np.zeros(0, dtype=np.int64)
    exact = total * weights / weights.sum()
    out = np.floor(exact).astype(np.int64)
    short = total - int(out.sum())
    out[np.argsort(-(exact - out), kind="stable")[:short]] += 1
    return out


def _zones(rng: np.random.Generator, p: Params, office_xy: np.ndarray, town: np.ndarray,
           side: float) -> list[GenZone]:
    """Urban zones around the offices (a town's zones in proportion to its size),
    then rural zones uniform over the square."""
    n_urban, n_rural = zone_counts(p.zones, p.rural_share)
    people = round(p.population)
    rural_people = people if not n_urban else round(people * p.rural_share) if n_rural else 0
    # Each town gets at least one urban zone while there are enough; larger towns more.
    per_town = np.zeros(p.offices, dtype=np.int64)
    if n_urban >= p.offices:
        per_town += 1 + split_integer(n_urban - p.offices, town)
    else:
        per_town[np.argsort(-town, kind="stable")[:n_urban]] = 1
    home = np.repeat(np.arange(p.offices), per_town)
    urban_xy = office_xy[home] + rng.normal(0.0, TOWN_RADIUS_KM, (n_urban, 2))
    urban_w = town[home] / per_town[home] * rng.lognormal(0.0, ZONE_SIZE_SIGMA, n_urban)
    rural_xy = rng.uniform(0.0, side, (n_rural, 2))
    rural_w = rng.lognormal(0.0, ZONE_SIZE_SIGMA, n_rural)
    urban_pop = split_integer(people - rural_people, urban_w)
    rural_pop = split_integer(rural_people, rural_w)
    width = len(str(max(n_urban, n_rural, 1)))
    zones = [GenZone(f"Urban {i + 1:0{width}d}", tuple(map(float, xy)), int(n), False)
             for i, (xy, n) in enumerate(zip(urban_xy, urban_pop))]
    zones += [GenZone(f"Rural {i + 1:0{width}d}", tuple(map(float, xy)), int(n), True)
              for i, (xy, n) in enumerate(zip(rural_xy, rural_pop))]
    return zones


def _minutes(a: np.ndarray, b: np.ndarray, speed_kmh: float) -> np.ndarray:
    """Whole travel minutes from each point of ``a`` to each of ``b`` (km
    coordinates), at least MIN_TRAVEL_MIN."""
    km = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
    return np.maximum(np.round(km / speed_kmh * 60.0), MIN_TRAVEL_MIN)


def _zone_dict(z: GenZone, p: Params, travel: dict[str, float]) -> dict:
    out: dict[str, Any] = {"population": z.population, "rural": z.rural, "travel_min": travel}
    if z.rural and p.rural_segment_mix is not None:
        out["segment_mix"] = dict(p.rural_segment_mix)
    return out


# --- mobile routes -----------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    """A generated mobile route: its zones in visiting order and their stops
    (weekday, start, end in minutes since midnight)."""

    name: str
    zones: tuple[int, ...]
    stops: tuple[tuple[str, int, int], ...]
    gap_min: float


def _routes(zones: list[GenZone], minutes: np.ndarray, p: Params) -> list[Route]:
    """Mobile routes for rural zones with no office within the threshold: a
    nearest-neighbour tour of them, cut into routes of ``stops_per_route`` stops
    (fewer where two stops of a day would be more than MAX_DRIVE_MIN apart)."""
    far = [i for i, z in enumerate(zones) if z.rural and minutes[i].min() > p.mobile_threshold_min]
    if not far:
        return []
    xy = np.array([zones[i].xy for i in far])
    between = _minutes(xy, xy, p.speed_kmh)
    order = _tour(xy, between)
    routes = []
    while order:
        members = order[:p.stops_per_route]
        while len(members) > len(WEEKDAYS) and _drive(members, between) > MAX_DRIVE_MIN:
            members = members[:-1]
        order = order[len(members):]
        routes.append(_route(f"Mobile {len(routes) + 1}", [far[i] for i in members], _drive(members, between)))
    return routes


def _drive(members: list[int], between: np.ndarray) -> float:
    """The longest drive between two stops of a day, when the first days of a
    route take two consecutive zones each (0 with one stop a day)."""
    doubles = max(0, len(members) - len(WEEKDAYS))
    return max((float(between[members[2 * d], members[2 * d + 1]]) for d in range(doubles)), default=0.0)


def _tour(xy: np.ndarray, between: np.ndarray) -> list[int]:
    """A nearest-neighbour tour from the westernmost point, so that consecutive
    stops of a route lie near each other."""
    left = set(range(len(xy)))
    at = int(np.argmin(xy[:, 0]))
    tour = [at]
    left.discard(at)
    while left:
        at = min(left, key=lambda j: (between[at, j], j))
        tour.append(at)
        left.discard(at)
    return tour


def _route(name: str, members: list[int], drive_min: float) -> Route:
    """One stop a weekday per zone; past five zones, the first days take two
    consecutive zones each, the second stop starting ``drive_min`` (rounded up
    to a quarter hour) after the first ends."""
    n = len(members)
    doubles = max(0, n - len(WEEKDAYS))
    gap = float(math.ceil(drive_min / 15.0) * 15) if doubles else 30.0
    second = FIRST_OF_TWO[1] + int(gap)
    stops = []
    for d, day in enumerate(WEEKDAYS[:n - doubles]):
        if d < doubles:
            stops += [(day, *FIRST_OF_TWO), (day, second, second + SECOND_STOP_MIN)]
        else:
            stops.append((day, *SINGLE_STOP))
    return Route(name, tuple(members), tuple(stops), gap)


# --- demand ---------------------------------------------------------------------------

class Demand:
    """Expected work a bundle brings to each kind of unit, from the catalogue.

    A need is taken up by a channel with the segment's preferences over the
    channels the service allows (as a client chooses); online self-service
    settles it with the segment's digital skill and otherwise the client turns
    to another channel; a phone call that can only advise, and a missing
    document after a call or a video session, send the client to an office;
    at an office a missing document means another visit. Needs handled anywhere
    but online may go to the expert centre. Reneging and abandonment are
    ignored, so staff are sized for slightly more work than arrives.

    ``per_bundle(weights)`` gives, for a zone whose segment weights (relative
    to the segments' shares) are ``weights``, the minutes per bundle on the
    vector ``keys``: office work by agency, then ``appointment`` (the booked
    part of office work), ``phone``, ``video``, ``connect`` and ``expert``.
    """

    def __init__(self, net: Mapping[str, Any], p: Params):
        segments = net["segments"]
        services = net["services"]
        bundles = net["bundles"]
        self.segment_names = list(segments)
        self.agencies = list(dict.fromkeys(s.get("agency") or "agency" for s in services.values()))
        self.skills_by_agency = {a: [] for a in self.agencies}
        for s in services.values():
            skills = self.skills_by_agency[s.get("agency") or "agency"]
            if s["skill"] not in skills:
                skills.append(s["skill"])
        self.keys = self.agencies + ["appointment", "phone", "video", "connect", "expert"]
        self.phone_skills = list(dict.fromkeys(s["skill"] for s in services.values()
                                               if s.get("phone", "none") != "none"))
        self.video_skills = list(dict.fromkeys(s["skill"] for s in services.values() if s.get("video", False)))
        self.expert_skills = list(dict.fromkeys(s["skill"] for s in services.values()
                                                if s.get("escalation_prob", 0.0) > 0))
        self.all_skills = list(dict.fromkeys(s["skill"] for s in services.values()))
        shares = np.array([float(s.get("share", 1.0)) for s in segments.values()])
        self.shares = shares / shares.sum()
        self.informed_shares = np.array([float(s.get("informed_share", 1.0)) for s in segments.values()])
        b_shares = np.array([float(b.get("share", 1.0)) for b in bundles.values()])
        b_shares = b_shares / b_shares.sum()
        # work[b, s]: minutes per bundle b of a client of segment s, on self.keys.
        self.work = np.zeros((len(bundles), len(segments), len(self.keys)))
        self.segment_probs = np.zeros((len(bundles), len(segments)))
        for b_i, b in enumerate(bundles.values()):
            mix = b.get("segment_mix")
            probs = self.shares if mix is None else np.array([float(mix.get(n, 0.0)) for n in self.segment_names])
            self.segment_probs[b_i] = b_shares[b_i] * probs / probs.sum()
            for s_i, seg in enumerate(segments.values()):
                for need in b["needs"]:
                    self.work[b_i, s_i] += self._need(services[need], seg, p)

    def _need(self, svc: Mapping[str, Any], seg: Mapping[str, Any], p: Params) -> np.ndarray:
        """Expected minutes of one need of a client of segment ``seg``, on self.keys."""
        out = np.zeros(len(self.keys))
        weights = dict.fromkeys(CHANNELS, 0.0)
        weights.update(seg.get("channels") or {"walk_in": 1.0})
        phone_mode = svc.get("phone", "none")
        allowed = {"walk_in": True, "appointment": True, "phone": phone_mode != "none" and p.contact_centre,
                   "video": bool(svc.get("video", False)) and p.video_centre, "online": bool(svc.get("online", False))}
        w = {c: float(weights[c]) if allowed[c] else 0.0 for c in CHANNELS}
        total = sum(w.values()) or 1.0
        pi = {c: v / total for c, v in w.items()}
        skill = float(seg.get("digital_skill", 0.5))
        # Online failures fall back to the other channels, in their proportions.
        failed = pi["online"] * (1.0 - skill)
        rest = 1.0 - pi["online"]
        share = {c: pi[c] + (failed * pi[c] / rest if rest > 0 else 0.0)
                 for c in ("walk_in", "appointment", "phone", "video")}
        if rest <= 0:
            share["walk_in"] = failed
        missing = float(svc.get("missing_document_prob", 0.0))
        mean = _mean(svc["service_time"])
        phone_mean = _mean(svc.get("phone_time") or svc["service_time"])
        video_mean = _mean(svc.get("video_time") or svc["service_time"])
        to_office = share["walk_in"] + share["appointment"]
        out[self.keys.index("phone")] = share["phone"] * phone_mean
        to_office += share["phone"] * (1.0 if phone_mode == "advise" else missing)
        out[self.keys.index("video")] = share["video"] * video_mean
        out[self.keys.index("connect")] = share["video"] * (1.0 - skill) * CONNECT_MIN
        to_office += share["video"] * missing
        office = to_office * mean / (1.0 - missing)  # repeat visits for missing documents
        out[self.agencies.index(svc.get("agency") or "agency")] = office
        booked = share["appointment"] / max(share["walk_in"] + share["appointment"], 1e-12)
        out[self.keys.index("appointment")] = office * booked
        escalation = float(svc.get("escalation_prob", 0.0))
        if escalation > 0:
            out[self.keys.index("expert")] = (1.0 - pi["online"] * skill) * escalation * _mean(svc["expert_time"])
        return out * (1.0 - float(svc.get("proactive_share", 0.0)))

    def _joint(self, mix: Mapping[str, float] | None) -> np.ndarray:
        """P(bundle, segment) in a zone with segment mix ``mix`` (null: the
        segments' shares), as the client factory draws them."""
        if mix is None:
            weights = np.ones(len(self.segment_names))
        else:
            probs = np.array([float(mix.get(n, 0.0)) for n in self.segment_names])
            probs /= probs.sum()
            weights = np.divide(probs, self.shares, out=np.zeros_like(probs), where=self.shares > 0)
        joint = self.segment_probs * weights
        if joint.sum() <= 0:
            joint = self.segment_probs
        return joint / joint.sum()

    def per_bundle(self, mix: Mapping[str, float] | None) -> np.ndarray:
        """Expected minutes per bundle of a zone with segment mix ``mix``, on self.keys."""
        return np.einsum("bs,bsk->k", self._joint(mix), self.work)

    def informed(self, mix: Mapping[str, float] | None) -> float:
        """Share of a zone's clients who know the opening hours."""
        return float(self._joint(mix).sum(axis=0) @ self.informed_shares)

    def booked_part(self, v: np.ndarray) -> np.ndarray:
        """The part of a work vector done by appointment or at a video station."""
        n_ag = len(self.agencies)
        office = v[:n_ag].sum()
        out = np.zeros_like(v)
        booked = self.keys.index("appointment")
        if office > 0:
            out[:n_ag] = v[:n_ag] * v[booked] / office
        out[booked] = v[booked]
        out[self.keys.index("connect")] = v[self.keys.index("connect")]
        return out

    def office_minutes(self, v: np.ndarray) -> float:
        """Minutes of work at a service point in a vector on self.keys."""
        return float(v[:len(self.agencies)].sum() + v[self.keys.index("connect")])


def _mean(dist: Mapping[str, Any]) -> float:
    return float(distributions.from_config(dist, "").mean)


# --- where the work goes -----------------------------------------------------------------

@dataclass
class Loads:
    """Work per week (minutes, on Demand.keys) at each office and at each zone's
    mobile stop, and the network's total."""

    office: np.ndarray  # (offices, keys)
    mobile: dict[int, np.ndarray]  # zone -> its clients' work at its mobile stop
    total: np.ndarray  # (keys,): every zone's work, wherever it goes


def _loads(p: Params, zones: list[GenZone], minutes: np.ndarray, reach: list, routes: list[Route],
           demand: Demand, booked: frozenset[int]) -> Loads:
    """Share each zone's work among the points it can reach with the clients'
    logit on trip cost (twice the travel minutes; a mobile stop's also counts
    the days until it comes). Booked work (appointments, video connections)
    goes to the ``booked`` offices the zone can reach, if any; else its clients
    walk in."""
    mobile_zones = {z for r in routes for z in r.zones}
    office = np.zeros((p.offices, len(demand.keys)))
    mobile: dict[int, np.ndarray] = {}
    total = np.zeros(len(demand.keys))
    per_bundle = {False: demand.per_bundle(None), True: demand.per_bundle(p.rural_segment_mix)}
    informed = {False: demand.informed(None), True: demand.informed(p.rural_segment_mix)}
    for i, z in enumerate(zones):
        work = per_bundle[z.rural] * z.population / 1000.0 * p.per_1000
        total += work
        calendars = [o for o in reach[i] if o in booked]
        appointed = np.zeros_like(work)
        if calendars:
            appointed = demand.booked_part(work)
            for o, share in zip(calendars, _logit([2.0 * minutes[i, o] for o in calendars], p.scale_min)):
                office[o] += share * appointed
        costs = [2.0 * minutes[i, o] for o in reach[i]]
        if i in mobile_zones:
            # Clients who know the hours also count the days until the weekly stop.
            travel = _logit(costs + [2.0 * MOBILE_LOCAL_TRAVEL_MIN], p.scale_min)
            days = _logit(costs + [2.0 * MOBILE_LOCAL_TRAVEL_MIN + MOBILE_WAIT_DAYS * p.day_value_min], p.scale_min)
            shares = informed[z.rural] * days + (1.0 - informed[z.rural]) * travel
        else:
            shares = _logit(costs, p.scale_min)
        for o, share in zip(reach[i], shares):
            office[o] += share * (work - appointed)
        if i in mobile_zones:
            mobile[i] = shares[-1] * (work - appointed)
    return Loads(office, mobile, total)


def _logit(costs: list[float], scale_min: float) -> np.ndarray:
    """Choice probabilities of a logit on costs in minutes (as clients choose)."""
    c = np.array(costs, dtype=float)
    w = np.exp(-(c - c.min()) / scale_min)
    return w / w.sum()


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
