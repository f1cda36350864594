"""The command line: ``simoffice`` (Hydra) and ``simoffice-calibrate``.

:func:`main` is loaded when first asked for, so that :mod:`simoffice.cli.start` (the
console script) can install its Ctrl-C handler before the command's imports.
"""

__all__ = ["main"]


def __getattr__(name: str):
    if name == "main":
        from simoffice.cli.main import main

        return main
    raise AttributeError(f"module 'simoffice.cli' has no attribute {name!r}")
