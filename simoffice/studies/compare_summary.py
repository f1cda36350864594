"""A comparison in a few sentences: the headline per arm, then what changes most and where.

For each arm against the baseline: the headline (how many measures are better,
worse, not clearly different), the largest clear differences with their intervals,
where the wait or the share seen in time changes most (the unit and the weekday),
which zones gain or lose when the study is about coverage, and the network's
service standards whose status changes. With one replication there is no interval
and the summary says so instead.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from simoffice.run.results import Results
from simoffice.studies.compare_breakdown import COVERAGE_MEASURES
from simoffice.studies.compare_verdict import (
    BETTER,
    VERDICT,
    WORSE,
    counts,
    headline_sentence,
    join_words,
    largest_sentence,
    one_replication_reason,
    signed,
    unit_text,
)

DAY_NAMES = {"Mon": "Monday", "Tue": "Tuesday", "Wed": "Wednesday", "Thu": "Thursday", "Fri": "Friday",
             "Sat": "Saturday", "Sun": "Sunday"}
WHERE_MEASURES = ("wait_mean_min", "service_level")
STATUS_WORDS = {"met": "met", "missed": "missed", "cannot_tell": "cannot tell"}


def summarise(arms: Mapping[str, Results], headline: pd.DataFrame, breakdowns: Mapping[str, pd.DataFrame],
              currency: str) -> dict[str, Any]:
    """The summary of a comparison: ``{"headline": {arm: sentence}, "sentences": {arm:
    [sentence, ...]}, "counts": {arm: {verdict: n}}, "no_verdict": reason or None}``
    for each arm after the first (the baseline)."""
    names = list(arms)
    baseline = names[0]
    replications = min(int(res.spec.run.replications) for res in arms.values())
    if replications < 2:
        return {"headline": {}, "sentences": {}, "counts": {}, "no_verdict": one_replication_reason(replications)}
    out: dict[str, Any] = {"headline": {}, "sentences": {}, "counts": {}, "no_verdict": None}
    for arm in names[1:]:
        out["headline"][arm] = headline_sentence(headline, arm, baseline)
        out["counts"][arm] = counts(headline, arm)
        sentences = [largest_sentence(headline, arm), where_sentence(breakdowns, arm, currency)]
        if "zone" in breakdowns:
            sentences.append(zone_sentence(breakdowns["zone"], arm, currency))
        sentences.append(standards_sentence(arms, arm))
        out["sentences"][arm] = [s for s in sentences if s]
    return out


# A difference worth naming as "where it changes most", per measure: half a minute of
# mean wait, a point of the share seen in time (a wait 0.03 min shorter at the contact
# centre is clear with many replications, and no news).
MATERIAL = {"wait_mean_min": 0.5, "service_level": 0.01}


def lines(summary: Mapping[str, Any]) -> list[str]:
    """The summary as the terminal prints it: per arm its headline then its sentences."""
    if summary["no_verdict"]:
        return [summary["no_verdict"]]
    return [line for arm, head in summary["headline"].items() for line in (head, *summary["sentences"][arm])]


def _clear(table: pd.DataFrame | None, arm: str, measure: str) -> pd.DataFrame:
    if table is None or table.empty:
        return pd.DataFrame()
    rows = table[(table["arm"] == arm) & (table["measure"] == measure) & table["verdict"].isin((BETTER, WORSE))]
    return rows


def _difference(row: pd.Series, currency: str) -> str:
    label, unit, _ = VERDICT[row["measure"]]
    return f"{label} {signed(row['mean'], row['ci_low'], row['ci_high'], unit_text(unit, currency))}"


def where_sentence(breakdowns: Mapping[str, pd.DataFrame], arm: str, currency: str) -> str | None:
    """The unit and the weekday with the largest clear difference in mean wait (else in
    the share seen within the target wait) of at least :data:`MATERIAL`, e.g. ``Where: at Rural centre, mean wait
    +3.10 min (+1.20 to +5.00); on Friday, …``; None without any breakdown."""
    parts = []
    for by, word in (("unit", "at"), ("weekday", "on")):
        table = breakdowns.get(by)
        if table is None or table.empty:
            continue
        for m in WHERE_MEASURES:
            rows = _clear(table, arm, m)
            rows = rows[rows["mean"].abs() >= MATERIAL[m]] if len(rows) else rows
            if len(rows):
                r = rows.loc[rows["mean"].abs().idxmax()]
                place = DAY_NAMES.get(r["group"], r["group"]) if by == "weekday" else r["group"]
                parts.append(f"{word} {place}, {_difference(r, currency)}")
                break
    if parts:
        return "Where it changes most: " + "; ".join(parts) + "."
    if any(by in breakdowns and not breakdowns[by].empty for by in ("unit", "weekday")):
        return ("No unit or weekday differs clearly, by half a minute of mean wait or a point of clients seen "
                "within the target wait.")
    return None


def zone_sentence(zones: pd.DataFrame, arm: str, currency: str, top: int = 2) -> str:
    """Per coverage measure (the share of residents with a service point open nearby, then
    travel), the clear changes by zone, largest first, zones with the same change together:
    ``By zone: residents … +14.3 points in Villages north and Forest settlements; travel per
    bundle −57.0 min (−67.5 to −46.5) in Forest settlements and …``; at most ``top`` changes
    a measure."""
    parts = []
    for m in COVERAGE_MEASURES:
        rows = zones[(zones["arm"] == arm) & (zones["measure"] == m) & zones["verdict"].isin((BETTER, WORSE))]
        if rows.empty:
            continue
        label, unit, _ = VERDICT[m]
        unit = unit_text(unit, currency)
        same: dict[str, list] = {}  # the change -> [its size, zones]
        for _, r in rows.iterrows():
            same.setdefault(signed(r["mean"], r["ci_low"], r["ci_high"], unit), [abs(r["mean"]), []])[1].append(
                str(r["group"]))
        ranked = sorted(same.items(), key=lambda x: -x[1][0])
        items = [f"{change} in {join_words(names)}" for change, (_, names) in ranked[:top]]
        more = sum(len(names) for _, (_, names) in ranked[top:])
        text = join_words(items) if not more else ", ".join(items) + f", and {more} more zone{'s' * (more > 1)}"
        parts.append(f"{label} {text}")
    if not parts:
        return "No zone's coverage or travel changes clearly."
    return "By zone: " + "; ".join(parts) + "."


def standards_sentence(arms: Mapping[str, Results], arm: str) -> str | None:
    """The network's service standards whose status differs from the baseline's."""
    baseline = next(iter(arms))
    before = _network_standards(arms[baseline])
    after = _network_standards(arms[arm])
    parts = [f"{after[k]['label']}: {STATUS_WORDS.get(after[k]['status'], after[k]['status'])} "
             f"({STATUS_WORDS.get(before[k]['status'], before[k]['status'])} under {baseline})"
             for k in after if k in before and after[k]["status"] != before[k]["status"]]
    return ("Service standards that change: " + "; ".join(parts) + ".") if parts else None


def _network_standards(res: Results) -> dict[str, dict]:
    return {s["standard"]: s for s in res.summary.get("standards", []) if s.get("unit") == "all"}
