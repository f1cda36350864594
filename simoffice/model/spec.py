"""The model specification: frozen, validated, free of Hydra.

:func:`simoffice.config.build.build_spec` turns a composed config into a
:class:`ModelSpec`; the engine only ever sees a ModelSpec. Names are kept in
tuples and everything else refers to them by index, which keeps the engine's
hot path on integers. No field has a default: build_spec gives every one, from
the config or from the schema's defaults (:mod:`simoffice.config.schema` and
:mod:`~simoffice.config.network_schema`, the only place a default is written), so
a spec never holds a value nobody chose.
"""

from __future__ import annotations

from dataclasses import dataclass

from simoffice.model.distributions import Distribution
from simoffice.model.profile import ArrivalProfile
from simoffice.vocabulary import WEEK

# What the phone can do for a service.
PHONE_MODES = ("none", "advise", "settle")
PHONE_NONE, PHONE_ADVISE, PHONE_SETTLE = range(3)
# Kinds of service unit (anything with desks and a queue).
OFFICE, MOBILE_OFFICE, CONTACT_CENTRE, VIDEO_CENTRE = "office", "mobile", "contact_centre", "video_centre"


@dataclass(frozen=True)
class Segment:
    """A client group (see :class:`simoffice.config.network_schema.SegmentConfig`)."""

    name: str
    share: float
    patience: Distribution | None
    priority: int
    return_prob: float
    informed_share: float
    channels: tuple[float, ...]  # weight per choosable channel (model.channels)
    digital_skill: float


@dataclass(frozen=True)
class Service:
    """A need type; ``skill`` indexes :attr:`ModelSpec.skills`; times in minutes."""

    name: str
    skill: int
    service_time: Distribution
    missing_document_prob: float
    agency: int
    online: bool
    phone: int  # index in PHONE_MODES
    video: bool
    phone_time: Distribution | None  # None: service_time
    video_time: Distribution | None
    escalation_prob: float
    expert_time: Distribution | None  # working minutes
    follow_up_prob: float
    proactive_share: float


@dataclass(frozen=True)
class Bundle:
    """A life event: ``needs`` index :attr:`ModelSpec.services`; ``segment_probs``
    gives the chance of each segment for a client with this bundle."""

    name: str
    needs: tuple[int, ...]
    share: float
    segment_probs: tuple[float, ...]


@dataclass(frozen=True)
class Shift:
    """Desks on duty from ``start`` to ``end`` (minutes since midnight) on ``days`` (0 = Monday),
    off duty during their breaks: ``breaks`` holds ``(start, end, paid)`` (minutes since
    midnight, strictly inside the shift). Without ``stagger`` every desk of the shift
    takes every break; with it the desks of the shift in a desk group take the breaks
    in turn, desk ``i`` break ``i mod len(breaks)`` (a staggered lunch)."""

    name: str
    start: int
    end: int
    days: frozenset[int]
    breaks: tuple[tuple[int, int, bool], ...]
    stagger: bool

    def breaks_of(self, desk: int) -> tuple[tuple[int, int, bool], ...]:
        """The breaks desk ``desk`` (its index among the shift's desks of a group) takes."""
        if self.stagger and self.breaks:
            return (self.breaks[desk % len(self.breaks)],)
        return self.breaks

    def periods(self, desk: int) -> list[tuple[int, int]]:
        """Desk ``desk``'s duty periods of a day (minutes since midnight): the shift
        without its breaks, in order."""
        out, t = [], self.start
        for lo, hi, _ in sorted(self.breaks_of(desk)):
            if lo > t:
                out.append((t, lo))
            t = max(t, hi)
        if self.end > t:
            out.append((t, self.end))
        return out

    def paid_min(self, desk: int) -> int:
        """Desk ``desk``'s paid minutes a day: the shift less its unpaid breaks."""
        return self.end - self.start - sum(hi - lo for lo, hi, paid in self.breaks_of(desk) if not paid)


