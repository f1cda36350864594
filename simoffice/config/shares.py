"""Shares that should sum to 1, and a word when they do not.

The segments' ``share``, the bundles' ``share`` and a bundle's ``segment_mix`` are
shares of all clients (or of a bundle's clients). The build reads them normalised
(:func:`simoffice.config.checks.weights`: each divided by their sum), so a config
whose shares sum to 1.1 runs as if each were a tenth smaller. That is what a
mistyped share most likely meant, but it should not pass in silence: each such sum
gives a warning (``shares_normalised``) that names the key and the sum. Shares
left at their default of 1 each mean equal shares and give none; nor do sums within
:data:`SUM_TOLERANCE` of 1 (shares rounded to a few decimals). Channel weights and
a zone's ``segment_mix`` are relative weights, documented as such, and are not
checked here.
"""

from __future__ import annotations

from typing import Any, Mapping

from omegaconf import DictConfig

from simoffice.config.network_schema import MMCNetworkConfig
from simoffice.config.strict import typed_config

# Shares written with two decimals over a dozen groups may be off by this much.
SUM_TOLERANCE = 0.01


def share_warnings(cfg: DictConfig | Mapping[str, Any]) -> list[dict[str, str]]:
    """A warning ``{"kind": "shares_normalised", "unit": "all", "text"}`` for each set
    of shares that does not sum to 1 (a config that builds; see the module docstring)."""
    net = typed_config(cfg).network
    if isinstance(net, MMCNetworkConfig):
        return []
    sets = [("network.segments", "share", {n: s.share for n, s in (net.segments or {}).items()}),
            ("network.bundles", "share", {n: b.share for n, b in (net.bundles or {}).items()})]
    sets += [(f"network.bundles.{n}.segment_mix", None, dict(b.segment_mix))
             for n, b in (net.bundles or {}).items() if b.segment_mix]
    out = []
    for key, field, shares in sets:
        text = _sum_text(key, field, shares)
        if text:
            out.append({"kind": "shares_normalised", "unit": "all", "text": text})
    return out


def _sum_text(key: str, field: str | None, shares: dict[str, Any]) -> str:
    values = [float(v) for v in shares.values()]
    total = sum(values)
    if not values or total <= 0 or abs(total - 1) <= SUM_TOLERANCE:
        return ""
    if field is not None and all(v == 1 for v in values):
        return ""  # every share left at 1: equal shares
    what = f"the {field}s of {key}" if field else key
    return (f"{what[0].upper()}{what[1:]} sum to {total:g}, not 1: each is read as its value divided by "
            f"{total:g} ({', '.join(f'{n} {float(v):g} → {float(v) / total:.3g}' for n, v in shares.items())}).")
