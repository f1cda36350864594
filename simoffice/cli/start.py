"""The ``simoffice`` command's first lines: Ctrl-C while it starts is one line too.

Importing :mod:`simoffice` (numpy, pandas, scipy, Hydra, the page writers) takes a
second or more. Python's own handler turns a SIGINT in that time into a
``KeyboardInterrupt`` raised from the middle of some import, and a stack trace.
The package and :mod:`simoffice.cli` load their contents only when first asked for
(module ``__getattr__``), so that the console script imports this module, and
installs its handler, before anything heavy is imported: a SIGINT or
SIGTERM while the command starts prints ``simoffice: interrupted by SIGINT while
starting; nothing was written`` and exits with 128 plus the signal's number (130
for SIGINT, 143 for SIGTERM). Once the command runs, its own handler
(:mod:`simoffice.cli.main`) says what an interrupted run had finished.
"""

from __future__ import annotations

import signal
import sys

from simoffice.errors import ConfigError

# The signal that stopped the start-up.
_received: list[int] = []


def _stop(signum: int, frame: object) -> None:
    _received.append(signum)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # once is enough
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def _stopped(prog: str = "simoffice") -> None:
    command = sys.modules.get("simoffice.cli.main")  # its handler may have caught the signal
    signum = (_received or getattr(command, "_received", None) or [signal.SIGINT])[0]
    print(f"{prog}: interrupted by {signal.Signals(signum).name} while starting; nothing was written",
          file=sys.stderr)
    sys.exit(128 + signum)


def _refused(err: ConfigError, prog: str = "simoffice") -> None:
    print(f"{prog}: config error: {err}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    """Console-script entry point: the handler first, then the command (:func:`simoffice.cli.main.main`)."""
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)  # last: once it is caught, so is SIGINT (the start-up test waits for it)
    try:
        from simoffice.cli import usage

        usage.intercept(sys.argv[1:])  # --help: one page, before the heavy imports (simoffice.cli.usage)
        from simoffice.cli.main import main as command

        command()
    except KeyboardInterrupt:
        _stopped()
    except ConfigError as err:  # raised while the modules load (SIMOFFICE_ENGINE, simoffice.engine)
        _refused(err)


def calibrate() -> None:
    """Console-script entry point of ``simoffice-calibrate``: the handler while its modules
    load, then the command (:func:`simoffice.cli.calibrate.main`, which says itself what a
    Ctrl-C interrupted once it runs)."""
    signal.signal(signal.SIGINT, _stop)
    try:
        from simoffice.cli.calibrate import main as command

        signal.signal(signal.SIGINT, signal.default_int_handler)
    except KeyboardInterrupt:
        _stopped("simoffice-calibrate")
    except ConfigError as err:  # raised while the modules load (SIMOFFICE_ENGINE, simoffice.engine)
        _refused(err, "simoffice-calibrate")
    command()
