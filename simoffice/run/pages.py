"""The page writers, one row per kind of result.

A result knows which page describes it (``"run"``, ``"comparison"``, …) but not
how the page is drawn: that lives in :mod:`simoffice.reports`, a higher layer,
which fills this table when the package is imported. Saving a result asks the
table, so the run and study layers never import the reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

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
        LookupError: no writer is registered for ``kind`` (the reports were not imported).
    """
    try:
        write = PAGE_WRITERS[kind]
    except KeyError:
        raise LookupError(f"no page writer for {kind!r}: import simoffice.reports first") from None
    return write(result, path, *args)
