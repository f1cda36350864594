"""``simoffice-calibrate``: fit a network config to an office's queue-system log.

    simoffice-calibrate LOG --out configs/network/NAME.yaml [--calls CALLS | --intervals FILE] [options]
    simoffice-calibrate --calls CALLS --out …        (a contact centre alone; or --intervals FILE)

Every mistake in the options or the log ends in one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Sequence

from simoffice.calibration import visits
from simoffice.calibration.calibrate import DEFAULT_SCHEDULE, PROG, calibrate, load_schedule
from simoffice.calibration.interval_report import INTERVAL_COLUMNS, read_interval_report
from simoffice.calibration.logs import CALL_COLUMNS, TICKET_COLUMNS, LogError, read_log
from simoffice.calibration.network_yaml import write_network
from simoffice.calibration.summary import format_check, format_summary
from simoffice.calibration.table import check_timezone, column_map, normalise, one_line
from simoffice.calibration.validation import CHECK_REPLICATIONS, check_against_log
from simoffice.config.hydra_errors import write_error
from simoffice.reports.calibration import write_calibration_report
from simoffice.vocabulary import DAY


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Fit a network config to an office's queue-system log (a ticket log: CSV, Excel .xlsx or "
                    "parquet).",
        epilog="Example: simoffice-calibrate experiments/data/sample_ticket_log.csv "
               "--out configs/network/sample_office.yaml, then simoffice network=sample_office design=co_located")
    p.add_argument("log", nargs="?", default=None,
                   help="the ticket log (CSV or parquet; see docs/pages/calibration.md); "
                        "may be left out with --calls or --intervals: a call log or an interval report alone makes "
                        "a contact-centre network")
    p.add_argument("--out", required=True, help="the network config to write, e.g. configs/network/NAME.yaml")
    p.add_argument("--report", default=None,
                   help="the calibration page to write (default: results/calibration/NAME/calibration.html)")
    p.add_argument("--calls", default=None, help="a call log of the contact centre (CSV or parquet)")
    p.add_argument("--intervals", default=None, metavar="FILE",
                   help="instead of --calls: the contact centre's interval report (ACD half-hours: offered, "
                        "handled, abandoned, AHT, ASA, agents; see docs/pages/calibration.md, 'Interval reports')")
    p.add_argument("--short-abandon-sec", type=float, default=0.0,
                   help="drop abandoned calls that waited less than this many seconds (misdials; default 0: none)")
    p.add_argument("--bin-min", type=int, default=60, help="width of the arrival profile's bins, minutes (default 60)")
    p.add_argument("--holidays", default="", help="public holidays to leave out, ISO dates separated by commas")
    p.add_argument("--no-detect-holidays", action="store_true",
                   help="do not detect holidays (days with no ticket whose weekday usually has many)")
    p.add_argument("--schedule", default=DEFAULT_SCHEDULE,
                   help="the schedule whose shifts staff the desks: a name in configs/schedule/ or a YAML file "
                        "(default five_day)")
    p.add_argument("--return-window-days", type=int, default=visits.RETURN_WINDOW_DAYS,
                   help="a ticket for the same service by the same client within this many days is a return "
                        "(default 7)")
    p.add_argument("--timezone", default=None,
                   help="IANA time zone (e.g. Europe/Moscow) to convert timestamps with an offset to")
    p.add_argument("--time-format", default=None,
                   help="strftime format of timestamps that are not ISO 8601, e.g. '%%d.%%m.%%Y %%H:%%M'")
    p.add_argument("--sep", default=None, help="the CSV delimiter: ',' ';' '|' or tab (default: detected)")
    p.add_argument("--encoding", default=None,
                   help="the CSV text encoding, e.g. cp1251 (default: detected: UTF-8, UTF-16, cp1251 or cp1252)")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=EXPORT_COLUMN|FILE.yaml",
                   help="which column of the export is which column of the log format, e.g. ticket_id='Ticket No' "
                        "or issued_at=Date+Time; or a mapping YAML file (repeatable)")
    p.add_argument("--outcome", action="append", default=[], metavar="OUTCOME=CODE[,CODE...]",
                   help="the export's outcome codes for an outcome, e.g. reneged=abandoned,left (repeatable)")
    p.add_argument("--check-replications", type=int, default=CHECK_REPLICATIONS, metavar="N",
                   help="simulate the written network N times over the log's calendar and show it against the "
                        f"log (default {CHECK_REPLICATIONS}; 0: no check)")
    p.add_argument("--empty", action="append", default=[], metavar="CODE",
                   help="a code that means an empty cell, e.g. 0:00:00 for a time that never happened (repeatable)")
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    return p


def fail(message: str) -> None:
    """One line on stderr (control characters escaped), exit status 2."""
    print(f"{PROG}: {one_line(message)}", file=sys.stderr)
    sys.exit(2)


def _dates(text: str) -> list[dt.date]:
    out = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            out.append(dt.date.fromisoformat(part))
        except ValueError:
            fail(f"--holidays: expected ISO dates separated by commas, e.g. 2026-02-23,2026-03-09 (got {part!r})")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: ``simoffice-calibrate LOG --out PATH [options]``.
    Ctrl-C ends it with one line and exit status 130."""
    _WRITTEN.clear()
    try:
        _calibrate(argv)
    except KeyboardInterrupt:
        for path in _WRITTEN:  # nothing half-written: the network goes without its page
            path.unlink(missing_ok=True)
        print(f"{PROG}: interrupted; nothing was written", file=sys.stderr)
        sys.exit(130)


