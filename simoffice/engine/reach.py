"""Where a zone's clients can go for each service, worked out once per replication.

A unit can handle a need when a desk taking the client's kind of ticket has
its skill and the unit serves its agency. For each zone and service the
journey weighs the service points in reach — to walk in, to book an
appointment, to connect to a video session — by travel time and opening hours
(:mod:`simoffice.engine.choice`).
"""

from __future__ import annotations

import math

from simoffice.model.channels import TICKET_CLASSES
from simoffice.model.spec import MOBILE_OFFICE, OFFICE, ModelSpec
from simoffice.model.timetable import Timetable


class _Never:
    """The timetable of a unit that never serves a zone."""

    intervals: list = []

    def is_open(self, t: float) -> bool:
        return False

    def next_window(self, t: float):
        return None

    def days_until_open(self, t: float) -> float:
        return math.inf


EMPTY = _Never()

# A service point as the choice weighs it: (unit, travel there and back in minutes,
# when it is open to the zone's clients, whether everyone knows its days (a mobile office)).
Point = tuple[int, float, Timetable, bool]


class Reach:
    """The service points of each zone, per service.

    Attributes:
        can: ``can[cls][u][service]``: a desk of unit ``u`` taking tickets of class
            ``cls`` can handle the service.
        walk, booked, joint: ``[zone][service]``: the points to walk in at, the
            offices with an appointment calendar, and the joint service points
            (video stations), as lists of :data:`Point`.
        round_trip: per zone, unit -> travel time there and back (minutes).
    """

    def __init__(self, spec: ModelSpec, access: list):
        self.access = access  # per unit: a Timetable, or a dict zone -> Timetable (mobile)
        units = spec.offices
        self.can = [[[unit.serves(svc, unit.staffed_skills(clients)) for svc in spec.services] for unit in units]
                    for clients in TICKET_CLASSES]
        can_book, can_walk = self.can
        n_services = len(spec.services)

        def points(z: int, zone, s: int, can_go) -> list[Point]:
            return [(u, 2.0 * t, self.timetable_for(u, z), units[u].kind == MOBILE_OFFICE)
                    for u, t in zone.travel if can_go(u, s)]

        zones = list(enumerate(spec.zones))
        self.walk = [[points(z, zone, s, lambda u, s: can_walk[u][s]) for s in range(n_services)]
                     for z, zone in zones]
        self.booked = [[points(z, zone, s, lambda u, s: units[u].kind == OFFICE and units[u].slots is not None
                               and can_book[u][s]) for s in range(n_services)] for z, zone in zones]
        self.joint = [[points(z, zone, s, lambda u, s: units[u].video_stations > 0 and can_book[u][s])
                       for s in range(n_services)] for z, zone in zones]
        self.round_trip = [{u: 2.0 * t for u, t in z.travel} for z in spec.zones]

    def timetable_for(self, u: int, zone: int):
        """When unit ``u`` is open to clients of ``zone``."""
        tt = self.access[u]
        return tt.get(zone, EMPTY) if isinstance(tt, dict) else tt
