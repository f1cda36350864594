"""The documentation site builds with no warning.

``mkdocs build --strict`` fails on every warning; docs/mkdocs.yml makes a page left
out of the nav, a link to a missing page and a link to a missing heading warnings,
so each of them fails this test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_reference import load_hook

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "docs" / "mkdocs.yml"

pytest.importorskip("mkdocs", reason="the docs extra (pip install -e '.[docs]')")
pytest.importorskip("material", reason="the docs extra (pip install -e '.[docs]')")


def build(config: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
                          capture_output=True, text=True, env=env, timeout=300)


def test_the_site_builds_strictly_with_no_warning(tmp_path):
    result = build(CONFIG, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output, output
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "search" / "search_index.js").is_file()  # the offline search


def test_every_page_is_in_the_nav():
    import yaml

    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))

    def pages(nav):
        for item in nav:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from pages(value) if isinstance(value, list) else [value]

    listed = set(pages(config["nav"]))
    on_disk = {p.name for p in (CONFIG.parent / config["docs_dir"]).glob("*.md")}
    generated = set(load_hook().PAGES)  # made by the hook docs/reference.py at build time
    assert listed == on_disk | generated


def test_a_broken_link_fails_the_build(tmp_path):
    """The check can fail: the same site with a link to a page that does not exist."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for page in (REPO / "docs" / "pages").glob("*.md"):
        (pages / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    with (pages / "index.md").open("a", encoding="utf-8") as f:
        f.write("\nSee [the missing page](missing.md).\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    for hook in (REPO / "docs").glob("*.py"):  # the hook that generates the reference pages, and its modules
        (tmp_path / hook.name).write_text(hook.read_text(encoding="utf-8"), encoding="utf-8")
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "missing.md" in result.stdout + result.stderr
