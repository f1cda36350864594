"""The catalogue: what clients need and how they behave.

Segments (client groups and their channels), services (need types, their
skills, agencies and times), bundles (life events bringing several needs),
the arrival profile and the appointment policy, from the typed part of a
network config that an explicit and a synthetic network share
(:class:`~simoffice.config.network_schema.CatalogueConfig`). Names become indices:
a service's skill indexes the skills, a bundle's needs index the services.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from simoffice.config import bounds
from simoffice.config.checks import boolean, integer, nonempty, number, one_of, probability, weekday, weights
from simoffice.config.network_schema import (
    ONE_AGENCY,
    AppointmentPolicyConfig,
    CatalogueConfig,
    DistConfig,
    ProfileConfig,
    SegmentConfig,
    ServiceConfig,
)
from simoffice.config.strict import as_dict
from simoffice.errors import ConfigError
from simoffice.model import distributions
from simoffice.model.channels import CHOOSABLE
from simoffice.model.profile import ArrivalProfile
from simoffice.model.spec import PHONE_MODES, Appointments, Bundle, Segment, Service
from simoffice.model.timetable import parse_clock
from simoffice.vocabulary import DAY, WEEKDAYS

WHEN_FULL = ("walk_in", "wait")
PREFERRED = ("profile", "earliest")  # appointments.preferred: when a client likes to come


def dist(node: DistConfig | None, key: str) -> distributions.Distribution:
    """The distribution a typed ``{dist, mean, …}`` block describes.

    Raises:
        ConfigError: no block, an unknown ``dist``, a parameter missing or out of range.
    """
    return distributions.from_config(None if node is None else vars(node), key)


def dist_or_none(node: DistConfig | None, key: str) -> distributions.Distribution | None:
    """As :func:`dist`, with null for none."""
    return None if node is None else dist(node, key)


def profile(p: ProfileConfig, key: str = "network.arrival_profile") -> ArrivalProfile:
    """The arrival profile at ``key``: weekday × time-of-day weights summing to 1.

    Raises:
        ConfigError: bins that do not divide the day, a start off the bin grid,
            more bins than the day holds, a negative weight, or no positive rate.
    """
    bin_min = integer(p.bin_min, f"{key}.bin_min", 1)
    if bin_min > DAY or DAY % bin_min:
        raise ConfigError(f"{key}.bin_min", "a divisor of 1440 (1, 5, 15, 30, 60 …)", bin_min)
    start = parse_clock(p.start, f"{key}.start", allow_24=False)
    if start % bin_min:
        raise ConfigError(f"{key}.start", f"a multiple of bin_min ({bin_min} min)", p.start)
    n_bins, first = DAY // bin_min, start // bin_min

    def day_shape(values: Any, k: str) -> np.ndarray:
        values = list(values or [])
        if len(values) > n_bins - first:
            raise ConfigError(k, f"at most {n_bins - first} bins of {bin_min} min from {p.start}", values)
        row = np.zeros(n_bins)
        for i, v in enumerate(values):
            row[first + i] = number(v, f"{k}[{i}]", 0)
        return row

    base = day_shape(p.time_of_day, f"{key}.time_of_day")
    by_day = p.by_weekday or {}
    day_weights = np.zeros(7)
    for day, w in (p.weekdays or {}).items():
        day_weights[weekday(day, f"{key}.weekdays.{day}")] = number(w, f"{key}.weekdays.{day}", 0)
    rows = []
    for i, day in enumerate(WEEKDAYS):
        row = day_shape(by_day[day], f"{key}.by_weekday.{day}") if day in by_day else base
        rows.append(day_weights[i] * row)
    for day in by_day:
        weekday(day, f"{key}.by_weekday.{day}")
    table = np.array(rows)
    if table.sum() <= 0:
        raise ConfigError(key, "a profile with some positive rate in the week", as_dict(p))
    return ArrivalProfile(bin_min, table / table.sum())


def segments(net: CatalogueConfig) -> tuple[Segment, ...]:
    """The client groups, their shares normalised; ``online_uptake`` (when set)
    makes online every segment's first channel with that chance.

    Raises:
        ConfigError: no segment, shares or channel weights that are negative or
            sum to 0, an unknown channel, a probability out of [0, 1].
    """
    seg_cfg = nonempty(net.segments, "network.segments", "segment")
    seg_names = tuple(seg_cfg)
    shares = weights({n: s.share for n, s in seg_cfg.items()}, "network.segments", seg_names, "segment", ".share")
    uptake = None if net.online_uptake is None else probability(net.online_uptake, "network.online_uptake")
    out = []
    for (name, s), share in zip(seg_cfg.items(), shares):
        key = f"network.segments.{name}"
        channels = given_channels(s)
        if not isinstance(channels, Mapping):
            raise ConfigError(f"{key}.channels", f"a mapping channel -> weight, channels {list(CHOOSABLE)}", channels)
        chosen = weights(channels, f"{key}.channels", CHOOSABLE, "channel")
        if uptake is not None:
            chosen = with_online_share(chosen, uptake)
        out.append(Segment(
            name=name,
            share=share,
            patience=dist_or_none(s.patience, f"{key}.patience"),
            priority=bounds.fits(integer(s.priority, f"{key}.priority"), f"{key}.priority", "priority", "an integer"),
            return_prob=probability(s.return_prob, f"{key}.return_prob"),
            informed_share=probability(s.informed_share, f"{key}.informed_share"),
            channels=chosen,
            digital_skill=probability(s.digital_skill, f"{key}.digital_skill"),
        ))
    return tuple(out)


def agency_of(s: ServiceConfig) -> Any:
    """The agency that owns a service: its ``agency``, or (none given) the network's one unnamed agency."""
    return s.agency or ONE_AGENCY


