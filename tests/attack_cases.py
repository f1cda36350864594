"""Bad input, kept: a table of bad inputs and the outcome each must have.

Each :class:`Case` is one command (``simoffice`` or ``simoffice-calibrate``) run in a
fresh temporary folder, with the files it needs written there first, and the
outcome it must end in:

- ``clean``: refused in one line — exit status 2 (or 128 + the signal's number for a
  signal), a single stderr line starting ``simoffice: `` or ``simoffice-calibrate: ``
  (argparse's ``usage:`` lines before it are allowed), no traceback, no file written
  but Hydra's own (``.hydra/``, ``*.log``) and a lock file, no file that was there
  before changed;
- ``ok``: runs (exit 0), no traceback, with the named warning (a regular expression
  looked for in stdout, stderr and the warnings of ``summary.json``), every JSON
  file written valid strict JSON, and no forbidden text (the value of ``$HOME``, …)
  in what it wrote.

:func:`run_case` runs a case and :func:`classify` turns what happened into one of
:data:`OUTCOMES`: ``ok`` and ``clean`` as above; ``not clean`` (refused, but not in
the one-line form, with another exit status, or leaving half-written output);
``traceback``; ``accepted`` (exit 0 where a refusal or a warning was expected, or a
run that did not end within its time limit). ``tests/test_attack.py`` asserts every
case's outcome; ``experiments/attack.py`` runs the table against any copy of the
code and counts the outcomes. Each case runs with ``$HOME`` pointing into its folder,
the working directory its folder, 3 GB of address space and a time limit, so that
nothing it does reaches outside.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SIMOFFICE = "simoffice"
CALIBRATE = "simoffice-calibrate"
CLEAN, OK, NOT_CLEAN, TRACEBACK, ACCEPTED = "clean", "ok", "not clean", "traceback", "accepted"
OUTCOMES = (OK, CLEAN, NOT_CLEAN, TRACEBACK, ACCEPTED)
CATEGORIES = ("paths", "code", "run-dir", "yaml", "interpolation", "clock", "overflow", "bounds", "compare",
              "io", "signals", "sweep", "silently-accepted", "calibrate-log", "calibrate-options")

REPO = Path(__file__).resolve().parent.parent
SECRET = "home-s3cr3t-attack"   # $HOME of every case is <tmp>/<SECRET>: a name that leaks it is seen
MEMORY_BYTES = 3 * 1024 ** 3    # address space of a case: a run that would exhaust memory fails instead
TIMEOUT_S = 90.0

# A cheap run: the M/M/c network, one week, two replications, no page. A case's own
# overrides of the same keys replace these (Hydra refuses a key given twice).
FAST = ("network=mmc", "run.weeks=1", "run.warmup_weeks=0", "run.drain_weeks=0", "run.replications=2",
        "run.jobs=1", "run.quiet=true", "run.report=none", "hydra.run.dir={tmp}/run", "hydra.sweep.dir={tmp}/sweep")
SMALL = ("network=single_office",)   # shifts, segments, bundles, desk groups (with FAST: one week)
CAL_FAST = ("--out", "{tmp}/cfg/network/calibrated.yaml", "--report", "{tmp}/cal/calibration.html",
            "--check-replications", "0")


@dataclass(frozen=True)
class Case:
    """One bad input and the outcome it must end in (see the module's docstring)."""

    id: str
    category: str
    args: tuple[str, ...]
    expect: tuple[str, ...] = (CLEAN,)
    command: str = SIMOFFICE
    fast: bool = True                     # add FAST (simoffice) or CAL_FAST (calibrate) before args
    files: tuple[tuple[str, str | bytes], ...] = ()   # path in the folder -> content ("{tmp}" replaced)
    warning: str | None = None            # regex an "ok" run must show (stdout, stderr, summary warnings)
    absent: tuple[str, ...] = ()          # texts that must appear in no output (SECRET: $HOME's value)
    outputs: tuple[str, ...] = ()         # files an "ok" run must have written
    signal: tuple[int, float] | None = None   # (signal, seconds after the start)
    status: int = 2                       # exit status of a clean refusal
    ok_status: tuple[int, ...] = (0,)
    before: tuple[str, ...] | None = None  # simoffice args run first (must succeed), e.g. a complete run
    twice: bool = False                   # two identical commands at once: one runs, one is refused
    kill_parent: float | None = None      # SIGKILL the command this many seconds after its workers start: none may survive
    file_size: int | None = None          # RLIMIT_FSIZE (bytes): a full disk
    env: tuple[tuple[str, str], ...] = ()
    timeout: float = TIMEOUT_S


@dataclass
class Result:
    """What a case did: its outcome and why."""

    id: str
    category: str
    outcome: str
    expected: tuple[str, ...]
    detail: str
    returncode: int | None
    stderr_tail: str
    seconds: float

    @property
    def passed(self) -> bool:
        return self.outcome in self.expected


# ----------------------------------------------------------------------------- files

def _lines(path: Path, n: int) -> str:
    with path.open(encoding="utf-8") as f:
        return "".join(next(f) for _ in range(n))


TICKETS = _lines(REPO / "experiments" / "data" / "sample_ticket_log.csv", 301)   # header + 300 tickets
CALLS = _lines(REPO / "experiments" / "data" / "sample_call_log.csv", 501)
T_HEAD, *T_ROWS = TICKETS.splitlines(keepends=True)


def tickets_with(row: int, column: str, value: str) -> str:
    """The small ticket log with ``column`` of record ``row`` (from 1) set to ``value``."""
    cols = T_HEAD.strip().split(",")
    rows = [r.rstrip("\n").split(",") for r in T_ROWS]
    rows[row - 1][cols.index(column)] = value
    return T_HEAD + "".join(",".join(r) + "\n" for r in rows)


def tickets_without(column: str) -> str:
    cols = T_HEAD.strip().split(",")
    i = cols.index(column)
    return "".join(",".join(c for j, c in enumerate(r.rstrip("\n").split(",")) if j != i) + "\n"
                   for r in TICKETS.splitlines(keepends=True))


def calls_with(row: int, column: str, value: str) -> str:
    """The small call log with ``column`` (added, empty, when it has none) of record ``row`` set to ``value``."""
    head, *rows = CALLS.splitlines()
    cols = head.split(",")
    cells = [r.split(",") for r in rows]
    if column not in cols:
        cols.append(column)
        cells = [c + [""] for c in cells]
    cells[row - 1][cols.index(column)] = value
    return ",".join(cols) + "\n" + "".join(",".join(r) + "\n" for r in cells)


ALIAS_BOMB = "".join(
    [f"a0: &a0 [{', '.join(['lol'] * 9)}]\n"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)])
