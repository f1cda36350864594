"""The HTML kit every page is built from: skeleton, style sheet, escaping, number formats.

A page (a run's report, a comparison, a staffing search, a sweep, a calibration)
is one self-contained HTML file: a title, perhaps a subtitle, sections headed
``<h2>``, and a footer. The style sheet is inlined, and so is plotly.js, once,
with the page's first figure, so a page works offline and can be forwarded as
a single file. Text that comes from configs or logs (office names, file names)
goes through :func:`esc`; numbers are rounded for readers by :func:`num`.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import plotly.colors
import plotly.graph_objects as go

from simoffice.files import atomic_write

# A colour per unit in config order, the same in every chart that draws units as lines
# (utilisation by hour and its bars of serving after closing, the warm-up's weekly figures).
UNIT_COLOURS = plotly.colors.qualitative.Plotly

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.1em} .subtitle{color:#555;margin-top:0}
.summary{font-size:1.1em;background:#f3f6fa;border-left:4px solid #36c;padding:.7em 1em}
table{border-collapse:collapse;margin:1em 0} th,td{padding:.3em .8em;border-bottom:1px solid #ddd}
th{text-align:left;background:#f3f6fa} td.num{text-align:right;font-variant-numeric:tabular-nums}
footer{color:#777;font-size:.85em;margin-top:2em}
.ci{display:block;color:#777;font-size:.8em} .note{color:#555;font-size:.9em}
ul.gaps li{margin:.25em 0}
.verdict{font-size:1.05em;background:#f7f7f2;border-left:4px solid #888;padding:.6em 1em}
ul.verdict{list-style:none} ul.verdict li{margin:.2em 0}
table.scorecard tr>th:first-child{min-width:8em}
table.scorecard th,table.scorecard td{border:1px solid #fff;vertical-align:top}
table.scorecard th{font-weight:600;font-size:.9em;max-width:11em}
table.scorecard th .target{display:block;font-weight:normal;color:#555}
.wide{overflow-x:auto} table.scorecard td{text-align:center;min-width:5em}
table.scorecard tr.network th,table.scorecard tr.network td{border-bottom:2px solid #888}
.scorecard .status{display:block;font-size:.75em;text-transform:uppercase;letter-spacing:.03em}
.met{background:#d4edda} .missed{background:#f5c6cb} .cannot_tell{background:#ffe8a1}
td.na{color:#999;background:#fafafa}
.legend .swatch{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;margin-right:.25em;
border:1px solid #ccc}
ul.warnings{padding-left:1.2em} li.warning{margin:.3em 0;padding:.3em .6em;background:#fff4e0;
border-left:4px solid #e08a00;list-style:none}
@media print{.met,.missed,.cannot_tell,li.warning{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
.v-better{background:#d4edda} .v-worse{background:#f5c6cb} .v-unclear{background:#ececec;color:#444}
.v-neutral{background:#dde7f5} .v-lower{background:#e6ecf5} .v-none{color:#777}
.vword{display:block;font-size:.75em;text-transform:uppercase;letter-spacing:.03em}
td.verdict-word{font-weight:600;text-align:center}
.arm-cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1em}
.arm-card{border:1px solid #ddd;border-top:5px solid #888;padding:0 1em .5em} .arm-card h3{margin:.5em 0 .2em}
.arm-name{white-space:nowrap} .arm-name .swatch{display:inline-block;width:.8em;height:.8em;
margin-right:.3em;border-radius:2px;vertical-align:-.05em}
td.changed{font-weight:600} tr.week td{border-top:2px solid #bbb} .wide{overflow-x:auto}
.summary p{margin:.5em 0} .arm-verdict p.headline{font-weight:700;margin:.5em 0 .1em}
.arm-verdict ul{margin:.1em 0 .4em;padding-left:1.3em} .arm-verdict li{margin:.15em 0}
@media print{.v-better,.v-worse,.v-unclear,.v-neutral,.swatch{-webkit-print-color-adjust:exact;
print-color-adjust:exact} .wide{overflow:visible}}
"""
# Figures are drawn in a div of fixed height: a 100 % high div in an unsized page would collapse.
DEFAULT_HEIGHT = 450
FIGURE_CONFIG = {"displaylogo": False, "responsive": True}


def esc(value: Any) -> str:
    """``value`` as text that shows as it is in HTML (``<`` as ``&lt;`` …)."""
    return html.escape(str(value))


def finite(x: Any) -> float | None:
    """``x`` as a float, or None when it is missing, not a number or not finite."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None


def num(x: float | None) -> str:
    """Round to what a reader needs: fewer decimals for larger numbers; ``–`` for none."""
    if x is None or not np.isfinite(x):
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def cell(mean: float | None, low: float | None = None, high: float | None = None) -> str:
    """A table cell of a number with its 95 % interval below in small print; ``–`` without a number."""
    if mean is None:
        return '<td class="num">–</td>'
    ci = "" if low is None or high is None else f'<span class="ci">{num(low)} – {num(high)}</span>'
    return f'<td class="num">{num(mean)}{ci}</td>'


def table(head: Iterable[str], rows: Iterable[str], caption: str | None = None) -> str:
    """A table from its header cells and its ``<tr>`` rows (both HTML, escaped by the caller)."""
    th = "".join(f"<th>{h}</th>" for h in head)
    top = "" if caption is None else f"<caption>{caption}</caption>"
    return f"<table>{top}<tr>{th}</tr>{''.join(rows)}</table>"


def section(heading: str, *parts: str, anchor: str | None = None) -> str:
    """A section: an ``<h2>`` heading (HTML; ``anchor`` its id, to link to) and its parts."""
    h2 = f"<h2>{heading}</h2>" if anchor is None else f'<h2 id="{anchor}">{heading}</h2>'
    return "\n".join([h2, *parts])


def figure_divs(figures: Iterable[tuple[str, go.Figure]], top_margin: int = 70) -> list[str]:
    """Each ``(div id, figure)`` as a div of the page, in order, with plotly.js inlined in
    the first one only. A figure keeps its layout's height (else :data:`DEFAULT_HEIGHT`
    pixels) and gets the page's template and ``top_margin`` pixels above its plot for
    its title."""
    divs = []
    for div_id, fig in figures:
        height = fig.layout.height or DEFAULT_HEIGHT
        fig.update_layout(template="plotly_white", margin=dict(t=top_margin), height=height)
        divs.append(fig.to_html(full_html=False, include_plotlyjs=not divs, div_id=div_id, config=FIGURE_CONFIG,
                                default_height=f"{height}px"))
    return divs


def page(title: str, body: Iterable[str], footer: str, subtitle: str | None = None) -> str:
    """One self-contained page: ``title`` (text, escaped here) as the window's title and
    the heading, then ``subtitle``, the ``body`` parts and ``footer`` (HTML)."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
    ]
    if subtitle is not None:
        head.append(f'<p class="subtitle">{subtitle}</p>')
    return "\n".join([*head, *body, f"<footer>{footer}</footer>", "</body></html>"])


def write_html(text: str, path: str | os.PathLike) -> Path:
    """Write a page to ``path`` atomically and return the path.

    The page goes to a temporary file in the same directory first, so a reader
    never sees half a file and an existing page is only replaced when the new
    one is complete.
    """
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
