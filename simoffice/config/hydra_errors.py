"""One-line messages for the config errors Hydra itself finds.

Hydra refuses an unknown key, a value of the wrong type or an unknown group
option while composing the config, and prints a message of several lines.
:func:`one_line` rewrites those into the form of simoffice's own checks
(``key: expected … (got …)``); anything else (a real bug) is left to Hydra's
normal reporting. ``HYDRA_FULL_ERROR=1`` still shows the full stack trace.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from typing import Any, Callable

from hydra._internal import utils as hydra_utils
from hydra.errors import MissingConfigException, OverrideParseException
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, ValidationError

TYPE_NAMES = {"Integer": "an integer", "Float": "a number", "bool": "true or false", "String": "a string"}


def one_line(ex: BaseException) -> str | None:
    """``key: expected … (got …)`` for a config error found by Hydra, or None."""
    cause = ex.__cause__ or ex
    full_key = getattr(cause, "full_key", None)
    first = str(cause).splitlines()[0] if str(cause) else ""
    if isinstance(cause, ValidationError) and full_key:
        m = re.match(r"Value '(.*)' (?:of type '\w+' could not be converted to|is not a valid) (\w+)", first)
        if m:
            return f"{full_key}: expected {TYPE_NAMES.get(m.group(2), m.group(2))} (got {m.group(1)!r})"
        return f"{full_key}: {first}"
    if isinstance(cause, (ConfigAttributeError, ConfigKeyError)) and full_key:
        key = full_key.rpartition(".")[2]
        known = _fields(getattr(cause, "object_type", None))
        expected = f"one of the keys {known}" if known else "a known key"
        return f"{full_key}: expected {expected} (got unknown key {key!r})"
    if isinstance(ex, MissingConfigException):
        m = re.search(r"Could not find '([^']+)/([^'/]+)'", str(ex))
        if m:
            options = [o.strip() for o in re.findall(r"^\t(\S+)$", str(ex), re.M) if not o.startswith("schema_")]
            return f"{m.group(1)}: expected one of {options} (got {m.group(2)!r})"
        return first
    if isinstance(ex, OverrideParseException):
        m = re.search(r"override '([^']*)'", first)
        given = m.group(1) if m else first
        return f"override {given!r}: expected key=value, e.g. run.weeks=8 (got {given!r})"
    return None


def _fields(cls: Any) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else []


def install(prog: str = "simoffice") -> None:
    """Make Hydra print config errors as one line and exit with status 2."""
    original: Callable = hydra_utils.run_and_report
    if getattr(original, "_simoffice", False):
        return

    def run_and_report(func: Callable) -> Any:
        try:
            return func()
        except Exception as ex:  # noqa: BLE001  (sorted below: user error or not)
            line = None if os.environ.get("HYDRA_FULL_ERROR") == "1" else one_line(ex)
            if line is None:  # not a config error: Hydra's own report (stack trace and all)
                def again(err: Exception = ex) -> Any:
                    raise err
                return original(again)
            print(f"{prog}: config error: {line}", file=sys.stderr)
            sys.exit(2)

    run_and_report._simoffice = True  # type: ignore[attr-defined]
    hydra_utils.run_and_report = run_and_report
