"""The command line: ``simoffice`` (Hydra) and ``simoffice-calibrate``."""

from simoffice.cli.main import main

__all__ = ["main"]
