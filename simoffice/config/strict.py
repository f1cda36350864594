"""Strict keys: a config typed by the schema before anything is built.

Whatever form a config comes in — composed by Hydra, a DictConfig built by
hand, plain dicts, a user's network YAML with or without its ``defaults:
[schema_network, _self_]`` line, keys added with ``+key=value`` — it is read
through the dataclasses of :mod:`simoffice.config.schema`:

- a key the schema does not know is refused, naming its full path and the
  closest known key: ``network.max_vists: unknown key (did you mean max_visits?)``;
- a block (a dataclass of the schema) must be a mapping, or null where the
  schema allows it; a list or mapping of blocks must be one;
- a key not given takes the schema's default, the only place a default is
  written. A required block not given is refused here; a required value (or
  list of blocks) not given is null, which the builders refuse saying what they
  expect (``network.offices: expected at least one office (got None)``).

Scalars are passed on as given: the builders check each one against its range
and say what they expected (``run.weeks: expected an integer >= 1 (got 2.5)``).
The result is made of the schema's dataclasses, read by attribute
(``cfg.run.weeks``), never with a fallback ``.get(key, default)``.

Why a walk of its own rather than ``OmegaConf.merge(OmegaConf.structured(NetworkConfig),
section)``: OmegaConf's errors inside a list lose the path before the index
(``staff.full`` for ``network.offices[0].desk_groups[1].staff.full``), and it
converts what it can (``3`` to ``"3"`` for a name, ``"no"`` to false), so a value
the builders would refuse passes unseen.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from functools import lru_cache
from typing import Any, Mapping, Union

from omegaconf import DictConfig, ListConfig, OmegaConf

from simoffice.config import network_schema, roster, schema, standards
from simoffice.config.checks import no_instantiation
from simoffice.errors import ConfigError

# OmegaConf's mark of a value not given (a MISSING field of a composed config).
NOT_GIVEN = "???"

# What each block of the schema is called in a message.
NOUNS = {
    schema.Config: "a config",
    schema.RunConfig: "run settings",
    schema.ScheduleConfig: "a schedule",
    schema.DesignConfig: "a design",
    schema.CompareConfig: "comparison arms",
    schema.StaffingConfig: "staffing search settings",
    network_schema.NetworkConfig: "a network",
    network_schema.MMCNetworkConfig: "an M/M/c network",
    network_schema.SyntheticNetworkConfig: "a synthetic network",
    network_schema.DistConfig: "a distribution",
    network_schema.ProfileConfig: "an arrival profile",
    network_schema.SegmentConfig: "a segment",
    network_schema.ServiceConfig: "a service",
    network_schema.BundleConfig: "a bundle",
    network_schema.AppointmentPolicyConfig: "an appointment policy",
    network_schema.ChoiceConfig: "a choice rule",
    network_schema.OfficeConfig: "an office",
    network_schema.DeskGroupConfig: "a desk group",
    network_schema.SlotsConfig: "a slot calendar",
    network_schema.ZoneConfig: "a zone",
    network_schema.ShiftConfig: "a shift",
    network_schema.CentreConfig: "a centre",
    network_schema.ContactCentreConfig: "a contact centre",
    network_schema.VideoCentreConfig: "a video centre",
    network_schema.StopConfig: "a stop",
    network_schema.MobileDeskConfig: "a desk group",
    network_schema.MobileRouteConfig: "a mobile route",
    network_schema.BreakConfig: "a break",
    roster.RosterConfig: "roster rules",
    roster.ShiftTemplateConfig: "a shift template",
    roster.BreakConfig: "a template's break",
    standards.StandardConfig: "a service standard",
    standards.UnitStandardConfig: "a unit's standard",
}

# Blocks whose keys are better shown by an example than listed.
SHAPES = {network_schema.DistConfig: "such as {dist: exponential, mean: 10}"}


class UnknownKey(ConfigError):
    """A key the schema does not know: ``<path>: unknown key (did you mean <closest>?)``.

    Attributes (as :class:`ConfigError`): ``key`` the full path, ``expected`` the
    known keys there, ``got`` the unknown key's name; ``closest`` the known key
    nearest in spelling (see :func:`closest_key`), or None.
    """

    def __init__(self, key: str, name: str, block: type | None):
        known = list(_hints(block)) if dataclasses.is_dataclass(block) else []
        super().__init__(key, f"one of the keys {known}", name)
        self.closest = closest_key(name, block)
        if self.closest is not None:
            hint = f" (did you mean {self.closest}?)"
        else:
            hint = f" (the keys here are {', '.join(known)})" if known else ""
        self.args = (f"{key}: unknown key{hint}",)

    def __str__(self) -> str:
        return self.args[0]


def closest_key(name: str, block: type | None) -> str | None:
    """The key of the schema's ``block`` nearest to ``name`` in spelling; failing
    that, the nearest key one block down, with its path from ``block``
    (``segments.<segment>.return_prob`` for ``retrun_prob`` in a network)."""
    if not dataclasses.is_dataclass(block):
        return None
    hints = _hints(block)
    match = difflib.get_close_matches(name, list(hints), n=1)
    if match:
        return match[0]
    below: dict[str, str] = {}
    for field, hint in hints.items():
        inner, path = _inner_block(hint, field)
        for k in _hints(inner) if inner is not None else ():
            below.setdefault(k, f"{path}.{k}")
    match = difflib.get_close_matches(name, list(below), n=1)
    return below[match[0]] if match else None


def _inner_block(hint: Any, field: str) -> tuple[type | None, str]:
    """The block a field holds (itself, in a mapping or in a list) and its path from the field."""
    hint = _optional(hint)[1]
    if dataclasses.is_dataclass(hint):
        return hint, field
    args = [_optional(a)[1] for a in typing.get_args(hint)]
    if args and dataclasses.is_dataclass(args[-1]):
        noun = NOUNS.get(args[-1], "a name").split(" ", 1)[1]
        return args[-1], (f"{field}.<{noun}>" if typing.get_origin(hint) is dict else f"{field}[i]")
    return None, field


def typed_config(cfg: DictConfig | Mapping[str, Any]) -> schema.Config:
    """The whole config typed by the schema: ``network`` by the schema of its ``kind``.

    Raises:
        ConfigError: a group missing or not a mapping, Hydra's instantiation keys
            (``_target_`` …), a network ``kind`` other than those of
            :data:`~simoffice.config.network_schema.NETWORK_KINDS`, a block of the wrong
            shape; :class:`UnknownKey` for a key the schema does not know.
    """
    raw = plain(cfg)
    if not isinstance(raw, Mapping):
        raise ConfigError("config", "a mapping of config groups {network, schedule, design, run, …}", raw)
    for part in ("network", "schedule", "design", "run"):
        no_instantiation(raw.get(part), part)
    for part in ("network", "schedule", "design"):
        if not isinstance(raw.get(part), Mapping):
            raise ConfigError(part, "a config group (mapping)", raw.get(part))
    typed = section({k: v for k, v in raw.items() if k != "network"}, schema.Config, "")
    typed.network = network_section(raw["network"])
    return typed


def network_section(net: Mapping[str, Any]) -> Any:
    """The ``network`` group typed by the schema of its ``kind`` (explicit when not given)."""
    kind = net.get("kind", network_schema.NetworkConfig.kind)
    if kind not in network_schema.NETWORK_KINDS:
        raise ConfigError("network.kind", f"one of {list(network_schema.NETWORK_KINDS)}", kind)
    return section(net, network_schema.NETWORK_KINDS[kind], "network")


def section(value: Any, block: type, key: str) -> Any:
    """``value`` (plain mappings and lists) as the schema's dataclass ``block``,
    found at ``key`` ("" for the root)."""
    return _typed(plain(value), block, key)


def plain(cfg: Any) -> Any:
    """A DictConfig or ListConfig as plain containers (interpolations resolved); anything else as it is."""
    if isinstance(cfg, (DictConfig, ListConfig)):
        return OmegaConf.to_container(cfg, resolve=True)
    return cfg


def as_dict(block: Any) -> Any:
    """A typed block (and the blocks in it) as plain dicts, e.g. to repeat a value given in a message."""
    return dataclasses.asdict(block) if dataclasses.is_dataclass(block) else block


# --- the walk ------------------------------------------------------------------------

def _typed(value: Any, hint: Any, key: str) -> Any:
    optional, hint = _optional(hint)
    if not _has_blocks(hint):
        return None if _not_given(value) else value  # a scalar, or scalars: the builders check them
    if _not_given(value):
        if optional or typing.get_origin(hint) in (dict, list):
            return None  # (a null list or mapping of blocks: the builders say what it must hold)
        raise ConfigError(key, _describe(hint), None)
    origin = typing.get_origin(hint)
    if origin is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(key, f"a mapping name -> {_describe(typing.get_args(hint)[1])}"
                              + (", or null" if optional else ""), value)
        return {name: _typed(v, typing.get_args(hint)[1], _join(key, name)) for name, v in value.items()}
    if origin is list:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(key, f"a list of {_describe(typing.get_args(hint)[0])}"
                              + (", or null" if optional else ""), value)
        return [_typed(v, typing.get_args(hint)[0], f"{key}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, Mapping):
        raise ConfigError(key, _describe(hint) + (" or null" if optional else ""), value)
    return _block(value, hint, key)


def _block(value: Mapping[str, Any], block: type, key: str) -> Any:
    """A mapping as the dataclass ``block``: unknown keys refused, defaults for the keys not given."""
    hints = _hints(block)
    for name in value:
        if name not in hints:
            raise UnknownKey(_join(key, str(name)), str(name), block)
    given = {}
    for f in dataclasses.fields(block):
        if f.name in value:
            given[f.name] = _typed(value[f.name], hints[f.name], _join(key, f.name))
        elif (f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING) or f.default == NOT_GIVEN:
            given[f.name] = _typed(None, hints[f.name], _join(key, f.name))  # a required key not given
    return block(**given)


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _not_given(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == NOT_GIVEN)


def _optional(hint: Any) -> tuple[bool, Any]:
    """(whether ``hint`` allows None, the hint without None)."""
    if typing.get_origin(hint) is Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return len(args) < len(typing.get_args(hint)), (args[0] if len(args) == 1 else Any)
    return False, hint


@lru_cache(maxsize=None)
def _has_blocks(hint: Any) -> bool:
    """Whether ``hint`` is a dataclass of the schema or holds one (in a list or mapping)."""
    if dataclasses.is_dataclass(hint):
        return True
    return any(_has_blocks(_optional(a)[1]) for a in typing.get_args(hint))


@lru_cache(maxsize=None)
def _hints(block: type) -> dict[str, Any]:
    return typing.get_type_hints(block)


def _describe(hint: Any) -> str:
    """``a desk group {name, skills, staff, serves}``: the block's noun and its keys."""
    if not dataclasses.is_dataclass(hint):
        return "a value"
    shape = SHAPES.get(hint) or f"{{{', '.join(f.name for f in dataclasses.fields(hint))}}}"
    return f"{NOUNS.get(hint, 'a mapping')} {shape}"
