"""Build script: the engine's modules compiled with Cython, where a C compiler is found.

Everything else about the package is in ``pyproject.toml``. The engine's modules
(``simoffice/engine/*.py``) are plain Python; their ``.pxd`` files declare, for
Cython, the types of the objects that are touched once per contact. Compiled,
they run the same code faster (docs/pages/performance.md). The build is all or
nothing: if Cython or a C compiler is missing, or any module fails to compile,
no compiled module is kept and the package runs interpreted, with the same
results. ``SIMOFFICE_BUILD=interpreted`` skips the compilation.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

ENGINE = Path("simoffice") / "engine"
# Every engine module but the package's __init__ (which chooses the mode).
MODULES = sorted(str(p) for p in ENGINE.glob("*.py") if p.name != "__init__.py")
# What the compiled modules were built from (simoffice/engine/__init__.py reads it: a
# module whose source has changed since runs interpreted until the next build).
MANIFEST = "compiled.json"


def digest(module: Path) -> str:
    """The SHA-256 of a module's source and its declarations (as simoffice.engine.source_digest)."""
    h = hashlib.sha256(module.read_bytes())
    pxd = module.with_suffix(".pxd")
    if pxd.is_file():
        h.update(pxd.read_bytes())
    return h.hexdigest()


def say(message: str) -> None:
    print(f"simoffice build: {message}", file=sys.stderr, flush=True)


class OptionalBuildExt(build_ext):
    """Builds every engine module or none: a failure leaves the package interpreted."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if self.parallel is None:  # one compiler per core
            self.parallel = os.cpu_count() or 1

    def run(self) -> None:
        try:
            super().run()
        except Exception as err:  # a missing compiler or header: any failure means none is kept
            self.remove_built()
            say(f"the engine was not compiled ({type(err).__name__}: {err}); it runs interpreted")
            return
        manifest = json.dumps({Path(m).stem: digest(Path(m)) for m in MODULES}, indent=1, sort_keys=True)
        in_place = self.inplace or getattr(self, "editable_mode", False)  # pip install -e: next to the sources
        for folder in {Path(self.build_lib), Path(".")} if in_place else {Path(self.build_lib)}:
            (folder / ENGINE).mkdir(parents=True, exist_ok=True)
            (folder / ENGINE / MANIFEST).write_text(manifest + "\n")
        say(f"compiled {len(self.extensions)} engine modules")

    def remove_built(self) -> None:
        for ext in self.extensions:
            for folder in (Path(self.build_lib), Path(".")):
                built = folder / self.get_ext_filename(ext.name)
                built.unlink(missing_ok=True)


def extensions() -> list:
    if os.environ.get("SIMOFFICE_BUILD", "").strip() == "interpreted":
        say("SIMOFFICE_BUILD=interpreted: the engine is not compiled")
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        say("Cython is not installed: the engine is not compiled")
        return []
    # language_level 3: Python 3 semantics; binding: functions keep Python's introspection
    # (signatures, docstrings) for help() and the generated reference.
    try:
        return cythonize(MODULES, compiler_directives={"language_level": 3, "binding": True}, quiet=True)
    except Exception as err:  # Cython refused a module: the engine stays interpreted
        say(f"Cython could not translate the engine ({err}); it runs interpreted")
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
