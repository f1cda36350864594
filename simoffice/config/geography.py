"""The geography of a synthetic network: towns, zones, travel times and mobile routes.

A country is a square on a plane, ``office_spacing_km`` × ``office_spacing_km``
of land per office. The towns, one office each, are scattered over it and
differ in size; urban zones cluster around the towns, rural zones are spread
over the whole square. Travel is the straight-line distance at a speed, in
whole minutes. Rural zones far from every office get a weekly stop of a mobile
office, on routes that visit nearby zones on consecutive days.

Everything here draws from the generator's own random generator, in a fixed
order, so that the same seed gives the same country (see
:func:`simoffice.config.synthetic.generate`).

Units: kilometres (the plane), minutes (travel and stop hours).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TRAVEL_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")  # the days a mobile office stops

TOWN_SIZE_SIGMA = 0.8  # log-sd of town sizes: a few large towns, many small ones
ZONE_SIZE_SIGMA = 0.4  # log-sd of zone populations around their town's (or the rural) mean
TOWN_RADIUS_KM = 3.0  # urban zones lie this far (sd) from their town's office
MIN_OFFICE_GAP = 1 / 3  # of office_spacing_km: two offices are never closer
MIN_TRAVEL_MIN = 5.0  # even a zone next to an office needs a few minutes to get there

# Mobile offices: one stop a day from 10:00 to 14:00, or two of 150 min from 09:00.
SINGLE_STOP = (600, 840)
FIRST_OF_TWO = (540, 690)
SECOND_STOP_MIN = 150
MAX_DRIVE_MIN = 180  # two stops of a day are at most this far apart (the second ends by 17:00)


@dataclass(frozen=True)
class GenZone:
    """A generated zone: where it lies (km), its population, and whether it is rural."""

    name: str
    xy: tuple[float, float]
    population: int
    rural: bool


@dataclass(frozen=True)
class Route:
    """A generated mobile route: its zones in visiting order and their stops
    (weekday, start, end in minutes since midnight)."""

    name: str
    zones: tuple[int, ...]
    stops: tuple[tuple[str, int, int], ...]
    gap_min: float


def towns(rng: np.random.Generator, n: int, spacing_km: float) -> tuple[float, np.ndarray, np.ndarray]:
    """The square's side (km), and ``n`` towns: their offices' places and relative sizes."""
    side = spacing_km * math.sqrt(n)
    office_xy = _place_offices(rng, n, side, spacing_km * MIN_OFFICE_GAP)
    return side, office_xy, rng.lognormal(0.0, TOWN_SIZE_SIGMA, n)


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


def zones(rng: np.random.Generator, n_zones: int, rural_share: float, population: float, office_xy: np.ndarray,
          town: np.ndarray, side: float) -> list[GenZone]:
    """Urban zones around the offices (a town's zones in proportion to its size),
    then rural zones uniform over the square; ``rural_share`` of the
    ``population`` lives in the rural ones."""
    n_offices = len(office_xy)
    n_urban, n_rural = zone_counts(n_zones, rural_share)
    people = round(population)
    rural_people = people if not n_urban else round(people * rural_share) if n_rural else 0
    # Each town gets at least one urban zone while there are enough; larger towns more.
    per_town = np.zeros(n_offices, dtype=np.int64)
    if n_urban >= n_offices:
        per_town += 1 + split_integer(n_urban - n_offices, town)
    else:
        per_town[np.argsort(-town, kind="stable")[:n_urban]] = 1
    home = np.repeat(np.arange(n_offices), per_town)
    urban_xy = office_xy[home] + rng.normal(0.0, TOWN_RADIUS_KM, (n_urban, 2))
    urban_w = town[home] / per_town[home] * rng.lognormal(0.0, ZONE_SIZE_SIGMA, n_urban)
    rural_xy = rng.uniform(0.0, side, (n_rural, 2))
    rural_w = rng.lognormal(0.0, ZONE_SIZE_SIGMA, n_rural)
    urban_pop = split_integer(people - rural_people, urban_w)
    rural_pop = split_integer(rural_people, rural_w)
    width = len(str(max(n_urban, n_rural, 1)))
    out = [GenZone(f"Urban {i + 1:0{width}d}", tuple(map(float, xy)), int(n), False)
           for i, (xy, n) in enumerate(zip(urban_xy, urban_pop))]
    out += [GenZone(f"Rural {i + 1:0{width}d}", tuple(map(float, xy)), int(n), True)
            for i, (xy, n) in enumerate(zip(rural_xy, rural_pop))]
    return out


def travel_minutes(a: np.ndarray, b: np.ndarray, speed_kmh: float) -> np.ndarray:
    """Whole travel minutes from each point of ``a`` to each of ``b`` (km
    coordinates), at least MIN_TRAVEL_MIN."""
    km = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
    return np.maximum(np.round(km / speed_kmh * 60.0), MIN_TRAVEL_MIN)


# --- mobile routes -----------------------------------------------------------------

def routes(gen_zones: list[GenZone], minutes: np.ndarray, speed_kmh: float, threshold_min: float,
           stops_per_route: int) -> list[Route]:
    """Mobile routes for rural zones with no office within ``threshold_min``: a
    nearest-neighbour tour of them, cut into routes of ``stops_per_route`` stops
    (fewer where two stops of a day would be more than MAX_DRIVE_MIN apart)."""
    far = [i for i, z in enumerate(gen_zones) if z.rural and minutes[i].min() > threshold_min]
    if not far:
        return []
    xy = np.array([gen_zones[i].xy for i in far])
    between = travel_minutes(xy, xy, speed_kmh)
    order = _tour(xy, between)
    out = []
    while order:
        members = order[:stops_per_route]
        while len(members) > len(TRAVEL_WEEKDAYS) and _drive(members, between) > MAX_DRIVE_MIN:
            members = members[:-1]
        order = order[len(members):]
        out.append(_route(f"Mobile {len(out) + 1}", [far[i] for i in members], _drive(members, between)))
    return out


def _drive(members: list[int], between: np.ndarray) -> float:
    """The longest drive between two stops of a day, when the first days of a
    route take two consecutive zones each (0 with one stop a day)."""
    doubles = max(0, len(members) - len(TRAVEL_WEEKDAYS))
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
    doubles = max(0, n - len(TRAVEL_WEEKDAYS))
    gap = float(math.ceil(drive_min / 15.0) * 15) if doubles else 30.0
    second = FIRST_OF_TWO[1] + int(gap)
    stops = []
    for d, day in enumerate(TRAVEL_WEEKDAYS[:n - doubles]):
        if d < doubles:
            stops += [(day, *FIRST_OF_TWO), (day, second, second + SECOND_STOP_MIN)]
        else:
            stops.append((day, *SINGLE_STOP))
    return Route(name, tuple(members), tuple(stops), gap)
