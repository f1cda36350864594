"""From a composed config to a validated :class:`~simoffice.model.spec.ModelSpec`.

:func:`build_spec` is the one way in. The config is first typed by the schema
(:mod:`simoffice.config.strict`: unknown keys refused, defaults filled in), then
every value and every cross-field rule is checked once, before any simulation:
the run and the design here, the schedule in :mod:`~simoffice.config.hours`,
the catalogue in :mod:`~simoffice.config.catalogue`, the units and zones of an
explicit network in :mod:`~simoffice.config.network`; a synthetic network is
generated (:mod:`~simoffice.config.synthetic`) into an explicit one first. A
failed check raises :class:`~simoffice.errors.ConfigError` with the key path,
what was expected and the value given.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Mapping

from omegaconf import DictConfig

from simoffice.config import bounds, catalogue, hours, hydra_guard, network, synthetic
from simoffice.config.checks import boolean, integer, number, one_of, probability, weights
from simoffice.config.network_schema import (
    ONE_AGENCY,
    AppointmentPolicyConfig,
    CatalogueConfig,
    ChoiceConfig,
    MMCNetworkConfig,
    NetworkConfig,
    OfficeConfig,
    SegmentConfig,
    SyntheticNetworkConfig,
)
from simoffice.config.precision import check_units, first_batch, max_replications, precision_targets
from simoffice.config.schema import DesignConfig, RunConfig
from simoffice.config.standards import standards
from simoffice.config.strict import network_section, typed_config
from simoffice.errors import ConfigError
from simoffice.model import distributions
from simoffice.model.channels import CHOOSABLE
from simoffice.model.profile import ArrivalProfile
from simoffice.model.spec import (
    MOBILE_OFFICE,
    OFFICE,
    PHONE_MODES,
    PHONE_NONE,
    Bundle,
    Design,
    DeskGroup,
    ModelSpec,
    Office,
    Run,
    Schedule,
    Segment,
    Service,
    Shift,
    Zone,
)
from simoffice.model.timetable import open_minutes
from simoffice.vocabulary import DAY

NEEDS_PER_TICKET = ("one", "all")
REPORT_LEVELS = ("full", "light", "none")
OTHER_NEEDS = ("same_visit", "next_visit")


def build_spec(cfg: DictConfig | Mapping[str, Any]) -> ModelSpec:
    """Validate a config and freeze it into a ModelSpec.

    Args:
        cfg: the composed Hydra config, a DictConfig built by hand or the same
            as plain dicts, with ``network``, ``schedule`` and ``design`` (and
            ``run``; keys not given take the schema's defaults).

    Raises:
        ConfigError: the first invalid value found, named by its key path; an
            unknown key as ``<path>: unknown key (did you mean <closest>?)``; in a
            DictConfig (which OmegaConf would resolve), an object to instantiate, an
            interpolation outside ``hydra`` (:func:`simoffice.config.hydra_guard.check`);
            a network without a name.
    """
    if isinstance(cfg, DictConfig):  # (one Hydra composed was checked already; plain dicts are read literally)
        hydra_guard.check(cfg)
    config = typed_config(cfg)
    name = config.network.name
    if not isinstance(name, str) or not name.strip() or name == "???":  # (it heads every table and page)
        raise ConfigError("network.name", "the network's name (text)", None if name == "???" else name)
    run = run_settings(config.run)
    design = _design(config.design)
    schedule, opening = hours.schedule(config.schedule, run)  # checked even where it does not apply (mmc)
    net = config.network
    if isinstance(net, MMCNetworkConfig):
        spec = _mmc(net, design, run, schedule.name)
    else:
        if isinstance(net, SyntheticNetworkConfig):
            net = network_section(_synthetic(net, schedule, opening))
        spec = network.explicit(net, schedule, opening, design, run)
        _check_reachable(spec, net)
    spec = dataclasses.replace(spec, standards=standards(config.standards, spec))
    bounds.check_counts(spec)
    check_units(spec)  # run.precision's <unit>/<measure>
    # last: the estimate needs the whole spec (a precision run's first batch; later batches grow as memory allows)
    bounds.check_run_size(spec, replications=first_batch(spec.run) if spec.run.precision else None)
    return spec


def generated_network(cfg: DictConfig | Mapping[str, Any]) -> dict:
    """The explicit network (plain dicts) that a config's synthetic network
    generates for its schedule.

    Raises:
        ConfigError: as :func:`build_spec`, for the run, the schedule and the
            synthetic network's parameters and catalogue.
    """
    config = typed_config(cfg)
    if not isinstance(config.network, SyntheticNetworkConfig):
        raise ConfigError("network.kind", "'synthetic'", config.network.kind)
    schedule, opening = hours.schedule(config.schedule, run_settings(config.run))
    return _synthetic(config.network, schedule, opening)


def run_settings(r: RunConfig) -> Run:
    """The run's length, replications and seed, checked.

    Raises:
        ConfigError: a count out of range, a warm-up as long as the run or neither
            a count nor ``auto``, a start date that is not an ISO date.
    """
    weeks = bounds.at_most(integer(r.weeks, "run.weeks", 1), "run.weeks", "weeks")
    warmup_auto = r.warmup_weeks == "auto"
    warmup = 0 if warmup_auto else _warmup_weeks(r.warmup_weeks, weeks)
    try:
        start = dt.date.fromisoformat(str(r.start_date))
    except ValueError:
        raise ConfigError("run.start_date", "an ISO date such as 2026-01-05", r.start_date) from None
    precision = precision_targets(r.precision)
    return Run(
        weeks=weeks,
        warmup_weeks=warmup,
        warmup_auto=warmup_auto,
        drain_weeks=bounds.at_most(integer(r.drain_weeks, "run.drain_weeks", 0), "run.drain_weeks", "weeks",
                                   "an integer >= 0"),
        replications=bounds.at_most(integer(r.replications, "run.replications", 1), "run.replications",
                                    "replications"),
        seed=integer(r.seed, "run.seed", 0),
        jobs=bounds.at_most(integer(r.jobs, "run.jobs", 0), "run.jobs", "jobs", "an integer >= 0 (0: one per core)"),
        service_level_target_min=number(r.service_level_target_min, "run.service_level_target_min", 0, True),
        start_date=start.isoformat(),
        start_weekday=start.weekday(),
        progress=boolean(r.progress, "run.progress"),
        coverage_target_min=number(r.coverage_target_min, "run.coverage_target_min", 0),
        keep_contacts=boolean(r.keep_contacts, "run.keep_contacts"),
        check_invariants=boolean(r.check_invariants, "run.check_invariants"),
        report=one_of(r.report, "run.report", REPORT_LEVELS),
        currency=_currency(r.currency),
        precision=precision,
        max_replications=max_replications(r.max_replications, integer(r.replications, "run.replications", 1),
                                          precision),
    )


def _warmup_weeks(value: Any, weeks: int) -> int:
    """``run.warmup_weeks`` given as a number: whole weeks, fewer than the run's.
    (``auto`` is resolved by a pilot run before the run: :mod:`simoffice.run.warmup`.)"""
    try:
        warmup = integer(value, "run.warmup_weeks", 0)
    except ConfigError:
        raise ConfigError("run.warmup_weeks", "an integer >= 0 or 'auto' (a pilot run finds it)", value) from None
    if warmup >= weeks:
        raise ConfigError("run.warmup_weeks", f"fewer weeks than run.weeks ({weeks})", warmup)
    return warmup


def _currency(value: Any) -> str:
    """A currency's name or sign as the pages show it: short text on one line."""
    if not isinstance(value, str) or not value.strip() or len(value) > 12 or not value.isprintable():
        raise ConfigError("run.currency", "a currency's short name or sign such as EUR or €, at most 12 characters",
                          value)
    return value.strip()


def _design(d: DesignConfig) -> Design:
    return Design(
        name=str(d.name),
        needs_per_ticket=one_of(d.needs_per_ticket, "design.needs_per_ticket", NEEDS_PER_TICKET),
        other_needs=one_of(d.other_needs, "design.other_needs", OTHER_NEEDS),
        cross_trained=boolean(d.cross_trained, "design.cross_trained"),
    )


# --- the network kinds that are not written out ----------------------------------------

def _synthetic(net: SyntheticNetworkConfig, schedule: Schedule, default_hours: tuple) -> dict:
    """Check a synthetic network's generator parameters and catalogue, then
    generate the explicit network it describes (see :mod:`simoffice.config.synthetic`)."""
    offices = bounds.at_most(integer(net.offices, "network.offices", 1), "network.offices", "synthetic_offices")
    zones = 3 * offices if net.zones is None else integer(net.zones, "network.zones", 1)
    bounds.at_most(zones, "network.zones", "synthetic_zones")
    rural_share = probability(net.rural_share, "network.rural_share")
    if 0 < rural_share < 1 and zones < 2:
        raise ConfigError("network.zones", "at least 2 zones when 0 < rural_share < 1 (an urban and a rural one)",
                          zones)
    for name in ("population", "office_spacing_km", "speed_kmh", "max_utilisation"):
        number(getattr(net, name), f"network.{name}", 0, strict=True)
    bounds.at_most(net.population, "network.population", "population", "a number > 0")
    for name in ("staffing_beta", "mobile_threshold_min", "bundles_per_1000_per_week"):
        number(getattr(net, name), f"network.{name}", 0)
    integer(net.seed, "network.seed", 0)
    integer(net.reachable_offices, "network.reachable_offices", 1)
    for name in ("mobile_routes", "contact_centre", "video_centre", "expert_centre"):
        boolean(getattr(net, name), f"network.{name}")
    if net.max_utilisation > 1:
        raise ConfigError("network.max_utilisation", "a number in (0, 1]", float(net.max_utilisation))
    stops = integer(net.mobile_stops_per_route, "network.mobile_stops_per_route", 1)
    if stops > 10:  # two stops on each of five weekdays
        raise ConfigError("network.mobile_stops_per_route", "an integer from 1 to 10 (two stops a weekday at most)",
                          stops)
    # The generator sizes staff from the catalogue: check it first, under its own key paths.
    segments = catalogue.segments(net)
    services, _, _ = catalogue.services(net)
    catalogue.bundles(net, services, segments)
    if net.rural_segment_mix is not None:
        weights(net.rural_segment_mix, "network.rural_segment_mix", tuple(s.name for s in segments), "segment")
    number(net.choice.scale_min, "network.choice.scale_min", 0, strict=True)
    number(net.choice.day_value_min, "network.choice.day_value_min", 0)
    open_min = open_minutes(default_hours)
    if open_min <= 0:
        raise ConfigError("schedule.opening_hours", "some opening hours in the week (staff are sized on them)",
                          default_hours)
    # Longest shift first: it covers the opening hours, the next one the daily peak.
    shifts = sorted(schedule.shifts, key=lambda sh: -(sh.end - sh.start) * len(sh.days))
    return synthetic.generate(net, [sh.name for sh in shifts], open_min_per_week=open_min)


def _mmc(net: MMCNetworkConfig, design: Design, run: Run, schedule_name: str) -> ModelSpec:
    """The M/M/c(+M) queue: one office open around the clock, one service, walk-ins only."""
    c = bounds.at_most(integer(net.servers, "network.servers", 1), "network.servers", "desks")
    lam_h = number(net.arrivals_per_hour, "network.arrivals_per_hour", 0, strict=True)
    mean = number(net.service_mean_min, "network.service_mean_min", 0, strict=True)
    cv = number(net.service_cv, "network.service_cv", 0)
    patience = None
    if net.patience_mean_min is not None:
        patience = distributions.Exponential(number(net.patience_mean_min, "network.patience_mean_min", 0, strict=True))
    elif lam_h * mean / 60 >= c:
        raise ConfigError(
            "network.arrivals_per_hour",
            f"less than servers × 60 / service_mean_min = {c * 60 / mean:g} when nobody reneges "
            "(the queue would grow without end)",
            lam_h,
        )
    if cv == 0:
        service_time = distributions.Deterministic(mean)
    elif cv == 1:
        service_time = distributions.Exponential(mean)
    else:
        service_time = distributions.Lognormal(mean, cv)
    always = Shift("always", 0, DAY, frozenset(range(7)), breaks=(), stagger=False)
    walk_in_only = tuple(1.0 if channel == "walk_in" else 0.0 for channel in CHOOSABLE)
    # Nobody returns, books, calls or escalates; what the queue does not use keeps the schema's defaults.
    segment = Segment("all", 1.0, patience, 0, 0.0, 1.0, walk_in_only, SegmentConfig.digital_skill)
    service = Service("service", 0, service_time, 0.0, agency=0, online=False, phone=PHONE_NONE, video=False,
                      phone_time=None, video_time=None, escalation_prob=0.0, expert_time=None, follow_up_prob=0.0,
                      proactive_share=0.0)
    desks = DeskGroup("desks", frozenset({0}), ((0, c),), "all")
    office = Office("office", lam_h * 168, (desks,), (((0, DAY),),) * 7, kind=OFFICE, shifts=(always,),
                    agencies=frozenset(), slots=None, video_stations=0, stops=(), local_travel_min=0.0,
                    cost_per_day=0.0, shrinkage=OfficeConfig.shrinkage, xy=None)
    return ModelSpec(
        name=str(net.name),
        skills=("service",),
        segments=(segment,),
        services=(service,),
        bundles=(Bundle("single", (0,), 1.0, (1.0,)),),
        offices=(office,),
        profile=ArrivalProfile.constant(),
        busyness_cv=0.0,  # Poisson arrivals
        schedule=Schedule("always_open", (always,), frozenset(), "serve_waiting"),
        design=design,
        run=run,
        max_visits=1,
        return_after_days=1,
        schedule_name=schedule_name,
        zones=(Zone("office", 0.0, lam_h * 168, False, (1.0,), ((0, 0.0),), xy=None, profile=None),),
        agencies=(ONE_AGENCY,),
        contact_centre=None,
        phone=None,
        video_centre=None,
        connect_min=0.0,
        expert=None,
        appointments=catalogue.appointments(AppointmentPolicyConfig()),
        choice_scale_min=ChoiceConfig.scale_min,
        choice_day_value_min=ChoiceConfig.day_value_min,
        staff_cost_per_hour=0.0,  # an abstract queue: its staff hours are not priced
        contract_hours_per_week=CatalogueConfig.contract_hours_per_week,
        standards=(),  # build_spec adds them
    )


# --- what the network's units must be able to do ----------------------------------------

def _check_reachable(spec: ModelSpec, net: NetworkConfig) -> None:
    """Every need a zone's clients may have can be handled at a service point
    they reach (walking in is every client's last resort); every channel a
    segment uses exists; every remote service has staff for it."""
    _check_zones_reach(spec, net)
    _check_channels_exist(spec, net)
    _check_remote_staff(spec, net)


def _check_zones_reach(spec: ModelSpec, net: NetworkConfig) -> None:
    has_zones = bool(net.zones)
    skills, services, units = spec.skills, spec.services, spec.offices
    walk_in = [u.staffed_skills("walk_in") for u in units]
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
            if any(units[u].serves(svc, walk_in[u]) for u, _ in zone.travel):
                continue
            skill, agency = skills[svc.skill], spec.agencies[svc.agency]
            if has_zones:
                given = dict(net.zones[zone.name].travel_min or {})
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
                              net.offices[o].agencies)


