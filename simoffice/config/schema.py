"""Typed configuration schema, registered in Hydra's ConfigStore.

The composed config (:class:`Config`) and its groups: ``schedule``, ``design``,
``run``, ``compare``, ``staffing`` here, ``network`` in
:mod:`simoffice.config.network_schema`. These two modules are the only place a
default is written. The YAML groups in ``configs/``
(``network``, ``schedule``, ``design``) build on these dataclasses, so Hydra
refuses a mistyped key or a value of the wrong type when it composes them; and
:func:`simoffice.config.build.build_spec` reads every config through them
(:mod:`simoffice.config.strict`), whatever its form — plain dicts, a network
YAML without its ``defaults`` line, keys added with ``+key=value`` — so an
unknown key is refused everywhere and a key not given takes its default here.
Checks of values and of several fields together (a bundle naming an unknown
service, a shift that ends before it starts) are made once, by ``build_spec``.

All durations are in minutes, clock times are ``"HH:MM"`` strings and weekdays
are ``mon`` … ``sun``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from simoffice.config.network_schema import MMCNetworkConfig, NetworkConfig, ShiftConfig, SyntheticNetworkConfig
from simoffice.config.roster import RosterConfig
from simoffice.config.standards import StandardConfig, default_standards


@dataclass
class ScheduleConfig:
    """Opening hours (weekday -> "HH:MM-HH:MM" or null for closed; several intervals
    a day are comma-separated, "08:00-12:00,13:00-17:00" for an office closed for
    lunch, and the lunch hour is a closing like the evening's), staff shifts,
    public holidays (ISO dates) and what happens at closing time:
    ``serve_waiting`` (desks stay until the queue is empty: overtime) or
    ``send_away`` (waiting clients leave: failed trips)."""

    name: str = MISSING  # the schedule's name, as the pages and summary.json show it
    # weekday (mon … sun) -> "HH:MM-HH:MM", several intervals comma-separated, or null: closed that day
    opening_hours: Dict[str, Optional[str]] = MISSING
    shifts: Dict[str, ShiftConfig] = MISSING  # shift name -> the desks' duty hours (desk groups' staff name them)
    holidays: List[str] = field(default_factory=list)  # ISO dates closed to the public, with no shifts
    # at closing time: "serve_waiting" (desks stay until no one they can serve waits: overtime) or
    # "send_away" (everyone waiting leaves: a failed trip)
    closing_policy: str = "serve_waiting"


@dataclass
class DesignConfig:
    """How integrated the front line is.

    ``needs_per_ticket``: ``one`` (a ticket carries one need) or ``all`` (a desk
    settles every need it has the skill for in one sitting). ``other_needs``:
    where needs not handled at the desk go, ``same_visit`` (re-queue in the same
    visit) or ``next_visit`` (another day). ``cross_trained``: every desk has every
    skill present in its office.
    """

    name: str = MISSING  # the design's name, as the pages and summary.json show it
    needs_per_ticket: str = "one"
    other_needs: str = "same_visit"
    cross_trained: bool = False


@dataclass
class RunConfig:
    """Length and repetition of a run: the default scenario's settings, written
    only here (``configs/config.yaml`` and the command line override them, e.g.
    ``simoffice run.weeks=12 run.seed=7``)."""

    weeks: int = 8  # weeks of arrivals, warm-up included
    # left out of every measure: weeks, or "auto" (a pilot run finds them by MSER: simoffice.run.warmup)
    warmup_weeks: Any = 1
    drain_weeks: int = 2  # no new bundles; open bundles may end
    replications: int = 10  # independent replications (with run.precision: the first batch, at least 5)
    seed: int = 2026  # the run's seed: the same seed, the same clients (common random numbers)
    jobs: int = 0  # worker processes; 0 = one per CPU core
    # the wait target of the service_level measure (calls: the contact centre's own target),
    # e.g. Services Australia: 70 % within 15 min
    service_level_target_min: float = 15.0
    coverage_target_min: float = 30.0  # the "service circle": travel minutes to a service point open that day
    start_date: str = "2026-01-12"  # a Monday; weekdays and holidays follow from it
    progress: bool = True  # progress bars for replications
    quiet: bool = False  # batch use: no progress bar, one line of output (the results path)
    # false: keep only running aggregates, so memory does not grow with weeks (no contacts/bundles/cases rows)
    keep_contacts: bool = True
    # true: the engine checks its invariants as it runs (engine.invariants) and stops with an InvariantError
    # at the first broken one; the tables are the same either way
    check_invariants: bool = False
    resume: bool = False  # true: a run (or sweep job) whose directory holds a complete run is skipped
    # report.html: "full" (figures included), "light" (tables, scorecard and warnings, no figures: a
    # sweep job's default) or "none" (no page)
    report: str = "full"
    currency: str = "EUR"  # the currency costs are shown in (text only)
    # Replications for a precision: measure -> the 95 % interval's half-width to reach, a number in the
    # measure's unit (a share: 0.01 = ±1 point; wait_mean_min: minutes) or "5%" of its mean; a unit's
    # measure as "<unit>/<measure>". Empty: run.replications exactly (simoffice.run.precision).
    precision: Any = None  # null or {}: none
    max_replications: int = 100  # with run.precision: stop here even if a width is not reached


@dataclass
class CompareConfig:
    """Arms of a comparison: arm name -> config overrides (e.g. ``[schedule=mon_thu]``).
    The first arm is the baseline; every arm runs with the same seed and replications."""

    arms: Any = None  # arm name -> its overrides (e.g. [schedule=mon_thu]); the first arm is the baseline


@dataclass
class StaffingConfig:
    """The staffing search (``task: staffing_search``, :mod:`simoffice.studies.staffing`).

    For every office (and, with ``contact_centre``, the contact centre) × weekday ×
    interval of ``roster.interval_min`` minutes, the desks the ``target`` needs
    (``method``: ``offered_load``, the infinite-server load that carries long
    services into the next interval, or ``per_interval``, each interval's own
    λ E[S]); the roster of shifts from ``roster.templates`` that covers them at
    least cost; then at most ``max_rounds`` simulation rounds of the roster,
    raising the requirement where an interval clearly misses the target.

    ``target``: ``service_level`` (a share ``service_level`` of the contacts that
    queue start within ``run.service_level_target_min``; calls: the contact
    centre's ``service_level_target_sec``), ``asa`` (mean wait at most ``asa_min``
    minutes), ``p_wait`` (a share at most ``p_wait`` waits at all) or
    ``abandonment`` (a share at most ``abandonment`` abandons: Erlang A with the
    patience measured in the pilot run). ``max_occupancy`` caps λ E[S] / desks
    (null: no cap). ``network_name`` / ``schedule_name`` name the configs written
    (null: ``<network>_staffed``, ``<schedule>_staffed``).
    """

    # what the roster must meet: service_level, asa (mean wait), p_wait (share who wait) or abandonment
    target: str = "service_level"
    service_level: float = 0.8
    asa_min: float = 5.0
    p_wait: float = 0.5
    abandonment: float = 0.05
    max_occupancy: Optional[float] = None
    method: str = "offered_load"
    max_rounds: int = 5
    contact_centre: bool = True
    network_name: Optional[str] = None
    schedule_name: Optional[str] = None


@dataclass
class Config:
    """The composed config. ``task``: ``simulate`` (one scenario), ``compare``
    (the arms of ``compare``, on the same clients) or ``staffing_search`` (a roster
    of shifts per office at least cost that meets a service standard, checked in
    its own simulation)."""

    task: str = "simulate"
    # the network (group: regional, synthetic, mmc …), typed by the schema of its kind (NETWORK_KINDS) when built
    network: Any = MISSING
    schedule: ScheduleConfig = MISSING  # opening hours, shifts, holidays, closing policy (group: five_day …)
    design: DesignConfig = MISSING  # how integrated the front line is (group: one_stop, co_located, siloed)
    run: RunConfig = field(default_factory=RunConfig)  # run length, replications, seed, workers, wait targets
    compare: CompareConfig = field(default_factory=CompareConfig)  # the arms of task=compare
    staffing: StaffingConfig = field(default_factory=StaffingConfig)  # the search of task=staffing_search
    roster: RosterConfig = field(default_factory=RosterConfig)  # shift templates (simoffice.config.roster)
    # service standards the run is judged by (simoffice.config.standards): name -> standard, null: left out
    standards: Dict[str, Optional[StandardConfig]] = field(default_factory=default_standards)


def register() -> None:
    """Store the schema in Hydra's ConfigStore (idempotent)."""
    cs = ConfigStore.instance()
    cs.store(name="schema", node=Config)
    cs.store(group="network", name="schema_network", node=NetworkConfig)
    cs.store(group="network", name="schema_mmc", node=MMCNetworkConfig)
    cs.store(group="network", name="schema_synthetic", node=SyntheticNetworkConfig)


register()
