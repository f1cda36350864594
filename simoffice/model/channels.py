"""The channels: one row per way a client contacts the network.

A client with a need to settle may walk in at an office, book an appointment,
call the contact centre, book a video session or try online self-service; in a
zone on a mobile office's route, a walk-in on its days is a visit to the
mobile office. Each row of :data:`CHANNEL_TABLE` says what the channel needs from a
service (a flag of :class:`~simoffice.model.spec.Service`, and which handling
time it takes), which kind of unit serves it and through which queue, whether a
client can choose it, which wait target it is held to and which measures of a
split by channel apply to it. The engine dispatches on these fields (the kind
of unit above all), so a new channel — a chat, say — is a new row, a flag and
a time on the service, and, only if no kind of unit serves it yet, a new kind
of unit in the engine.

The codes are stored in the contacts table's ``channel`` column: rows are only
ever appended, and the channels a client can choose come first (a segment's
weights, :attr:`~simoffice.model.spec.Segment.channels`, are indexed by code).
"""

from __future__ import annotations

from dataclasses import dataclass

from simoffice.model.spec import CONTACT_CENTRE, MOBILE_OFFICE, OFFICE, PHONE_MODES, VIDEO_CENTRE, ModelSpec, Service

# Channel codes, in table order.
WALK_IN, APPOINTMENT, PHONE, VIDEO, ONLINE, MOBILE = range(6)

# A unit's queues, in ticket-class code order: booked clients, and everyone else.
# A desk group's ``serves`` names one of them (or "all").
TICKET_CLASSES = ("appointment", "walk_in")
APPOINTMENT_CLASS, WALK_IN_CLASS = range(2)

# The measures of a split by channel (see simoffice.measures.metrics.CLIENT_MEASURES):
# every contact counts; waits only where the client queues; trips only where the
# client travels to a service point.
CONTACTS = ("contacts_per_week",)
WAITS = ("wait_mean_min", "wait_p90_min", "service_level", "abandonment_rate")
TRIPS = ("failed_trip_rate",)
# Where a channel's wait target is held: attributes of the spec.
RUN_TARGET, PHONE_TARGET = "run.service_level_target_min", "phone.target_min"


@dataclass(frozen=True)
class Channel:
    """One way a client contacts the network.

    Attributes:
        name: its name in configs and tables.
        code: its code in the contacts table (its position in :data:`CHANNEL_TABLE`).
        unit: the kind of unit that serves it (``office``, ``mobile``,
            ``contact_centre``, ``video_centre``); None: no unit (self-service).
        choosable: a segment weighs it when choosing a channel.
        queue: the unit's queue its tickets join (a ticket class), None: no queue.
        booked: a contact is a slot booked in a calendar.
        takes: the :class:`~simoffice.model.spec.Service` field that says whether,
            and how, the channel takes a need up (see :meth:`mode`); None: every
            need a desk of its unit has the skill for.
        time: the Service field of its handling time in minutes (None there: the
            desk's ``service_time``, and the same draw); None: nobody handles it.
        patience: whose patience a waiting client has: ``segment`` (the client's
            segment's) or ``phone`` (the contact centre's callers'); None: no wait.
        one_ticket: one ticket carries every need of the contact, whatever the
            design (a caller does not hang up between needs).
        retries: a client who gave up waiting may try again at once (the phone's
            ``retry_prob`` and ``retry_after_min``).
        target: the spec attribute holding its wait target in minutes
            (``run.service_level_target_min`` when the first part is absent).
        measures: the measures of a split by channel that apply to it.
    """

    name: str
    code: int
    unit: str | None
    choosable: bool
    queue: int | None
    booked: bool
    takes: str | None
    time: str | None
    patience: str | None
    one_ticket: bool
    retries: bool
    target: str
    measures: tuple[str, ...]

    @property
    def physical(self) -> bool:
        """The client travels to a service point for the contact."""
        return self.unit in (OFFICE, MOBILE_OFFICE)

    def mode(self, service: Service) -> str:
        """What the channel can do for ``service``: ``settle`` it, only ``advise``
        (the client must still go to an office) or ``none``. A flag field settles
        when true; the phone's field is an index into ``PHONE_MODES``."""
        if self.takes is None:
            return "settle"
        value = getattr(service, self.takes)
        if isinstance(value, bool):
            return "settle" if value else "none"
        return PHONE_MODES[value]


CHANNEL_TABLE: tuple[Channel, ...] = (
    Channel("walk_in", WALK_IN, OFFICE, choosable=True, queue=WALK_IN_CLASS, booked=False, takes=None,
            time="service_time", patience="segment", one_ticket=False, retries=False, target=RUN_TARGET,
            measures=CONTACTS + WAITS + TRIPS),
    Channel("appointment", APPOINTMENT, OFFICE, choosable=True, queue=APPOINTMENT_CLASS, booked=True, takes=None,
            time="service_time", patience="segment", one_ticket=False, retries=False, target=RUN_TARGET,
            measures=CONTACTS + WAITS + TRIPS),
    Channel("phone", PHONE, CONTACT_CENTRE, choosable=True, queue=WALK_IN_CLASS, booked=False, takes="phone",
            time="phone_time", patience="phone", one_ticket=True, retries=True, target=PHONE_TARGET,
            measures=CONTACTS + WAITS),
    # Joined from home, or at a joint service point where a desk connects the client (a trip).
    Channel("video", VIDEO, VIDEO_CENTRE, choosable=True, queue=APPOINTMENT_CLASS, booked=True, takes="video",
            time="video_time", patience="segment", one_ticket=False, retries=False, target=RUN_TARGET,
            measures=CONTACTS + WAITS + TRIPS),
    Channel("online", ONLINE, None, choosable=True, queue=None, booked=False, takes="online",
            time=None, patience=None, one_ticket=False, retries=False, target=RUN_TARGET,
            measures=CONTACTS),
    # A walk-in at a mobile office, on a day it stops in the client's zone.
    Channel("mobile", MOBILE, MOBILE_OFFICE, choosable=False, queue=WALK_IN_CLASS, booked=False, takes=None,
            time="service_time", patience="segment", one_ticket=False, retries=False, target=RUN_TARGET,
            measures=CONTACTS + WAITS + TRIPS),
)
CHANNELS = tuple(ch.name for ch in CHANNEL_TABLE)  # names in code order
CHOOSABLE = tuple(ch.name for ch in CHANNEL_TABLE if ch.choosable)  # the order of a segment's weights


def wait_targets(spec: ModelSpec) -> tuple[float, ...]:
    """The service-level target (minutes of wait) of each channel, in code order."""
    targets = []
    for ch in CHANNEL_TABLE:
        owner, field = ch.target.split(".")
        rules = getattr(spec, owner)  # None: the network has no such unit (no contact centre)
        targets.append(spec.run.service_level_target_min if rules is None else getattr(rules, field))
    return tuple(targets)
