"""The typed schema of the ``network`` group: the catalogue, the service units and the kinds of network.

A network is ``explicit`` (:class:`NetworkConfig`: written out in full),
``synthetic`` (:class:`SyntheticNetworkConfig`: generated from a few
parameters, its catalogue written out) or ``mmc`` (:class:`MMCNetworkConfig`:
one M/M/c queue); both of the first two share the catalogue
(:class:`CatalogueConfig`: segments, services, bundles, arrival profile,
appointment policy, choice rule). The network YAML files build on these
dataclasses (``defaults: [schema_network, _self_]``), and
:func:`simoffice.config.build.build_spec` reads every network through them,
with or without that line. Like :mod:`simoffice.config.schema`, the only place a
default is written.

All durations are in minutes, clock times are ``"HH:MM"`` strings and weekdays
are ``mon`` … ``sun``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from omegaconf import MISSING

from simoffice.vocabulary import WEEKDAYS

# The name of the agency that owns every service whose ``agency`` is null.
ONE_AGENCY = "agency"


@dataclass
class DistConfig:
    """A distribution: ``dist`` and the parameters it needs (see :mod:`simoffice.model.distributions`)."""

    dist: str = MISSING
    mean: Optional[float] = None  # exponential, lognormal, gamma, weibull: the mean (minutes, for a time)
    cv: Optional[float] = None  # lognormal, gamma, weibull: the coefficient of variation (sd / mean)
    value: Optional[float] = None  # deterministic: the value
    low: Optional[float] = None  # uniform, triangular: the least value
    mode: Optional[float] = None  # triangular: the most likely value
    high: Optional[float] = None  # uniform, triangular: the greatest value
    values: Optional[List[float]] = None  # empirical: the values drawn from
    probs: Optional[List[float]] = None  # empirical: their probabilities (null: equal)


@dataclass
class SegmentConfig:
    """A client group.

    ``patience`` is how long a client waits in the queue before leaving (null:
    never leaves); ``priority`` classes are served highest first; after reneging,
    a failed trip or being sent away at closing the client comes back another day
    with probability ``return_prob``; ``informed_share`` of clients know the
    opening hours and come when the office is open. ``channels`` weighs the
    channels a client of the segment turns to (``walk_in``, ``appointment``,
    ``phone``, ``video``, ``online``; a mobile office counts as walking in);
    ``digital_skill`` is the chance that online self-service succeeds for a
    service that allows it, and that a video client connects from home.
    """

    share: float = 1.0  # share of clients, where a bundle's segment_mix does not say (normalised over segments)
    patience: Optional[DistConfig] = None
    priority: int = 0
    return_prob: float = 0.8
    informed_share: float = 1.0
    # channel -> weight (walk_in, appointment, phone, video, online); null (or empty): walk-in only
    channels: Optional[Dict[str, float]] = None
    digital_skill: float = 0.5


@dataclass
class ServiceConfig:
    """One need type: the skill a desk needs, its service time (minutes) and the
    chance that the client lacks a document and must come back.

    Channels: ``online`` (self-service allowed), ``phone`` (``none``; ``advise``:
    the caller is sent to an office; ``settle``), ``video`` (allowed, by
    appointment). ``phone_time`` / ``video_time`` default to ``service_time``.
    ``escalation_prob``: chance a handled need goes to the expert centre, which
    takes ``expert_time`` working minutes; ``follow_up_prob`` of those need one
    more contact with the client. ``proactive_share``: share delivered with no
    contact at all. ``agency``: the authority that owns the service (null: the
    network's one unnamed agency, :data:`ONE_AGENCY`).
    """

    skill: str = MISSING  # the skill a desk needs to handle it
    service_time: DistConfig = MISSING  # time at a desk to handle it (phone_time, video_time: by phone, video)
    missing_document_prob: float = 0.0  # chance the client lacks a document and must come back
    agency: Optional[str] = None
    online: bool = False
    phone: str = "none"
    video: bool = False
    phone_time: Optional[DistConfig] = None
    video_time: Optional[DistConfig] = None
    escalation_prob: float = 0.0
    expert_time: Optional[DistConfig] = None
    follow_up_prob: float = 0.0
    proactive_share: float = 0.0


@dataclass
class BundleConfig:
    """A life event bringing several needs at once; ``share`` of all bundles.
    ``segment_mix`` (segment -> probability) overrides the segments' shares."""

    needs: List[str] = MISSING  # the services it brings (service names)
    share: float = 1.0
    segment_mix: Optional[Dict[str, float]] = None


@dataclass
class DeskGroupConfig:
    """Desks with the same skills; ``staff`` maps a schedule's shift name to the
    number of desks staffed on that shift."""

    name: str = MISSING  # the group's name
    skills: List[str] = MISSING  # the skills its desks have (the services' skill names)
    staff: Dict[str, int] = MISSING
    serves: str = "all"  # the tickets it takes: "all", only "walk_in" or only "appointment" ones


@dataclass
class SlotsConfig:
    """An appointment calendar: slots of ``slot_min`` minutes through the opening
    hours, each bookable by ``per_slot`` clients."""

    slot_min: int = 30
    per_slot: int = 1


@dataclass
class OfficeConfig:
    """A fixed service point. ``opening_hours`` (weekday -> "HH:MM-HH:MM", several
    comma-separated intervals such as "08:00-12:00,13:00-17:00", or null)
    overrides the schedule's for this office. ``bundles_per_week`` is the office's
    own demand when the network has no zones. ``agencies`` present (null: all);
    ``appointments``: its slot calendar (null: no appointments); ``video_stations``
    > 0 makes it a joint service point for remote video service. A desk group
    ``serves`` ``all`` clients, only ``walk_in`` clients or only ``appointment`` ones.
    ``shrinkage``: the share of paid hours lost to absence and training, in [0, 1)
    (staff hours / (1 − shrinkage) are the hours of staff to employ).
    ``xy_km``: where the office lies, ``[x, y]`` in km (east, north) on a flat map
    of the network (null: not given; the report draws a map when every zone and
    office has one).
    """

    name: str = MISSING  # the office's name (zones' travel_min and the tables name it)
    bundles_per_week: float = 0.0
    desk_groups: List[DeskGroupConfig] = MISSING  # its desks, grouped by skills
    opening_hours: Optional[Dict[str, Optional[str]]] = None
    agencies: Optional[List[str]] = None
    appointments: Optional[SlotsConfig] = None
    video_stations: int = 0
    shrinkage: float = 0.0
    xy_km: Optional[List[float]] = None


@dataclass
class ZoneConfig:
    """An area where clients live: ``population``, ``segment_mix`` (segment ->
    weight; null: the segments' shares), ``rural``, the one-way
    ``travel_min`` to each service point it can reach (office or mobile route name),
    ``xy_km``: where it lies, ``[x, y]`` in km (east, north) on a flat map
    (null: not given; a mobile route's places are its stops' zones), and
    ``arrival_profile``: when in the week its clients' needs arise, if not as the
    network's ``arrival_profile`` (e.g. callers of a contact centre open longer
    than the offices)."""

    population: float = MISSING  # residents
    segment_mix: Optional[Dict[str, float]] = None
    rural: bool = False  # a rural zone: shown so on the pages (a synthetic network's demand sizing tells them apart)
    travel_min: Dict[str, float] = field(default_factory=dict)
    xy_km: Optional[List[float]] = None
    arrival_profile: Optional[ProfileConfig] = None


@dataclass
class BreakConfig:
    """A break in a shift, ``start``–``end`` (``"HH:MM"``, strictly inside the shift):
    the desk finishes its client and goes off duty while the office stays open.
    ``paid``: counted in the paid (rostered) hours."""

    start: str = MISSING
    end: str = MISSING
    paid: bool = False


@dataclass
class ShiftConfig:
    """Desks on duty ``start``–``end`` (``"HH:MM"``) on ``days``, off duty for their
    ``breaks``. ``stagger`` false: every desk of the shift takes every break (in
    order, neither overlapping nor touching); true: the shift's desks of a desk group
    take the breaks in turn, desk i break i mod len(breaks) (a staggered lunch)."""

    start: str = MISSING
    end: str = MISSING
    days: List[str] = MISSING
    breaks: List[BreakConfig] = field(default_factory=list)  # off duty while the office stays open
    # false: every desk of the shift takes every break; true: the desks of a desk group take them in turn
    stagger: bool = False


@dataclass
class CentreConfig:
    """A contact centre, video centre or expert centre: desk groups (agents,
    advisors or experts, with skills and staff per shift), opening hours (null:
    the schedule's) and its own shifts (null: the schedule's)."""

    desk_groups: List[DeskGroupConfig] = MISSING  # agents, advisors or experts: skills and staff per shift
    opening_hours: Optional[Dict[str, Optional[str]]] = None  # weekday -> "HH:MM-HH:MM" or null (null: the schedule's)
    shifts: Optional[Dict[str, ShiftConfig]] = None  # shift name -> duty hours (null: the schedule's)


@dataclass
class ContactCentreConfig(CentreConfig):
    """Phone: callers wait up to their ``patience`` (minutes), and after
    abandoning call again with ``retry_prob`` after ``retry_after_min``. The
    service level counts calls answered within ``service_level_target_sec``.
    ``shrinkage``: the agents' share of paid hours lost to absence and training."""

    patience: Optional[DistConfig] = None
    retry_prob: float = 0.5
    retry_after_min: float = 30.0
    service_level_target_sec: float = 60.0
    shrinkage: float = 0.0


@dataclass
class VideoCentreConfig(CentreConfig):
    """Remote video service by appointment (``slots``). A client without the
    digital skill connects from a joint service point, where a desk spends
    ``connect_min`` to connect them. ``shrinkage``: the advisors' share of paid
    hours lost to absence and training."""

    slots: SlotsConfig = field(default_factory=SlotsConfig)
    connect_min: float = 5.0
    shrinkage: float = 0.0


@dataclass
class AppointmentPolicyConfig:
    """How appointments work in every calendar: ``booking_horizon_days`` ahead,
    ``no_show_prob``, ``lateness`` (minutes after the slot; null: on time),
    ``priority`` (appointment clients before walk-ins) and, when no slot is free
    within the horizon, ``when_full``: ``walk_in`` or ``wait`` for a later slot.

    When a client likes to come, ``preferred``: ``profile`` — each booking has a
    preferred slot, drawn from the days from the next one to the horizon in
    proportion to an arrival profile over the unit's open slots (the client's
    zone's, or ``preferred_profile`` when set: e.g. afternoons only), and takes
    the free slot nearest to it (the earlier of two equally near); ``earliest``
    — the first free slot from the next day."""

    booking_horizon_days: int = 10
    no_show_prob: float = 0.12  # chance a booked client does not come
    lateness: Optional[DistConfig] = None
    priority: bool = True
    when_full: str = "walk_in"
    preferred: str = "profile"
    preferred_profile: Optional[ProfileConfig] = None


@dataclass
class StopConfig:
    """A stop of a mobile office: every week on ``weekday``, in ``zone``, open ``hours``."""

    zone: str = MISSING  # the zone whose clients it serves
    weekday: str = MISSING  # the stop's weekday (mon … sun), every week
    hours: str = MISSING  # "HH:MM-HH:MM": open at the stop


@dataclass
class MobileDeskConfig:
    """Desks of a mobile office with the same skills, on duty during every stop."""

    name: str = MISSING  # the group's name
    skills: List[str] = MISSING  # the skills its desks have
    count: int = 1  # desks, on duty during every stop


@dataclass
class MobileRouteConfig:
    """A mobile office: ``stops`` (zone, weekday, hours), desks (``count`` desks
    per group, on duty during stops; at a stop's end the office leaves and those
    still waiting are sent away), ``travel_between_stops_min`` (the least
    gap between two stops of a day), ``local_travel_min`` (a zone's clients'
    travel to the stop), ``cost_per_day`` (vehicle, per day with a stop) and
    ``shrinkage`` (the crew's share of paid hours lost to absence and training)."""

    name: str = MISSING  # the mobile office's name (zones' travel_min and the tables name it)
    desk_groups: List[MobileDeskConfig] = MISSING  # its desks, grouped by skills
    stops: List[StopConfig] = MISSING
    travel_between_stops_min: float = 30.0
    local_travel_min: float = 10.0
    cost_per_day: float = 0.0
    shrinkage: float = 0.0


@dataclass
class ChoiceConfig:
    """How clients pick a service point: a logit on the cost of a trip, twice the
    travel time plus ``day_value_min`` per day until it opens (for clients who
    know the hours), with scale ``scale_min``."""

    scale_min: float = 20.0
    day_value_min: float = 60.0


@dataclass
class ProfileConfig:
    """Piecewise-constant arrival-rate shape by weekday × time of day.

    Bins are ``bin_min`` minutes wide (1 to 1440, dividing 1440) starting at
    ``start``; ``time_of_day`` gives the relative rate of each bin (bins past the
    list have rate 0), ``weekdays`` the relative weight of each day, and
    ``by_weekday`` a day's own bins in place of ``time_of_day``. Only the shape
    matters: each office's ``bundles_per_week`` sets the volume.
    """

    bin_min: int = 60
    start: str = "00:00"
    time_of_day: List[float] = field(default_factory=lambda: [1.0] * 24)
    weekdays: Dict[str, float] = field(default_factory=lambda: {d: 1.0 for d in WEEKDAYS})
    by_weekday: Optional[Dict[str, List[float]]] = None


@dataclass
class CatalogueConfig:
    """What clients need and how they behave: the part of a network written out
    in full both in an explicit network and in a synthetic one.

    ``busyness_cv``: real daily volumes vary more than Poisson. Each day, each
    zone's arrival rate is multiplied by a factor of its own, gamma with mean 1
    and this coefficient of variation, so that a day's count with mean m has
    variance m + busyness_cv² m² (0: no factor, arrivals are Poisson).
    """

    max_visits: int = 6  # contacts after which a client gives up the bundle
    # a returning client comes on the first open day at least this many days later
    return_after_days: int = 1
    arrival_profile: ProfileConfig = field(default_factory=ProfileConfig)  # when in the week needs arise
    busyness_cv: float = 0.0  # day-to-day variability: CV of a day's rate factor (0: Poisson arrivals)
    segments: Dict[str, SegmentConfig] = MISSING  # segment name -> a client group
    services: Dict[str, ServiceConfig] = MISSING  # service name -> a need type
    bundles: Dict[str, BundleConfig] = MISSING  # bundle name -> a life event and the needs it brings
    bundles_per_1000_per_week: float = 1.0  # a zone's demand: bundles a week per 1000 residents
    appointments: AppointmentPolicyConfig = field(default_factory=AppointmentPolicyConfig)  # booking rules
    choice: ChoiceConfig = field(default_factory=ChoiceConfig)  # how clients pick a service point
    staff_cost_per_hour: float = 35.0  # the price of a staff hour (the cost measure)
    contract_hours_per_week: float = 40.0  # a full-time contract: staff hours per FTE
    online_uptake: Optional[float] = None  # set: every segment turns online with this chance first


@dataclass
class NetworkConfig(CatalogueConfig):
    """A network written out in full: segments, services, bundles, offices, and
    optionally zones (demand: ``population / 1000 × bundles_per_1000_per_week``
    bundles a week each), a contact centre, a video centre, an expert centre and
    mobile routes. ``staff_cost_per_hour`` prices staff hours;
    ``contract_hours_per_week`` (a full-time contract) turns them into staff to
    employ (FTE)."""

    kind: str = "explicit"  # the kind of network: explicit, written out in full
    name: str = MISSING  # the network's name, as the pages and summary.json show it
    offices: List[OfficeConfig] = MISSING  # the fixed service points
    # zone name -> where clients live (null: each office is a zone of its own, with its
    # bundles_per_week and no travel)
    zones: Optional[Dict[str, ZoneConfig]] = None
    contact_centre: Optional[ContactCentreConfig] = None  # phone (null: none)
    video_centre: Optional[VideoCentreConfig] = None  # remote video advisors (null: none)
    expert_centre: Optional[CentreConfig] = None  # the back office of escalated cases (null: none)
    mobile_routes: List[MobileRouteConfig] = field(default_factory=list)  # mobile offices


@dataclass
class MMCNetworkConfig:
    """One office open 24/7, one service, one desk group, Poisson arrivals.

    ``service_cv`` 1.0 gives exponential service, 0 deterministic, otherwise
    lognormal; ``patience_mean_min`` null means nobody reneges, otherwise
    patience is exponential with that mean. Opening hours and shifts of the
    schedule do not apply.
    """

    kind: str = "mmc"  # the kind of network: one M/M/c (+M) queue
    name: str = "mmc"  # the network's name, as the pages and summary.json show it
    servers: int = 5  # desks
    arrivals_per_hour: float = 270.0  # Poisson arrival rate, clients per hour
    service_mean_min: float = 1.0  # mean service time
    service_cv: float = 1.0
    patience_mean_min: Optional[float] = None


@dataclass
class SyntheticNetworkConfig(CatalogueConfig):
    """A network generated from a few parameters (see :mod:`simoffice.config.synthetic`).

    The catalogue (``segments``, ``services``, ``bundles``, ``arrival_profile``,
    ``appointments``, ``choice`` …) is written out as in :class:`NetworkConfig`;
    the generator creates the geography and the service points: ``offices``
    towns and ``zones`` zones (null: 3 × offices) on a plane, with
    ``population`` residents of whom ``rural_share`` live in rural zones
    (``rural_segment_mix``: their client mix; null: the segments' shares).
    Each office has a square of ``office_spacing_km`` a side of land; travel is
    straight-line distance at ``speed_kmh``, and each zone can reach its
    ``reachable_offices`` nearest offices. Staff follow the square-root staffing
    rule, ``a + staffing_beta × sqrt(a)`` desks rounded, for an offered load of
    ``a`` desks' worth of work, with at most ``max_utilisation``. Rural zones with no
    office within ``mobile_threshold_min`` minutes get a weekly stop of a
    mobile office (``mobile_routes``), at most ``mobile_stops_per_route`` stops
    a route (two a day above five). ``contact_centre``, ``video_centre`` and
    ``expert_centre`` add those centres, sized from demand. ``seed`` is the
    generator's own seed, separate from ``run.seed``: the same seed gives the
    same network.
    """

    kind: str = "synthetic"  # the kind of network: generated
    name: str = "synthetic"  # the network's name, as the pages and summary.json show it
    offices: int = 12  # towns, one office each
    zones: Optional[int] = None
    population: float = 250_000.0
    rural_share: float = 0.25
    seed: int = 1
    office_spacing_km: float = 25.0
    speed_kmh: float = 40.0
    reachable_offices: int = 3
    staffing_beta: float = 0.5  # β of the square-root staffing rule: a + β √a desks for an offered load of a
    max_utilisation: float = 0.85
    rural_segment_mix: Optional[Dict[str, float]] = None
    mobile_routes: bool = True
    mobile_threshold_min: float = 30.0
    mobile_stops_per_route: int = 5
    contact_centre: bool = True
    video_centre: bool = True
    expert_centre: bool = True
    bundles_per_1000_per_week: float = 7.0  # a zone's demand: bundles a week per 1000 residents


# The schema of each kind of network (``network.kind``; a network without one is explicit).
NETWORK_KINDS = {"explicit": NetworkConfig, "synthetic": SyntheticNetworkConfig, "mmc": MMCNetworkConfig}