MMC_NET = "defaults: [schema_mmc, _self_]\nname: {name}\nservers: 5\narrivals_per_hour: 200.0\nservice_mean_min: 1.0\n"
ON_SINGLE = "defaults: [single_office, _self_]\n"
VICTIM = ("victim.txt", "precious\n")
AFILE = ("afile", "a file, not a folder\n")
CALLBACK = ("+hydra.callbacks.evil._target_=builtins.open", "+hydra.callbacks.evil.file={tmp}/victim.txt",
            "+hydra.callbacks.evil.mode=w")
ARMS_OK = '["network.servers=6"]'

BIG_BUNDLE = (ON_SINGLE + "name: big_bundle\nservices:\n"
              + "".join(f"  s{i}:\n    skill: family\n    service_time: {{dist: exponential, mean: 1}}\n"
                        for i in range(130))
              + "bundles:\n  big:\n    needs: [" + ", ".join(f"s{i}" for i in range(130)) + "]\n    share: 0.1\n")
OWL_SHIFT = ("# @package _global_\nschedule:\n  shifts:\n    owl: {start: '20:00', end: '23:00', days: [mon, tue]}\n")
OWL_NET = (ON_SINGLE + "name: owls\noffices:\n  - name: Social centre\n    bundles_per_week: 250\n    desk_groups:\n"
           "      - name: family desks\n        skills: [family, housing]\n        staff: {full: 2, peak: 1}\n"
           "      - name: pension desks\n        skills: [pensions, housing]\n        staff: {full: 1}\n"
           "      - name: owl desks\n        skills: [pensions, housing]\n        staff: {owl: 2}\n")
APPT_NET = (ON_SINGLE + "name: appts\noffices:\n  - name: Social centre\n    bundles_per_week: 250\n    video_stations: 1\n"
            "    desk_groups:\n      - name: family desks\n        skills: [family, housing]\n"
            "        staff: {full: 2, peak: 1}\n      - name: pension desks\n        skills: [pensions, housing]\n"
            "        staff: {full: 1}\n      - name: booked desks\n        skills: [family, housing, pensions]\n"
            "        staff: {full: 1}\n        serves: appointment\n")
HUGE_DEMAND = (ON_SINGLE + "name: huge\noffices:\n  - name: Social centre\n    bundles_per_week: 1.0e+12\n"
               "    desk_groups:\n      - name: family desks\n        skills: [family, housing, pensions]\n"
               "        staff: {full: 2}\n")
MAPPING_TARGET = "columns:\n  ticket_id: ticket_id\n_target_: builtins.open\n"


def arms_file(arms: str) -> tuple[tuple[str, str], ...]:
    """An experiment of the case's config folder comparing ``arms`` (a YAML flow mapping)."""
    return (("cfg/experiment/arms.yaml", f"# @package _global_\ntask: compare\ncompare:\n  arms: {arms}\n"),)


def net(name: str, text: str | bytes) -> tuple[tuple[str, str | bytes], ...]:
    """A network file of the case's own config folder ``{tmp}/cfg``."""
    return ((f"cfg/network/{name}.yaml", text),)


def cfgdir(network: str) -> tuple[str, ...]:
    return ("--config-dir", "{tmp}/cfg", f"network={network}")


def cal(*args: str, expect=(CLEAN,), files=(), **kw) -> dict:
    return dict(command=CALIBRATE, args=args, expect=expect, files=files, **kw)


LOG = ("t.csv", TICKETS)


