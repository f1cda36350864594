"""A simulated run's contacts as queue-system logs: the formats :mod:`simoffice.calibration.logs` reads.

:func:`ticket_log_from_results` writes the tickets of one replication as a
ticket log and :func:`call_log_from_results` its calls as a call log, with real
timestamps from ``run.start_date``; :func:`write_log` saves either as CSV or
parquet. Calibrating from such a log should give back the network simulated
(the round trip in ``tests/test_calibrate.py``), and ``experiments/sample_log.py``
writes the sample log shipped in ``experiments/data``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simoffice.calibration.logs import TICKET_OUTCOMES
from simoffice.files import atomic_write

__all__ = ["ticket_log_from_results", "call_log_from_results", "write_log"]


def _timestamps(results: Any, minutes: np.ndarray) -> pd.Series:
    start = pd.Timestamp(results.summary["meta"]["start_date"])
    return (start + pd.to_timedelta(np.asarray(minutes, dtype=float), unit="min")).round("s")


def _rows(results: Any, replication: int, window: bool, channels: tuple[str, ...]) -> pd.DataFrame:
    c = results.contacts
    sel = (c["replication"] == replication).to_numpy() & c["channel"].astype(str).isin(channels).to_numpy()
    if window:
        sel &= c["in_window"].to_numpy(dtype=bool)
    return c[sel].sort_values(["arrival_min", "bundle", "visit"], kind="stable").reset_index(drop=True)


def _desk_labels(rows: pd.DataFrame) -> pd.Series:
    """``"<desk group> <n>"``: desks numbered from 1 within their group."""
    labels = pd.Series([None] * len(rows), index=rows.index, dtype=object)
    served = rows["desk"].to_numpy() >= 0
    if not served.any():
        return labels
    part = rows.loc[served, ["office", "desk_group", "desk"]].astype({"office": str, "desk_group": str})
    rank = part.groupby(["office", "desk_group"])["desk"].rank(method="dense").astype(int)
    labels[served] = part["desk_group"] + " " + rank.astype(str)
    return labels


def ticket_log_from_results(results: Any, replication: int = 0, window: bool = True) -> pd.DataFrame:
    """The tickets of one replication in the ticket-log format.

    Timestamps are ``run.start_date`` plus the simulated minutes, rounded to the
    second. Tickets at offices and mobile offices that were served, reneged
    (``called_at`` is when the client left), sent away at closing, or booked and
    not kept (``no_show``) are written; tickets still open at the end of the run
    are not. ``client_id`` is the bundle: a client's tickets for the needs of
    one life event. ``window``: only tickets issued in the measured window
    (after the warm-up, before new bundles stop), as a log of ordinary weeks.
    """
    rows = _rows(results, replication, window, ("walk_in", "appointment", "mobile"))
    outcome = rows["outcome"].astype(str)
    rows = rows[outcome.isin(TICKET_OUTCOMES).to_numpy()].reset_index(drop=True)
    outcome = rows["outcome"].astype(str)
    served = (outcome == "served").to_numpy()
    issued = _timestamps(results, rows["arrival_min"])
    left = np.where(outcome.isin(["reneged", "sent_away"]).to_numpy(), rows["end_min"], np.nan)
    called = _timestamps(results, np.where(served, rows["start_min"], left))
    ended = _timestamps(results, np.where(served, rows["end_min"], np.nan))
    channel = rows["channel"].astype(str).replace({"mobile": "walk_in"})
    return pd.DataFrame({
        "ticket_id": [f"T{i:06d}" for i in range(1, len(rows) + 1)],
        "office": rows["office"].astype(str),
        "service": rows["service"].astype(str),
        "channel": channel,
        "issued_at": issued,
        "called_at": called,
        "service_end": ended,
        "desk": _desk_labels(rows),
        "outcome": outcome,
        "client_id": [f"C{b:06d}" for b in rows["bundle"]],
    })


def call_log_from_results(results: Any, replication: int = 0, window: bool = True) -> pd.DataFrame:
    """The contact centre's calls of one replication in the call-log format
    (answered = served, abandoned = reneged; calls still open at the end are left out).
    ``customer_id`` is the bundle: a caller's calls for one need, retries included."""
    rows = _rows(results, replication, window, ("phone",))
    outcome = rows["outcome"].astype(str)
    rows = rows[outcome.isin(["served", "reneged"]).to_numpy()].reset_index(drop=True)
    answered = (rows["outcome"].astype(str) == "served").to_numpy()
    return pd.DataFrame({
        "call_id": [f"K{i:06d}" for i in range(1, len(rows) + 1)],
        "arrived_at": _timestamps(results, rows["arrival_min"]),
        "answered_at": _timestamps(results, np.where(answered, rows["start_min"], np.nan)),
        "abandoned_at": _timestamps(results, np.where(answered, np.nan, rows["end_min"])),
        "ended_at": _timestamps(results, np.where(answered, rows["end_min"], np.nan)),
        "agent": _desk_labels(rows),
        "service": rows["service"].astype(str),
        "customer_id": [f"C{b:06d}" for b in rows["bundle"]],
    })


def write_log(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a log as CSV (timestamps ``YYYY-MM-DD HH:MM:SS``, empty for none) or,
    for a ``.parquet`` path, as parquet; atomically."""
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        return atomic_write(path, lambda p: frame.to_parquet(p, index=False))
    return atomic_write(path, lambda p: frame.to_csv(p, index=False, date_format="%Y-%m-%d %H:%M:%S"))
