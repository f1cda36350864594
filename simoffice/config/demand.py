"""The demand a synthetic network's catalogue implies, and where it goes.

:class:`Demand` turns the catalogue (segments, services, bundles) into the
expected minutes of work a bundle brings to each kind of unit; :func:`distribute`
shares each zone's work among the service points its clients can reach, as
they choose them. The generator sizes every desk count from these loads
(see :mod:`simoffice.config.synthetic`).

Units: minutes of work per week (or per bundle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from simoffice.config.catalogue import agency_of, given_channels
from simoffice.config.geography import GenZone, Route
from simoffice.config.network_schema import DistConfig, SegmentConfig, ServiceConfig, SyntheticNetworkConfig
from simoffice.model import distributions

CHANNELS = ("walk_in", "appointment", "phone", "video", "online")
CONNECT_MIN = 5.0  # a desk's minutes to connect a video client at a joint service point
MOBILE_LOCAL_TRAVEL_MIN = 10.0  # a zone's clients' travel to its mobile stop
# Clients who know the hours count the days until a point opens (choice.day_value_min
# each); a weekly stop is on average about two working days away.
MOBILE_WAIT_DAYS = 2.0


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

    def __init__(self, net: SyntheticNetworkConfig):
        segments, services, bundles = net.segments, net.services, net.bundles
        self.phone_open, self.video_open = bool(net.contact_centre), bool(net.video_centre)
        self.rural_segment_mix = net.rural_segment_mix
        self.per_1000 = float(net.bundles_per_1000_per_week)
        self.scale_min = float(net.choice.scale_min)
        self.day_value_min = float(net.choice.day_value_min)
        self.segment_names = list(segments)
        self.agencies = list(dict.fromkeys(agency_of(s) for s in services.values()))
        self.skills_by_agency = {a: [] for a in self.agencies}
        for s in services.values():
            skills = self.skills_by_agency[agency_of(s)]
            if s.skill not in skills:
                skills.append(s.skill)
        self.keys = self.agencies + ["appointment", "phone", "video", "connect", "expert"]
        self.phone_skills = list(dict.fromkeys(s.skill for s in services.values() if s.phone != "none"))
        self.video_skills = list(dict.fromkeys(s.skill for s in services.values() if s.video))
        self.expert_skills = list(dict.fromkeys(s.skill for s in services.values() if s.escalation_prob > 0))
        self.all_skills = list(dict.fromkeys(s.skill for s in services.values()))
        shares = np.array([float(s.share) for s in segments.values()])
        self.shares = shares / shares.sum()
        self.informed_shares = np.array([float(s.informed_share) for s in segments.values()])
        b_shares = np.array([float(b.share) for b in bundles.values()])
        b_shares = b_shares / b_shares.sum()
        # work[b, s]: minutes per bundle b of a client of segment s, on self.keys.
        self.work = np.zeros((len(bundles), len(segments), len(self.keys)))
        self.segment_probs = np.zeros((len(bundles), len(segments)))
        for b_i, b in enumerate(bundles.values()):
            mix = b.segment_mix
            probs = self.shares if mix is None else np.array([float(mix.get(n, 0.0)) for n in self.segment_names])
            self.segment_probs[b_i] = b_shares[b_i] * probs / probs.sum()
            for s_i, seg in enumerate(segments.values()):
                for need in b.needs:
                    self.work[b_i, s_i] += self._need(services[need], seg)

    def _need(self, svc: ServiceConfig, seg: SegmentConfig) -> np.ndarray:
        """Expected minutes of one need of a client of segment ``seg``, on self.keys."""
        out = np.zeros(len(self.keys))
        weights = dict.fromkeys(CHANNELS, 0.0)
        weights.update(given_channels(seg))
        allowed = {"walk_in": True, "appointment": True, "phone": svc.phone != "none" and self.phone_open,
                   "video": bool(svc.video) and self.video_open, "online": bool(svc.online)}
        w = {c: float(weights[c]) if allowed[c] else 0.0 for c in CHANNELS}
        total = sum(w.values()) or 1.0
        pi = {c: v / total for c, v in w.items()}
        skill = float(seg.digital_skill)
        # Online failures fall back to the other channels, in their proportions.
        failed = pi["online"] * (1.0 - skill)
        rest = 1.0 - pi["online"]
        share = {c: pi[c] + (failed * pi[c] / rest if rest > 0 else 0.0)
                 for c in ("walk_in", "appointment", "phone", "video")}
        if rest <= 0:
            share["walk_in"] = failed
        missing = float(svc.missing_document_prob)
        mean = mean_minutes(svc.service_time)
        phone_mean = mean_minutes(svc.phone_time or svc.service_time)
        video_mean = mean_minutes(svc.video_time or svc.service_time)
        to_office = share["walk_in"] + share["appointment"]
        out[self.keys.index("phone")] = share["phone"] * phone_mean
        to_office += share["phone"] * (1.0 if svc.phone == "advise" else missing)
        out[self.keys.index("video")] = share["video"] * video_mean
        out[self.keys.index("connect")] = share["video"] * (1.0 - skill) * CONNECT_MIN
        to_office += share["video"] * missing
        office = to_office * mean / (1.0 - missing)  # repeat visits for missing documents
        out[self.agencies.index(agency_of(svc))] = office
        booked = share["appointment"] / max(share["walk_in"] + share["appointment"], 1e-12)
        out[self.keys.index("appointment")] = office * booked
        escalation = float(svc.escalation_prob)
        if escalation > 0:
            out[self.keys.index("expert")] = (1.0 - pi["online"] * skill) * escalation * mean_minutes(svc.expert_time)
        return out * (1.0 - float(svc.proactive_share))

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


def mean_minutes(dist: DistConfig) -> float:
    """The mean of a (checked) distribution block."""
    return float(distributions.from_config(vars(dist), "").mean)


# --- where the work goes -----------------------------------------------------------------

@dataclass
class Loads:
    """Work per week (minutes, on Demand.keys) at each office and at each zone's
    mobile stop, and the network's total."""

    office: np.ndarray  # (offices, keys)
    mobile: dict[int, np.ndarray]  # zone -> its clients' work at its mobile stop
    total: np.ndarray  # (keys,): every zone's work, wherever it goes


