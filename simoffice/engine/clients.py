"""Clients and their draws: every random attribute drawn when the client is created.

A zone's clients are drawn a week at a time (:class:`ClientFactory`), each
source of randomness from its own stream (:mod:`simoffice.engine.streams`).
Each source draws a fixed number of uniforms per client, visit by visit, and
turns them into values by inversion. Two runs with the same seed therefore see
the same clients — arrival times, segments, bundles, patience, service times —
whatever their schedules or designs, and a change to one attribute (a
service-time distribution, patience, the visit limit) leaves the others' draws
as they were (common random numbers). A day's busyness (a rate factor per
zone and day, :meth:`ClientFactory.busyness`) comes from its own stream too:
two runs with the same seed see the same busy days.
"""

from __future__ import annotations

from array import array

import numpy as np

from simoffice.engine.streams import Streams
from simoffice.model.channels import CHANNEL_TABLE
from simoffice.model.spec import ModelSpec
from simoffice.vocabulary import DAY, WEEK

NAN = float("nan")
# The draws behind a channel's patience (its ``patience`` field in the channel table).
PATIENCE_DRAWS = {"segment": "patience", "phone": "phone_patience"}
# A client's ``tried_on`` until a channel first takes one of their needs up: most clients
# only walk in, and need no list of their own.
NO_TRIES = (0,) * len(CHANNEL_TABLE)


class Draws:
    """The random draws of one zone's clients of one week, in flat lists.

    Per client (``row``): ``service_time``, ``phone_time``, ``video_time`` and
    ``missing`` hold ``k × a`` values (need position, then handling);
    ``patience``, ``phone_patience``, ``return_u``, ``day_u``, ``channel``,
    ``point``, ``no_show``, ``lateness``, ``retry`` and ``booking`` hold ``a``
    values (contact); ``online``, ``escalate``, ``expert`` and ``follow_up`` hold ``k``
    values (need position); ``a`` is the contact limit. Sources a network does
    not use are None. ``times`` and ``patiences`` give, per channel code, the
    handling times and patience of a contact on that channel.
    """

    __slots__ = ("k", "a", "times", "patiences", "service_time", "phone_time", "video_time", "missing", "patience",
                 "phone_patience", "return_u", "day_u", "channel", "point", "no_show", "lateness", "retry", "online",
                 "escalate", "expert", "follow_up", "booking")

    def __init__(self, k, a, **lists):
        self.k, self.a = k, a
        for name in self.__slots__[4:]:
            setattr(self, name, lists.get(name))
        self.times = tuple(None if ch.time is None else lists.get(ch.time) for ch in CHANNEL_TABLE)
        self.patiences = tuple(None if ch.patience is None else lists.get(PATIENCE_DRAWS[ch.patience])
                               for ch in CHANNEL_TABLE)


