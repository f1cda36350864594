"""simoffice: a discrete-event simulator of a network of public service offices.

From Python (a notebook, a script)::

    import simoffice
    cfg = simoffice.compose("network=mmc", "run.replications=5")
    res = simoffice.simulate(cfg)
    res.measures            # mean and 95 % interval of every measure
    res.contacts.head()     # a row per contact
    res.save("out")         # tables, summary, config and page
    res = simoffice.load("out")   # the same Results again (a comparison's folder: its Comparison)
    cmp = simoffice.compare({"mon_thu": simoffice.compose("schedule=mon_thu"),
                             "five_day": simoffice.compose("schedule=five_day")})
    cmp.verdicts            # paired differences, in words

From the command line: ``simoffice network=mmc network.servers=5``.
"""

from __future__ import annotations

from simoffice.version import __version__

__all__ = [
    "simulate", "compose", "compare", "load", "Comparison", "Results",
    "ConfigError", "InvariantError", "RunInterrupted", "__version__",
]

# Where each name of the API lives: loaded when first asked for, so that importing a light
# part of the package (the command's start, simoffice.version) does not load the rest.
_API = {
    "simulate": "simoffice.run.simulate", "compose": "simoffice.config.compose",
    "compare": "simoffice.studies.compare", "Comparison": "simoffice.studies.compare",
    "load": "simoffice.studies.saved",
    "Results": "simoffice.run.results", "ConfigError": "simoffice.errors",
    "InvariantError": "simoffice.errors", "RunInterrupted": "simoffice.errors",
}


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'simoffice' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_API[name]), name)
    globals()[name] = value
    return value
