"""The text a calibration prints: the summary (data, holidays, fits with their AIC, KS and
the records behind them, offices, odd rows, fits from few data) and the table of the model
against the log (:func:`format_check`)."""

from __future__ import annotations

import math

import numpy as np

from simoffice.calibration.fitted import Calibration
from simoffice.calibration.log_measures import LABELS
from simoffice.calibration.sample_sizes import small_fits
from simoffice.calibration.validation import LogCheck
from simoffice.vocabulary import WEEKDAY_NAMES, hhmm

__all__ = ["format_summary", "format_check", "plural"]
# The furthest-outside weekday × hour values the check's table lists.
WORST_SHOWN = 5


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, with an s when ``n`` is not 1: ``1 office``, ``2 offices``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _fmt(x: float, digits: int = 2) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def format_summary(cal: Calibration) -> str:
    """A short text summary: data, holidays, fits with their AIC and KS, offices, odd rows."""
    c = cal.counts
    calls_only = cal.log.kind in ("calls", "intervals")  # a contact centre alone: its records are calls
    if cal.log.kind == "calls":
        outcome = cal.log.frame["outcome"]
        out = [f"{len(outcome)} calls, {cal.first_day} to {cal.last_day}: {int((outcome == 'answered').sum())} "
               f"answered, {int((outcome == 'abandoned').sum())} abandoned"]
    elif cal.log.kind == "intervals":
        i = cal.calls.intervals
        out = [f"An interval report of {len(cal.log.frame)} intervals of {i.interval_min} min, {cal.first_day} to "
               f"{cal.last_day}: {i.offered} calls offered, {i.handled} handled, {i.abandoned} abandoned"]
    else:
        out = [
            f"{c['tickets']} tickets, {cal.first_day} to {cal.last_day}: {c['served']} served, {c['reneged']} "
            f"reneged, {c['sent_away']} sent away, {c['no_show']} no-shows; client ids: "
            f"{'yes' if cal.returns.with_ids else 'no'}",
        ]
    if cal.arrivals.holidays:
        out.append("Holidays left out of the profile: "
                   + ", ".join(f"{d} ({why})" for d, why in cal.arrivals.holidays.items())
                   + "; and the first day after each, which takes its clients too: "
                   + ", ".join(str(d) for d in cal.arrivals.after_holidays))
    a = cal.arrivals
    days = ", ".join(f"{WEEKDAY_NAMES[d]} {a.days[d]}" for d in range(7) if a.rates[d].sum() > 0)
    out.append(f"Arrival profile: {a.bin_min}-min bins from {hhmm(a.start_min)}, "
               f"{a.per_week:.1f} {'calls' if calls_only else 'tickets'} in an ordinary week (ordinary days: {days})")
    head = f"\n{'service time (min)':<28} {'chosen':<12} {'mean':>7} {'cv':>6} {'n':>6} {'KS':>6}   AIC of each"
    out.append(head)
    for s, fits in cal.service_fits.items():
        b = fits.best
        aics = ", ".join(f"{f.family} {f.aic:.1f}" for f in fits.fits)
        out.append(f"{s:<28} {b.family:<12} {b.mean:>7.2f} {b.cv:>6.2f} {fits.n:>6} {b.ks:>6.3f}   {aics}")
    if cal.patience is not None:
        p = cal.patience
        b = p.best
        aics = ", ".join(f"{f.family} {f.aic:.1f}" for f in p.fits)
        out.append(f"{'patience (censored)':<28} {b.family:<12} {b.mean:>7.2f} {b.cv:>6.2f} {p.n:>6} "
                   f"{_fmt(b.ks, 3):>6}   {aics}")
        out.append(f"  {p.n - p.censored} clients left the queue; {p.censored} waits censored by service. "
                   "KS: largest gap to the sample's distribution (patience: to the Kaplan–Meier curve).")
    r = cal.returns
    if r.with_ids:
        shares = ", ".join(f"{s} {v:.3f} (n={n})" for s, (v, n) in r.missing_document_prob.items())
        out.append(f"\nReturns within {r.window_days} days: missing_document_prob {shares}; "
                   f"return_prob {r.return_prob[0]:.3f} (n={r.return_prob[1]}); "
                   f"return_after_days {r.return_after_days}")
    elif not calls_only:  # a call log's retries come from its customer ids (the contact centre's line)
        out.append("\nNo client ids: returns cannot be told from new clients (missing_document_prob 0, "
                   "return_prob 0; every ticket counts as demand)")
    out.append("\nContact centre (agents on shifts of its own):" if calls_only
               else f"\nOffices (desks per shift of schedule '{cal.schedule_name}'):")
    for o in cal.offices:
        days = [f"{d} {h}" for d, h in o.opening_hours.items() if h]
        out.append(f"  {o.name}: {o.bundles_per_week:.1f} bundles a week; open {', '.join(days)} "
                   f"(from {plural(o.open_days, 'ordinary open day')})")
        for g in o.desk_groups:
            staff = ", ".join(f"{k} {v}" for k, v in g.staff.items())
            out.append(f"    {g.name} ({plural(len(g.desks), 'desk')}: {', '.join(g.services)}): {staff}; "
                       f"busy {100 * g.utilisation:.0f} % of the time on duty")
    if cal.calls is not None:
        cc = cal.calls
        out.append(f"  contact centre: {cc.calls_per_week:.1f} calls a week; agents "
                   + ", ".join(f"{k} {v}" for k, v in cc.agents.staff.items())
                   + ("" if cc.patience is None else
                      f"; callers' patience {cc.patience.best.family} mean {cc.patience.best.mean:.2f} min"))
    odd = list(cal.odd) + ([] if cal.calls is None else cal.calls.log.odd)
    if odd:
        out.append("\nOdd rows (kept unless said):")
        out += [f"  {o.describe()}" for o in odd]
    if cal.notes:
        out.append("\nNotes:")
        out += [f"  {n}" for n in cal.notes]
    small = small_fits(cal)
    if small:
        out.append(f"\nWarning: {plural(len(small), 'fit')} from fewer records than the documented minimum "
                   "(docs/pages/calibration.md, 'Sample sizes'); treat these values as rough:")
        out += [f"  {f.describe()}" for f in small]
    return "\n".join(out)


