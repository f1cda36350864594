"""The reference pages generated from the code (docs/reference.py) cover the code.

Every config key of the schema has a meaning and a row, every summary measure a
definition, every column of every table a run writes and of the engine's log a
meaning, every public API name a section; and a key, measure or column added
without one fails here (and warns, which fails the strict site build).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import sys
import typing
from dataclasses import dataclass
from pathlib import Path

import pytest

import simoffice.model.definitions as definitions

REPO = Path(__file__).resolve().parents[1]


def load_hook():
    """docs/reference.py, the hook that generates the reference pages, loaded as MkDocs loads it."""
    spec = importlib.util.spec_from_file_location("docs_reference", REPO / "docs" / "reference.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as MkDocs loads a hook (its dataclasses need it)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ref():
    return load_hook()


@pytest.fixture(scope="module")
def pages(ref):
    return {name: build() for name, build in ref.PAGES.items()}


def schema_classes() -> set[type]:
    """Every dataclass reachable from the composed config and from each kind of network."""
    from simoffice.config.network_schema import NETWORK_KINDS
    from simoffice.config.schema import Config

    found: set[type] = set()

    def walk(cls: type) -> None:
        if cls in found:
            return
        found.add(cls)
        for hint in typing.get_type_hints(cls).values():
            stack = [hint]
            while stack:
                h = stack.pop()
                if dataclasses.is_dataclass(h):
                    walk(h)
                stack.extend(typing.get_args(h))

    for root in (Config, *NETWORK_KINDS.values()):
        walk(root)
    return found


def _rows(page: str, heading: str) -> str:
    """The text of the section of ``page`` under ``## heading``."""
    start = page.index(f"## {heading}\n")
    end = page.find("\n## ", start + 1)
    return page[start:end if end >= 0 else None]


def test_every_schema_field_has_a_meaning(ref):
    """A key added to the schema without a comment or a docstring clause naming it fails here."""
    undocumented = [f"{cls.__name__}.{name}" for cls in schema_classes()
                    for name, meaning in ref.field_meanings(cls).items() if not meaning]
    assert undocumented == []


def test_every_schema_field_has_a_row_in_its_section(ref, pages):
    page = pages["reference-config.md"]
    sections = ref.config_sections()
    from simoffice.config.network_schema import CatalogueConfig

    assert {s.cls for s in sections} == schema_classes() | {CatalogueConfig}  # the kinds' shared keys: one section
    shown_elsewhere = {name for s in sections for name in s.skip}
    for s in sections:
        text = _rows(page, s.heading)
        for f in dataclasses.fields(s.cls):
            if f.name in s.skip:
                continue
            assert f"| `{f.name}` |" in text, f"{s.heading}: {f.name}"
    # The keys a kind of network shares are shown once, in the catalogue's section.
    catalogue = next(s for s in sections if s.heading.startswith("`network`: the catalogue"))
    assert shown_elsewhere == {f.name for f in dataclasses.fields(catalogue.cls)}


def test_the_config_page_says_types_units_and_defaults(ref, pages):
    run = _rows(pages["reference-config.md"], "`run`")
    assert "| `service_level_target_min` | number | `15` | minutes |" in run
    assert "| `weeks` | integer | `8` | weeks |" in run
    schedule = _rows(pages["reference-config.md"], "`schedule`")
    assert "| `opening_hours` | mapping of name → (text or null) | required |  |" in schedule  # clock text: no unit
    segment = _rows(pages["reference-config.md"], "`network.segments.<name>`")
    assert "| `patience` | [distribution](#distributions) or null | `null` | minutes |" in segment


@dataclass
class _Undocumented:
    """A made-up schema class: ``explained`` is named here."""

    explained: int = 1
    commented: int = 2  # said in a comment
    silent: int = 3


def test_a_key_without_a_meaning_is_caught_and_warned(ref, caplog):
    meanings = ref.field_meanings(_Undocumented)
    assert meanings["explained"] and meanings["commented"] == "Said in a comment."
    assert meanings["silent"] == ""
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.simoffice_reference"):
        rows = ref.config_rows(ref.Section(_Undocumented, "made_up", "made_up"))
    assert rows[2][-1] == ref.NO_MEANING
    assert any("_Undocumented.silent" in r.getMessage() for r in caplog.records)


def test_every_measure_has_a_unit_and_a_definition(ref, pages):
    from simoffice.model.measure_names import MEASURES

    terms = definitions
    assert set(terms.MEASURES) == set(MEASURES)  # no measure undefined, no definition of a measure gone
    page = pages["reference-measures.md"]
    for name in MEASURES:
        assert f"| `{name}` |" in page
    assert ref.NO_MEANING not in page


def test_every_column_of_every_table_a_run_writes_has_a_meaning(ref, pages):
    from simoffice.run.results import TABLES

    terms = definitions
    tables = ref.sample_tables()
    assert list(tables) == list(TABLES)
    assert set(terms.COLUMNS) == set(TABLES)
    page = pages["reference-columns.md"]
    for name, table in tables.items():
        assert set(terms.COLUMNS[name]) == set(table.columns), name  # none missing, none stale
        text = _rows(page, name)
        for column in table.columns:
            assert f"| `{column}` |" in text, f"{name}.{column}"
    assert ref.NO_MEANING not in page


def test_every_log_column_is_listed(pages):
    from simoffice.model import log_columns

    terms = definitions
    logs = {n: v for n, v in vars(log_columns).items() if n.endswith("_COLUMNS") and isinstance(v, dict)}
    assert set(terms.LOG_TABLES) == set(logs)
    page = pages["reference-columns.md"]
    for name, columns in logs.items():
        start = page.index(f"### {name}\n")
        end = page.find("\n### ", start + 1)
        text = page[start:end if end >= 0 else None]
        for column in columns:
            assert f"| `{column}` |" in text, f"{name}.{column}"


def test_every_public_api_name_has_a_section(pages):
    import simoffice

    page = pages["reference-api.md"]
    for name in simoffice.__all__:
        assert f"## `simoffice.{name}`" in page
    assert "### `Results.save`" in page and "### `Comparison.load`" in page
    # the docstrings themselves, their sections as lists
    assert "Run every replication of a config and return its tables." in page
    assert "- `RunInterrupted`: a KeyboardInterrupt stopped the run" in page


def test_the_pages_are_built_without_a_warning(ref, caplog):
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.simoffice_reference"):
        for build in ref.PAGES.values():
            build()
    assert [r.getMessage() for r in caplog.records] == []


def test_a_docstring_becomes_markdown(ref):
    doc = '''Do a thing with ``x`` (see :func:`~simoffice.run.simulate.simulate`).

    Example::

        do(1)

    Raises:
        ConfigError: a bad ``x``,
            on two lines.
    '''
    md = ref.docstring_markdown(doc)
    assert "Do a thing with `x` (see `simulate`)." in md
    assert "```text\ndo(1)\n```" in md
    assert "- `ConfigError`: a bad `x`, on two lines." in md
