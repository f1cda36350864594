"""One run per directory.

A run holds ``<run dir>/.simoffice.lock`` from before Hydra writes anything there
until it ends. A second command into a directory in use is refused in one line
(``simoffice: run directory X is in use by another simoffice run (pid N)``, exit
status 2) and touches none of the first run's files; the first run completes. A
directory holding a complete run is refused without ``run.resume=true``, refused with
it and another config, skipped with it and the same config: in every case nothing
in the directory changes (not even Hydra's ``.hydra/`` record).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simoffice.run import lock

SCRIPT = Path(sys.executable).parent / "simoffice"
SMALL = ("network=mmc", "run.weeks=1", "run.warmup_weeks=0", "run.drain_weeks=0", "run.replications=2",
         "run.jobs=1", "network.arrivals_per_hour=20", "run.progress=false", "run.quiet=true")


def cli(cwd: Path, *args: str, wait: bool = True):
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    if not wait:
        return subprocess.Popen([str(SCRIPT), *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def contents(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) -> SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


# --- the lock itself ------------------------------------------------------------------

def test_a_held_directory_cannot_be_held_again_until_it_is_released(tmp_path):
    run_dir = tmp_path / "a" / "run"
    with lock.hold(run_dir) as path:
        assert path == run_dir / lock.LOCK_NAME
        assert lock.in_use(run_dir) and lock.holder(run_dir) == os.getpid()
        before = path.read_bytes()
        with pytest.raises(lock.RunDirectoryInUse) as err:
            with lock.hold(run_dir):
                pytest.fail("held twice")
        assert str(err.value) == f"run directory {run_dir} is in use by another simoffice run (pid {os.getpid()})"
        assert err.value.pid == os.getpid() and path.read_bytes() == before
    assert not lock.in_use(run_dir)
    with lock.hold(run_dir):  # free again once released
        assert lock.in_use(run_dir)


def test_a_directory_without_a_lock_file_is_not_in_use_and_checking_creates_nothing(tmp_path):
    assert not lock.in_use(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_lock_that_cannot_be_created_is_an_os_error_naming_the_path(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError):
        with lock.hold(tmp_path / "file" / "run"):
            pass


# --- a second command into a directory in use ------------------------------------------

def test_a_command_into_a_directory_this_process_holds_is_refused_and_changes_nothing(tmp_path):
    run_dir = tmp_path / "run"
    with lock.hold(run_dir):
        (run_dir / "notes.txt").write_text("the other run's file\n")
        before = contents(run_dir)
        done = cli(tmp_path, *SMALL, f"hydra.run.dir={run_dir}")
        assert one_line(done) == (f"simoffice: run directory {run_dir} is in use by another simoffice run "
                                  f"(pid {os.getpid()})")
        assert contents(run_dir) == before


def test_two_commands_into_one_directory_the_second_is_refused_and_the_first_completes(tmp_path):
    """The first run is stopped (SIGSTOP) while it holds the lock, so the second always meets
    it running, whatever the machine's load; then it is continued and must finish whole."""
    run_dir = tmp_path / "run"
    first = cli(tmp_path, *SMALL, "run.weeks=3", f"hydra.run.dir={run_dir}", wait=False)
    try:
        deadline = time.monotonic() + 300
        while lock.holder(run_dir) != first.pid:
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGSTOP)
        assert not (run_dir / "summary.json").exists(), "the first run finished before it could be stopped"
        before = contents(run_dir)
        second = cli(tmp_path, *SMALL, "run.seed=7", f"hydra.run.dir={run_dir}")
        assert one_line(second) == (f"simoffice: run directory {run_dir} is in use by another simoffice run "
                                    f"(pid {first.pid})")
        assert contents(run_dir) == before  # .hydra/config.yaml and the rest untouched
    finally:
        os.kill(first.pid, signal.SIGCONT)
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert out.strip() == str(run_dir)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["meta"]["seed"] == 2026 and summary["meta"]["weeks"] == 3  # the first run's, not the second's
    assert "run.seed=7" not in (run_dir / ".hydra" / "overrides.yaml").read_text()
    assert not lock.in_use(run_dir)


# --- a directory holding a complete run -------------------------------------------------

@pytest.fixture(scope="module")
def complete_run(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("complete")
    run_dir = cwd / "run"
    done = cli(cwd, *SMALL, f"hydra.run.dir={run_dir}")
    assert done.returncode == 0, done.stderr
    return cwd, run_dir


@pytest.mark.parametrize("extra,says", [
    ((), "hydra.run.dir: expected a directory without earlier results"),
    (("run.seed=7",), "hydra.run.dir: expected a directory without earlier results"),
    (("run.resume=true", "run.seed=7"), "run.resume: expected the config of the complete run"),
    (("run.resume=true", "network.servers=6"), "run.resume: expected the config of the complete run"),
], ids=["again", "another-seed", "resume-another-seed", "resume-another-network"])
def test_a_refused_rerun_or_resume_changes_nothing_on_disk(complete_run, extra, says):
    cwd, run_dir = complete_run
    before = contents(run_dir)
    line = one_line(cli(cwd, *SMALL, *extra, f"hydra.run.dir={run_dir}"))
    assert line.startswith(f"simoffice: {says}") and str(run_dir) in line, line
    assert contents(run_dir) == before


def test_a_resume_of_the_same_config_is_skipped_and_changes_nothing_on_disk(complete_run):
    cwd, run_dir = complete_run
    before = contents(run_dir)
    done = cli(cwd, *SMALL, "run.resume=true", f"hydra.run.dir={run_dir}")
    assert done.returncode == 0, done.stderr
    assert f"complete, skipped -> {run_dir}" in done.stdout
    assert contents(run_dir) == before


def test_a_run_directory_set_in_an_experiment_is_guarded_too(complete_run, tmp_path):
    """Not only hydra.run.dir on the command line: the composed config's directory."""
    cwd, run_dir = complete_run
    (tmp_path / "experiment").mkdir()
    (tmp_path / "experiment" / "here.yaml").write_text(f"# @package _global_\nhydra:\n  run:\n    dir: {run_dir}\n")
    before = contents(run_dir)
    line = one_line(cli(cwd, "--config-dir", str(tmp_path), "experiment=here", *SMALL))
    assert line.startswith("simoffice: hydra.run.dir: expected a directory without earlier results"), line
    assert contents(run_dir) == before


def test_a_run_directory_through_a_file_is_one_line_naming_the_path(tmp_path):
    (tmp_path / "file").write_text("x")
    line = one_line(cli(tmp_path, *SMALL, f"hydra.run.dir={tmp_path / 'file' / 'run'}"))
    assert line.startswith("simoffice: ") and str(tmp_path / "file") in line, line
    assert (tmp_path / "file").read_text() == "x"


def test_a_sweep_into_a_directory_in_use_is_refused_and_changes_nothing(tmp_path):
    sweep_dir = tmp_path / "sweep"
    with lock.hold(sweep_dir):
        (sweep_dir / "notes.txt").write_text("the other sweep's file\n")
        before = contents(sweep_dir)
        done = cli(tmp_path, "-m", *SMALL, "network.servers=5,6", f"hydra.sweep.dir={sweep_dir}")
        assert one_line(done) == (f"simoffice: run directory {sweep_dir} is in use by another simoffice run "
                                  f"(pid {os.getpid()})")
        assert contents(sweep_dir) == before
