"""Shipped files cite public sources by their real titles.

A reader of the project can open what a config, an experiment, a docs page or a
module cites: no internal design notes ("DESIGN.md"), no numbered source
documents ("seed 001") and no file names of stored copies; the public documents
are listed with their titles in docs/pages/bibliography.md; and shipped holidays say
which country's they are.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "simoffice"
BIBLIOGRAPHY = REPO / "docs" / "pages" / "bibliography.md"

# What a reader cannot open: the internal design contract, the source documents'
# numbers ("seed 001", "seeds 001, 004") and their stored copies' file names.
INTERNAL = {
    "the design contract DESIGN.md": re.compile(r"DESIGN\.md"),
    "a numbered source document": re.compile(r"\bseeds? 0\d\d\b|\bseeds/"),
    "a stored copy's file name": re.compile(r"\b\d{3}_[0-9a-f]{16}(\.txt)?\b"),
}

# Each public document: its short name in configs (a heading of the
# bibliography) and the words of its real title the bibliography must give.
SOURCES = {
    "The ISSA guideline": ["Maintaining an adequate network for personally delivered/virtual services",
                           "Administrative Solutions for Coverage Extension"],
    "The Komi report": ["Соццентры Коми призвали к ориентации на клиентов"],
    "The ILO note": ["Social service centres",
                     "Achieve the Sustainable Development Goals on Universal Social Protection"],
    "The principles of administrative service": ["Основни принципи на административното обслужване"],
    "The South Ostrobothnia remote-service pilot": ["Kokemuksia etäpalvelupilotista Etelä-Pohjanmaalla"],
}


def shipped_files() -> list[Path]:
    """Every shipped config, experiment, docs page and package module (and the README)."""
    files = [REPO / "README.md"]
    files += sorted(p for p in PACKAGE.rglob("*") if p.suffix in {".py", ".yaml", ".md"} and p.is_file()
                    and "experiment" not in p.relative_to(PACKAGE).parts)
    files += sorted(p for p in (REPO / "experiments").rglob("*")
                    if p.suffix in {".py", ".yaml", ".md"} and p.is_file())
    files += sorted((REPO / "docs").rglob("*.md"))
    return files


def test_the_scan_covers_configs_experiments_docs_and_modules():
    names = {p.relative_to(REPO).as_posix() for p in shipped_files()}
    assert "simoffice/configs/network/regional.yaml" in names
    assert "simoffice/configs/schedule/five_day.yaml" in names
    assert "experiments/integration_study.yaml" in names
    assert "experiments/README.md" in names
    assert "docs/pages/bibliography.md" in names
    assert "simoffice/model/measure_names.py" in names


@pytest.mark.parametrize("what", sorted(INTERNAL))
def test_no_shipped_file_cites_an_internal_name(what):
    pattern = INTERNAL[what]
    hits = [f"{p.relative_to(REPO)}:{i}: {line.strip()}"
            for p in shipped_files()
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line)]
    assert hits == [], f"{what} cited where a reader cannot open it:\n" + "\n".join(hits)


def test_the_internal_name_patterns_catch_what_they_are_for():
    assert INTERNAL["the design contract DESIGN.md"].search("(DESIGN.md, \"Realistic defaults\")")
    assert INTERNAL["a numbered source document"].search("(seeds 001, 004)")
    assert INTERNAL["a numbered source document"].search("(seed 003: the pilot)")
    assert not INTERNAL["a numbered source document"].search("run.seed=2026")
    assert INTERNAL["a stored copy's file name"].search("see 004_bf0170f838cffddc.txt")


def schedule_files() -> list[Path]:
    return sorted((PACKAGE / "configs" / "schedule").glob("*.yaml"))


def test_there_are_shipped_schedules_with_holidays():
    with_holidays = [p for p in schedule_files() if yaml.safe_load(p.read_text(encoding="utf-8")).get("holidays")]
    assert {p.stem for p in with_holidays} >= {"five_day", "mon_thu"}


@pytest.mark.parametrize("path", schedule_files(), ids=lambda p: p.stem)
def test_a_schedule_with_holidays_names_their_country(path):
    text = path.read_text(encoding="utf-8")
    if not yaml.safe_load(text).get("holidays"):
        pytest.skip("no holidays")
    comments = " ".join(line.lstrip("# ").strip() for line in text.splitlines() if line.lstrip().startswith("#"))
    country = re.search(r"[Pp]ublic holidays of (the )?([A-Z][\w-]*( [A-Z][\w-]*)*)", comments)
    assert country, f"{path.name}: the comments do not say which country's public holidays these are"
    # The shipped dates are Russian ones (23 February, and 8 March moved to Monday 9 March 2026).
    assert country.group(2) == "Russian Federation"


def test_the_bibliography_gives_every_source_its_title():
    text = BIBLIOGRAPHY.read_text(encoding="utf-8")
    headings = {line.lstrip("#").strip() for line in text.splitlines() if line.startswith("### ")}
    flowing = " ".join(text.split())  # a title may wrap across lines
    for short, title_parts in SOURCES.items():
        assert short in headings, f"no entry for {short!r}"
        for part in title_parts:
            assert part in flowing, f"{short}: the title {part!r} is missing"


def test_the_bibliography_names_the_owners_of_the_default_standards():
    from simoffice.config.standards import default_standards

    text = BIBLIOGRAPHY.read_text(encoding="utf-8")
    for name, st in default_standards().items():
        assert st is not None and st.source, f"standard {name} has no source"
        assert f"`{name}`" in text, f"standard {name} is not in the bibliography's table"
    for owner in ("Services Australia", "Service Canada"):
        assert owner in text


def test_the_short_names_configs_cite_have_an_entry():
    text = BIBLIOGRAPHY.read_text(encoding="utf-8")
    cited = set()
    for p in shipped_files():
        if p.suffix == ".yaml":
            cited |= {m.group(1) for m in re.finditer(r"\bthe (Komi report|ISSA guideline|ILO note)\b",
                                                         p.read_text(encoding="utf-8"), re.IGNORECASE)}
    assert cited, "no config cites a source by its short name"
    for short in cited:
        assert f"### The {short}" in text


def test_the_readme_links_the_bibliography():
    assert "docs/pages/bibliography.md" in (REPO / "README.md").read_text(encoding="utf-8")