class Client:
    """A client with one bundle, and the draws made for them at creation."""

    __slots__ = ("id", "zone", "segment", "btype", "services", "level", "priority", "informed", "home",
                 "created", "draws", "row", "open", "attempts", "tried", "visits", "tickets",
                 "failed_trips", "first_visit", "served_this_visit", "first_unit", "travel", "proactive",
                 "tried_on", "escalated", "pending", "idle", "done", "to_office")

    def __init__(self, id, zone, segment, btype, services, level, priority, informed, created, draws, row,
                 open_needs, proactive=0, home=False):
        self.id = id
        self.zone = zone
        self.segment = segment
        self.btype = btype
        self.services = services  # service index of each need position
        self.level = level
        self.priority = priority
        self.informed = informed
        self.home = home  # can connect to a video session from home
        self.created = created
        self.draws = draws
        self.row = row
        self.open = open_needs  # positions of the needs not delivered proactively
        self.proactive = proactive
        self.attempts = [0] * len(services)
        self.tried = 0  # bit j: need j handled in this contact
        self.visits = 0
        self.tickets = 0
        self.failed_trips = 0
        self.first_visit = NAN
        self.served_this_visit = False
        self.first_unit = -1
        self.travel = 0.0
        # Bit masks over need positions (bit j: need j), cheaper to create than sets.
        self.tried_on = NO_TRIES  # per channel code: needs it has taken up (phone, video, online)
        self.escalated = 0
        self.pending = 0  # needs at the expert centre
        self.idle = False  # nothing under way: waiting for the expert centre
        self.done = False
        self.to_office = False  # advised by phone: the next contact is at an office

    def took_up(self, channel: int, j: int) -> None:
        """``channel`` took need ``j`` up: it is not offered there again."""
        if self.tried_on is NO_TRIES:
            self.tried_on = [0] * len(NO_TRIES)
        self.tried_on[channel] |= 1 << j

    # The accessors index the flat draws directly: they run for every contact.
    def service_time(self, j: int, a: int, channel: int) -> float:
        """Minutes to handle need ``j`` the ``a``-th time (from 0) on ``channel``."""
        d = self.draws
        return d.times[channel][(self.row * d.k + j) * d.a + a]

    def missing(self, j: int, a: int) -> bool:
        """Whether a document is missing when need ``j`` is handled the ``a``-th time."""
        d = self.draws
        return d.missing[(self.row * d.k + j) * d.a + a]

    def patience(self, v: int, channel: int) -> float:
        """Minutes the client waits in the queue at contact ``v`` (from 0) on ``channel``."""
        d = self.draws
        return d.patiences[channel][self.row * d.a + v]

    def u(self, source: str, v: int) -> float:
        """The uniform of a per-contact source (``return_u``, ``day_u``, ``channel`` …) at contact ``v``."""
        d = self.draws
        return getattr(d, source)[self.row * d.a + v]

    def need_u(self, source: str, j: int) -> float:
        """The draw of a per-need source (``online``, ``escalate``, ``expert``, ``follow_up``) for need ``j``."""
        d = self.draws
        return getattr(d, source)[self.row * d.k + j]


