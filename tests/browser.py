"""Open a page in a real browser and read what it shows: Playwright driving Debian's Chromium.

    with chromium() as browser, opened(browser, path) as page:
        assert not console_errors(page)
        boxes = figure_title_boxes(page)
        assert not overlapping(boxes) and not clipped(boxes, page)

No browser is downloaded (no ``playwright install``): the Chromium on the PATH
(``chromium``, ``chromium-browser`` or ``google-chrome``; ``.ci/run`` installs
Debian's ``chromium``) is driven through the driver bundled in Playwright's wheel.
Without a browser the tests are skipped, except in CI (``CI`` set), where they fail.
Coordinates are CSS pixels of the page (its top left corner, scrolled or not, is 0, 0).
"""

from __future__ import annotations

import base64
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from weakref import WeakKeyDictionary

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
VIEWPORT = {"width": 1200, "height": 1600}
# Every plotly figure of the page has drawn: its layout is computed and its SVG is in the page.
DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
                   .every(d => d._fullLayout && d.querySelector('.main-svg'))"""

# Every figure of no fixed width is as wide as its div again (after the window was resized).
FOLLOWED = """() => [...document.querySelectorAll('.js-plotly-plot')]
                      .every(d => !d._fullLayout.autosize || Math.abs(d._fullLayout.width - d.clientWidth) < 2)"""

_messages: WeakKeyDictionary[Page, list[str]] = WeakKeyDictionary()


def executable() -> str:
    """The browser's path; skips the test without one, fails it in CI."""
    for name in BROWSERS:
        if found := shutil.which(name):
            return found
    if os.environ.get("CI"):
        pytest.fail("headless Chromium is not installed (.ci/run installs Debian's chromium package)")
    pytest.skip("headless Chromium is not installed (apt install chromium)")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium, closed on leaving."""
    path = executable()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def opened(browser: Browser, path: Path, viewport: dict | None = None) -> Iterator[Page]:
    """``path`` (a local page) open in a new tab of ``viewport`` size, once every plotly figure has
    drawn; the console's messages and the page's uncaught errors from the start are kept for
    :func:`console_errors`."""
    context = browser.new_context(viewport=viewport or VIEWPORT)
    page = context.new_page()
    messages: list[str] = []
    _messages[page] = messages
    page.on("console", lambda m: messages.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"uncaught error: {e}"))
    try:
        page.goto(Path(path).resolve().as_uri(), wait_until="load", timeout=60_000)
        page.wait_for_function(DRAWN, timeout=60_000)
        page.evaluate("() => document.fonts.ready")
        yield page
    finally:
        context.close()


def resize(page: Page, width: int, height: int = VIEWPORT["height"]) -> None:
    """Make the window ``width`` pixels wide and wait until every (responsive) figure has
    been laid out again at its div's new width."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(FOLLOWED, timeout=30_000)


def console_errors(page: Page) -> list[str]:
    """Every console message (of any level) and uncaught error of ``page`` since it was opened:
    a finished page logs nothing."""
    return list(_messages.get(page, []))


@dataclass(frozen=True)
class Box:
    """A rendered element's box, in CSS pixels from the page's top left corner."""

    figure: str  # the id of the figure's div
    text: str
    left: float
    top: float
    right: float
    bottom: float

    def meets(self, other: Box, slack: float = 1.0) -> bool:
        """The two boxes overlap by more than ``slack`` pixels each way."""
        return (min(self.right, other.right) - max(self.left, other.left) > slack
                and min(self.bottom, other.bottom) - max(self.top, other.top) > slack)

    def inside(self, other: Box, slack: float = 1.0) -> bool:
        """The box lies within ``other`` (give or take ``slack`` pixels)."""
        return (self.left >= other.left - slack and self.right <= other.right + slack
                and self.top >= other.top - slack and self.bottom <= other.bottom + slack)


_BOXES = """(selector) => {
  const box = (el, figure, text) => {
    const r = el.getBoundingClientRect();
    return {figure, text, left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX,
            bottom: r.bottom + scrollY};
  };
  const out = [];
  for (const fig of document.querySelectorAll('.js-plotly-plot')) {
    out.push({...box(fig, fig.id, ''), frame: true});
    for (const el of fig.querySelectorAll(selector)) {
      if (el.textContent.trim()) out.push({...box(el, fig.id, el.textContent.trim()), frame: false});
    }
  }
  return out;
}"""
TITLES = ".infolayer .gtitle, .infolayer .annotation-text"


