"""Tallies: the sums and counts behind the measures, which add up across parts of a log.

Every measure is a ratio of sums, a time integral or a percentile. A tally holds
those sums for some rows of a log; tallies of disjoint parts add up to the tally
of the whole, so a long run can fold its log into tallies week by week
(``run.keep_contacts=false``) and get the measures of the whole log. Only
percentiles need every wait: a tally keeps a histogram of waits in
:data:`WAIT_BIN_MIN` bins (zero waits exactly), and the raw waits when asked
(``exact``). :mod:`simoffice.measures.metrics` turns tallies into measures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from simoffice.engine.recorder import (
    CLOSED,
    IN_SERVICE_AT_END,
    NO_SHOW,
    OPEN,
    RENEGED,
    SENT_AWAY,
    SERVED,
    SETTLED,
)
from simoffice.measures.occupancy import occupancy, overtime_by_row, paid_break_by_row
from simoffice.model.channels import ONLINE
from simoffice.vocabulary import DAY

# Width (minutes) of a bin of the histogram of waits: percentiles from it are within half a bin.
WAIT_BIN_MIN = 0.1


class WaitHistogram:
    """Counts of waits by bin: key -1 holds waits of exactly zero, key k >= 0 the
    waits in ``[k, k + 1) × WAIT_BIN_MIN``. Stored sparse (only bins that occur)."""

    __slots__ = ("keys", "counts")

    def __init__(self, keys: np.ndarray | None = None, counts: np.ndarray | None = None):
        self.keys = np.zeros(0, np.int64) if keys is None else keys
        self.counts = np.zeros(0, np.int64) if counts is None else counts

    @classmethod
    def of(cls, waits: np.ndarray) -> "WaitHistogram":
        keys = np.where(waits <= 0, -1, np.floor(waits / WAIT_BIN_MIN)).astype(np.int64)
        k, n = np.unique(keys, return_counts=True)
        return cls(k, n.astype(np.int64))

    def __add__(self, other: "WaitHistogram") -> "WaitHistogram":
        if not len(other.keys):
            return self
        if not len(self.keys):
            return other
        keys = np.concatenate((self.keys, other.keys))
        counts = np.concatenate((self.counts, other.counts))
        k, inverse = np.unique(keys, return_inverse=True)
        return WaitHistogram(k, np.bincount(inverse, weights=counts, minlength=len(k)).astype(np.int64))

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile as numpy's default (linear) method gives it, with
        each wait replaced by its bin's middle (0 for zero waits): within half a
        bin of the exact value."""
        n = int(self.counts.sum())
        if n == 0:
            return float("nan")
        values = np.where(self.keys < 0, 0.0, (self.keys + 0.5) * WAIT_BIN_MIN)
        cum = np.cumsum(self.counts)
        h = (n - 1) * q / 100.0
        lo = int(np.floor(h))
        hi = min(lo + 1, n - 1)
        x_lo, x_hi = values[np.searchsorted(cum, [lo, hi], side="right")]
        return float(x_lo + (h - lo) * (x_hi - x_lo))


@dataclass
class ClientTally:
    """Sums behind the clients' side of the measures (see :func:`client_tally`)."""

    n_queued: int = 0
    n_reneged: int = 0
    n_in_time: int = 0
    n_waits: int = 0
    sum_waits: float = 0.0
    n_trips: int = 0
    n_failed_trips: int = 0
    n_contacts: int = 0
    # Bundles (absent for a split by channel).
    bundles: bool = False
    n_ended: int = 0
    sum_visits: float = 0.0
    sum_travel: float = 0.0
    n_contacted: int = 0
    n_one_visit: int = 0
    n_days: int = 0
    sum_days: float = 0.0
    hist: WaitHistogram = field(default_factory=WaitHistogram)
    waits: np.ndarray | None = None  # every wait, for exact percentiles (a whole log)

    def without_bundles(self) -> "ClientTally":
        """The same tally with its bundle sums left out (as for a split by channel)."""
        empty = ClientTally()
        return replace(self, bundles=False, **{f: getattr(empty, f) for f in _BUNDLE_SUMS})

    def __add__(self, other: "ClientTally") -> "ClientTally":
        out = ClientTally(**{f: getattr(self, f) + getattr(other, f) for f in _SUMS})
        out.bundles = self.bundles or other.bundles
        out.hist = self.hist + other.hist
        if self.waits is not None and other.waits is not None:
            out.waits = np.concatenate((self.waits, other.waits))
        return out