def _cases() -> list[Case]:
    C = []

    def add(id_: str, category: str, args=(), **kw):
        C.append(Case(id_, category, tuple(args), **kw))

    # -- paths: names that become folders or files
    for name, arm in (("dotdot", ".."), ("slash", "a/b"), ("hidden", ".hidden")):
        add(f"paths-arm-{name}", "paths", ["task=compare", f'compare.arms={{{arm}:{ARMS_OK},b:["network.servers=7"]}}'])
    for name, arm in (("empty", '""'), ("backslash-dotdot", '"..\\\\.."'), ("newline", '"a\\nb"')):
        add(f"paths-arm-{name}-yaml", "paths", ["--config-dir", "{tmp}/cfg", "experiment=arms"],
            files=arms_file(f'{{{arm}: {ARMS_OK}, b: ["network.servers=7"]}}'), expect=(CLEAN, OK))

    # -- code: nothing in a config names an object to instantiate
    add("code-callback-target-override", "code", CALLBACK, files=(VICTIM,))
    add("code-callback-in-experiment", "code", ["--config-dir", "{tmp}/cfg", "experiment=evil"],
        files=(VICTIM, ("cfg/experiment/evil.yaml",
                        "# @package _global_\nhydra:\n  callbacks:\n    evil:\n      _target_: builtins.open\n"
                        "      file: {tmp}/victim.txt\n      mode: w\n")))
    add("code-callback-partial", "code", ["+hydra.callbacks.evil._target_=builtins.print",
                                          "+hydra.callbacks.evil._partial_=true"])
    add("code-callback-args", "code", ["+hydra.callbacks.evil._target_=builtins.print",
                                       "+hydra.callbacks.evil._args_=[pwned]"])
    add("code-own-callback-retargeted", "code", ["hydra.callbacks.sweep_summary._target_=builtins.print"])
    add("code-launcher-retargeted", "code", ["-m", "hydra.launcher._target_=builtins.print",
                                             "network.servers=5,6"])
    add("code-target-in-network-yaml", "code", cfgdir("evil"),
        files=net("evil", MMC_NET.format(name="evil") + "_target_: builtins.print\n"))
    add("code-target-override-network", "code", ["+network._target_=builtins.print"])
    add("code-target-in-arm", "code", ["task=compare",
                                       'compare.arms={a:["+hydra.callbacks.x._target_=builtins.print"],b:[]}'])
    add("code-target-in-calibrate-map", "code",
        **cal("t.csv", "--map", "{tmp}/map.yaml", files=(LOG, ("map.yaml", MAPPING_TARGET))))

    # -- run-dir: one run per directory
    add("rundir-two-commands", "run-dir", ["run.replications=6", "run.weeks=2"], twice=True)
    add("rundir-refused-resume", "run-dir", ["run.resume=true", "network.servers=6"], before=())
    add("rundir-complete-without-resume", "run-dir", [], before=())
    add("rundir-resume-same-config", "run-dir", ["run.resume=true"], before=(), expect=(OK,))
    add("rundir-compare-into-complete-run", "run-dir",
        ["task=compare", f'compare.arms={{a:{ARMS_OK},b:["network.servers=7"]}}'], before=())

    # -- yaml: one line, with file and line, for a config file that cannot be read
    add("yaml-syntax", "yaml", cfgdir("bad"), files=net("bad", "name: [unclosed\nservers: 5\n"))
    add("yaml-tab", "yaml", cfgdir("bad"), files=net("bad", "defaults: [mmc, _self_]\nname: bad\n\tservers: 4\n"))
    add("yaml-duplicate-key", "yaml", cfgdir("bad"),
        files=net("bad", "defaults: [mmc, _self_]\nname: bad\nservers: 4\nservers: 6\n"))
    add("yaml-latin1-bytes", "yaml", cfgdir("bad"),
        files=net("bad", "defaults: [mmc, _self_]\nname: caf\xe9\n".encode("latin-1")))
    add("yaml-utf16", "yaml", cfgdir("bad"),
        files=net("bad", MMC_NET.format(name="utf16").encode("utf-16")), expect=(CLEAN, OK))
    add("yaml-alias-bomb", "yaml", cfgdir("bomb"),
        files=net("bomb", "defaults: [mmc, _self_]\nname: bomb\n" + ALIAS_BOMB), timeout=60)
    add("yaml-not-a-mapping", "yaml", cfgdir("bad"), files=net("bad", "- a\n- b\n"))
    add("yaml-deep-nesting", "yaml", cfgdir("bad"),
        files=net("bad", "name: " + "[" * 5000 + "]" * 5000 + "\n"))
    add("yaml-experiment-syntax", "yaml", ["--config-dir", "{tmp}/cfg", "experiment=bad"],
        files=(("cfg/experiment/bad.yaml", "# @package _global_\nrun: {weeks: 2\n"),))
    add("yaml-schedule-tab", "yaml", ["--config-dir", "{tmp}/cfg", *SMALL, "schedule=bad"],
        files=(("cfg/schedule/bad.yaml", "defaults: [five_day, _self_]\nname: bad\n\tclosing_policy: x\n"),))
    add("yaml-override-syntax", "yaml", ["network.servers=[1,"])
    add("yaml-unknown-group-option", "yaml", ["network=nope"])
    add("yaml-bom", "yaml", cfgdir("bom"), files=net("bom", "\ufeff" + MMC_NET.format(name="bom")),
        expect=(OK, CLEAN))

    # -- interpolation: only where documented; a name is taken literally or refused
    add("interp-env-missing", "interpolation", ["network.name=${oc.env:NOPE_SIMOFFICE_ATTACK}"])
    add("interp-env-home-name", "interpolation", ["network.name=${oc.env:HOME}"], expect=(CLEAN, OK),
        absent=(SECRET,))
    add("interp-env-home-name-yaml", "interpolation", cfgdir("home"),
        files=net("home", MMC_NET.format(name='"${oc.env:HOME}"')), expect=(CLEAN, OK), absent=(SECRET,))
    add("interp-env-home-currency", "interpolation", ["run.currency=${oc.env:HOME}"], expect=(CLEAN, OK),
        absent=(SECRET,))
    add("interp-env-home-arm", "interpolation",
        ["--config-dir", "{tmp}/cfg", "experiment=arms"],
        files=arms_file('{"${oc.env:HOME}": [], b: ["network.servers=6"]}'), expect=(CLEAN, OK), absent=(SECRET,))
    add("interp-env-home-standard-label", "interpolation", ["standards.walk_in_wait.label=${oc.env:HOME}"],
        expect=(CLEAN, OK), absent=(SECRET,))
    add("interp-unknown-resolver", "interpolation", ["network.name=${nope:x}"])
    add("interp-self-reference", "interpolation", ["network.name=${network.name}"])
    add("interp-env-in-number", "interpolation", ["network.servers=${oc.env:NOPE_SERVERS}"])
    add("interp-env-in-run-dir", "interpolation", ["hydra.run.dir={tmp}/${oc.env:NOPE_SIMOFFICE_DIR}"])

    # -- clock: only ASCII 'HH:MM'
    for name, value in (("superscript", "²:00"), ("arabic-indic", "٠٨:٠٠"), ("fullwidth", "０８:００"),
                        ("negative", "-1:00"), ("seconds", "08:00:00")):
        add(f"clock-shift-{name}", "clock", [*SMALL, f"schedule.shifts.full.start='{value}'"])
    add("clock-opening-superscript", "clock", [*SMALL, "schedule.opening_hours.mon='08:00-1⁷:00'"])
    add("clock-profile-start-arabic", "clock", [*SMALL, "network.arrival_profile.start='٠٨:٠٠'"])
    add("clock-start-date-fullwidth", "clock", ["run.start_date='２０２６-01-12'"])
    add("clock-holiday-arabic", "clock", [*SMALL, "schedule.holidays=['٢٠٢٦-02-23']"])

    # -- overflow: values beyond the log's packed types
    add("overflow-priority-40000", "overflow", [*SMALL, "network.segments.families.priority=40000"])
    add("overflow-priority-minus-40000", "overflow", [*SMALL, "network.segments.families.priority=-40000"])
    add("overflow-bundle-130-needs", "overflow", cfgdir("big_bundle"), files=net("big_bundle", BIG_BUNDLE))
    add("overflow-servers-3e9", "overflow", ["network.servers=3000000000"], timeout=60)
    add("overflow-seed-negative", "overflow", ["run.seed=-1"])
    add("overflow-arrivals-inf", "overflow", ["network.arrivals_per_hour=inf"])
    # -- bounds: resource-hungry values refused before anything runs, the bound in the message
    add("bounds-servers-1e9", "bounds", ["network.servers=1000000000"], timeout=60)
    add("bounds-max-visits-1e6", "bounds", [*SMALL, "network.max_visits=1000000"], timeout=60)
    add("bounds-weeks-100000", "bounds", ["run.weeks=100000"], timeout=60)
    add("bounds-replications-1e6", "bounds", ["run.replications=1000000"], timeout=60)
    add("bounds-jobs-1000", "bounds", ["run.jobs=1000"], expect=(CLEAN, OK), warning=r"(?i)jobs")
    add("bounds-arrivals-1e9", "bounds", ["network.arrivals_per_hour=1e9", "network.patience_mean_min=1"],
        timeout=60)
    add("bounds-office-demand-1e12", "bounds", cfgdir("huge"), files=net("huge", HUGE_DEMAND), timeout=60)
    add("bounds-synthetic-offices-1e6", "bounds", ["network=synthetic", "network.offices=1000000"], timeout=60)
    add("bounds-synthetic-population-1e12", "bounds", ["network=synthetic", "network.population=1000000000000"],
        timeout=60)
    # -- compare: compare.arms a mapping of lists of overrides
    add("compare-arms-list", "compare", ["task=compare", "compare.arms=[a,b]"])
    add("compare-arm-string", "compare", ["task=compare", 'compare.arms={a:"design=siloed",b:[]}'])
    add("compare-arm-mapping", "compare", ["task=compare", "compare.arms={a:{x:1},b:[]}"])
    add("compare-one-arm", "compare", ["task=compare", "compare.arms={a:[]}"])
    add("compare-arm-bad-value", "compare", ["task=compare", 'compare.arms={a:["network.servers=-1"],b:[]}'])
    add("compare-arm-unparsable", "compare", ["task=compare", 'compare.arms={a:["network.servers=[1,"],b:[]}'])
    add("compare-arm-unknown-key", "compare", ["task=compare", 'compare.arms={a:["run.wekks=2"],b:[]}'])
    add("compare-two-arms", "compare", ["task=compare", f'compare.arms={{a:{ARMS_OK},b:["network.servers=7"]}}'],
        expect=(OK,), outputs=("run/comparison.json",))

    # -- io: the file system says no
    add("io-run-dir-is-a-file", "io", ["hydra.run.dir={tmp}/afile"], files=(AFILE,))
    add("io-run-dir-under-a-file", "io", ["hydra.run.dir={tmp}/afile/run"], files=(AFILE,))
    add("io-run-dir-name-too-long", "io", ["hydra.run.dir={tmp}/" + "n" * 300])
    add("io-disk-full", "io", ["run.report=full"], file_size=64 * 1024)
    add("io-config-dir-missing", "io", ["--config-dir", "{tmp}/nope", "network=mine"])
    add("io-calibrate-disk-full", "io", **cal("t.csv", files=(LOG,), file_size=2 * 1024))
    add("io-calibrate-log-missing", "io", **cal("{tmp}/nope.csv"))
    add("io-calibrate-log-is-a-folder", "io", **cal("{tmp}"))
    add("io-calibrate-out-under-a-file", "io", **cal("t.csv", "--out", "{tmp}/afile/x.yaml", "--check-replications", "0", files=(LOG, AFILE)),
        fast=False)
    add("io-calibrate-report-under-a-file", "io",
        **cal("t.csv", "--out", "{tmp}/x.yaml", "--report", "{tmp}/afile/c.html", "--check-replications", "0",
              files=(LOG, AFILE)), fast=False)
    add("io-calibrate-out-is-a-folder", "io",
        **cal("t.csv", "--out", "{tmp}/adir", "--force", "--check-replications", "0",
              files=(LOG, ("adir/keep", "x"))), fast=False)

    # -- signals: stopped at any moment, one line
    for sig, status in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        for after in (0.3, 1.0):
            add(f"signal-{sig.name.lower()}-at-{after}s", "signals", ["run.replications=40", "run.weeks=2"],
                signal=(int(sig), after), status=status)
    add("signal-sigint-compare-at-4s", "signals",
        ["task=compare", f'compare.arms={{a:{ARMS_OK},b:["network.servers=7"]}}', "run.replications=40"],
        signal=(int(signal.SIGINT), 4.0), status=130)
    add("signal-sigint-calibrate-at-0.3s", "signals", **cal("t.csv", files=(LOG,)),
        signal=(int(signal.SIGINT), 0.3), status=130)
    add("signal-sigint-calibrate-at-3s", "signals", **cal("t.csv", files=(LOG,), expect=(CLEAN, OK)),
        signal=(int(signal.SIGINT), 3.0), status=130)  # (a fast machine has finished by then)
    add("signal-kill-parent-workers-end", "signals", ["run.replications=40", "run.weeks=3", "run.jobs=2"],
        kill_parent=2.0, expect=(OK,))

    # -- sweep
    add("sweep-two-jobs", "sweep", ["-m", "network.servers=5,6"], expect=(OK,),
        outputs=("sweep/summary.parquet",))
    add("sweep-one-invalid-job", "sweep", ["-m", "network.servers=0,5"], expect=(OK,), ok_status=(0, 2),
        warning=r"servers", outputs=("sweep/summary.parquet",))
    add("sweep-mixed-types", "sweep", ["-m", "run.currency=EUR,5"], expect=(OK,),
        outputs=("sweep/summary.parquet",))
    # Each failed job is a mistake of its own: a line each, then the sweep's verdict, status 2.
    add("sweep-all-invalid", "sweep", ["-m", "network.servers=0,-1"], expect=(OK,), ok_status=(2,),
        warning="no job of 2 has results")
    add("sweep-unknown-launcher", "sweep", ["-m", "hydra/launcher=nope", "network.servers=5,6"])
    add("sweep-kill-parent-workers-end", "sweep", ["-m", "network.servers=5,6", "run.replications=40",
                                                   "run.weeks=3"], kill_parent=2.0, expect=(OK,))

    # -- silently accepted: runs, with a word
    add("silent-staff-outside-hours", "silently-accepted", ["--config-dir", "{tmp}/cfg", "network=owls",
                                                            "+shifts=owl"],
        files=net("owls", OWL_NET) + (("cfg/shifts/owl.yaml", OWL_SHIFT),), expect=(OK,), warning=r"owl")
    add("silent-appointment-desks-without-appointments", "silently-accepted", cfgdir("appts"),
        files=net("appts", APPT_NET), expect=(OK, CLEAN), warning=r"booked desks")
    add("silent-bundle-shares-1.1", "silently-accepted", [*SMALL, "network.bundles.family_bundle.share=0.5"],
        expect=(OK, CLEAN), warning=r"(?i)shares?\b.*1\.1|1\.1.*shares?\b|sum")
    add("silent-one-replication", "silently-accepted", ["run.replications=1"], expect=(OK,),
        warning=r"(?i)\b(1|one|single) replication")
    add("silent-staff-cost-1e308", "silently-accepted", [*SMALL, "network.staff_cost_per_hour=1e308"],
        expect=(OK, CLEAN), warning=r"(?i)cost")
    add("silent-network-without-name", "silently-accepted", cfgdir("anon"),
        files=net("anon", "defaults: [schema_mmc, _self_]\nservers: 5\narrivals_per_hour: 200.0\n"
                          "service_mean_min: 1.0\n"), expect=(CLEAN, OK), absent=("???",))
    add("silent-staff-cost-inf", "silently-accepted", [*SMALL, "network.staff_cost_per_hour=inf"])
    add("silent-staff-cost-negative", "silently-accepted", [*SMALL, "network.staff_cost_per_hour=-5"])
    add("silent-segment-mix-1.2", "silently-accepted",
        [*SMALL, "network.bundles.family_bundle.segment_mix={families:0.7,pensioners:0.5}"],
        expect=(OK, CLEAN), warning=r"(?i)segment_mix|mix")

    # -- calibrate-log: a log that cannot be used is refused in one line; odd rows are counted
    L = "t.csv"
    add("cal-empty-file", "calibrate-log", **cal(L, files=((L, ""),)))
    add("cal-header-only", "calibrate-log", **cal(L, files=((L, T_HEAD),)))
    add("cal-missing-column", "calibrate-log", **cal(L, files=((L, tickets_without("called_at")),)))
    add("cal-utc-offset-without-timezone", "calibrate-log",
        **cal(L, files=((L, tickets_with(1, "issued_at", "2026-01-19T05:02:43Z")),)))
    add("cal-empty-office", "calibrate-log", **cal(L, files=((L, tickets_with(5, "office", "")),)))
    add("cal-unicode-digits-timestamp", "calibrate-log",
        **cal(L, files=((L, tickets_with(6, "issued_at", "٢٠٢٦-01-19 08:02:43")),)))
    add("cal-year-1600", "calibrate-log",
        **cal(L, files=((L, tickets_with(7, "issued_at", "1600-01-19 08:02:43")),)))
    add("cal-ragged-row", "calibrate-log", **cal(L, files=((L, tickets_with(10, "desk", "d,extra,more")),)))
    add("cal-unterminated-quote", "calibrate-log",
        **cal(L, files=((L, tickets_with(11, "desk", '"family desks 1')),)))
    add("cal-binary-garbage", "calibrate-log", **cal(L, files=((L, bytes(range(256)) * 8),)))
    add("cal-forced-utf8-on-cp1252", "calibrate-log",
        **cal(L, "--encoding", "utf-8",
              files=((L, tickets_with(1, "desk", "café desk").encode("cp1252")),)))
    add("cal-fake-xlsx", "calibrate-log", **cal("t.xlsx", files=(("t.xlsx", TICKETS),)))
    add("cal-fake-parquet", "calibrate-log", **cal("t.parquet", files=(("t.parquet", TICKETS),)))
    add("cal-all-empty-ids", "calibrate-log",
        **cal(L, files=((L, T_HEAD + "".join("," + r.split(",", 1)[1] for r in T_ROWS)),)))
    add("cal-calls-answered-and-abandoned", "calibrate-log",
        **cal("--calls", "c.csv", files=(("c.csv", calls_with(1, "abandoned_at", "2026-01-19 07:04:20")),),
              expect=(OK,), warning="served calls with a time of hanging up"))
    add("cal-intervals-garbage", "calibrate-log",
        **cal(L, "--intervals", "i.csv", files=(LOG, ("i.csv", "what,is,this\n1,2,3\n"))))
    # odd but usable: counted, listed, not refused
    add("cal-ok-duplicate-ids", "calibrate-log", **cal(L, files=((L, TICKETS + T_ROWS[5] + T_ROWS[6]),), expect=(OK,),
              warning=r"(?i)repeat|duplicate"))
    add("cal-ok-semicolons-cp1251", "calibrate-log",
        **cal(L, files=((L, TICKETS.replace(",", ";").replace("Social centre", "Соцзащита").encode("cp1251")),), expect=(OK,)))
    add("cal-ok-utf16-tabs", "calibrate-log", **cal(L, files=((L, TICKETS.replace(",", "\t").encode("utf-16")),), expect=(OK,)))
    add("cal-ok-crlf-bom", "calibrate-log",
        **cal(L, files=((L, "\ufeff" + TICKETS.replace("\n", "\r\n")),), expect=(OK,)))
    add("cal-ok-home-in-office-name", "calibrate-log",
        **cal(L, files=((L, TICKETS.replace("Social centre", "${oc.env:HOME}")),), expect=(OK,),
              absent=(SECRET,)))
    add("cal-ok-calls-alone", "calibrate-log", **cal("--calls", "c.csv", files=(("c.csv", CALLS),), expect=(OK,)))

    # -- calibrate-options: a bad option is one line
    for name, opts in (("bin-min-7", ("--bin-min", "7")), ("bin-min-0", ("--bin-min", "0")),
                       ("bin-min-text", ("--bin-min", "abc")),
                       ("holidays-bad-date", ("--holidays", "2026-13-45")),
                       ("return-window-negative", ("--return-window-days", "-1")),
                       ("check-replications-1", ("--check-replications", "1")),
                       ("short-abandon-nan", ("--short-abandon-sec", "nan")),
                       ("schedule-missing", ("--schedule", "{tmp}/nope.yaml")),
                       ("map-unknown-target", ("--map", "nope=ticket_id")),
                       ("outcome-empty-code", ("--outcome", "served=")),
                       ("sep-two-chars", ("--sep", "::")), ("encoding-unknown", ("--encoding", "nope-enc")),
                       ("time-format-mismatch", ("--time-format", "%d.%m.%Y %H:%M"))):
        add(f"cal-option-{name}", "calibrate-options", **cal(L, *opts, files=(LOG,)))
    add("cal-option-no-log", "calibrate-options", **cal())
    add("cal-option-calls-and-intervals", "calibrate-options",
        **cal(L, "--calls", "c.csv", "--intervals", "c.csv", files=(LOG, ("c.csv", CALLS))))
    add("cal-option-out-exists", "calibrate-options", **cal(L, files=(LOG, ("cfg/network/calibrated.yaml", "x\n"))))
    add("cal-option-schedule-syntax", "calibrate-options",
        **cal(L, "--schedule", "{tmp}/s.yaml", files=(LOG, ("s.yaml", "shifts: {full: [\n"))))
    add("cal-option-schedule-target", "calibrate-options",
        **cal(L, "--schedule", "{tmp}/s.yaml",
              files=(LOG, ("s.yaml", "_target_: builtins.print\nopening_hours: {mon: '08:00-17:00'}\n"))))
    add("cal-option-schedule-superscript", "calibrate-options",
        **cal(L, "--schedule", "{tmp}/s.yaml",
              files=(LOG, ("s.yaml", "name: s\nopening_hours: {mon: '²:00-17:00'}\nshifts:\n"
                                     "  full: {start: '08:00', end: '17:00', days: [mon]}\n"))))
    add("cal-option-map-yaml-syntax", "calibrate-options",
        **cal(L, "--map", "{tmp}/m.yaml", files=(LOG, ("m.yaml", "columns: {ticket_id: [\n"))))
    add("cal-option-map-yaml-alias-bomb", "calibrate-options",
        **cal(L, "--map", "{tmp}/m.yaml", files=(LOG, ("m.yaml", ALIAS_BOMB))), timeout=60)
    add("cal-option-map-yaml-missing", "calibrate-options", **cal(L, "--map", "{tmp}/none.yaml", files=(LOG,)))
    return C


