"""The sample behind every fit of a calibration, and the fits made from too little.

A fit from a handful of records still writes a number into the network config
(``return_prob 0.833`` from 12 tickets, a patience from 29 clients who left).
:func:`fit_sizes` lists every fitted quantity with the number of records behind
it and the documented minimum below which it is flagged (:data:`MINIMUM`; the
calibration page, docs/pages/calibration.md, gives the same numbers and why):

- a **service time** or **call time**: 50 served tickets (calls); below, the
  mean is uncertain by more than ±2·cv/√50 ≈ ±28 % (cv 1) and AIC cannot tell
  the families apart (with fewer than 20, only the exponential is fitted);
- a **patience**: 30 clients (callers) who left, the events of the censored fit
  (its mean is uncertain by about ±2/√events ≈ ±37 % at 30);
- a **share** (``missing_document_prob``, ``return_prob``): 30 tickets counted
  (a binomial share's 95 % half-width is up to ±18 points at 30);
- the **arrival profile**: 4 ordinary days of every weekday it has tickets on
  (a weekday's mean is one day's count over its days);
- an **office** (opening hours and desks on duty, from the days' first and last
  tickets and the desks' activity): 10 ordinary open days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simoffice.vocabulary import WEEKDAY_NAMES

__all__ = ["MINIMUM", "FitSize", "fit_sizes", "small_fits"]

# kind of fit -> (the least records behind it, what the records are)
MINIMUM: dict[str, tuple[int, str]] = {
    "service time": (50, "served tickets"),
    "patience": (30, "clients who left"),
    "share": (30, "tickets counted"),
    "arrival profile": (4, "ordinary days"),
    "office": (10, "ordinary open days"),
    "call time": (50, "answered calls"),
    "callers' patience": (30, "callers who hung up"),
}


@dataclass(frozen=True)
class FitSize:
    """One fitted quantity: ``what`` (as the summary names it), the ``kind`` of fit
    (a key of :data:`MINIMUM`) and ``n``, the records behind it."""

    what: str
    kind: str
    n: int

    @property
    def minimum(self) -> int:
        return MINIMUM[self.kind][0]

    @property
    def records(self) -> str:
        """What ``n`` counts, e.g. ``served tickets``."""
        return MINIMUM[self.kind][1]

    @property
    def small(self) -> bool:
        """Fitted from fewer records than the documented minimum."""
        return self.n < self.minimum

    def describe(self) -> str:
        """``service time of passport: n = 12 served tickets (fewer than 50)``."""
        flag = f" (fewer than {self.minimum})" if self.small else ""
        return f"{self.what}: n = {self.n} {self.records}{flag}"


def fit_sizes(cal: Any) -> list[FitSize]:
    """Every fitted quantity of a :class:`~simoffice.calibration.fitted.Calibration` with the
    records behind it: service times, patience, return shares, the arrival profile per open
    weekday, each office, and the contact centre's call times and callers' patience."""
    out = [FitSize(f"service time of {s}", "service time", int(f.n)) for s, f in cal.service_fits.items()]
    if cal.patience is not None:
        out.append(FitSize("patience", "patience", int(cal.patience.n - cal.patience.censored)))
    r = cal.returns
    if r is not None and r.with_ids:
        out += [FitSize(f"missing_document_prob of {s}", "share", int(n))
                for s, (_, n) in r.missing_document_prob.items()]
        out.append(FitSize("return_prob", "share", int(r.return_prob[1])))
    a = cal.arrivals
    if a is not None:
        open_days = a.rates.sum(axis=1) > 0
        out += [FitSize(f"arrival profile, {WEEKDAY_NAMES[d]}", "arrival profile", int(a.days[d]))
                for d in range(7) if open_days[d]]
    out += [FitSize(f"office {o.name}", "office", int(o.open_days)) for o in cal.offices]
    cc = cal.calls
    if cc is not None:
        out += [FitSize(f"call time of {s}", "call time", int(f.n)) for s, f in cc.call_times.items()]
        if cc.patience is not None:
            out.append(FitSize("callers' patience", "callers' patience", int(cc.patience.n - cc.patience.censored)))
    return out


def small_fits(cal: Any) -> list[FitSize]:
    """The fits made from fewer records than their documented minimum."""
    return [f for f in fit_sizes(cal) if f.small]