_BUNDLE_SUMS = ("n_ended", "sum_visits", "sum_travel", "n_contacted", "n_one_visit", "n_days", "sum_days")
_SUMS = ("n_queued", "n_reneged", "n_in_time", "n_waits", "sum_waits", "n_trips", "n_failed_trips",
         "n_contacts") + _BUNDLE_SUMS


@dataclass
class UnitTally:
    """Sums behind the staff's and the expert centre's side of the measures (see :func:`unit_tally`)."""

    busy: float = 0.0  # desk minutes in service, inside the window
    on_duty: float = 0.0  # desk minutes on duty, inside the window (overtime included)
    overtime: float = 0.0  # desk minutes on duty outside the scheduled duty periods
    paid_break: float = 0.0  # desk minutes of paid breaks (paid, off duty)
    # Staff minutes (on duty and paid breaks) each divided by (1 - its unit's
    # shrinkage): the minutes of staff to employ.
    employed: float = 0.0
    queue_area: float = 0.0  # time integral of the number waiting
    n_case_rows: int = 0
    n_cases: int = 0  # escalated in the window
    n_decided: int = 0
    sum_turnaround_days: float = 0.0
    backlog_area: float = 0.0

    def __add__(self, other: "UnitTally") -> "UnitTally":
        return UnitTally(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(UnitTally)})


