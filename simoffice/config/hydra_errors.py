"""One-line messages for the config errors Hydra itself finds.

Hydra refuses an unknown key, a value of the wrong type or an unknown group
option while composing the config, and reports it in several lines; so does
OmegaConf an interpolation that does not resolve (``${oc.env:NOPE}``, a missing
key, an unknown resolver) and PyYAML a config file that is not valid YAML.
:func:`config_error` turns those into the :class:`~simoffice.errors.ConfigError`
simoffice's own checks raise (``key: expected … (got …)``; an unknown key as
``key: unknown key (did you mean …?)``, see :class:`~simoffice.config.strict.UnknownKey`):
:func:`~simoffice.config.compose.compose` raises it, and :func:`install` makes
the command line print it as one line, and a file that cannot be written
(``hydra.run.dir`` naming a file, a read-only or full disk) as
``cannot write <path>: <cause>``, both with exit status 2. Anything else (a real
bug) is left to Hydra's normal reporting; ``HYDRA_FULL_ERROR=1`` still shows the
full stack trace.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import traceback
from typing import Any, Callable, Iterator

import yaml
from hydra._internal import utils as hydra_utils
from hydra.errors import MissingConfigException, OverrideParseException
from omegaconf import OmegaConf
from omegaconf.errors import (
    ConfigAttributeError,
    ConfigKeyError,
    GrammarParseError,
    InterpolationResolutionError,
    ValidationError,
)

from simoffice.config import config_files
from simoffice.config.strict import UnknownKey
from simoffice.errors import ConfigError

# What stops a file or folder from being written: the disk, the permissions, something in the way.
WRITE_ERRNOS = {errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EACCES, errno.EPERM, errno.EEXIST,
                errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG}
TYPE_NAMES = {"Integer": "an integer", "Float": "a number", "bool": "true or false", "String": "a string"}


def config_error(ex: BaseException) -> ConfigError | None:
    """The ConfigError a Hydra, OmegaConf or PyYAML error stands for, or None if it is no config error."""
    for err in _chain(ex):
        if isinstance(err, ConfigError):  # raised by simoffice's own checks while Hydra composed
            return err
        if isinstance(err, yaml.MarkedYAMLError):
            return config_files.yaml_error(err)
    for err in _chain(ex):
        full_key = getattr(err, "full_key", None)
        if not full_key:
            continue
        if isinstance(err, (InterpolationResolutionError, GrammarParseError)):
            return _interpolation(err, full_key)
        if isinstance(err, ValidationError):
            return _wrong_type(err, full_key)
        if isinstance(err, (ConfigAttributeError, ConfigKeyError)):
            return UnknownKey(full_key, full_key.rpartition(".")[2], getattr(err, "object_type", None))
    for err in _chain(ex):
        if "NoneType" in str(err) and (under_null := _under_null(err)) is not None:
            return under_null
    first = str(ex).splitlines()[0] if str(ex) else ""
    if isinstance(ex, MissingConfigException):
        m = re.search(r"Could not find '([^']+)/([^'/]+)'", str(ex))
        if m:
            options = [o.strip() for o in re.findall(r"^\t(\S+)$", str(ex), re.M) if not o.startswith("schema_")]
            return ConfigError(m.group(1), f"one of {options}", m.group(2))
        return ConfigError("config", "a config file that exists", first)
    if isinstance(ex, OverrideParseException):
        m = re.search(r"override '([^']*)'", first)
        given = m.group(1) if m else first
        return ConfigError(f"override {given!r}", "key=value, e.g. run.weeks=8", given)
    return None


def one_line(ex: BaseException) -> str | None:
    """``key: expected … (got …)`` for a config error found by Hydra, or None."""
    err = config_error(ex)
    return None if err is None else str(err)


def _under_null(err: BaseException) -> ConfigError | None:
    """An override that sets a key under a value that is null, or merges a mapping into
    one (``network.offices.2.appointments.slot_min=30`` or ``….appointments={slot_min: 30}``
    where the office has no appointments): OmegaConf fails on None without naming the key.
    The key and value are those Hydra called ``OmegaConf.update`` with; None if it did not."""
    frames = [frame for frame, _ in traceback.walk_tb(err.__traceback__)
              if frame.f_code.co_name == "update" and frame.f_code.co_filename.endswith("omegaconf.py")]
    if not frames or not isinstance(frames[-1].f_locals.get("key"), str):
        return None
    key, value = frames[-1].f_locals["key"], frames[-1].f_locals.get("value")
    return ConfigError(key, "a setting the config has room for (a value left null there cannot be filled in "
                            "from the command line: write it in a config file)", value)


def _wrong_type(err: ValidationError, full_key: str) -> ConfigError:
    first = str(err).splitlines()[0] if str(err) else ""
    m = re.match(r"Value '(.*)' (?:of type '\w+' could not be converted to|is not a valid) (\w+)", first)
    if m:
        return ConfigError(full_key, TYPE_NAMES.get(m.group(2), m.group(2)), m.group(1))
    return ConfigError(full_key, f"a valid value ({first})", getattr(err, "value", None))


def _interpolation(err: InterpolationResolutionError | GrammarParseError, full_key: str) -> ConfigError:
    """``key: expected an interpolation that resolves (<why not>) (got '${…}')``."""
    given = _written(err)
    cause = " ".join((str(err).splitlines() or ["?"])[0].split())
    cause = cause.removeprefix("KeyError raised while resolving interpolation: ")
    what = "a valid interpolation such as ${run.weeks}" if isinstance(err, GrammarParseError) else \
        "an interpolation that resolves"
    return ConfigError(full_key, f"{what} ({cause})", given)


def _written(err: Exception) -> Any:
    """The value as written (``${…}``) of the node an OmegaConf error is about, or None."""
    node = getattr(err, "child_node", None)
    if node is not None:
        return node._value()
    parent, key = getattr(err, "parent_node", None), getattr(err, "key", None)
    if parent is None or not isinstance(key, str):  # (a key of a list is its index: not looked up here)
        return None
    value = OmegaConf.to_container(parent, resolve=False)
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def write_error(ex: BaseException, where: str | os.PathLike | None = None) -> str | None:
    """``cannot write <path>: <cause>`` for a file or folder that could not be made (a
    read-only or full disk, no permission, a file where a folder should be), or None.
    ``where``: the path to name when the error does not say (a parquet writer's)."""
    for err in _chain(ex):
        if isinstance(err, OSError) and err.errno in WRITE_ERRNOS and (err.filename or where) is not None:
            return f"cannot write {err.filename or where}: {os.strerror(err.errno)}"
    return None


def _chain(ex: BaseException) -> Iterator[BaseException]:
    """``ex`` and the exceptions it was raised from, outermost first."""
    seen: set[int] = set()
    while ex is not None and id(ex) not in seen:
        seen.add(id(ex))
        yield ex
        ex = ex.__cause__ or ex.__context__


def install(prog: str = "simoffice") -> None:
    """Make Hydra check each config file before it reads it (:mod:`~simoffice.config.config_files`),
    and print config errors and files it cannot write as one line, exit status 2."""
    config_files.install()
    original: Callable = hydra_utils.run_and_report
    if getattr(original, "_simoffice", False):
        return

    def run_and_report(func: Callable) -> Any:
        try:
            return func()
        except Exception as ex:  # noqa: BLE001  (sorted below: user error or not)
            full = os.environ.get("HYDRA_FULL_ERROR") == "1"
            line = None if full else one_line(ex)
            cannot = None if full or line is not None else write_error(ex)
            if cannot is not None:
                print(f"{prog}: {cannot}", file=sys.stderr)
                sys.exit(2)
            if line is None:  # not a config error: Hydra's own report (stack trace and all)
                def again(err: Exception = ex) -> Any:
                    raise err
                return original(again)
            print(f"{prog}: config error: {line}", file=sys.stderr)
            sys.exit(2)

    run_and_report._simoffice = True  # type: ignore[attr-defined]
    hydra_utils.run_and_report = run_and_report