class ClientFactory:
    """Draws a week of clients of one zone at a time."""

    def __init__(self, spec: ModelSpec, replication: int, z: int, first_id: int):
        self.spec = spec
        self.replication = replication
        self.z = z
        self.stream = Streams(spec, replication, z)
        self.next_id = first_id
        zone = spec.zones[z]
        levels = sorted({s.priority for s in spec.segments}, reverse=True)
        self.level = [levels.index(s.priority) for s in spec.segments]
        self.k = max(len(b.needs) for b in spec.bundles)
        # The zone's mix: P(bundle) and P(segment | bundle), reweighted by the zone's segment weights.
        w = np.array(zone.segment_weights)
        joint = np.array([b.share * np.array(b.segment_probs) * w for b in spec.bundles])
        if joint.sum() <= 0:
            joint = np.array([b.share * np.array(b.segment_probs) for b in spec.bundles])
        marginal = joint.sum(axis=1)
        self.bundle_cdf = np.cumsum(marginal / marginal.sum())
        self.segment_cdfs = np.array([np.cumsum(row / row.sum()) if row.sum() > 0 else np.cumsum(b.segment_probs)
                                      for row, b in zip(joint, spec.bundles)])
        svc = spec.services
        # The service of each need position of each bundle type (-1: no such position), and
        # per service (and a last entry for -1) the chance that a document is missing and
        # the share delivered proactively.
        self.need_service = np.full((len(spec.bundles), self.k), -1)
        for b_i, b in enumerate(spec.bundles):
            self.need_service[b_i, :len(b.needs)] = b.needs
        used = sorted({j for b in spec.bundles for j in b.needs})
        self.missing_prob = np.array([s.missing_document_prob for s in svc] + [0.0])
        self.proactive_share = np.array([s.proactive_share for s in svc] + [0.0])
        # Handling times per used service, as (service, distribution): the desk's, and for
        # each channel with its own time field whose unit the network has (phone_time,
        # video_time), only where a service sets it (elsewhere the desk's draw serves).
        self.times = {"service_time": [(j, svc[j].service_time) for j in used]}
        for ch in CHANNEL_TABLE:
            if ch.time not in (None, "service_time") and any(u.kind == ch.unit for u in spec.offices):
                self.times[ch.time] = [(j, getattr(svc[j], ch.time)) for j in used
                                       if getattr(svc[j], ch.time) is not None]
        self.expert_times = [(j, svc[j].expert_time) for j in used if svc[j].expert_time is not None]
        self.uses = {
            "channel": spec.has_channels,
            "point": any(len(zz.travel) > 1 for zz in spec.zones),
            "proactive": any(s.proactive_share > 0 for s in svc),
            "online": any(s.online for s in svc),
            "escalate": spec.expert is not None,
            "appointments": any(u.slots is not None for u in spec.offices),
            "home": spec.video_centre is not None,
            "retry": spec.phone is not None,
        }

    def busyness(self, w: int) -> np.ndarray | None:
        """The zone's rate factor of each day of week ``w``: gamma with mean 1 and
        coefficient of variation ``spec.busyness_cv`` (shape 1/cv², scale cv²), from
        the zone's own ``busyness`` stream; None when the cv is 0 (Poisson arrivals,
        and no draw, so that the other streams are as they would be without it)."""
        cv = self.spec.busyness_cv
        if cv <= 0:
            return None
        days = WEEK // DAY
        return self.stream("busyness", w).gamma(1.0 / cv**2, cv**2, days)

    def uniforms(self, source: str, w: int, shape) -> np.ndarray:
        return self.stream(source, w).random(shape)

    def week(self, w: int) -> list[Client]:
        """The zone's clients created in week ``w``, in order of creation."""
        spec = self.spec
        zone = spec.zones[self.z]
        times = (zone.profile or spec.profile).sample(self.stream("arrivals", w), zone.bundles_per_week,
                                    spec.run.start_weekday, w * WEEK, (w + 1) * WEEK, self.busyness(w))
        n = len(times)
        btype = np.minimum(np.searchsorted(self.bundle_cdf, self.uniforms("bundle", w, n), side="right"),
                           len(spec.bundles) - 1)
        # The segment given the bundle: the position of u in the bundle's segment cdf
        # (numpy's searchsorted with side="right", for every client at once).
        cdfs = self.segment_cdfs[btype]
        segment = np.minimum((cdfs <= self.uniforms("segment", w, n)[:, None]).sum(axis=1), cdfs.shape[1] - 1)
        svc = self.need_service[btype]  # (n, K)
        drawn = self._handling(w, n, svc)
        drawn.update(self._patience(w, n, segment))
        drawn.update(self._per_contact(w, n))
        # Flat typed arrays: read one value at a time as Python numbers, and, unlike
        # lists, never scanned by the garbage collector.
        draws = Draws(self.k, spec.max_visits, **{name: _flat(values) for name, values in drawn.items()})
        return self._clients(w, times, btype, segment, svc, draws)

    def _handling(self, w: int, n: int, svc: np.ndarray) -> dict[str, np.ndarray]:
        """Per need position: handling times on each channel and missing documents
        (each handling), and the per-need draws (online, escalation, expert work,
        follow-up)."""
        A, K, u, uses = self.spec.max_visits, self.k, self.uniforms, self.uses
        # Visit-major (A, n, K) draws, so that the first visits' values do not depend on max_visits.
        u_service = u("service", w, (A, n, K)).transpose(1, 2, 0)
        u_missing = u("missing", w, (A, n, K)).transpose(1, 2, 0)
        # Each time distribution is applied once, to every need position holding its service.
        at = {j: svc == j for j, _ in self.times["service_time"]}
        service = np.zeros((n, K, A))
        for j, dist in self.times["service_time"]:
            service[at[j]] = dist.quantile(u_service[at[j]])
        drawn = {"service_time": service, "missing": u_missing < self.missing_prob[svc][:, :, None]}
        for field, own in self.times.items():  # a channel's own times, where services set them
            if field != "service_time":
                values = drawn[field] = service.copy() if own else service
                for j, dist in own:
                    values[at[j]] = dist.quantile(u_service[at[j]])
        if uses["online"]:
            drawn["online"] = u("online", w, (n, K))
        if uses["escalate"]:
            expert_work = np.zeros((n, K))
            u_expert = u("expert", w, (n, K))
            for j, dist in self.expert_times:
                expert_work[at[j]] = dist.quantile(u_expert[at[j]])
            drawn["escalate"] = u("escalate", w, (n, K))
            drawn["expert"] = expert_work
            drawn["follow_up"] = u("follow_up", w, (n, K))
        return drawn

    def _patience(self, w: int, n: int, segment: np.ndarray) -> dict[str, np.ndarray]:
        """Per contact: minutes of patience in a queue (the segment's), and on the phone
        (the contact centre's callers', from the same uniforms)."""
        spec = self.spec
        u_patience = self.uniforms("patience", w, (spec.max_visits, n)).T
        patience = np.full((n, spec.max_visits), np.inf)
        for s_i, s in enumerate(spec.segments):
            rows = np.flatnonzero(segment == s_i)
            if s.patience is not None and len(rows):
                patience[rows] = s.patience.quantile(u_patience[rows])
        drawn = {"patience": patience}
        if spec.phone is not None:  # the network has a contact centre
            p = spec.phone.patience
            drawn["phone_patience"] = np.full(n * spec.max_visits, np.inf) if p is None else p.quantile(u_patience)
        return drawn

    def _per_contact(self, w: int, n: int) -> dict[str, np.ndarray]:
        """Per contact: the uniforms of the return decision, the day, the channel, the
        service point and the phone's retry; no-show, lateness and the preferred slot
        (``booking``, see :meth:`simoffice.engine.calendar.Calendar.preferred`) of a
        booked contact."""
        spec, uses = self.spec, self.uses
        shape = (spec.max_visits, n)  # visit-major, as the other per-contact draws
        drawn = {"return_u": self.uniforms("return", w, shape).T, "day_u": self.uniforms("day", w, shape).T}
        for name in ("channel", "point", "retry"):
            if uses[name]:
                drawn[name] = self.uniforms(name, w, shape).T
        if uses["appointments"] or spec.video_centre is not None:
            drawn["no_show"] = self.uniforms("no_show", w, shape).T
            late = spec.appointments.lateness
            if late is not None:
                drawn["lateness"] = late.quantile(self.uniforms("lateness", w, shape).T)
            if spec.appointments.preferred == "profile":
                drawn["booking"] = self.uniforms("booking", w, shape).T
        return drawn

    def _clients(self, w: int, times: np.ndarray, btype: np.ndarray, segment: np.ndarray, svc: np.ndarray,
                 draws: Draws) -> list[Client]:
        """The week's clients: who is informed of opening hours, who can join a video
        session from home, which needs were delivered proactively."""
        spec, uses, n = self.spec, self.uses, len(times)
        segs = spec.segments
        informed = self.uniforms("informed", w, n) < np.array([s.informed_share for s in segs])[segment]
        home = (self.uniforms("home", w, n) < np.array([s.digital_skill for s in segs])[segment]).tolist() \
            if uses["home"] else [False] * n
        proactive = self.uniforms("proactive", w, (n, self.k)) < self.proactive_share[svc] \
            if uses["proactive"] else None
        first = self.next_id
        self.next_id += n
        bundles, levels, z = spec.bundles, self.level, self.z
        positions = [list(range(len(b.needs))) for b in bundles]
        delivered = None if proactive is None else proactive.tolist()
        clients = []
        for row, (t, bt, sg, inf_) in enumerate(zip(times.tolist(), btype.tolist(), segment.tolist(),
                                                    informed.tolist())):
            needs = bundles[bt].needs
            if delivered is None:
                open_needs, n_proactive = positions[bt][:], 0
            else:
                by_need = delivered[row]
                open_needs = [j for j in positions[bt] if not by_need[j]]
                n_proactive = len(needs) - len(open_needs)
            clients.append(Client(first + row, z, sg, bt, needs, levels[sg], segs[sg].priority, inf_, t, draws, row,
                                  open_needs, n_proactive, home[row]))
        return clients


def _flat(values: np.ndarray) -> array:
    """A C-ordered flat copy of ``values`` (booleans as 0/1 bytes)."""
    values = np.asarray(values)
    typecode, dtype = ("b", np.int8) if values.dtype == bool else ("d", np.float64)
    out = array(typecode)
    out.frombytes(memoryview(np.ascontiguousarray(values, dtype=dtype).reshape(-1)).cast("B"))  # read once
    return out