CASES: list[Case] = _cases()


# ----------------------------------------------------------------------------- running

def _key(arg: str) -> str:
    return arg.split("=", 1)[0].lstrip("+~")


def command_line(case: Case, tmp: Path, bin_dir: Path) -> list[str]:
    """The case's command, its placeholders filled in."""
    args = list(case.args)
    if case.fast:
        own = {_key(a) for a in args}
        base = FAST if case.command == SIMOFFICE else CAL_FAST
        if case.command == SIMOFFICE:
            base = tuple(b for b in base if _key(b) not in own
                         and not (b.startswith("network=") and any(k.startswith("network=") for k in args)))
        else:
            base = tuple(b for i, b in enumerate(base)
                         if not (b.startswith("--") and b in args) and not (i and base[i - 1] in args))
        args = [*args, *base] if case.command == SIMOFFICE else [*base, *args]
    return [str(bin_dir / case.command), *(a.replace("{tmp}", str(tmp)) for a in args)]


def environment(tmp: Path, code: Path | None, case: Case) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA_", "PYTHONPATH", "PYTEST", "COV_"))}
    env["HOME"] = str(tmp / SECRET)
    env["PYTHONPATH"] = str(code) if code is not None else ""
    env["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
    env.update(dict(case.env))
    return env


def _limits(file_size: int | None):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
        if file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    return apply


def _snapshot(root: Path) -> dict[str, str]:
    out = {}
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _write_files(case: Case, tmp: Path) -> None:
    (tmp / SECRET).mkdir(parents=True, exist_ok=True)
    for rel, content in case.files:
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content.replace("{tmp}", str(tmp)), encoding="utf-8")
        else:
            path.write_bytes(content)