def queued(outcome: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """Which contacts joined a queue: every ticket, call or session but a trip to a closed
    unit, a no-show and an online session (the contacts waits and service levels count)."""
    return (outcome != CLOSED) & (outcome != NO_SHOW) & (channel != ONLINE)


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Positions where a run of equal values begins in a sorted array."""
    if not len(ordered):
        return np.zeros(0, np.intp)
    return np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))


def client_tally(contacts: dict, bundles: dict | None, window: tuple[float, float], targets: np.ndarray,
                 physical: np.ndarray, exact: bool = False) -> ClientTally:
    """The sums behind the clients' side of the measures for some rows of a log
    (:func:`~simoffice.measures.metrics.client_results`).

    The rows of one contact (the tickets of a visit) must all be in the same part.
    ``exact`` keeps every wait, for exact percentiles.
    """
    w0, w1 = window
    arr = contacts["arrival_min"]
    inw = (arr >= w0) & (arr < w1)
    out = contacts["outcome"][inw]
    start = contacts["start_min"][inw]
    arrival = arr[inw]
    channel = contacts["channel"][inw]
    in_queue = queued(out, channel)
    started = ~np.isnan(start)
    waits = start[started] - arrival[started]
    t = ClientTally(
        n_queued=int(in_queue.sum()),
        n_reneged=int((out == RENEGED).sum()),
        n_in_time=int((waits <= targets[channel[started]]).sum()),
        n_waits=len(waits),
        sum_waits=float(waits.sum()),
        hist=WaitHistogram.of(waits),
        waits=waits if exact else None,
    )
    _count_contacts(t, contacts, inw, out, physical)
    if bundles is not None:
        _count_bundles(t, bundles, window)
    return t


def _count_contacts(t: ClientTally, contacts: dict, inw: np.ndarray, out: np.ndarray, physical: np.ndarray) -> None:
    """Add the contacts and the trips (failed or not) of the rows ``inw`` (outcomes ``out``) to ``t``."""
    # A contact is a trip, call, session or no-show: tickets of one visit (re-queues, a
    # video client connected at a joint service point) are one contact. Rows come
    # nearly in order of bundle, so a stable (merging) sort of the key is quick.
    key = contacts["bundle"][inw] * 1000 + contacts["visit"][inw]
    order = np.argsort(key, kind="stable")
    key = key[order]
    t.n_contacts = len(_firsts(key))
    # Trips: a visit to a service point fails when it found the point closed or was
    # sent away with nothing handled.
    office = contacts["office"][inw]
    trip = (office >= 0) & (out != NO_SHOW)
    trip[trip] = physical[office[trip]]
    trip = trip[order]
    firsts = _firsts(key[trip])
    t.n_trips = len(firsts)
    if t.n_trips:
        o = out[order][trip]
        served_trip = np.logical_or.reduceat((o == SERVED) | (o == IN_SERVICE_AT_END), firsts)
        bad_trip = np.logical_or.reduceat((o == CLOSED) | (o == SENT_AWAY), firsts)
        t.n_failed_trips = int((bad_trip & ~served_trip).sum())


def _count_bundles(t: ClientTally, bundles: dict, window: tuple[float, float]) -> None:
    """Add the bundles created in the window and ended by the end of the run to ``t``."""
    w0, w1 = window
    t.bundles = True
    b_in = (bundles["created_min"] >= w0) & (bundles["created_min"] < w1)
    status = bundles["status"][b_in]
    ended = status != OPEN
    visits = bundles["visits"][b_in][ended]
    t.n_ended = len(visits)
    t.sum_visits = float(visits.astype(float).sum())
    t.sum_travel = float(bundles["travel_min"][b_in][ended].sum())
    # Bundles delivered proactively (no contact) are left out.
    contacted = visits > 0
    t.n_contacted = int(contacted.sum())
    t.n_one_visit = int(((status[ended][contacted] == SETTLED) & (visits[contacted] == 1)).sum())
    settled = status == SETTLED
    days = (bundles["end_min"][b_in][settled] - bundles["first_visit_min"][b_in][settled]) / DAY
    days = days[~np.isnan(days)]
    t.n_days = len(days)
    t.sum_days = float(days.sum())


def unit_tally(contacts: dict | None, duty: dict | None, cases: dict | None, window: tuple[float, float],
               shrinkage: np.ndarray | None = None) -> UnitTally:
    """The sums behind the staff's and the expert centre's measures for some rows of
    a log (any split of the rows adds up). ``shrinkage``: per unit, the share of
    paid hours lost to absence and training (None: none)."""
    w0, w1 = window
    edges = np.array([w0, w1])
    t = UnitTally()
    if duty is not None:
        t.on_duty = float(occupancy(duty["start_min"], duty["end_min"], edges)[0])
        late = overtime_by_row(duty, window)
        paid_break = paid_break_by_row(duty, window)
        t.overtime = float(late.sum())
        t.paid_break = float(paid_break.sum())
        staff = np.maximum(np.clip(duty["end_min"], w0, w1) - np.clip(duty["start_min"], w0, w1), 0.0) + paid_break
        kept = 1.0 if shrinkage is None else 1.0 - np.asarray(shrinkage, float)[duty["office"]]
        t.employed = float((staff / kept).sum())
    if contacts is not None:
        s_all, e_all = contacts["start_min"], contacts["end_min"]
        busy_rows = ~np.isnan(s_all)
        t.busy = float(occupancy(s_all[busy_rows], e_all[busy_rows], edges)[0])
        leave = np.where(np.isnan(s_all), e_all, s_all)
        waited = queued(contacts["outcome"], contacts["channel"])
        t.queue_area = float(occupancy(contacts["arrival_min"][waited], leave[waited], edges)[0])
    if cases is not None:
        esc, end = cases["escalated_min"], cases["end_min"]
        inw = (esc >= w0) & (esc < w1)
        done = inw & ~np.isnan(end)
        still = np.where(np.isnan(end), np.inf, end)
        t.n_case_rows = len(esc)
        t.n_cases = int(inw.sum())
        t.n_decided = int(done.sum())
        t.sum_turnaround_days = float(((end[done] - esc[done]) / DAY).sum())
        t.backlog_area = float(occupancy(esc, still, edges)[0])
    return t
