"""The model specification: frozen, validated, free of Hydra.

:func:`simoffice.build.build_spec` turns a composed config into a
:class:`ModelSpec`; the engine only ever sees a ModelSpec. Names are kept in
tuples and everything else refers to them by index, which keeps the engine's
hot path on integers.
"""

from __future__ import annotations

from dataclasses import dataclass

from simoffice.distributions import Distribution
from simoffice.profile import ArrivalProfile


@dataclass(frozen=True)
class Segment:
    """A client group (see :class:`simoffice.schema.SegmentConfig`)."""

    name: str
    share: float
    patience: Distribution | None
    priority: int
    return_prob: float
    informed_share: float


@dataclass(frozen=True)
class Service:
    """A need type; ``skill`` indexes :attr:`ModelSpec.skills`; times in minutes."""

    name: str
    skill: int
    service_time: Distribution
    missing_document_prob: float


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
    """Desks on duty from ``start`` to ``end`` (minutes since midnight) on ``days`` (0 = Monday)."""

    name: str
    start: int
    end: int
    days: frozenset[int]


@dataclass(frozen=True)
class DeskGroup:
    """Desks with the same skills; ``staff`` pairs a shift index with a desk count."""

    name: str
    skills: frozenset[int]
    staff: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Office:
    """A fixed service point; ``opening`` has 7 entries, Monday first, each
    ``(open_min, close_min)`` or None for closed."""

    name: str
    bundles_per_week: float
    desk_groups: tuple[DeskGroup, ...]
    opening: tuple


@dataclass(frozen=True)
class Schedule:
    """Shifts, public holidays (day indices from the start) and the closing policy."""

    name: str
    shifts: tuple[Shift, ...]
    holidays: frozenset[int]
    closing_policy: str  # "serve_waiting" | "send_away"


@dataclass(frozen=True)
class Design:
    """How a bundle is handled (see :class:`simoffice.schema.DesignConfig`)."""

    name: str
    needs_per_ticket: str  # "one" | "all"
    other_needs: str  # "same_visit" | "next_visit"
    cross_trained: bool


@dataclass(frozen=True)
class Run:
    """Run length (weeks), replications and the seed of the whole run."""

    weeks: int
    warmup_weeks: int
    drain_weeks: int
    replications: int
    seed: int
    jobs: int
    service_level_target_min: float
    start_date: str
    start_weekday: int
    progress: bool

    @property
    def window(self) -> tuple[float, float]:
        """The measured window in minutes: after the warm-up, until new bundles stop."""
        return self.warmup_weeks * 10080.0, self.weeks * 10080.0

    @property
    def horizon(self) -> float:
        """Simulated minutes: the run plus the drain period in which open bundles finish."""
        return (self.weeks + self.drain_weeks) * 10080.0


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
    schedule: Schedule
    design: Design
    run: Run
    max_visits: int
    return_after_days: int
    schedule_name: str = ""
