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

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("simoffice")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

from simoffice.api import compose, simulate  # noqa: E402
from simoffice.compare import Comparison, compare  # noqa: E402
from simoffice.errors import ConfigError, InvariantError, RunInterrupted  # noqa: E402
from simoffice.results import Results  # noqa: E402

__all__ = [
    "simulate", "compose", "compare", "Comparison", "Results",
    "ConfigError", "InvariantError", "RunInterrupted", "__version__",
]
