"""Calls on SimPy's event queue: plain function calls at simulated times (minutes)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import simoffice.engine
from simoffice.engine.clock import Agenda, Environment, call_at, check_simpy
from simoffice.vocabulary import DAY

ROOT = Path(__file__).resolve().parents[1]
REFUSED = r"simoffice needs SimPy 4\.1 \(got simpy {}\): .* install 'simpy>=4\.1,<4\.2'"


def test_calls_run_at_their_times_in_time_order_and_in_scheduled_order_at_equal_times():
    env = Environment()
    log = []
    for t, name in ((30.0, "c"), (10.0, "a"), (30.0, "d"), (20.0, "b")):
        call_at(env, t, lambda n: log.append((env.now, n)), name)
    env.run()
    assert log == [(10.0, "a"), (20.0, "b"), (30.0, "c"), (30.0, "d")]


def test_calls_mix_with_processes_in_time_order():
    env = Environment()
    log = []

    def process():
        yield env.timeout(15.0)
        log.append((env.now, "process"))

    env.process(process())
    call_at(env, 10.0, log.append, (10.0, "call"))
    call_at(env, 20.0, log.append, (20.0, "call"))
    env.run()
    assert log == [(10.0, "call"), (15.0, "process"), (20.0, "call")]


def test_a_call_in_the_past_is_refused():
    env = Environment(initial_time=100.0)
    with pytest.raises(ValueError, match="Negative delay"):
        call_at(env, 50.0, print)


def test_the_agenda_keeps_later_periods_off_the_event_queue_until_their_period_begins():
    """A call three days ahead waits in the agenda: the next event on the queue is the
    start of its period (a day here), and the call still runs at its own time, after
    the calls of the current period."""
    env = Environment(initial_time=100.0)
    agenda = Agenda(env, span=DAY)
    log = []
    agenda.call_at(3 * DAY + 600.0, lambda: log.append(env.now))
    agenda.call_at(3 * DAY + 60.0, lambda: log.append(env.now))
    agenda.call_at(500.0, lambda: log.append(env.now))  # this period: straight onto the queue
    assert env.peek() == 500.0
    env.step()
    assert log == [500.0] and env.peek() == 3 * DAY
    env.run()
    assert log == [500.0, 3 * DAY + 60.0, 3 * DAY + 600.0]
    assert agenda.periods == {}


def test_the_agenda_keeps_calls_by_the_hour_by_default():
    """A call later in the day waits for its hour; one within the current hour goes
    straight onto the queue."""
    env = Environment(initial_time=10.0)
    agenda = Agenda(env)
    log = []
    agenda.call_at(200.0, lambda: log.append(env.now))  # hour 3
    agenda.call_at(50.0, lambda: log.append(env.now))  # hour 0, the current one
    assert env.peek() == 50.0
    env.step()
    assert env.peek() == 180.0  # the start of hour 3
    env.run()
    assert log == [50.0, 200.0]


def test_the_clock_accepts_only_the_simpy_release_whose_internals_it_uses():
    """SimPy 4.1.x is accepted; any other release, or one of unknown version, is refused by name."""
    for version in ("4.1", "4.1.2", "4.1.3.dev0"):
        check_simpy(version)
    for version in ("4.2.0", "4.10.1", "5.0", "3.0.13"):
        with pytest.raises(ImportError, match=REFUSED.format(re.escape(version))):
            check_simpy(version)
    with pytest.raises(ImportError, match=REFUSED.format("of unknown version")):
        check_simpy(None)


def test_importing_the_clock_with_another_simpy_fails_at_once():
    """The guard runs on import: the engine never starts with a SimPy it was not written for."""
    code = "import simpy; simpy.__version__ = '4.2.0'; import simoffice.engine.clock"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert re.fullmatch("ImportError: " + REFUSED.format(r"4\.2\.0"), done.stderr.strip().splitlines()[-1])


def test_only_the_clock_touches_simpy_internals():
    """Every other engine module reads the time as env.now and the queue as env.queue."""
    for path in Path(simoffice.engine.__file__).parent.glob("*.py"):
        if path.name != "clock.py":
            assert not re.search(r"\._(now|queue|eid|ok|value|defused)\b", path.read_text()), path.name


def test_now_is_kept_by_the_loop_and_read_by_simpy_too():
    """env.now is a plain attribute; SimPy's own code, which reads _now, sees the same time."""
    env = Environment(initial_time=5.0)
    seen = []

    def process():
        yield env.timeout(10.0)
        seen.append((env.now, env._now))

    env.process(process())
    env.call_at(12.0, lambda: seen.append((env.now, env._now)))
    env.run(until=100.0)
    assert seen == [(12.0, 12.0), (15.0, 15.0)] and env.now == 100.0
