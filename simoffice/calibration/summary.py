"""The text summary a calibration prints: data, holidays, fits with their AIC and KS, offices, odd rows."""

from __future__ import annotations

import math

from simoffice.calibration.fitted import Calibration
from simoffice.vocabulary import hhmm

__all__ = ["format_summary", "plural"]


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, with an s when ``n`` is not 1: ``1 office``, ``2 offices``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _fmt(x: float, digits: int = 2) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def format_summary(cal: Calibration) -> str:
    """A short text summary: data, holidays, fits with their AIC and KS, offices, odd rows."""
    c = cal.counts
    out = [
        f"{c['tickets']} tickets, {cal.first_day} to {cal.last_day}: {c['served']} served, {c['reneged']} reneged, "
        f"{c['sent_away']} sent away, {c['no_show']} no-shows; client ids: {'yes' if cal.returns.with_ids else 'no'}",
    ]
    if cal.arrivals.holidays:
        out.append("Holidays left out of the profile: "
                   + ", ".join(f"{d} ({why})" for d, why in cal.arrivals.holidays.items())
                   + "; and the first day after each, which takes its clients too: "
                   + ", ".join(str(d) for d in cal.arrivals.after_holidays))
    a = cal.arrivals
    out.append(f"Arrival profile: {a.bin_min}-min bins from {hhmm(a.start_min)}, "
               f"{a.per_week:.1f} tickets in an ordinary week")
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
    else:
        out.append("\nNo client ids: returns cannot be told from new clients (missing_document_prob 0, "
                   "return_prob 0; every ticket counts as demand)")
    out.append(f"\nOffices (desks per shift of schedule '{cal.schedule_name}'):")
    for o in cal.offices:
        days = [f"{d} {h}" for d, h in o.opening_hours.items() if h]
        out.append(f"  {o.name}: {o.bundles_per_week:.1f} bundles a week; open {', '.join(days)}")
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
    return "\n".join(out)