def _check_channels_exist(spec: ModelSpec, net: NetworkConfig) -> None:
    channel_unit = {"phone": spec.contact_centre, "video": spec.video_centre}
    has_slots = any(u.slots is not None for u in spec.offices if u.kind == OFFICE)
    for seg in spec.segments:
        given = net.segments[seg.name].channels or {}
        for c, w in zip(CHOOSABLE, seg.channels):
            if w <= 0:
                continue
            key = f"network.segments.{seg.name}.channels.{c}"
            if c in channel_unit and channel_unit[c] is None:
                block = "contact_centre" if c == "phone" else "video_centre"
                raise ConfigError(key, f"0 (the network has no {block})", given.get(c))
            if c == "appointment" and not has_slots:
                raise ConfigError(key, "0 (no office has an appointments calendar)", given.get(c))


def _check_remote_staff(spec: ModelSpec, net: NetworkConfig) -> None:
    skills, services, units = spec.skills, spec.services, spec.offices
    staffed = [u.staffed_skills() for u in units]
    for j in sorted({j for b in spec.bundles for j in b.needs}):
        svc = services[j]
        key = f"network.services.{svc.name}"
        skill = skills[svc.skill]
        cc = spec.contact_centre
        if svc.phone != PHONE_NONE and cc is not None and svc.skill not in staffed[cc]:
            raise ConfigError(f"{key}.phone", f"'none', or a staffed contact-centre agent with skill '{skill}'",
                              PHONE_MODES[svc.phone])
        if svc.video and spec.video_centre is not None and svc.skill not in staffed[spec.video_centre]:
            raise ConfigError(f"{key}.video", f"false, or a staffed video-centre advisor with skill '{skill}'", True)
        if svc.escalation_prob > 0:
            given = net.services[svc.name].escalation_prob
            if spec.expert is None:
                raise ConfigError(f"{key}.escalation_prob", "0 (the network has no expert_centre)", given)
            if not any(svc.skill in g.skills and any(n > 0 for _, n in g.staff) for g in spec.expert.desk_groups):
                raise ConfigError(f"{key}.escalation_prob", f"0, or a staffed expert with skill '{skill}'", given)


def weekly_staff_hours(spec: ModelSpec) -> dict[tuple[str, str], float]:
    """Paid (rostered) desk hours per week, by (unit, desk group): each desk's shift
    less its unpaid breaks, paid breaks included, on every day of the shift (public
    holidays not taken off); a mobile office's desks count the hours of its stops.
    The ``staff_hours`` measure is these hours, over the measured window, plus the
    overtime worked."""
    out = {}
    for office in spec.offices:
        for g in office.desk_groups:
            if office.kind == MOBILE_OFFICE:
                minutes = sum(n * sum(st.end - st.start for st in office.stops) for _, n in g.staff)
            else:
                shifts = office.shifts or spec.schedule.shifts
                minutes = sum(len(shifts[s].days) * sum(shifts[s].paid_min(k) for k in range(n)) for s, n in g.staff)
            out[(office.name, g.name)] = minutes / 60
    return out