def _boxes(page: Page, selector: str) -> tuple[list[Box], dict[str, Box]]:
    raw = page.evaluate(_BOXES, selector)
    frames = {r["figure"]: Box(**{k: v for k, v in r.items() if k != "frame"}) for r in raw if r["frame"]}
    return [Box(**{k: v for k, v in r.items() if k != "frame"}) for r in raw if not r["frame"]], frames


def figure_title_boxes(page: Page) -> list[Box]:
    """The box of every plotly figure title (``.gtitle``) and subplot title or other annotation
    text (``.annotation-text``) of the page's figures, in the order of the figures."""
    return _boxes(page, TITLES)[0]


def figure_boxes(page: Page) -> dict[str, Box]:
    """Each plotly figure's div box, by the div's id."""
    return _boxes(page, TITLES)[1]


def overlapping(boxes: list[Box], slack: float = 1.0) -> list[tuple[str, str]]:
    """The pairs of texts of one figure whose boxes overlap (by more than ``slack`` pixels)."""
    return [(a.text, b.text) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a.figure == b.figure and a.meets(b, slack)]


def clipped(boxes: list[Box], page: Page, slack: float = 1.0) -> list[str]:
    """The texts whose box is not wholly inside their figure's div and the page's width:
    cut off on screen (a figure's SVG hides what lies beyond it)."""
    frames = figure_boxes(page)
    width = page.evaluate("() => document.documentElement.clientWidth")
    out = []
    for b in boxes:
        frame = frames[b.figure]
        frame = Box(frame.figure, "", max(frame.left, 0.0), frame.top, min(frame.right, width), frame.bottom)
        if not b.inside(frame, slack):
            out.append(b.text)
    return out


_TRACES = """(id) => {
  const div = document.getElementById(id);
  return div._fullData.map(t => ({
    name: t.name, legendgroup: t.legendgroup, showlegend: t.showlegend !== false, type: t.type,
    line: t.line ? t.line.color : null, marker: t.marker && typeof t.marker.color === 'string' ? t.marker.color : null,
  }));
}"""
_LEGEND = """(id) => [...document.getElementById(id).querySelectorAll('.legend .traces')].map(el => ({
  text: el.querySelector('.legendtext').textContent,
  colour: (el.querySelector('.legendlines path, .legendpoints path') || {style: {}}).style.stroke || null,
}))"""


def trace_colours(page: Page, div_id: str) -> list[dict]:
    """Each trace of the figure in div ``div_id`` as plotly drew it (``_fullData``):
    ``name``, ``legendgroup``, ``showlegend``, ``type`` and its ``line`` and ``marker`` colours."""
    return page.evaluate(_TRACES, div_id)


def legend_entries(page: Page, div_id: str) -> list[dict]:
    """The legend of the figure in div ``div_id`` as drawn: each entry's ``text`` and the
    ``colour`` of its line sample (CSS ``rgb(…)``)."""
    return page.evaluate(_LEGEND, div_id)


# Rows of one colour (every 10th row) and colours (every 20th row, 15th column) of a PNG screenshot.
_PIXELS = """async (png) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + png;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const g = canvas.getContext('2d');
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, img.width, img.height).data, w = img.width;
  const same = (i, j) => d[i] === d[j] && d[i + 1] === d[j + 1] && d[i + 2] === d[j + 2];
  let rows = 0, drawn = 0;
  for (let y = 0; y < img.height; y += 10, rows++) {
    for (let x = 1; x < w; x++) if (!same(4 * (y * w + x), 4 * y * w)) { drawn++; break; }
  }
  const colours = new Set();
  for (let y = 0; y < img.height; y += 20) for (let x = 0; x < w; x += 15) {
    const i = 4 * (y * w + x);
    colours.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
  }
  return {rows, drawn, colours: colours.size};
}"""


def screenshot_not_blank(page: Page) -> bool:
    """The visible part of the page has drawing on it: a quarter of its rows or more are not of
    one colour, and it shows more than ten colours. (The screenshot is read in a blank tab.)"""
    png = base64.b64encode(page.screenshot(type="png")).decode()
    reader = page.context.new_page()
    try:
        seen = reader.evaluate(_PIXELS, png)
    finally:
        reader.close()
    return seen["drawn"] > seen["rows"] // 4 and seen["colours"] > 10
