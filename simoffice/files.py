"""Writing result files so that a file is either complete or absent, under names that stay in their folder."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable

from simoffice.errors import ConfigError

# A name that becomes one file or folder name: letters, digits, '_', '-' and '.', not
# starting with '.' or '-' (no hidden file, no option, no '..'), at most 100 characters.
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")


def file_name(value: Any, key: str) -> str:
    """``value`` if it can name a file or folder inside the output directory.

    Raises:
        ConfigError: anything else (a path separator, ``..``, an absolute path, an
            empty or very long name), named by its config ``key``.
    """
    if not isinstance(value, str) or not FILE_NAME.fullmatch(value):
        raise ConfigError(key, "a name of letters, digits, '_', '-' and '.' (not starting with '.' or '-', at "
                          "most 100 characters): it names a file or folder of the results", value)
    return value


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp)`` on a temporary path beside ``path``, then rename it into place.

    An interrupted or failed write leaves no partial file and keeps any earlier
    ``path`` untouched. Returns ``path``.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; results are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
