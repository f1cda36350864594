"""simoffice: a discrete-event simulator of a network of public service offices.

From Python (a notebook, a script)::

    import simoffice
    cfg = simoffice.compose("network=mmc", "run.replications=5")
    res = simoffice.simulate(cfg)
    res.measures            # mean and 95 % interval of every measure
    res.contacts.head()     # a row per contact
    cmp = simoffice.compare({"mon_thu": simoffice.compose("schedule=mon_thu"),
                             "five_day": simoffice.compose("schedule=five_day")})
    cmp.verdicts            # paired differences, in words

From the command line: ``simoffice network=mmc network.servers=5``.
"""

from __future__ import annotations

from simoffice import reports  # noqa: F401  (registers the page writers every save uses)
from simoffice.config.compose import compose
from simoffice.errors import ConfigError, InvariantError, RunInterrupted
from simoffice.run.results import Results
from simoffice.run.simulate import simulate
from simoffice.studies.compare import Comparison, compare
from simoffice.version import __version__

__all__ = [
    "simulate", "compose", "compare", "Comparison", "Results",
    "ConfigError", "InvariantError", "RunInterrupted", "__version__",
]
