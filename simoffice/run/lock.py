"""One run per directory: an exclusive lock held for the run's lifetime.

A run takes ``<run dir>/.simoffice.lock`` (``fcntl.flock``, exclusive, without
waiting) before anything is written into its directory, and holds it until it
ends; the file records the holder's process id. A second run into the same
directory finds the lock taken and is refused
(:class:`RunDirectoryInUse`: ``run directory X is in use by another simoffice run
(pid N)``) without writing anything there: the lock file is opened, never truncated,
until the lock is held.

The lock belongs to the open file, so it is released whenever the holder ends,
however it ends (killed outright too); worker processes forked while it is held
share it, so a directory stays in use while any of them lives. The file itself is
left in place (removing it would let two runs lock two different files of the same
name).
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

LOCK_NAME = ".simoffice.lock"


class RunDirectoryInUse(OSError):
    """Another simoffice run holds the directory's lock.

    Attributes:
        out_dir: the run directory.
        pid: the holder's process id as its lock file records it, or None if unreadable.
    """

    def __init__(self, out_dir: Path, pid: int | None):
        self.out_dir = out_dir
        self.pid = pid
        super().__init__(f"run directory {out_dir} is in use by another simoffice run "
                         f"(pid {'unknown' if pid is None else pid})")

    def __str__(self) -> str:
        return self.args[0]


def holder(out_dir: Path) -> int | None:
    """The process id recorded in ``out_dir``'s lock file, or None."""
    try:
        return int((Path(out_dir) / LOCK_NAME).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def in_use(out_dir: Path) -> bool:
    """Whether a run holds ``out_dir``'s lock now (creates nothing)."""
    path = Path(out_dir) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


@contextmanager
def hold(out_dir: Path) -> Iterator[Path]:
    """Hold ``out_dir``'s lock for the ``with`` block, creating the directory (and
    its parents) and the lock file if need be; yields the lock file's path.

    Raises:
        RunDirectoryInUse: another run holds the lock (nothing in ``out_dir`` is changed).
        OSError: the directory or the lock file cannot be created (a path through
            a file, a read-only file system …).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunDirectoryInUse(out_dir, holder(out_dir)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        os.close(fd)  # releases the lock (unless a forked worker still holds the file open)