def distribute(demand: Demand, n_offices: int, zones: list[GenZone], minutes: np.ndarray, reach: list,
          routes: list[Route], booked: frozenset[int]) -> Loads:
    """Share each zone's work among the points it can reach with the clients'
    logit on trip cost (twice the travel minutes; a mobile stop's also counts
    the days until it comes). Booked work (appointments, video connections)
    goes to the ``booked`` offices the zone can reach, if any; else its clients
    walk in."""
    mobile_zones = {z for r in routes for z in r.zones}
    office = np.zeros((n_offices, len(demand.keys)))
    mobile: dict[int, np.ndarray] = {}
    total = np.zeros(len(demand.keys))
    scale, rural_mix = demand.scale_min, demand.rural_segment_mix
    per_bundle = {False: demand.per_bundle(None), True: demand.per_bundle(rural_mix)}
    informed = {False: demand.informed(None), True: demand.informed(rural_mix)}
    for i, z in enumerate(zones):
        work = per_bundle[z.rural] * z.population / 1000.0 * demand.per_1000
        total += work
        calendars = [o for o in reach[i] if o in booked]
        appointed = np.zeros_like(work)
        if calendars:
            appointed = demand.booked_part(work)
            for o, share in zip(calendars, logit([2.0 * minutes[i, o] for o in calendars], scale)):
                office[o] += share * appointed
        costs = [2.0 * minutes[i, o] for o in reach[i]]
        if i in mobile_zones:
            # Clients who know the hours also count the days until the weekly stop.
            travel = logit(costs + [2.0 * MOBILE_LOCAL_TRAVEL_MIN], scale)
            days = logit(costs + [2.0 * MOBILE_LOCAL_TRAVEL_MIN + MOBILE_WAIT_DAYS * demand.day_value_min], scale)
            shares = informed[z.rural] * days + (1.0 - informed[z.rural]) * travel
        else:
            shares = logit(costs, scale)
        for o, share in zip(reach[i], shares):
            office[o] += share * (work - appointed)
        if i in mobile_zones:
            mobile[i] = shares[-1] * (work - appointed)
    return Loads(office, mobile, total)


def logit(costs: list[float], scale_min: float) -> np.ndarray:
    """Choice probabilities of a logit on costs in minutes (as clients choose)."""
    c = np.array(costs, dtype=float)
    w = np.exp(-(c - c.min()) / scale_min)
    return w / w.sum()
