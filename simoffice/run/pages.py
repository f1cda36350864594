"""The page writers, one row per kind of result.

A result knows which page describes it (``"run"``, ``"comparison"``, …) but not
how the page is drawn: that lives in :mod:`simoffice.reports`, a higher layer,
which fills this table when it is imported. Saving a result asks the table, so the
run and study layers never import the reports' code; a save before anything has
imported them (``import simoffice`` loads its parts when first used) loads the
package :data:`REPORTS` by name.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Callable

# The package whose modules register the page writers.
REPORTS = "simoffice.reports"
PageWriter = Callable[..., Any]
PAGE_WRITERS: dict[str, PageWriter] = {}


def page_writer(kind: str) -> Callable[[PageWriter], PageWriter]:
    """Decorator: register ``write(result, path, *args)`` as the page of ``kind``."""

    def register(write: PageWriter) -> PageWriter:
        PAGE_WRITERS[kind] = write
        return write

    return register


def write_page(kind: str, result: Any, path: Path, *args: Any) -> Any:
    """Write the page of ``kind`` for ``result`` to ``path``.

    Raises:
        LookupError: the reports have no writer for ``kind``.
    """
    if kind not in PAGE_WRITERS:
        importlib.import_module(REPORTS)  # registers every writer it has
    try:
        write = PAGE_WRITERS[kind]
    except KeyError:
        raise LookupError(f"no page writer for {kind!r} in {REPORTS}") from None
    return write(result, path, *args)
