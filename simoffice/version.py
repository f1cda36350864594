"""The installed package's version, for the ``meta`` of every result."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("simoffice")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