def _end_group(proc: subprocess.Popen) -> None:
    """End the process group this harness started for one command (its workers included)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class _Run:
    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool = False
    survivors: bool | None = False   # None: the command ended before it could be killed


def _start(cmd, tmp, env, case) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=tmp, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, preexec_fn=_limits(case.file_size))


def _finish(proc: subprocess.Popen, deadline: float) -> _Run:
    try:
        out, err = proc.communicate(timeout=max(0.1, deadline - time.monotonic()))
        timed_out = False
    except subprocess.TimeoutExpired:
        _end_group(proc)
        out, err = proc.communicate()
        timed_out = True
    return _Run(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), timed_out)


def _members(pgid: int) -> int:
    """Live processes of the process group ``pgid``."""
    n = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        n += int(fields[2]) == pgid and fields[0] != "Z"
    return n


def _kill_parent(proc: subprocess.Popen, settle: float, deadline: float) -> _Run:
    """Once the command has worker processes (or after ``deadline``), let them work ``settle``
    seconds, SIGKILL the command alone and see whether any worker is left 10 s later."""
    while proc.poll() is None and _members(proc.pid) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(settle)
    if proc.poll() is not None:
        out, err = proc.communicate()
        return _Run(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                    survivors=None)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    end = time.monotonic() + 10.0
    while _members(proc.pid) and time.monotonic() < end:
        time.sleep(0.2)
    survivors = _members(proc.pid) > 0
    _end_group(proc)
    out, err = proc.communicate()
    return _Run(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                survivors=survivors)


def execute(case: Case, tmp: Path, code: Path | None = None, bin_dir: Path | None = None) -> list[_Run]:
    """Run the case's command(s) in ``tmp``; ``code``: the folder whose ``simoffice`` package to import
    (None: the installed one)."""
    bin_dir = bin_dir or Path(sys.executable).parent
    env = environment(tmp, code, case)
    cmd = command_line(case, tmp, bin_dir)
    deadline = time.monotonic() + case.timeout
    if case.twice:
        procs = [_start(cmd, tmp, env, case) for _ in range(2)]
        return [_finish(p, deadline) for p in procs]
    proc = _start(cmd, tmp, env, case)
    if case.signal is not None:
        try:
            proc.wait(timeout=case.signal[1])
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, case.signal[0])
    elif case.kill_parent is not None:
        return [_kill_parent(proc, case.kill_parent, deadline)]
    run = _finish(proc, deadline)
    _end_group(proc)
    return [run]


# ----------------------------------------------------------------------------- classifying

PREFIXES = ("simoffice: ", "simoffice-calibrate: ")
ALLOWED_NEW = re.compile(r"(^|/)\.hydra/|\.log$|(^|/)[^/]*\.?lock$")


def _message_lines(stderr: str) -> list[str]:
    """stderr's non-empty lines, argparse's ``usage:`` block left out."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    if lines and lines[0].startswith("usage:"):
        i = 1
        while i < len(lines) and lines[i].startswith(" "):
            i += 1
        lines = lines[i:]
    return lines


