"""The report pages open in a real browser: report.html, comparison.html and sweep.html
render with plotly figures, no console message and a screenshot that is not blank.

Headless Chromium is needed (`.ci/run` installs Debian's `chromium`); in CI a missing
browser fails the tests rather than skipping them.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

import simoffice
from simoffice.studies.compare import compare
from simoffice.studies.sweep import write_summary

SMALL = ("network=single_office", "run.weeks=3", "run.warmup_weeks=1", "run.drain_weeks=1", "run.replications=3",
         "run.jobs=1", "run.progress=false")
EVIL = "<script>alert(1)</script>"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    if os.environ.get("CI"):
        pytest.fail("headless Chromium is not installed (.ci/run installs Debian's chromium package)")
    pytest.skip("headless Chromium is not installed (apt install chromium)")


def browse(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update", f"--user-data-dir={tmp / 'profile'}",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=8000", *args, page.as_uri()],
        capture_output=True, text=True, timeout=180)


def png_pixels(path: Path) -> tuple[int, list[bytes]]:
    """Bytes per pixel and raw rows (RGB or RGBA, 8 bits) of a PNG, unfiltered."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytes(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return bpp, rows


def assert_renders(page: Path, tmp: Path, figures: int) -> str:
    """The page loads with no console message, draws ``figures`` plotly figures or more,
    and its screenshot has drawing on it; returns the rendered DOM."""
    dom = browse(page, tmp, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    assert not console, console
    assert dom.stdout.count('class="main-svg"') >= figures, "plotly did not draw the figures"
    shot = tmp / f"{page.stem}.png"
    browse(page, tmp, f"--screenshot={shot}", "--window-size=1200,1600")
    bpp, rows = png_pixels(shot)
    sample = rows[::10]
    drawn = sum(row != row[:bpp] * (len(row) // bpp) for row in sample)  # rows not of one colour
    colours = {row[i:i + 3] for row in rows[::20] for i in range(0, len(row), 15 * bpp)}
    assert drawn > len(sample) // 4, "the screenshot is (nearly) blank"
    assert len(colours) > 10, "the screenshot has almost no colours"
    return dom.stdout


@pytest.fixture(scope="module")
def results():
    cfg = simoffice.compose(*SMALL)
    cfg.network.offices[0].name = EVIL  # names from configs are shown as text
    return simoffice.simulate(cfg, progress=False)


def test_report_page_renders_and_shows_config_names_as_text(results, tmp_path):
    path = results.save(tmp_path / "run") / "report.html"
    dom = assert_renders(path, tmp_path, figures=3)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert EVIL not in dom


def test_comparison_page_renders(tmp_path):
    arms = {name: simoffice.compose(*SMALL, f"schedule={name}") for name in ("mon_thu", "five_day")}
    path = compare(arms, progress=False).save(tmp_path / "cmp") / "comparison.html"
    dom = assert_renders(path, tmp_path, figures=1)
    assert "Verdict" in dom


def test_sweep_page_renders(results, tmp_path):
    sweep = tmp_path / "sweep"
    for job, servers in enumerate((5, 6)):
        res = simoffice.simulate(simoffice.compose("network=mmc", f"network.servers={servers}", "run.weeks=2",
                                                   "run.drain_weeks=0", "run.replications=2", "run.jobs=1",
                                                   "run.progress=false"), progress=False)
        res.save(sweep / str(job))
        (sweep / str(job) / ".hydra").mkdir()
        (sweep / str(job) / ".hydra" / "overrides.yaml").write_text(
            f"- network=mmc\n- network.servers={servers}\n")
    write_summary(sweep)
    assert_renders(sweep / "sweep.html", tmp_path, figures=1)