# What this command has written so far (removed again if it is interrupted).
_WRITTEN: list[Path] = []


def _calibrate(argv: Sequence[str] | None) -> None:
    args = _parser().parse_args(argv)
    out = Path(args.out)
    if out.suffix not in (".yaml", ".yml"):
        fail(f"--out: expected a path ending in .yaml, e.g. configs/network/my_office.yaml (got '{out}')")
    if out.stem.startswith(".") or not out.stem.strip() or "=" in out.stem:
        # The file's stem names the network (network=<stem>) and the page's folder under results/.
        fail(f"--out: expected a file whose name names the network, e.g. configs/network/my_office.yaml "
             f"(got '{out}')")
    if out.exists() and not args.force:
        fail(f"--out: expected a file that does not exist yet, or --force to replace it (got '{out}')")
    if args.return_window_days < 1:
        fail(f"--return-window-days: expected an integer >= 1 (got {args.return_window_days})")
    if args.bin_min < 1 or DAY % args.bin_min:
        fail(f"--bin-min: expected a divisor of 1440 such as 15, 30 or 60 (got {args.bin_min})")
    if args.check_replications == 1 or args.check_replications < 0:
        fail(f"--check-replications: expected 0 (no check) or an integer >= 2 (got {args.check_replications})")
    if not args.short_abandon_sec >= 0:
        fail(f"--short-abandon-sec: expected a number of seconds >= 0 (got {args.short_abandon_sec:g})")
    holidays = _dates(args.holidays)
    try:
        if args.timezone is not None:
            check_timezone(args.timezone)
        maps = {kind: column_map(_maps_for(kind, args.map), args.outcome, kind, args.empty)
                for kind in ("tickets", "calls", "intervals")}
    except ValueError as err:
        fail(str(err))
    report = Path(args.report) if args.report else Path("results") / "calibration" / out.stem / "calibration.html"
    try:
        schedule = load_schedule(args.schedule)
    except Exception as err:  # also a schedule file that is not YAML, or whose values do not resolve
        if str(err).startswith("--schedule:"):
            fail(str(err))
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        fail(f"--schedule: expected a schedule YAML file with shifts (got {args.schedule!r}: {first})")
    try:
        if args.log is None and not args.calls and not args.intervals:
            fail("LOG: expected a ticket log, or a call log with --calls, or an interval report with --intervals "
                 "(got none)")
        if args.calls and args.intervals:
            fail("--intervals: expected either a call log (--calls) or an interval report (--intervals), not both "
                 f"(got {args.calls!r} and {args.intervals!r})")
        log = None if args.log is None else _read(args.log, "tickets", args, maps)
        calls = _read(args.calls, "calls", args, maps) if args.calls else None
        intervals = None if not args.intervals else read_interval_report(
            args.intervals, timezone=args.timezone, time_format=args.time_format, sep=args.sep,
            encoding=args.encoding, column_map=maps["intervals"])
        cal = calibrate(log, name=out.stem, bin_min=args.bin_min, holidays=holidays,
                        detect_holidays=not args.no_detect_holidays, schedule=schedule,
                        schedule_name=Path(args.schedule).stem, return_window_days=args.return_window_days,
                        calls=calls, short_abandon_sec=args.short_abandon_sec, intervals=intervals)
    except LogError as err:
        fail(f"log error: {err}")
    except ValueError as err:  # an option the log cannot satisfy (e.g. an unknown time zone)
        fail(str(err).splitlines()[0] if str(err) else type(err).__name__)
    command = " ".join([PROG, *(_quote(a) for a in (argv if argv is not None else sys.argv[1:]))])
    if "--force" not in command.split():
        command += " --force"
    try:
        report.parent.mkdir(parents=True, exist_ok=True)  # before the network: a page that cannot be is refused first
        write_network(cal, out, force=args.force, source=args.log or args.calls or args.intervals, command=command)
        _WRITTEN.append(out)
    except FileExistsError as err:
        if err.errno is None:  # --out exists (without --force)
            fail(str(err))
        _cannot_write(err, report.parent)
    except OSError as err:
        _cannot_write(err, out)
    check, check_error = None, None
    if args.check_replications and cal.log.kind == "intervals":
        cal.notes.append("not checked against the log: an interval report alone has no per-call records "
                         "to compare the model with")
    elif args.check_replications:
        try:
            check = check_against_log(cal, schedule, args.check_replications)
        except ValueError as err:  # a bug if it happens: the network was built before it was written
            check_error = f"--check-replications: the check could not run: {str(err).strip() or type(err).__name__}"
    try:
        write_calibration_report(cal, report, check)
    except OSError as err:
        out.unlink(missing_ok=True)  # nothing half-written: the network goes with its page
        _cannot_write(err, report)
    print(format_summary(cal))
    if check is not None:
        print(format_check(check))
    print(f"\nNetwork config: {out}\nCalibration page: {report}")
    in_configs = out.parent.name == "network" and out.parent.parent.name == "configs"
    if in_configs:
        print(f"Run it: simoffice network={out.stem} design=co_located")
    if check_error:
        fail(check_error)


