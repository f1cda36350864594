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

import pandas as pd
import pytest

import simoffice
from simoffice.errors import RunInterrupted
from simoffice.run import runner
from simoffice.run.pages import PAGE_WRITERS

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

    def interrupted(results, path, level):
        raise KeyboardInterrupt

    monkeypatch.setitem(PAGE_WRITERS, "run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        res.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


SWEEP = ("-m", "network=mmc", "network.servers=3,4,5,6,7,8", "network.arrivals_per_hour=120",
         "network.service_mean_min=1", "run.weeks=1", "run.warmup_weeks=0", "run.drain_weeks=0",
         "run.replications=4", "run.seed=11")


def _simoffice(*args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
                          **kwargs)


@pytest.mark.slow  # six jobs, killed and resumed (make test-slow; a run's resume stays in make test)
def test_an_interrupted_sweep_resumed_skips_its_complete_jobs_and_gives_the_same_summary(tmp_path):
    """Killed part-way (SIGTERM once two jobs are complete), the sweep says how many jobs
    are complete; the same command with run.resume=true finds the sweep, leaves the complete
    jobs as they were, runs the others, and its summary.parquet equals that of a sweep that
    was never interrupted."""
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.Popen([str(SCRIPT), *SWEEP], cwd=work, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list(work.glob("results/multirun/*/*/*/summary.json"))) >= 2:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the sweep ended before it could be interrupted"
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, stderr
    assert "Traceback" not in stderr and "leaked" not in stderr, stderr
    (sweep_dir,) = work.glob("results/multirun/*/*")
    m = re.search(r"^simoffice: interrupted by SIGTERM: (\d+) jobs complete in (\S+); the same command with "
                  r"run.resume=true runs the others$", stderr, re.M)
    assert m, stderr
    complete = {p.parent.name: p.read_bytes() for p in sweep_dir.glob("*/summary.json")}
    assert 2 <= int(m.group(1)) == len(complete) < 6
    assert (work / m.group(2)).resolve() == sweep_dir.resolve()
    assert not (sweep_dir / "summary.parquet").exists()

    resumed = _simoffice(*SWEEP, "run.resume=true", cwd=work)
    assert resumed.returncode == 0, resumed.stderr
    assert f"Resuming the sweep in {sweep_dir.relative_to(work)}" in resumed.stderr
    skipped = re.findall(r"complete, skipped -> \S+/(\d+)$", resumed.stdout, re.M)
    assert sorted(skipped) == sorted(complete)
    for job, text in complete.items():  # the complete jobs were not run again
        assert (sweep_dir / job / "summary.json").read_bytes() == text
    assert len(list(sweep_dir.glob("*/summary.json"))) == 6

    whole = _simoffice(*SWEEP, f"hydra.sweep.dir={tmp_path / 'whole'}", cwd=work)
    assert whole.returncode == 0, whole.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(sweep_dir / "summary.parquet"),
                                  pd.read_parquet(tmp_path / "whole" / "summary.parquet"))


RUN = ("network=mmc", "network.arrivals_per_hour=60", "run.weeks=1", "run.warmup_weeks=0",
       "run.drain_weeks=0", "run.replications=2")


def test_a_complete_run_is_refused_without_resume_and_skipped_with_it(tmp_path):
    run_dir = tmp_path / "run"
    assert _simoffice(*RUN, f"hydra.run.dir={run_dir}", cwd=tmp_path).returncode == 0
    summary = (run_dir / "summary.json").read_bytes()

    again = _simoffice(*RUN, f"hydra.run.dir={run_dir}", cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr.strip() == (f"simoffice: hydra.run.dir: expected a directory without earlier results "
                                    f"(got '{run_dir}'; run.resume=true skips a complete run)")

    skipped = _simoffice(*RUN, f"hydra.run.dir={run_dir}", "run.resume=true", cwd=tmp_path)
    assert skipped.returncode == 0, skipped.stderr
    assert f"complete, skipped -> {run_dir}" in skipped.stdout

    other = _simoffice(*RUN, "network.servers=6", f"hydra.run.dir={run_dir}", "run.resume=true", cwd=tmp_path)
    assert other.returncode == 2
    assert other.stderr.startswith(f"simoffice: run.resume: expected the config of the complete run in '{run_dir}' "
                                   "(got another config: hash "), other.stderr
    assert (run_dir / "summary.json").read_bytes() == summary


def test_a_run_in_a_directory_left_by_a_killed_attempt_removes_its_temporary_files(tmp_path):
    """A worker killed outright while writing leaves a hidden temporary file; the next
    run in that directory removes it."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / ".contacts.parquet.x1y2.tmp").write_bytes(b"half")
    assert _simoffice(*RUN, f"hydra.run.dir={run_dir}", cwd=tmp_path).returncode == 0
    assert not list(run_dir.glob("*.tmp")) and not list(run_dir.glob(".*.tmp"))
    assert (run_dir / "summary.json").exists()


def test_resuming_with_no_earlier_sweep_says_so(tmp_path):
    result = _simoffice(*SWEEP, "run.resume=true", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("simoffice: run.resume: expected an earlier sweep of the same overrides under "
                                     "results/multirun/ (got none; name it with hydra.sweep.dir=…)")
