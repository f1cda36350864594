"""``simoffice-calibrate``: fit a network config to an office's queue-system log.

    simoffice-calibrate LOG --out configs/network/NAME.yaml [--calls CALLS] [options]

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
from simoffice.calibration.logs import LogError, read_log
from simoffice.calibration.network_yaml import write_network
from simoffice.calibration.summary import format_summary
from simoffice.reports.calibration import write_calibration_report
from simoffice.vocabulary import DAY


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Fit a network config to an office's queue-system log (a ticket log, CSV or parquet).",
        epilog="Example: simoffice-calibrate experiments/data/sample_ticket_log.csv "
               "--out configs/network/sample_office.yaml, then simoffice network=sample_office design=co_located")
    p.add_argument("log", help="the ticket log (CSV or parquet; see README, 'Calibrating from a queue-system log')")
    p.add_argument("--out", required=True, help="the network config to write, e.g. configs/network/NAME.yaml")
    p.add_argument("--report", default=None,
                   help="the calibration page to write (default: results/calibration/NAME/calibration.html)")
    p.add_argument("--calls", default=None, help="a call log of the contact centre (CSV or parquet)")
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
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    return p


def fail(message: str) -> None:
    """One line on stderr, exit status 2."""
    print(f"{PROG}: {message}", file=sys.stderr)
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
    """Console-script entry point: ``simoffice-calibrate LOG --out PATH [options]``."""
    args = _parser().parse_args(argv)
    out = Path(args.out)
    if out.suffix not in (".yaml", ".yml"):
        fail(f"--out: expected a path ending in .yaml, e.g. configs/network/my_office.yaml (got '{out}')")
    if out.exists() and not args.force:
        fail(f"--out: expected a file that does not exist yet, or --force to replace it (got '{out}')")
    if args.return_window_days < 1:
        fail(f"--return-window-days: expected an integer >= 1 (got {args.return_window_days})")
    if args.bin_min < 1 or DAY % args.bin_min:
        fail(f"--bin-min: expected a divisor of 1440 such as 15, 30 or 60 (got {args.bin_min})")
    holidays = _dates(args.holidays)
    report = Path(args.report) if args.report else Path("results") / "calibration" / out.stem / "calibration.html"
    try:
        schedule = load_schedule(args.schedule)
    except ValueError as err:
        fail(str(err))
    try:
        log = read_log(args.log, kind="tickets", timezone=args.timezone, time_format=args.time_format)
        calls = None
        if args.calls:
            calls = read_log(args.calls, kind="calls", timezone=args.timezone, time_format=args.time_format)
        cal = calibrate(log, name=out.stem, bin_min=args.bin_min, holidays=holidays,
                        detect_holidays=not args.no_detect_holidays, schedule=schedule,
                        schedule_name=Path(args.schedule).stem, return_window_days=args.return_window_days,
                        calls=calls)
    except LogError as err:
        fail(f"log error: {err}")
    except ValueError as err:  # an option the log cannot satisfy (e.g. an unknown time zone)
        fail(str(err).splitlines()[0] if str(err) else type(err).__name__)
    command = " ".join([PROG, *(_quote(a) for a in (argv if argv is not None else sys.argv[1:]))])
    if "--force" not in command.split():
        command += " --force"
    try:
        write_network(cal, out, force=args.force, source=args.log, command=command)
    except FileExistsError as err:
        fail(str(err))
    report.parent.mkdir(parents=True, exist_ok=True)
    write_calibration_report(cal, report)
    print(format_summary(cal))
    print(f"\nNetwork config: {out}\nCalibration page: {report}")
    in_configs = out.parent.name == "network" and out.parent.parent.name == "configs"
    if in_configs:
        print(f"Run it: simoffice network={out.stem} design=co_located")


def _quote(arg: str) -> str:
    return arg if arg and all(ch.isalnum() or ch in "-_./=:,%" for ch in arg) else repr(arg)


if __name__ == "__main__":
    main()
