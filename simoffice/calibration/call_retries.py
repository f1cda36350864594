"""Callers who call again after hanging up, from the customer ids of a call log.

An abandoned call is *retried* when the same customer calls again within
:data:`RETRY_WINDOW_MIN` of hanging up; that next call is a retry, not new
demand (the model makes retries itself: ``contact_centre.retry_prob`` after
``retry_after_min``). The retry probability is the share of abandoned calls
retried, counted over those that hung up at least the window before the log
ends; the delay is the median minutes from hanging up to the retry (the model
has one fixed delay: most callers retry within minutes, a few the next day).

Exports often give unidentified callers one placeholder id (``0``, ``unknown``):
an id with more than :data:`MAX_CALLS_A_DAY` calls on some day is taken for such
a placeholder, and its calls for calls without an id. A retry is seen only when
the retry too carries a known id: with a share k of calls known, the share of
abandoned calls seen retried is divided by k (callers taken to be identified
call by call, at random), and so is the number of retries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["RetryFit", "fit_retries", "RETRY_WINDOW_MIN", "MAX_CALLS_A_DAY"]

RETRY_WINDOW_MIN = 24 * 60
MAX_CALLS_A_DAY = 20


@dataclass
class RetryFit:
    """Retries after abandoning (needs customer ids).

    Attributes:
        with_ids: the log has customer ids.
        prob: share of abandoned calls retried within the window.
        n: abandoned calls counted for ``prob``.
        after_min: median minutes from hanging up to the retry.
        is_retry: per call of the frame, whether it is seen to retry an abandoned call.
        retries: the retries estimated among the frame's calls (seen ones / known share).
        placeholders: ids taken for placeholders of unidentified callers.
    """

    with_ids: bool
    prob: float
    n: int
    after_min: float
    is_retry: np.ndarray
    retries: float = 0.0
    placeholders: tuple[str, ...] = ()


def fit_retries(calls: pd.DataFrame, window_min: float = RETRY_WINDOW_MIN) -> RetryFit:
    """Retries in a call frame (``customer_id``, ``arrived``, ``abandoned``, ``outcome``)."""
    n = len(calls)
    ids = calls["customer_id"] if "customer_id" in calls.columns else pd.Series(None, index=calls.index)
    if ids.isna().all():
        return RetryFit(False, 0.0, 0, 0.0, np.zeros(n, dtype=bool))
    per_day = pd.DataFrame({"c": ids, "d": calls["arrived"].dt.normalize()}).dropna().value_counts()
    placeholders = tuple(sorted({str(c) for (c, _), k in per_day.items() if k > MAX_CALLS_A_DAY}))
    known = ids.notna().to_numpy() & ~ids.isin(placeholders).to_numpy()
    if not known.any():
        return RetryFit(False, 0.0, 0, 0.0, np.zeros(n, dtype=bool), 0.0, placeholders)
    t = calls.assign(_i=np.arange(n))[known].sort_values(["customer_id", "arrived"], kind="stable")
    same_next = t["customer_id"].eq(t["customer_id"].shift(-1)).to_numpy()
    hung_up = (t["outcome"] == "abandoned").to_numpy() & t["abandoned"].notna().to_numpy()
    gap = ((t["arrived"].shift(-1) - t["abandoned"]).dt.total_seconds() / 60).to_numpy()
    retried = hung_up & same_next & (gap >= 0) & (gap <= window_min)
    end = calls["arrived"].max()
    eligible = hung_up & (t["abandoned"] <= end - pd.Timedelta(minutes=window_min)).to_numpy()
    is_retry = np.zeros(n, dtype=bool)
    nxt = t["_i"].shift(-1).to_numpy()
    is_retry[nxt[retried].astype(int)] = True
    share = float(known.mean())
    prob = min(1.0, float(retried[eligible].mean()) / share) if eligible.any() else 0.0
    after = float(np.median(gap[retried])) if retried.any() else 0.0
    return RetryFit(True, prob, int(eligible.sum()), after, is_retry, float(is_retry.sum()) / share, placeholders)