def _value(measure: str, x: float) -> str:
    if x is None or not math.isfinite(x):
        return "—"
    if measure in ("service_level", "abandonment_rate", "utilisation"):
        return f"{100 * x:.1f} %"
    return f"{x:.1f}" if measure == "arrivals" else f"{x:.2f}"


def _range(measure: str, lo: float, hi: float) -> str:
    return "—" if not (math.isfinite(lo) and math.isfinite(hi)) else f"{_value(measure, lo)}–{_value(measure, hi)}"


def format_check(check: LogCheck) -> str:
    """The model against the log as a text table: per unit, each measure observed, the
    replications' mean with its confidence interval, the prediction interval for one log
    and the verdict; then how many weekday × hour values fall outside their prediction
    interval, and the furthest ones."""
    pct = f"{100 * check.level:.0f} %"
    head = (f"\nThe model against the log ({check.first_day} to {check.last_day}, {check.replications} "
            f"replications, seed {check.seed}; service level: waited at most {check.target_min:g} min"
            + (f", calls {60 * check.call_target_min:g} s" if check.call_target_min is not None else "")
            + "; arrivals a week):")
    out = [head, f"{'unit':<24} {'measure':<16} {'observed':>9} {'n':>7} {'simulated':>9} "
                 f"{pct + ' CI':>17} {pct + ' prediction':>17}  verdict"]
    for r in check.units.itertuples(index=False):
        out.append(f"{str(r.unit)[:24]:<24} {LABELS[r.measure]:<16} {_value(r.measure, r.observed):>9} "
                   f"{r.n:>7.0f} {_value(r.measure, r.simulated):>9} "
                   f"{_range(r.measure, r.ci_low, r.ci_high):>17} {_range(r.measure, r.low, r.high):>17}  "
                   f"{r.verdict}")
    outside, judged = check.outside("hours")
    few = int((check.hours["verdict"] == "few data").sum())
    out.append(f"By weekday × hour (offices pooled; arrivals a day): {outside} of {judged} values outside their "
               f"{pct} prediction interval (about {100 - 100 * check.level:.0f} % expected by chance); "
               f"{few} from too few records not judged.")
    worst = _furthest(check)
    if len(worst):
        out.append("  furthest outside: " + "; ".join(
            f"{r.unit} {WEEKDAY_NAMES[r.weekday]} {r.hour:02d}:00 {LABELS[r.measure]} "
            f"{_value(r.measure, r.observed)} ({_range(r.measure, r.low, r.high)})"
            for r in worst.itertuples(index=False)))
    out.append("(Utilisation as the log shows it: service time over each desk's first call to last end of a day.)")
    return "\n".join(out)


def _furthest(check: LogCheck):
    """The weekday × hour values furthest outside their prediction interval, in widths of it."""
    h = check.hours[check.hours["verdict"] == "outside"]
    if h.empty:
        return h
    width = np.maximum((h["high"] - h["low"]).to_numpy(), 1e-9)
    gap = np.maximum(h["low"] - h["observed"], h["observed"] - h["high"]).to_numpy() / width
    return h.iloc[np.argsort(-gap, kind="stable")[:WORST_SHOWN]]
