"""Stopping a run: SIGINT and SIGTERM stop it cleanly and leave no half-written file.

The command line turns SIGTERM into the same interrupt as SIGINT (Ctrl-C): the
worker processes are ended, nothing is written, and one line on stderr says how
many replications had finished; the exit status is 128 + the signal's number.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import simoffice
from simoffice import runner
from simoffice.errors import RunInterrupted

import networks as N

SCRIPT = Path(sys.executable).parent / "simoffice"
LONG_RUN = ("network=mmc", "network.arrivals_per_hour=60", "network.service_mean_min=4", "run.weeks=2",
            "run.warmup_weeks=1", "run.drain_weeks=0", "run.replications=400", "run.jobs=2", "run.progress=true")
MESSAGE = re.compile(r"^simoffice: interrupted by (SIG\w+) after (\d+) of 400 replications had finished; "
                     r"nothing was written$")


def start(run_dir: Path) -> tuple[subprocess.Popen, list[str]]:
    """Start a long run; a thread collects its stderr (progress bar included)."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.Popen([str(SCRIPT), *LONG_RUN, f"hydra.run.dir={run_dir}"], cwd=run_dir.parent, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    chunks: list[str] = []

    def read():
        for chunk in iter(lambda: proc.stderr.read(64), ""):
            chunks.append(chunk)

    threading.Thread(target=read, daemon=True).start()
    return proc, chunks


def finished(chunks: list[str]) -> int:
    """Replications done so far, from the progress bar ("… 3/400 …")."""
    done = re.findall(r"\| *(\d+)/400", "".join(chunks))
    return int(done[-1]) if done else 0


@pytest.mark.parametrize("sig,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_and_writes_nothing(tmp_path, sig, status):
    run_dir = tmp_path / "run"
    proc, chunks = start(run_dir)
    try:
        deadline = time.monotonic() + 90
        while finished(chunks) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert proc.poll() is None, "".join(chunks)
        before = finished(chunks)
        assert before >= 2, "".join(chunks)
        proc.send_signal(sig)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    time.sleep(0.2)  # let the reader thread take the last bytes
    stderr = "".join(chunks)
    assert proc.returncode == status, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    lines = [ln.strip() for ln in re.split(r"[\r\n]", stderr) if ln.strip() and "replications:" not in ln]
    assert len(lines) == 1, stderr
    m = MESSAGE.match(lines[0])
    assert m, lines[0]
    assert m.group(1) == sig.name
    assert before <= int(m.group(2)) < 400
    assert proc.stdout.read() == ""  # no summary: the run did not finish
    # Nothing half-written: no results, no temporary files; Hydra's own record is removed too.
    leftovers = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert not run_dir.exists(), leftovers
    assert not any(p.endswith(".tmp") or p.endswith(".parquet") for p in leftovers), leftovers


def test_an_interrupt_stops_the_replications_and_says_how_many_had_finished(monkeypatch):
    """In one process: a KeyboardInterrupt during replication 3 of 5."""
    real = runner.run_one

    def run_one(spec, r):
        if r == 3:
            raise KeyboardInterrupt
        return real(spec, r)

    monkeypatch.setattr(runner, "run_one", run_one)
    cfg = N.network(per_week=50, weeks=2, replications=5)
    with pytest.raises(RunInterrupted) as err:
        simoffice.simulate(cfg, progress=False)
    assert (err.value.finished, err.value.total) == (3, 5)
    assert isinstance(err.value, KeyboardInterrupt)
    assert str(err.value) == "interrupted after 3 of 5 replications had finished"


def test_a_save_interrupted_half_way_removes_what_it_had_written(tmp_path, monkeypatch):
    """Interrupted while writing the report, save leaves the directory as it found it."""
    res = N.simulate(N.network(per_week=50, weeks=2, replications=2))
    (tmp_path / "notes.txt").write_text("mine\n")

    def interrupted(results, path):
        raise KeyboardInterrupt

    monkeypatch.setattr("simoffice.report.write_report", interrupted)
    with pytest.raises(KeyboardInterrupt):
        res.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