@dataclass(frozen=True)
class DeskGroup:
    """Desks with the same skills; ``staff`` pairs a shift index with a desk count."""

    name: str
    skills: frozenset[int]
    staff: tuple[tuple[int, int], ...]
    serves: str  # "all" | "walk_in" | "appointment"


@dataclass(frozen=True)
class Slots:
    """An appointment calendar: ``slot_min``-minute slots, ``per_slot`` clients each."""

    slot_min: int
    per_slot: int


@dataclass(frozen=True)
class Stop:
    """A mobile office's stop: at ``zone`` on ``weekday`` (0 = Monday), ``start``–``end``
    minutes since midnight."""

    zone: int
    weekday: int
    start: int
    end: int


@dataclass(frozen=True)
class Office:
    """A service unit: anything with desks and a queue. ``kind`` is ``office`` (a
    fixed service point), ``mobile`` (a route of ``stops``), ``contact_centre`` or
    ``video_centre``. ``opening`` has 7 entries, Monday first, each None for
    closed or the day's open intervals, ``((open_min, close_min), ...)``: one or
    more, disjoint and in order (two for an office closed for lunch; see
    :data:`simoffice.model.timetable.DayHours`); a mobile office's come from its
    stops. Desk groups' ``staff`` index ``shifts``. ``xy``: where a fixed office lies,
    in km on a flat map (None: not given, and always for the other kinds; a mobile
    office's places are its stops' zones)."""

    name: str
    bundles_per_week: float
    desk_groups: tuple[DeskGroup, ...]
    opening: tuple
    kind: str
    shifts: tuple  # tuple[Shift, ...]; empty: the schedule's
    agencies: frozenset[int]  # empty: every agency
    slots: Slots | None
    video_stations: int
    stops: tuple[Stop, ...]
    local_travel_min: float
    cost_per_day: float
    # Share of paid hours lost to absence and training, in [0, 1): ``h`` staff hours
    # need ``h / (1 - shrinkage)`` hours of staff employed.
    shrinkage: float
    xy: tuple[float, float] | None  # where a fixed office lies (km east, km north on a flat map); None: not given

    @property
    def physical(self) -> bool:
        """A place clients travel to."""
        return self.kind in (OFFICE, MOBILE_OFFICE)

    def staffed_skills(self, clients: str | None = None) -> frozenset[int]:
        """Skills of the unit's desk groups that have at least one desk on some shift
        and take ``clients`` (``walk_in`` or ``appointment``; None: any)."""
        refused = {"walk_in": "appointment", "appointment": "walk_in"}.get(clients)
        return frozenset().union(*(g.skills for g in self.desk_groups
                                   if g.serves != refused and any(n > 0 for _, n in g.staff)))

    def serves(self, service: Service, staffed: frozenset[int] | None = None) -> bool:
        """Whether a desk of the unit can handle ``service``: its skill is staffed
        (among ``staffed``, default :meth:`staffed_skills`) and its agency present."""
        staffed = self.staffed_skills() if staffed is None else staffed
        return service.skill in staffed and (not self.agencies or service.agency in self.agencies)


@dataclass(frozen=True)
class Zone:
    """Where clients live: ``bundles_per_week`` of demand, ``segment_weights``
    (relative to the segments' shares; all 1 for the network's mix) and the
    one-way ``travel`` time in minutes to each reachable unit, as (unit, minutes).
    ``xy``: where it lies, in km on a flat map (None: not given). ``profile``: the
    zone's own arrival profile (None: the network's)."""

    name: str
    population: float
    bundles_per_week: float
    rural: bool
    segment_weights: tuple[float, ...]
    travel: tuple[tuple[int, float], ...]
    xy: tuple[float, float] | None  # where the zone lies (km east, km north on a flat map); None: not given
    profile: ArrivalProfile | None


@dataclass(frozen=True)
class Phone:
    """Contact-centre rules: callers' patience (minutes; None: never hang up), retries,
    and the service-level target in minutes."""

    patience: Distribution | None
    retry_prob: float
    retry_after_min: float
    target_min: float


