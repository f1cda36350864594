"""The ``standards`` group: the service standards a run is judged by.

The schema dataclasses here hold the defaults; :func:`standards` checks them
against the network and turns them into the model's
:class:`~simoffice.model.standards.Standard` s::

    standards:
      walk_in_wait: {kind: served_within, channel: [walk_in, mobile], within_min: 15, target: 0.8,
                     units: {North bus: {within_min: 20, target: 0.7}}}    # a unit's own limit
      phone_abandonment: {kind: abandonment, channel: phone, target: 0.1}
      expert_decision: {kind: expert_within, within_days: 10, target: 0.8}

A standard set to null (``standards.phone_answer=null``) is left out. Shares are
in [0, 1]; ``within_min`` minutes, ``within_days`` days.

The defaults and where their figures come from:

- ``walk_in_wait`` (walk-ins at offices and mobile offices), ``appointment_wait``:
  80 % of clients at a desk seen within 15 min. Published face-to-face standards run from Services Australia's 70 %
  within 15 min to Service Canada's 80 % within 25 min; 80 % within 15 min is
  the stricter of the two ends.
- ``phone_answer``: 80 % of calls answered within 20 s, the contact-centre
  industry's "80/20" service level.
- ``phone_abandonment``: at most 10 % of callers hang up before an answer;
  contact centres see 8–22 %.
- ``appointment_offered`` (90 % given a slot within 5 days), ``expert_decision``
  (80 % decided within 10 days) and ``bundle_settled`` (80 % settled within 30
  days of the first contact) have no common published figure: they are
  placeholders for an organisation's own promise, and should be set to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, is_dataclass
from typing import Any, Dict, Optional

from simoffice.config.checks import number, one_of, probability
from simoffice.errors import ConfigError
from simoffice.model.channels import CHANNELS
from simoffice.model.spec import ModelSpec
from simoffice.model.standards import CHANNEL_KINDS, STANDARD_KINDS, Standard


@dataclass
class UnitStandardConfig:
    """A unit's own limit and target for a standard (null: the standard's)."""

    within_min: Optional[float] = None  # the unit's limit of a served_within standard (null: the standard's)
    within_days: Optional[float] = None  # the unit's limit of a standard in days (null: the standard's)
    target: Optional[float] = None  # the unit's target share (null: the standard's)


@dataclass
class StandardConfig:
    """A service standard: ``kind`` (``served_within``, ``abandonment``,
    ``appointment_within``, ``expert_within``, ``bundle_within``), the ``channel``
    (a name, or a list of names) of the channel kinds, the limit (``within_min`` for ``served_within``,
    ``within_days`` for the others), the ``target`` share (at least; at most for
    ``abandonment``), units with their own limit (``units``: unit name -> limit),
    and the ``label`` and ``source`` the pages show (null label: written from the
    rest)."""

    kind: str = "served_within"
    channel: Any = None  # a channel's name or a list of them
    within_min: Optional[float] = None
    within_days: Optional[float] = None
    target: float = 0.8
    units: Dict[str, UnitStandardConfig] = field(default_factory=dict)
    label: Optional[str] = None
    source: str = ""


FACE_TO_FACE = "Services Australia: 70 % within 15 min; Service Canada: 80 % within 25 min"
OWN_PROMISE = "no common published figure: set your organisation's own"


def default_standards() -> Dict[str, Optional[StandardConfig]]:
    """The default standards (see the module docstring for their sources)."""
    return {
        "walk_in_wait": StandardConfig("served_within", ["walk_in", "mobile"], within_min=15, target=0.8,
                                       source=FACE_TO_FACE),
        "appointment_wait": StandardConfig("served_within", "appointment", within_min=15, target=0.8,
                                           source=FACE_TO_FACE),
        "phone_answer": StandardConfig("served_within", "phone", within_min=20 / 60, target=0.8,
                                       label="Calls answered within 20 s",
                                       source="contact centres' 80/20 service level"),
        "phone_abandonment": StandardConfig("abandonment", "phone", target=0.1,
                                            source="contact centres see 8–22 % of callers hang up"),
        "appointment_offered": StandardConfig("appointment_within", within_days=5, target=0.9, source=OWN_PROMISE),
        "expert_decision": StandardConfig("expert_within", within_days=10, target=0.8, source=OWN_PROMISE),
        "bundle_settled": StandardConfig("bundle_within", within_days=30, target=0.8, source=OWN_PROMISE),
    }


# What a standard's label says of its clients, by channel.
_WHO = {"walk_in": "Walk-ins", "appointment": "Appointments", "phone": "Calls", "video": "Video sessions",
        "mobile": "Mobile-office visits"}


def _label(kind: str, channels: list[str], within: float | None) -> str:
    who = _WHO.get(channels[0], channels[0]) if channels else "Contacts"
    if kind == "served_within":
        return f"{who} seen within {within:g} min"
    if kind == "abandonment":
        return f"{who} abandoned"
    return {"appointment_within": "Appointments offered within {:g} days",
            "expert_within": "Expert decisions within {:g} days",
            "bundle_within": "Bundles settled within {:g} days"}[kind].format(within)


def _within(cfg: Any, kind: str, key: str, required: bool) -> float | None:
    unit = STANDARD_KINDS[kind][0]
    name, other = ("within_min", "within_days") if unit == "min" else ("within_days", "within_min")
    if unit is None:
        name, other = None, None
        for k in ("within_min", "within_days"):
            if getattr(cfg, k) is not None:
                raise ConfigError(f"{key}.{k}", f"null for a standard of kind {kind} (it has no time limit)",
                                  getattr(cfg, k))
        return None
    if getattr(cfg, other) is not None:
        raise ConfigError(f"{key}.{other}", f"null for a standard of kind {kind} (its limit is {name})",
                          getattr(cfg, other))
    value = getattr(cfg, name)
    if value is None:
        if required:
            raise ConfigError(f"{key}.{name}", f"a number >= 0 for a standard of kind {kind}", None)
        return None
    return number(value, f"{key}.{name}", 0)


def standards(cfg: Any, spec: ModelSpec) -> tuple[Standard, ...]:
    """The checked standards of the ``standards`` group (name -> a
    :class:`StandardConfig` or null) for the network of ``spec``.

    Raises:
        ConfigError: an unknown kind or channel, a limit missing or of the wrong
            unit, a target outside [0, 1], a unit name the network does not have.
    """
    if not is_dataclass(cfg) and cfg is not None and not isinstance(cfg, dict):
        raise ConfigError("standards", "a mapping of standard name -> standard", cfg)
    units = [u.name for u in spec.offices]
    out = []
    for name, st in (cfg or {}).items():
        if st is None:
            continue
        key = f"standards.{name}"
        kind = one_of(st.kind, f"{key}.kind", tuple(STANDARD_KINDS))
        channels: list[str] = []
        if kind in CHANNEL_KINDS:
            given = [st.channel] if isinstance(st.channel, str) or st.channel is None else list(st.channel)
            if not given or given == [None]:
                raise ConfigError(f"{key}.channel", f"a channel or a list of channels, of {list(CHANNELS)}",
                                  st.channel)
            channels = [one_of(ch, f"{key}.channel", CHANNELS) for ch in given]
        elif st.channel is not None:
            raise ConfigError(f"{key}.channel", f"null for a standard of kind {kind}", st.channel)
        within = _within(st, kind, key, required=True)
        target = probability(st.target, f"{key}.target")
        by_unit = []
        for unit, own in (st.units or {}).items():
            if unit not in units:
                raise ConfigError(f"{key}.units", f"names of units of the network, one of {units}", unit)
            ukey = f"{key}.units.{unit}"
            own_within = _within(own, kind, ukey, required=False)
            own_target = st.target if own.target is None else own.target
            by_unit.append((units.index(unit), within if own_within is None else own_within,
                            probability(own_target, f"{ukey}.target")))
        label = _label(kind, channels, within) if st.label is None else str(st.label)
        out.append(Standard(str(name), kind, tuple(CHANNELS.index(ch) for ch in channels), within,
                            target, tuple(by_unit), label, str(st.source)))
    return tuple(out)
