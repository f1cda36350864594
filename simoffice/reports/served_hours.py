"""When the wait standard is missed: the share served within it per unit, weekday and hour.

A run's ``hours`` table has a row per replication × unit × weekday × hour with
queued contacts: ``queued`` (contacts that queued, arriving in that hour of the
measured window) and ``in_time`` (of those, served within their channel's
``served_within`` standard wait at that unit). A cell's share is
``sum in_time / sum queued`` over the replications (:func:`hour_cells`, drawn as
the report's heat map). :func:`worst_cells` names the cells with the lowest share
among those with enough contacts, each with the Student-t interval over
replications of the per-replication share; :func:`worst_cells_sentence` says it
in words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simoffice.measures.intervals import t_interval
from simoffice.reports.kit import esc

# A cell is named only with this many queued contacts over all replications …
MIN_CONTACTS = 30
# … and contacts in at least this many replications (for an interval).
MIN_REPLICATIONS = 2
DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
KEYS = ["office", "weekday", "hour"]


def _units_only(hours: pd.DataFrame) -> pd.DataFrame:
    """The rows with queued contacts, of units (not the network's ``"all"``), office names as text."""
    h = hours[(hours["queued"] > 0).to_numpy(dtype=bool)]
    h = h.assign(office=h["office"].astype(str))
    return h[(h["office"] != "all").to_numpy(dtype=bool)]


def hour_cells(hours: pd.DataFrame) -> pd.DataFrame:
    """Per unit × weekday × hour with queued contacts: ``queued`` and ``in_time`` summed over
    replications, ``replications`` (how many had contacts there) and ``share`` = in_time / queued.

    Cells without queued contacts are absent."""
    h = _units_only(hours)
    cells = h.groupby(KEYS, sort=True).agg(queued=("queued", "sum"), in_time=("in_time", "sum"),
                                           replications=("replication", "nunique")).reset_index()
    cells["share"] = cells["in_time"] / cells["queued"]
    return cells


def worst_cells(hours: pd.DataFrame, n: int = 3, min_contacts: int = MIN_CONTACTS,
                min_replications: int = MIN_REPLICATIONS) -> pd.DataFrame:
    """The ``n`` unit-weekday-hour cells with the lowest share served within the standard's
    wait, among cells with at least ``min_contacts`` queued contacts over all replications
    and contacts in at least ``min_replications`` replications; lowest first (ties: more
    contacts first).

    Returns the columns of :func:`hour_cells` and ``ci_low``, ``ci_high``: the 95 %
    Student-t interval over replications of the per-replication share (replications
    with contacts in the cell), cut to [0, 1].
    """
    cells = hour_cells(hours)
    ok = (cells["queued"] >= min_contacts) & (cells["replications"] >= min_replications)
    worst = cells[ok.to_numpy(dtype=bool)].sort_values(["share", "queued"], ascending=[True, False]).head(n)
    worst = worst.reset_index(drop=True)
    h = _units_only(hours)
    per_rep = h.assign(share=h["in_time"] / h["queued"]).set_index(KEYS)["share"].sort_index()
    lows, highs = [], []
    for office, weekday, hour in worst[KEYS].itertuples(index=False):
        ci = t_interval(np.atleast_1d(per_rep.loc[(office, weekday, hour)]).astype(float), low=0.0, high=1.0)
        lows.append(np.nan if ci["ci_low"] is None else ci["ci_low"])
        highs.append(np.nan if ci["ci_high"] is None else ci["ci_high"])
    return worst.assign(ci_low=pd.Series(lows, dtype=float), ci_high=pd.Series(highs, dtype=float))


def cell_name(office: str, weekday: int, hour: int) -> str:
    """``Rural centre on Mondays 09:00–10:00`` (HTML, the name escaped)."""
    return f"{esc(office)} on {DAY_NAMES[int(weekday)]} {int(hour):02d}:00–{int(hour) + 1:02d}:00"


def worst_cells_sentence(cells: pd.DataFrame, min_contacts: int = MIN_CONTACTS) -> str:
    """The cells of :func:`worst_cells` in one sentence (HTML)."""
    if cells.empty:
        return (f"No hour of any unit had {min_contacts} or more queued contacts in two or more "
                "replications: too few to name the hours when the standard is missed most.")
    parts = []
    for c in cells.itertuples(index=False):
        ci = ("" if np.isnan(c.ci_low) or np.isnan(c.ci_high)
              else f", 95&nbsp;% interval {100 * c.ci_low:.0f}–{100 * c.ci_high:.0f}&nbsp;%")
        parts.append(f"{cell_name(c.office, c.weekday, c.hour)} ({100 * c.share:.0f}&nbsp;%{ci}, "
                     f"{int(c.queued):,} contacts)")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f"The share of queued contacts served within the standard's wait is lowest at {listed}; "
            f"contacts are counted over all replications, among hours with at least {min_contacts}.")