def _cannot_write(err: OSError, path: Path) -> None:
    """``cannot write <path>: <cause>`` for a full or read-only disk, no permission or a file
    in the way (exit status 2); any other OSError is raised on."""
    line = write_error(err, path)
    if line is None:
        raise err
    fail(line)


def _maps_for(kind: str, entries: list[str]) -> list[str]:
    """The ``--map`` entries for one kind of file: an interval report's own columns
    (``interval_start=Interval``) map only the interval report."""
    own = set(INTERVAL_COLUMNS) - set(TICKET_COLUMNS) - set(CALL_COLUMNS)
    return [e for e in entries if (kind == "intervals") or normalise(e.partition("=")[0]) not in own]


def _read(path: str, kind: str, args: argparse.Namespace, maps: dict):
    """A log read with the reading options (``--timezone``, ``--time-format``, ``--sep``, ``--encoding``, ``--map``,
    ``--outcome``)."""
    return read_log(path, kind=kind, timezone=args.timezone, time_format=args.time_format, sep=args.sep,
                    encoding=args.encoding, column_map=maps[kind])


def _quote(arg: str) -> str:
    return arg if arg and all(ch.isalnum() or ch in "-_./=:,%" for ch in arg) else repr(arg)


if __name__ == "__main__":
    main()
