"""Worker processes end when the process that started them ends.

A sweep's jobs run in the joblib launcher's worker processes (loky), and a run's
replications in a pool of its own (``run.jobs``). Killed outright (SIGKILL, the
out-of-memory killer, a lost terminal), the command cannot stop them, and a
worker left alone would go on simulating and could later write a job's results
into a sweep that is over. So each worker watches its parent:

- :func:`mark_origin` (the command, at start-up) records which process it is, in
  the environment the workers inherit: the machine's boot id, its process id and
  its start time (the pair stays unique even when process ids are reused);
- :func:`guard` (in a launcher's worker, as soon as it imports the command's
  module to unpickle a job, and again when the job starts) and
  :func:`watch_parent` (a replication worker's initialiser) start a watchdog thread that ends the process with
  SIGKILL as soon as its parent is no longer the process that started it
  (orphans are adopted by another process, so the parent id changes). A worker
  started just as the command died, adopted before the watch began, is ended by
  :func:`guard` at once: the command's process is gone from this machine.

The watchdog polls every :data:`POLL_S` seconds, so a worker outlives its parent
by at most about that long (longer only while a C extension holds the GIL).
Linux's ``prctl(PR_SET_PDEATHSIG)`` is not used: it fires when the *thread* that
started a worker ends, and loky starts workers from its manager thread too.
A process on another machine (a SLURM or Ray node) only watches its own parent.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

# The environment variable that names the command's process: "<boot id>:<pid>:<start time>".
ORIGIN = "SIMOFFICE_ORIGIN"
POLL_S = 0.2
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def _boot_id() -> str:
    try:
        return BOOT_ID.read_text().strip()
    except OSError:
        return ""


def _start_time(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot), or None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    return stat.rpartition(")")[2].split()[19]


def mark_origin() -> None:
    """Record this process, in the environment, as the one whose workers must end with it."""
    pid = os.getpid()
    os.environ[ORIGIN] = f"{_boot_id()}:{pid}:{_start_time(pid) or ''}"


def origin_gone(origin: str | None = None) -> bool:
    """The process :func:`mark_origin` recorded ran on this machine and is no longer running."""
    origin = os.environ.get(ORIGIN, "") if origin is None else origin
    boot, _, rest = origin.partition(":")
    pid, _, started = rest.partition(":")
    if not boot or not pid.isdigit() or boot != _boot_id():
        return False  # not recorded, or recorded on another machine: nothing to say
    return _start_time(int(pid)) != started


def _end() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_S)
    _end()


def watch_parent(parent: int) -> None:
    """End this process (SIGKILL) as soon as its parent is no longer ``parent``.

    For a pool's initialiser: the pool passes its own process id, so a worker
    whose parent died before the watch began ends at once."""
    if os.getppid() != parent:
        _end()
    threading.Thread(target=_watch, args=(parent,), name="simoffice-parent-watch", daemon=True).start()


_watching: list[int] = []


def guard() -> None:
    """In a worker process of the command (a sweep job): end with the process that
    started it. Does nothing outside a command's workers (no :func:`mark_origin`
    in the environment), in the command's own process, or if already watching."""
    origin = os.environ.get(ORIGIN, "").split(":")
    if len(origin) != 3 or origin[1] == str(os.getpid()) or os.getpid() in _watching:
        return
    if origin_gone():
        _end()
    _watching.append(os.getpid())
    watch_parent(os.getppid())