def _strict_json(text: str) -> None:
    def refuse(name):
        raise ValueError(f"not JSON: {name}")
    json.loads(text, parse_constant=refuse)


def _written_problems(tmp: Path, before: dict[str, str], after: dict[str, str], case: Case) -> list[str]:
    """Files of an ok run that are not valid JSON or hold a forbidden text."""
    problems = []
    for rel in sorted(set(after) - set(before) | {r for r in after if before.get(r) not in (None, after[r])}):
        path = tmp / rel
        if path.suffix == ".json":
            try:
                _strict_json(path.read_text(encoding="utf-8"))
            except ValueError as err:
                problems.append(f"{rel}: {err}")
        if case.absent and path.suffix in (".json", ".yaml", ".html", ".parquet", ".csv", ".txt", ".log"):
            data = _text_of(path)
            for text in case.absent:
                if text.encode() in data and "/.hydra/" not in f"/{rel}":
                    problems.append(f"{rel} holds {text!r}")
    return problems


def _text_of(path: Path) -> bytes:
    """A file's bytes; a parquet table's text values (its compressed bytes may hold any
    three bytes by chance)."""
    if path.suffix != ".parquet":
        return path.read_bytes()
    import pandas as pd

    frame = pd.read_parquet(path)
    texts = [frame[c].astype(str).unique() for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    return "\n".join(str(v) for values in texts for v in values).encode()


def _warnings_text(tmp: Path, runs: list[_Run]) -> str:
    parts = [r.stdout + r.stderr for r in runs]
    for summary in tmp.rglob("summary.json"):
        try:
            parts.append(json.dumps(json.loads(summary.read_text()).get("warnings"), ensure_ascii=False))
        except (ValueError, OSError, AttributeError):
            pass
    for page in list(tmp.rglob("sweep*.json")) + list(tmp.rglob("comparison.json")):
        parts.append(page.read_text(errors="replace"))
    return "\n".join(parts)


def classify(case: Case, runs: list[_Run], tmp: Path, before: dict[str, str], after: dict[str, str]) -> tuple[str, str]:
    """What the case's run(s) amount to: one of OUTCOMES, and a short reason."""
    text = "\n".join(r.stdout + r.stderr for r in runs)
    if "Traceback (most recent call last)" in text:
        return TRACEBACK, "a traceback"
    if any(r.timed_out for r in runs):
        return ACCEPTED, f"still running after {case.timeout:.0f} s (ended by the harness)"
    if case.kill_parent is not None:
        if runs[0].survivors is None:
            return NOT_CLEAN, f"the command ended (exit {runs[0].returncode}) before it could be killed"
        return (NOT_CLEAN, "a worker outlived its killed parent") if runs[0].survivors else (OK, "workers ended")
    changed = sorted(r for r in before if r in after and before[r] != after[r])
    removed = sorted(r for r in before if r not in after)
    new = sorted(r for r in after if r not in before)
    if case.twice:
        codes = sorted(r.returncode for r in runs)
        if codes == [0, 0]:
            return ACCEPTED, "both commands ran into the same directory"
        if codes[0] == 0:
            refused = [r for r in runs if r.returncode != 0][0]
            lines = _message_lines(refused.stderr)
            if refused.returncode == case.status and len(lines) == 1 and lines[0].startswith(PREFIXES):
                return CLEAN, "one ran, the other refused in one line"
            return NOT_CLEAN, f"the second: exit {refused.returncode}, stderr {lines[-3:]}"
        return NOT_CLEAN, f"exit statuses {codes}"
    run = runs[0]
    if OK in case.expect and run.returncode in case.ok_status:
        problems = _written_problems(tmp, before, after, case)
        problems += [f"{p} not written" for p in case.outputs if not (tmp / p).exists()]
        if case.warning and not re.search(case.warning, _warnings_text(tmp, runs)):
            problems.append(f"no warning matching {case.warning!r}")
        touched = [r for r in changed + removed if not ALLOWED_NEW.search(r)]   # Hydra rewrites its own
        if touched:
            problems.append(f"files there before changed: {touched[:3]}")
        if not problems:
            return OK, "ran as expected"
        if run.returncode == 0:
            return ACCEPTED, "; ".join(problems)
    if run.returncode == 0:
        return ACCEPTED, "exit 0"
    lines = _message_lines(run.stderr)
    status_ok = run.returncode == case.status or (
        case.signal is not None and run.returncode == -case.signal[0] and not lines)
    reasons = []
    if not status_ok:
        reasons.append(f"exit {run.returncode} (expected {case.status})")
    if not (len(lines) == 1 and lines[0].startswith(PREFIXES)) and not (case.signal and not lines):
        reasons.append(f"{len(lines)} stderr lines: {[ln[:120] for ln in lines[-3:]]}")
    half = [r for r in new if not ALLOWED_NEW.search(r)]
    if half:
        reasons.append(f"written: {half[:4]}")
    if changed or removed:
        reasons.append(f"changed: {(changed + removed)[:4]}")
    if reasons:
        return NOT_CLEAN, "; ".join(reasons)
    return CLEAN, lines[0][:200] if lines else f"ended by signal {-run.returncode}"


def run_case(case: Case, tmp: Path, code: Path | None = None, bin_dir: Path | None = None) -> Result:
    """Run one case in the empty folder ``tmp`` and classify it."""
    tmp.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    _write_files(case, tmp)
    if case.before is not None:
        prep = Case(case.id + "-before", case.category, case.before)
        done = execute(prep, tmp, code, bin_dir)[0]
        if done.returncode != 0:
            return Result(case.id, case.category, NOT_CLEAN, case.expect,
                          f"the preparing run failed: {done.stderr[-300:]}", done.returncode, done.stderr[-500:],
                          time.monotonic() - started)
    before = _snapshot(tmp)
    runs = execute(case, tmp, code, bin_dir)
    after = _snapshot(tmp)
    outcome, detail = classify(case, runs, tmp, before, after)
    err = "\n".join(r.stderr for r in runs)
    return Result(case.id, case.category, outcome, case.expect, detail, runs[0].returncode,
                  err[-1500:], time.monotonic() - started)


def by_id(case_id: str) -> Case:
    return next(c for c in CASES if c.id == case_id)
