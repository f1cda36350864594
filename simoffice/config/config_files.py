"""Config files read as plain YAML: UTF-8 text, no anchors or aliases, a mistake named by file and line.

Hydra reads each config file (a network, a schedule, an experiment, from the
shipped folder or a ``--config-dir``) with PyYAML through OmegaConf, and a
mistake in one comes out as a stack trace. :func:`check_file` reads the file
first and refuses, in one line naming the file and the line:

- bytes that are not UTF-8 (a file saved as cp1251 or Latin-1);
- a YAML syntax error, a tab where indentation is expected, a duplicate key;
- an anchor or alias (``&name``, ``*name``): a few hundred bytes of nested aliases
  ("billion laughs") expand to billions of values, which OmegaConf would build
  one by one. The shipped configs use none; write each value out instead.

The message reads ``<file>:<line>: expected valid YAML (got <cause>)``, as a
:class:`~simoffice.errors.ConfigError` (the command line prints it with exit
status 2). :func:`install` makes Hydra call :func:`check_file` before it loads
any config file (it wraps ``FileConfigSource.load_config``, of private Hydra APIs
pinned by ``tests/test_one_line_errors.py``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from simoffice.errors import ConfigError

EXPECTED = "valid YAML"
# Mappings and lists nested deeper than this are refused: no config needs a tenth of it, and
# checking them (recursively) would exhaust Python's stack.
MAX_DEPTH = 100
# The C parser when PyYAML has it: parsing a file's events is then a few milliseconds.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def check_file(path: str | os.PathLike) -> None:
    """Refuse a config file that is not UTF-8, not valid YAML, holds a duplicate key,
    or uses anchors or aliases.

    Raises:
        ConfigError: ``<path>:<line>: expected valid YAML (got <cause>)``.
    """
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}", f"{EXPECTED} in UTF-8 (save the file as UTF-8)",
                          f"the byte 0x{data[err.start]:02x}, which is not UTF-8") from None
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_LOADER):
            depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
            if depth > MAX_DEPTH:
                raise ConfigError(f"{path}:{event.start_mark.line + 1}",
                                  f"{EXPECTED} nested at most {MAX_DEPTH} levels deep", f"{depth} levels")
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
                raise ConfigError(f"{path}:{event.start_mark.line + 1}",
                                  f"{EXPECTED} without anchors or aliases (&name, *name): write each value out",
                                  f"{sign}{event.anchor}")
        _no_duplicate_keys(yaml.compose(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as err:
        raise yaml_error(err, path) from None


def yaml_error(err: yaml.MarkedYAMLError, path: str | os.PathLike | None = None) -> ConfigError:
    """``<file>:<line>: expected valid YAML (got <PyYAML's cause>)`` for a PyYAML error."""
    mark = err.problem_mark or err.context_mark
    where = str(path) if path is not None else (mark.name if mark is not None else "<config>")
    line = f":{mark.line + 1}" if mark is not None else ""
    cause = " ".join(str(err.problem or err.context or "a YAML error").split())
    if cause.startswith("found character '\\t'"):
        cause = "a tab: indent with spaces"
    return ConfigError(f"{where}{line}", EXPECTED, cause)


def _no_duplicate_keys(node: Any) -> None:
    """Refuse a mapping that gives the same key twice (PyYAML keeps the last silently)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name is not None and name in seen:
                raise yaml.MarkedYAMLError(problem=f"the key '{name}' twice (a duplicate key)",
                                           problem_mark=key.start_mark)
            if name is not None:
                seen.add(name)
            _no_duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _no_duplicate_keys(item)


def install() -> None:
    """Make Hydra call :func:`check_file` on every config file before it loads it."""
    from hydra._internal.sources_registry import SourcesRegistry
    from hydra.core.plugins import Plugins

    # Hydra's plugin scan executes its config source modules anew: the class that reads
    # ``file://`` folders is the one registered for the scheme, not the one importable.
    Plugins.instance()
    FileConfigSource = SourcesRegistry.instance().resolve("file")
    original = FileConfigSource.load_config
    if getattr(original, "_simoffice_files", False):
        return

    def load_config(self: Any, config_path: str) -> Any:
        full_path = os.path.realpath(os.path.join(self.path, self._normalize_file_name(config_path)))
        if os.path.isfile(full_path):
            check_file(full_path)
        return original(self, config_path)

    load_config._simoffice_files = True  # type: ignore[attr-defined]
    FileConfigSource.load_config = load_config  # type: ignore[method-assign]
