"""The staffing search's simulation rounds: Erlang C's guess, corrected where the simulation clearly disagrees.

Every round simulates the network with the current staffing (the same seed every
round: the same clients) and moves a block's desks by one only on clear
evidence, the 95 % interval of its simulated service level (:func:`decide`). The
rounds stop when no block changes, or after ``staffing.max_rounds``
(:func:`run_rounds`).
"""

from __future__ import annotations

import time
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd

from simoffice.run.results import Results
from simoffice.studies.staffing_blocks import Unit, block_lookup, block_service_levels
from simoffice.studies.staffing_configs import staffed_configs


def decide(staff: np.ndarray, levels: pd.DataFrame, tested: dict, floor: np.ndarray, target: float) -> np.ndarray:
    """The next round's staffing, block by block. A count changes only on clear
    evidence, the 95 % interval of the block's simulated service level:

    - one desk more where the whole interval is below the target;
    - one desk less where the whole interval is above it and one desk less has
      not been tried in the block yet;
    - one desk back where a desk taken away leaves an interval that is not
      wholly above the target (one desk less is not shown to meet it);
    - otherwise the count stays: Erlang C's guess stands unless the simulation
      clearly contradicts it.

    ``tested`` remembers the interval's lower end of every count simulated in a
    block. With a single replication (no interval) the mean decides.
    """
    new = staff.copy()
    means, lows, highs = (levels[k].to_numpy() for k in ("mean", "ci_low", "ci_high"))
    for b, c in enumerate(staff):
        c, mean = int(c), means[b]
        if np.isnan(mean):
            continue  # nobody queued in the block: keep the count
        low, high = (mean, mean) if np.isnan(lows[b]) else (lows[b], highs[b])
        tested[(b, c)] = float(low)
        taken_from = tested.get((b, c + 1))
        if high < target or (low < target and taken_from is not None and taken_from >= target):
            new[b] = c + 1
        elif low >= target and c - 1 >= floor[b] and (b, c - 1) not in tested:
            new[b] = c - 1
    return new


class Simulations:
    """The simulations of a search. Each staffing is simulated once (the same seed:
    the same clients); its block service levels are kept, and the tables of the
    last two (a round often goes back to the staffing before)."""

    def __init__(self, base: dict, network: dict, schedule: dict, units: list[Unit], blocks: pd.DataFrame,
                 names: tuple[str, str], progress: bool | None, say: Callable[[str], None]):
        self.base, self.network, self.schedule, self.units, self.blocks = base, network, schedule, units, blocks
        self.names, self.progress, self.say = names, progress, say
        self.lookup = block_lookup(blocks, len(units))
        self.seen: dict[bytes, pd.DataFrame] = {}
        self.recent: dict[bytes, Results] = {}
        self.history: list[pd.DataFrame] = []

    def configs(self, staff: np.ndarray) -> tuple[dict, dict]:
        """The network and schedule configs of a staffing (desks per block)."""
        return staffed_configs(self.network, self.schedule, self.units, self.blocks, staff, *self.names)

    def results(self, staff: np.ndarray, label: str = "staffed network") -> Results:
        """The run of a staffing, simulated the first time it is asked for (``label`` names it in the log)."""
        from simoffice.run.simulate import simulate

        key = staff.tobytes()
        if key not in self.recent:
            net, sched = self.configs(staff)
            started = time.perf_counter()
            self.recent = {k: v for k, v in self.recent.items() if k in list(self.recent)[-1:]}
            self.recent[key] = simulate({**self.base, "network": net, "schedule": sched}, self.progress)
            self.say(f"{label}: simulated {int(staff.sum())} block-desks in {time.perf_counter() - started:.1f} s")
        return self.recent[key]

    def levels(self, staff: np.ndarray, round: int | None = None) -> pd.DataFrame:
        """The block service levels of a staffing (recorded as ``round`` of the history)."""
        key = staff.tobytes()
        if key not in self.seen:
            contacts = self.results(staff, f"round {round}").contacts
            self.seen[key] = block_service_levels(contacts, self.units, self.lookup, len(self.blocks))
        levels = self.seen[key]
        if round is not None:
            self.history.append(pd.DataFrame({
                "round": round, "block": range(len(self.blocks)), "staff": staff,
                "service_level": levels["mean"].to_numpy(), "ci_low": levels["ci_low"].to_numpy(),
                "ci_high": levels["ci_high"].to_numpy(), "n": levels["n"].to_numpy()}))
        return levels


class Rounds(NamedTuple):
    """Where the rounds ended: the staffing found (desks per block), the rounds
    simulated, whether they settled, and how many blocks would still change if not."""

    staff: np.ndarray
    rounds: int
    converged: bool
    pending: int


def run_rounds(sims: Simulations, guess: np.ndarray, floor: np.ndarray, level: float, max_rounds: int,
               say: Callable[[str], None]) -> Rounds:
    """Simulate from Erlang C's ``guess`` until no block changes or ``max_rounds`` rounds
    have run; ``floor``: the fewest desks of each block, ``level``: the target share."""
    staff = guess.copy()
    tested: dict = {}
    converged, pending, rounds = False, 0, 0
    for rounds in range(1, max_rounds + 1):
        levels = sims.levels(staff, rounds)
        new = decide(staff, levels, tested, floor, level)
        up, down = int((new > staff).sum()), int((new < staff).sum())
        if not up and not down:
            converged = True
            break
        say(f"round {rounds}: +1 desk in {up} blocks (clearly below the target, or a desk given back), "
            f"−1 desk in {down} (clearly above it)")
        if rounds == max_rounds:
            # Not settled: keep the desks the last round adds (clear misses, desks given
            # back), leave out those it would take away, and simulate that once more.
            pending = up + down
            say(f"round {rounds} was the last (staffing.max_rounds): keeping the desks it adds, not those it "
                "would take away")
            staff = np.maximum(staff, new)
            sims.levels(staff, rounds + 1)
            break
        staff = new
    return Rounds(staff, rounds, converged, pending)
