"""Call logs: a contact centre's export, a row per call, checked and turned into calls.

A call may pass a voice-response stage (IVR: ``ivr_entered_at``) before it
joins the agents' queue (``arrived_at``); it leaves the queue (``queue_exit_at``)
answered by an agent (``answered_at``, talk until ``ended_at``) or abandoned
(``abandoned_at``). An ``outcome`` column, when there is one, says which:
``served`` (or ``answered``), ``abandoned``, ``ivr`` (ended in the voice
response, never queued) or ``phantom`` (not a real call). Without it, a call is
answered when it has ``answered_at`` and abandoned when it has ``abandoned_at``.

What ACD exports do, and how it is read:

- **Ids unique within a day**: a ``call_id`` is a repeat only on the same day
  (ids restart every day in many exports).
- **Zero times**: many exports write ``0:00:00`` for "no time" (no queue for a
  call answered straight from the voice response, no answer for an abandoned
  call). A time at exactly midnight that comes before a time the call must follow
  is read as empty, and counted.
- **Clock glitches**: an answer (or hang-up) up to :data:`GLITCH_SEC` before the
  queue entry is a wait of 0, counted and left out of the patience fit; a service
  that "ends" at midnight before it began is counted and left out of the
  talk-time fit. Larger inversions are refused: they mean a wrong column.
- A call with no queue entry that was answered went straight to an agent (a wait
  of 0); one that was not answered ended in the voice response.

Calls that ended in the voice response and phantom calls are counted and left
out; every other call is kept. See :func:`call_frame` for the frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simoffice.calibration import logs as lg

__all__ = ["CALL_OUTCOMES", "GLITCH_SEC", "read_calls"]

# The outcomes an ``outcome`` column may hold (after the outcome mapping), and their synonyms.
CALL_OUTCOMES = lg.CALL_OUTCOMES
_SYNONYMS = {"answered": "served"}
# An answer or hang-up at most this many seconds before the queue entry is a clock glitch.
GLITCH_SEC = 60


def read_calls(raw: pd.DataFrame, source: str, timezone: str | None, time_format: str | None) -> lg.Log:
    """The checked calls of a raw call log (columns already normalised).

    Raises:
        LogError: an empty id, a value that cannot be parsed, an unknown outcome,
            a served call with no answer, an answered call with no end, times out
            of order by more than a clock glitch; the first offending row.
    """
    cols = raw.columns
    has_outcome = "outcome" in cols
    if "abandoned_at" not in cols and not (has_outcome and "queue_exit_at" in cols):
        raise lg.LogError("abandoned_at", None, "a column 'abandoned_at', or 'outcome' and 'queue_exit_at' "
                          "(a call log; see docs/pages/calibration.md, 'Log formats')",
                          lg.Described(f"columns {list(cols)}"))
    ids = lg._text(raw, "call_id")
    lg._empty_row(ids, "call_id", "a call id")
    n = len(raw)
    rows = np.arange(1, n + 1)
    none = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")

    def times(column: str) -> pd.Series:
        return lg.parse_times(raw, column, timezone, time_format) if column in cols else none.copy()

    ivr, arrived, answered = times("ivr_entered_at"), times("arrived_at"), times("answered_at")
    abandoned, exit_, ended = times("abandoned_at"), times("queue_exit_at"), times("ended_at")
    zeroed = np.zeros(n, dtype=bool)
    first = ivr.fillna(arrived)
    for t, before in ((arrived, ivr), (answered, first), (abandoned, first), (exit_, first)):
        zeroed |= _zero_before(t, before)
        first = ivr.fillna(arrived)
    if has_outcome:
        outcome = lg._text(raw, "outcome").str.lower().str.replace(r"[\s\-]+", "_", regex=True).replace(_SYNONYMS)
        lg._must_be(lg._text(raw, "outcome"), ~outcome.isin(CALL_OUTCOMES).to_numpy(), "outcome",
                    f"one of {', '.join(CALL_OUTCOMES)} (or map the log's own with the outcome mapping)")
        outcome = outcome.to_numpy(dtype=object)
        served = outcome == "served"
        answered = answered.where(answered.notna() | ~served, exit_)
        abandoned = abandoned.where(abandoned.notna() | (outcome != "abandoned"), exit_)
        contradicted = served & abandoned.notna().to_numpy()  # the outcome decides: counted below
        abandoned[served] = pd.NaT
        lg._must_be(answered, served & answered.isna().to_numpy(), "answered_at", "a timestamp for a served call")
    else:
        both = answered.notna().to_numpy() & abandoned.notna().to_numpy()
        lg._must_be(abandoned, both, "abandoned_at", "an empty value for an answered call (answered_at is set)")
        served = answered.notna().to_numpy()
        outcome = np.where(served, "served", np.where(abandoned.notna().to_numpy(), "abandoned", "unknown"))
        outcome = outcome.astype(object)
        contradicted = np.zeros(n, dtype=bool)
    # No queue entry: answered straight from the voice response, or never queued.
    no_queue = arrived.isna().to_numpy()
    if no_queue.any() and not ("ivr_entered_at" in cols or has_outcome):
        lg._must_be(arrived, no_queue, "arrived_at", lg.TIMESTAMP_EXPECTED)
    arrived = arrived.where(~(no_queue & served), answered)
    outcome[no_queue & ~served & (outcome != "phantom")] = "ivr"
    midnight_end = _zero_before(ended, answered) & served
    lg._must_be(ended, served & ended.isna().to_numpy() & ~midnight_end, "ended_at",
                "a timestamp for an answered call")
    glitch = np.zeros(n, dtype=bool)
    for later, earlier, name, earlier_name in ((arrived, ivr, "arrived_at", "ivr_entered_at"),
                                              (answered, arrived, "answered_at", "arrived_at"),
                                              (abandoned, arrived, "abandoned_at", "arrived_at")):
        gap = (earlier - later).dt.total_seconds().to_numpy()
        small = np.nan_to_num(gap, nan=0.0)
        glitch |= (small > 0) & (small <= GLITCH_SEC)
        lg._not_before(later.where(~((small > 0) & (small <= GLITCH_SEC)), earlier), earlier, name, earlier_name)
    lg._not_before(ended, answered, "ended_at", "answered_at")
    frame = call_frame(raw, rows, ids, ivr, arrived, answered, abandoned, ended, outcome, served)
    log = lg.Log("calls", source, frame, has_services=bool((frame["service"] != "calls").any())
                 and "service" in cols)
    log.has_client_ids = bool(frame["customer_id"].notna().any())
    _mark(log, frame, outcome, zeroed, midnight_end, glitch)
    log.add_odd("served calls with a time of hanging up", rows[contradicted],
                "the outcome decides: answered (abandoned_at ignored)")
    return log


def _zero_before(t: pd.Series, before: pd.Series) -> np.ndarray:
    """Times at exactly 00:00:00 that come before ``before`` (an export's zero for "no time");
    they are set to NaT in ``t``."""
    zero = (t.notna() & (t == t.dt.normalize()) & (t < before)).fillna(False).to_numpy(dtype=bool)
    t[zero] = pd.NaT
    return zero


def call_frame(raw: pd.DataFrame, rows: np.ndarray, ids: pd.Series, ivr: pd.Series, arrived: pd.Series,
               answered: pd.Series, abandoned: pd.Series, ended: pd.Series, outcome: np.ndarray,
               served: np.ndarray) -> pd.DataFrame:
    """A row per call: ``row``, ``call_id``, ``customer_id`` (None if absent), ``service``
    (``calls`` without a service column), ``ivr`` (voice-response entry, NaT if none),
    ``arrived`` (queue entry), ``answered``, ``abandoned``, ``ended``, ``agent``,
    ``outcome`` (answered, abandoned, unknown; ivr and phantom before they are left
    out), ``wait_min`` (queue entry to answer or hang-up, never negative) and
    ``service_min`` (talk time, answered calls)."""
    service = lg._text(raw, "service").replace({"": "calls"})
    customer = lg._text(raw, "customer_id").replace({"": None})
    label = np.where(served, "answered", outcome)
    leave = answered.where(served, abandoned)
    return pd.DataFrame({
        "row": rows,
        "call_id": ids.astype(str),
        "customer_id": customer,
        "service": service.astype(str),
        "ivr": ivr,
        "arrived": arrived,
        "answered": answered,
        "abandoned": abandoned,
        "ended": ended,
        "agent": lg._text(raw, "agent").replace({"": None}),
        "outcome": label,
        "wait_min": np.clip(lg._minutes(leave, arrived), 0, None),
        "service_min": np.where(served, lg._minutes(ended, answered), np.nan),
    })


def _mark(log: lg.Log, frame: pd.DataFrame, outcome: np.ndarray, zeroed: np.ndarray, midnight_end: np.ndarray,
          glitch: np.ndarray) -> None:
    """Count the odd rows, set what each fit may use (``service_ok``, ``wait_ok``) and
    keep the calls (every call but repeats, phantoms and calls that ended in the voice response)."""
    rows = frame["row"].to_numpy()
    day = frame["ivr"].fillna(frame["arrived"]).dt.normalize()
    dup = pd.DataFrame({"d": day, "i": frame["call_id"]}).duplicated(keep="first").to_numpy()
    log.add_odd("records repeating a call_id of the same day", rows[dup],
                "left out (the first record with the id that day is kept)")
    keep = ~dup
    phantom = (outcome == "phantom") & keep
    log.add_odd("phantom calls", rows[phantom], "left out (not calls)")
    ivr = (outcome == "ivr") & keep
    log.add_odd("calls that ended in the voice response (never queued)", rows[ivr],
                "left out: they never reached the agents")
    keep &= ~phantom & ~ivr
    answered = (frame["outcome"] == "answered").to_numpy()
    log.add_odd("times of 00:00:00 before the call began", rows[zeroed & keep], "read as no time")
    log.add_odd("answered calls ending at 00:00:00 before they were answered", rows[midnight_end & keep],
                "left out of the talk-time fit")
    log.add_odd(f"calls answered or abandoned up to {GLITCH_SEC} s before they reached the queue (clock glitch)",
                rows[glitch & keep], "a wait of 0, left out of the patience fit")
    neither = (frame["outcome"] == "unknown").to_numpy() & keep
    log.add_odd("calls neither answered nor abandoned", rows[neither], "counted as calls, left out of the fits")
    no_leave = (frame["outcome"] == "abandoned").to_numpy() & frame["abandoned"].isna().to_numpy() & keep
    log.add_odd("abandoned calls with no time of hanging up", rows[no_leave], "left out of the patience fit")
    zero = answered & keep & ~midnight_end & (frame["service_min"].to_numpy() <= 0)
    log.add_odd("answered calls with a zero duration", rows[zero], "left out of the call-time fit")
    no_agent = answered & keep & frame["agent"].isna().to_numpy()
    log.add_odd("answered calls with no agent", rows[no_agent], "left out of the agents' activity")
    frame["service_ok"] = answered & keep & ~zero & ~midnight_end
    frame["wait_ok"] = keep & ~neither & ~no_leave & ~glitch
    log.frame = frame[keep].reset_index(drop=True)