@dataclass(frozen=True)
class Appointments:
    """Booking rules shared by every calendar (see
    :class:`simoffice.config.network_schema.AppointmentPolicyConfig`)."""

    horizon_days: int
    no_show_prob: float
    lateness: Distribution | None
    priority: bool
    when_full: str  # "walk_in" | "wait"
    preferred: str  # "profile" | "earliest"
    preferred_profile: ArrivalProfile | None  # None: each zone's arrival profile


@dataclass(frozen=True)
class ExpertCentre:
    """The back office: expert groups with skills and staff per shift."""

    desk_groups: tuple[DeskGroup, ...]
    shifts: tuple  # tuple[Shift, ...]


@dataclass(frozen=True)
class Schedule:
    """Shifts, public holidays (day indices from the start) and the closing policy."""

    name: str
    shifts: tuple[Shift, ...]
    holidays: frozenset[int]
    closing_policy: str  # "serve_waiting" | "send_away"


@dataclass(frozen=True)
class Design:
    """How a bundle is handled (see :class:`simoffice.config.schema.DesignConfig`)."""

    name: str
    needs_per_ticket: str  # "one" | "all"
    other_needs: str  # "same_visit" | "next_visit"
    cross_trained: bool


@dataclass(frozen=True)
class Run:
    """Run length (weeks), replications and the seed of the whole run; ``keep_contacts``
    false keeps only running aggregates of the log; ``check_invariants`` checks the
    engine's invariants as it runs."""

    weeks: int
    warmup_weeks: int  # the warm-up used (resolved from the pilot when warmup_auto)
    warmup_auto: bool  # run.warmup_weeks=auto: a pilot finds the warm-up (simoffice.run.warmup)
    drain_weeks: int
    replications: int
    seed: int
    jobs: int
    service_level_target_min: float
    start_date: str
    start_weekday: int
    progress: bool
    coverage_target_min: float
    keep_contacts: bool
    check_invariants: bool
    report: str  # report.html: "full", "light" or "none"
    currency: str  # the currency costs are shown in
    # (measure, half-width, relative) to reach; measure "<name>" (the network's) or "<unit>/<name>";
    # empty: run exactly ``replications`` (see simoffice.run.precision)
    precision: tuple[tuple[str, float, bool], ...]
    max_replications: int  # with a precision: the most replications run

    @property
    def window(self) -> tuple[float, float]:
        """The measured window in minutes: after the warm-up, until new bundles stop."""
        return self.warmup_weeks * float(WEEK), self.weeks * float(WEEK)

    @property
    def horizon(self) -> float:
        """Simulated minutes: the run plus the drain period in which open bundles finish."""
        return (self.weeks + self.drain_weeks) * float(WEEK)


@dataclass(frozen=True)
class ModelSpec:
    """Everything one replication needs."""

    name: str
    skills: tuple[str, ...]
    segments: tuple[Segment, ...]
    services: tuple[Service, ...]
    bundles: tuple[Bundle, ...]
    offices: tuple[Office, ...]
    profile: ArrivalProfile
    busyness_cv: float  # CV of a day's rate factor per zone (gamma, mean 1); 0: Poisson arrivals
    schedule: Schedule
    design: Design
    run: Run
    max_visits: int
    return_after_days: int
    schedule_name: str
    zones: tuple[Zone, ...]
    agencies: tuple[str, ...]
    contact_centre: int | None  # index in offices
    phone: Phone | None
    video_centre: int | None
    connect_min: float
    expert: ExpertCentre | None
    appointments: Appointments
    choice_scale_min: float
    choice_day_value_min: float
    staff_cost_per_hour: float
    contract_hours_per_week: float  # a full-time contract, for the staff to employ (FTE)
    standards: tuple  # tuple[Standard, ...] (simoffice.model.standards): what the run is judged by

    @property
    def has_channels(self) -> bool:
        """Whether any client can choose a channel other than walking in."""
        return any(any(s.channels[1:]) for s in self.segments)