def given_channels(s: SegmentConfig) -> Mapping[str, Any]:
    """A segment's channel weights as given; none given (null or empty) means walk-in only."""
    return s.channels or {"walk_in": 1.0}


def with_online_share(chosen: tuple[float, ...], share: float) -> tuple[float, ...]:
    """Channel probabilities with ``share`` for online and the other channels in
    their given proportions (walk-in only if the segment gave no other)."""
    online = CHOOSABLE.index("online")
    rest = [0.0 if i == online else w for i, w in enumerate(chosen)]
    total = sum(rest)
    if total <= 0:
        rest[CHOOSABLE.index("walk_in")], total = 1.0, 1.0
    return tuple(share if i == online else (1 - share) * w / total for i, w in enumerate(rest))


def services(net: CatalogueConfig) -> tuple[tuple[Service, ...], tuple[str, ...], tuple[str, ...]]:
    """Services, skills and agencies (skills and agencies in order of first mention).

    Raises:
        ConfigError: no service, a service without a skill or agency name, a
            time distribution out of range, an escalation without an expert time.
    """
    svc_cfg = nonempty(net.services, "network.services", "service")
    skills: list[str] = []
    agencies: list[str] = []
    out = []
    for name, s in svc_cfg.items():
        key = f"network.services.{name}"
        if not isinstance(s.skill, str) or not s.skill:
            raise ConfigError(f"{key}.skill", "a skill name", s.skill)
        agency = agency_of(s)
        if not isinstance(agency, str):
            raise ConfigError(f"{key}.agency", "an agency name, or null", s.agency)
        for names, value in ((skills, s.skill), (agencies, agency)):
            if value not in names:
                names.append(value)
        escalation = probability(s.escalation_prob, f"{key}.escalation_prob")
        expert_time = dist_or_none(s.expert_time, f"{key}.expert_time")
        if escalation > 0 and expert_time is None:
            raise ConfigError(f"{key}.expert_time", "a distribution of the expert centre's working minutes, "
                              f"since escalation_prob = {escalation:g} > 0", None)
        out.append(Service(
            name=name,
            skill=skills.index(s.skill),
            service_time=dist(s.service_time, f"{key}.service_time"),
            missing_document_prob=probability(s.missing_document_prob, f"{key}.missing_document_prob", below_one=True),
            agency=agencies.index(agency),
            online=boolean(s.online, f"{key}.online"),
            phone=PHONE_MODES.index(one_of(s.phone, f"{key}.phone", PHONE_MODES)),
            video=boolean(s.video, f"{key}.video"),
            phone_time=dist_or_none(s.phone_time, f"{key}.phone_time"),
            video_time=dist_or_none(s.video_time, f"{key}.video_time"),
            escalation_prob=escalation,
            expert_time=expert_time,
            follow_up_prob=probability(s.follow_up_prob, f"{key}.follow_up_prob"),
            proactive_share=probability(s.proactive_share, f"{key}.proactive_share"),
        ))
    return tuple(out), tuple(skills), tuple(agencies)


def bundles(net: CatalogueConfig, svcs: tuple[Service, ...], segs: tuple[Segment, ...]) -> tuple[Bundle, ...]:
    """The life events, their shares normalised, each naming its needs (services) once.

    Raises:
        ConfigError: no bundle, a bundle without needs or naming an unknown
            service (or one twice), shares or a segment mix out of range.
    """
    svc_names = tuple(s.name for s in svcs)
    seg_names = tuple(s.name for s in segs)
    b_cfg = nonempty(net.bundles, "network.bundles", "bundle")
    b_shares = weights({n: b.share for n, b in b_cfg.items()}, "network.bundles", tuple(b_cfg), "bundle", ".share")
    out = []
    for (name, b), share in zip(b_cfg.items(), b_shares):
        key = f"network.bundles.{name}"
        idx: list[int] = []
        for i, need in enumerate(nonempty(b.needs, f"{key}.needs", "service")):
            if need not in svc_names:
                raise ConfigError(f"{key}.needs[{i}]", f"a service, one of {list(svc_names)}", need)
            if svc_names.index(need) in idx:
                raise ConfigError(f"{key}.needs[{i}]", "each service at most once in a bundle", need)
            idx.append(svc_names.index(need))
        bounds.count_fits(len(idx), f"{key}.needs", "n_needs", "needs in a bundle", codes=False)
        probs = (tuple(s.share for s in segs) if b.segment_mix is None
                 else weights(b.segment_mix, f"{key}.segment_mix", seg_names, "segment"))
        out.append(Bundle(name, tuple(idx), share, tuple(probs)))
    return tuple(out)


def appointments(a: AppointmentPolicyConfig) -> Appointments:
    """How every appointment calendar books (horizon, no-shows, lateness, priority, when full,
    the preferred time).

    Raises:
        ConfigError: a value out of range.
    """
    key = "network.appointments"
    return Appointments(
        horizon_days=integer(a.booking_horizon_days, f"{key}.booking_horizon_days", 1),
        no_show_prob=probability(a.no_show_prob, f"{key}.no_show_prob", below_one=True),
        lateness=dist_or_none(a.lateness, f"{key}.lateness"),
        priority=boolean(a.priority, f"{key}.priority"),
        when_full=one_of(a.when_full, f"{key}.when_full", WHEN_FULL),
        preferred=one_of(a.preferred, f"{key}.preferred", PREFERRED),
        preferred_profile=None if a.preferred_profile is None
        else profile(a.preferred_profile, f"{key}.preferred_profile"),
    )
