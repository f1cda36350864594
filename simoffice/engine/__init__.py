"""The simulation engine: clock, offices, desks, clients' journeys and the log.

The engine's modules are plain Python. When the package is installed where a C
compiler is found, ``setup.py`` also compiles them with Cython into extension
modules next to their sources, and Python imports those first; the results are
identical either way (``tests/test_engine_mode.py``). :func:`mode` says which
ran. Setting the environment variable ``SIMOFFICE_ENGINE=interpreted`` before
the package is imported runs the sources even when compiled modules are there
(to compare the two, or to debug with Python's tools).

The build records what it compiled (``compiled.json``: a digest of each
module's source and declarations). If a source has changed since, the compiled
modules are out of date: the engine then runs interpreted and says so once, until
the next build (``make``, or ``pip install -e .``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from importlib.machinery import EXTENSION_SUFFIXES
from importlib.util import spec_from_file_location
from pathlib import Path

ENGINE_VARIABLE = "SIMOFFICE_ENGINE"
MODES = ("compiled", "interpreted")
MANIFEST = "compiled.json"
_HERE = Path(__file__).resolve().parent


class _Sources:
    """An import finder that gives this package's modules from their ``.py`` files,
    ahead of compiled ones (``SIMOFFICE_ENGINE=interpreted``)."""

    def find_spec(self, name: str, path=None, target=None):
        package, _, leaf = name.rpartition(".")
        if package != __name__:
            return None
        source = _HERE / f"{leaf}.py"
        return spec_from_file_location(name, source) if source.is_file() else None


def requested() -> str | None:
    """The mode the environment asks for, or None (whatever is installed).

    Raises:
        simoffice.errors.ConfigError: ``SIMOFFICE_ENGINE`` is set to something other than a mode.
    """
    value = os.environ.get(ENGINE_VARIABLE, "").strip()
    if not value:
        return None
    if value not in MODES:
        from simoffice.errors import ConfigError
        raise ConfigError(ENGINE_VARIABLE, " or ".join(MODES), value)
    return value


def compiled_modules() -> list[str]:
    """The engine modules with a compiled build next to their source."""
    return sorted({p.name.split(".")[0] for p in _HERE.iterdir()
                   if any(p.name.endswith(s) for s in EXTENSION_SUFFIXES)})


def source_digest(module: str) -> str:
    """The SHA-256 of an engine module's source and its declarations (``.pxd``), as the build records it."""
    h = hashlib.sha256((_HERE / f"{module}.py").read_bytes())
    pxd = _HERE / f"{module}.pxd"
    if pxd.is_file():
        h.update(pxd.read_bytes())
    return h.hexdigest()


def out_of_date() -> list[str]:
    """The compiled modules whose source has changed since they were built (all of
    them when the build left no record)."""
    built = compiled_modules()
    try:
        recorded = json.loads((_HERE / MANIFEST).read_text())
    except (OSError, ValueError):
        return built
    return [m for m in built if not (_HERE / f"{m}.py").is_file() or recorded.get(m) != source_digest(m)]


def mode() -> str:
    """``compiled`` if the engine's modules run compiled, else ``interpreted``."""
    from simoffice.engine import clock
    return "compiled" if any(clock.__file__.endswith(s) for s in EXTENSION_SUFFIXES) else "interpreted"


def _choose() -> None:
    """Run the sources when asked to, or when the compiled modules are out of date.

    Raises:
        simoffice.errors.ConfigError: ``SIMOFFICE_ENGINE`` is not a mode, or asks for a
            compiled engine that is not built or is out of date.
    """
    wanted = requested()
    if wanted == "interpreted":
        sys.meta_path.insert(0, _Sources())
        return
    stale = out_of_date() if compiled_modules() else []
    if wanted == "compiled" and (stale or not compiled_modules()):
        from simoffice.errors import ConfigError
        raise ConfigError(ENGINE_VARIABLE, "interpreted, or a compiled engine built from these sources "
                                           "(make, or pip install -e . where a C compiler is found)", wanted)
    if stale:
        warnings.warn(f"the compiled engine is older than its sources ({', '.join(stale)}): running "
                      "interpreted until it is rebuilt (make, or pip install -e .)", RuntimeWarning, stacklevel=2)
        sys.meta_path.insert(0, _Sources())


_choose()
