"""The reference pages, generated from the code each time the site is built.

An MkDocs hook (``hooks:`` in docs/mkdocs.yml): :func:`on_files` adds four pages
that are never written to disk, so they cannot drift from the code —

- ``reference-config.md``: every config key of the typed schema
  (:mod:`simoffice.config.schema`, :mod:`simoffice.config.network_schema` and the
  ``roster`` and ``standards`` groups), with its type, default, unit and meaning;
- ``reference-measures.md``: every summary measure, its unit and definition;
- ``reference-columns.md``: every column of every table a run writes, read from a
  tiny run made at build time, and the engine's log columns;
- ``reference-api.md``: what ``simoffice`` exports, from its signatures and docstrings.

A key, measure or column without a meaning is a warning, which fails
``mkdocs build --strict`` (and ``tests/test_docs.py``); ``tests/test_reference.py``
checks the same from the generators here.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import logging
import re
import sys
import typing
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the hook's sibling modules

from reference_text import cell, docstring_markdown, field_meanings, first_sentence, markdown_inline  # noqa: E402

import simoffice.model.definitions as terms  # noqa: E402

log = logging.getLogger("mkdocs.plugins.simoffice_reference")

NO_MEANING = "*(no meaning written)*"
GENERATED_NOTE = ("*Generated from the code when the site is built ({source}): it changes when the code "
                  "does.*\n")


# ----------------------------------------------------------------------------- the hook

def on_files(files: Any, config: Any) -> Any:
    """Add the generated pages to the site's files (MkDocs event)."""
    from mkdocs.structure.files import File

    for name, build in PAGES.items():
        files.append(File.generated(config, name, content=build()))
    return files


def _missing(what: str) -> str:
    """Warn (a failure under --strict) and mark the place."""
    log.warning("reference: %s has no meaning in the code (see docs/reference.py)", what)
    return NO_MEANING


def _slug(heading: str) -> str:
    """The anchor MkDocs' ``toc`` gives a heading (the default slugify)."""
    from markdown.extensions.toc import slugify

    return slugify(heading.replace("`", ""), "-")


# ----------------------------------------------------------------------------- config keys

# Units by the key's name: the schema's naming rule (durations in minutes as ``*_min`` …).
_UNITS_BY_NAME = {
    "staff_cost_per_hour": "currency (`run.currency`) per hour", "cost_per_day": "currency (`run.currency`) per day",
    "arrivals_per_hour": "clients per hour", "bundles_per_week": "bundles per week",
    "bundles_per_1000_per_week": "bundles per week per 1000 residents",
    "contract_hours_per_week": "hours per week", "weeks": "weeks", "population": "residents",
    "speed_kmh": "km/h", "xy_km": "km", "share": "share, 0–1", "target": "share, 0–1",
}
_UNITS_BY_SUFFIX = (("_min", "minutes"), ("_sec", "seconds"), ("_days", "days"), ("_hours", "hours"),
                    ("_weeks", "weeks"), ("_km", "km"), ("_prob", "probability, 0–1"), ("_share", "share, 0–1"))


def key_unit(name: str, hint: Any) -> str:
    """The unit of a config key, from its name (``*_min``: minutes …); a distribution is of minutes."""
    from simoffice.config.network_schema import DistConfig

    if DistConfig in _classes_in(hint):
        return "minutes"
    if not _numeric(hint):
        return ""
    if name in _UNITS_BY_NAME:
        return _UNITS_BY_NAME[name]
    for suffix, unit in _UNITS_BY_SUFFIX:
        if name.endswith(suffix):
            return unit
    return ""


def _numeric(hint: Any) -> bool:
    """A hint of numbers (``float``, ``Optional[int]``, ``Dict[str, float]`` …), or ``Any``."""
    if hint in (int, float, Any):
        return True
    args = typing.get_args(hint)
    if typing.get_origin(hint) is dict:
        return _numeric(args[1])
    return any(_numeric(a) for a in args if a is not type(None))


def _classes_in(hint: Any) -> list[type]:
    """The dataclasses a type hint names (``Optional[List[X]]`` → X)."""
    if dataclasses.is_dataclass(hint):
        return [hint]
    return [c for arg in typing.get_args(hint) for c in _classes_in(arg)]


def _noun(cls: type) -> str:
    """``DeskGroupConfig`` → ``desk group``."""
    from simoffice.config.network_schema import DistConfig

    if cls is DistConfig:
        return "distribution"
    return re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__.removesuffix("Config")).lower()


def type_words(hint: Any, anchors: dict[type, str]) -> str:
    """A type hint in words, nested schema classes linked to their section."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(hint, str):  # a hint the section names in words
        return hint
    if dataclasses.is_dataclass(hint):
        return f"[{_noun(hint)}](#{anchors[hint]})" if hint in anchors else _noun(hint)
    if origin is typing.Union:
        rest = [a for a in args if a is not type(None)]
        return " or ".join(type_words(a, anchors) for a in rest) + (" or null" if len(rest) < len(args) else "")
    if origin in (list, tuple):
        return f"list of {_grouped(type_words(args[0], anchors))}"
    if origin is dict:
        return f"mapping of name → {_grouped(type_words(args[1], anchors))}"
    return {int: "integer", float: "number", str: "text", bool: "boolean", Any: "any"}.get(hint, str(hint))


def _grouped(words: str) -> str:
    return f"({words})" if " or " in words else words


def default_words(f: dataclasses.Field) -> str:
    """A field's default as a reader writes it in YAML: ``required`` when it has none."""
    from omegaconf import MISSING

    if f.default is not dataclasses.MISSING:
        value = f.default
    elif f.default_factory is not dataclasses.MISSING:
        value = f.default_factory()
    else:
        return "required"
    if value == MISSING:
        return "required"
    if dataclasses.is_dataclass(value):
        return "its keys' defaults"
    if isinstance(value, dict) and value and all(dataclasses.is_dataclass(v) for v in value.values()):
        return ", ".join(f"`{k}`" for k in value)
    return f"`{_yaml(value)}`"


def _yaml(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"
    if isinstance(value, list):
        if len(value) > 4 and len(set(value)) == 1:
            return f"[{_yaml(value[0])}] × {len(value)}"
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        if len(value) > 4 and len(set(value.values())) == 1:
            keys = list(value)
            return f"{{{keys[0]} … {keys[-1]}: {_yaml(next(iter(value.values())))}}}"
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    return str(value) if value != "" else '""'


@dataclasses.dataclass
class Section:
    """One schema class on the page: where it sits in the config, and the keys it shows."""

    cls: type
    path: str
    heading: str
    also: list[str] = dataclasses.field(default_factory=list)
    skip: tuple[str, ...] = ()  # keys shown in another section (a kind's catalogue keys)


@functools.lru_cache(maxsize=None)
def config_sections() -> tuple[Section, ...]:
    """Every schema class reachable from the composed config, in the order a reader
    meets them, each once (where it first appears; the other places listed)."""
    from simoffice.config.network_schema import NETWORK_KINDS, CatalogueConfig, DistConfig
    from simoffice.config.schema import Config

    sections: dict[type, Section] = {}

    def walk(cls: type, path: str, heading: str | None = None, skip: tuple[str, ...] = ()) -> None:
        if cls in sections:
            sections[cls].also.append(path)
            return
        sections[cls] = Section(cls, path, heading or f"`{path}`", skip=skip)
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if f.name in skip:
                continue
            for inner in _classes_in(hints[f.name]):
                walk(inner, path + ("." if path else "") + f.name + _suffix(hints[f.name], "ijk"[path.count("[")]))

    walk(Config, "", "Top level")
    catalogue = tuple(f.name for f in dataclasses.fields(CatalogueConfig))
    walk(CatalogueConfig, "network", "`network`: the catalogue (kinds `explicit` and `synthetic`)")
    for kind, cls in NETWORK_KINDS.items():
        walk(cls, "network", f"`network` of kind `{kind}`",
             skip=catalogue if issubclass(cls, CatalogueConfig) else ())
    dist = sections.pop(DistConfig)  # one section for every distribution, last
    dist.also.insert(0, dist.path)
    dist.heading, dist.path = "Distributions", ""
    return (*sections.values(), dist)


def _suffix(hint: Any, index: str) -> str:
    """``[i]`` for a list, ``.<name>`` for a mapping, around the dataclass a hint names."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union:
        return "".join(_suffix(a, index) for a in args if a is not type(None))
    if origin in (list, tuple):
        return f"[{index}]" + _suffix(args[0], index)
    if origin is dict:
        return ".<name>" + _suffix(args[1], index)
    return ""


def config_rows(section: Section) -> list[tuple[str, str, str, str, str]]:
    """(key, type, default, unit, meaning) of each key of a section."""
    anchors = {s.cls: _slug(s.heading) for s in config_sections()}
    hints, meanings = typing.get_type_hints(section.cls), field_meanings(section.cls)
    if "network" in hints and section.path == "":  # typed by its kind when built
        hints["network"] = "[a network of its kind](#kinds-of-network)"
    rows = []
    for f in dataclasses.fields(section.cls):
        if f.name in section.skip:
            continue
        where = f"{section.cls.__name__}.{f.name}"
        rows.append((f"`{f.name}`", type_words(hints[f.name], anchors), default_words(f),
                     key_unit(f.name, hints[f.name]), meanings[f.name] or _missing(f"config key {where}")))
    return rows


def config_page() -> str:
    """The page of every config key."""
    from simoffice.config import schema
    from simoffice.config.network_schema import NETWORK_KINDS
    from simoffice.config.standards import default_standards

    out = ["# Config keys", "",
           GENERATED_NOTE.format(source="the schema dataclasses of `simoffice/config/`: their defaults, types, "
                                        "comments and docstrings"),
           markdown_inline(" ".join(inspect.cleandoc(schema.__doc__).split("\n\n")[-1].split())), "",
           "Write a key as its path: `run.weeks=12` on the command line, or nested in a YAML file. "
           "`[i]` is an item of a list, `<name>` a name you choose (a segment, a shift …). "
           "*required*: the key has no default and must be given. "
           "How to use the groups, with examples: [Configuration](configuration.md).", ""]
    out += ["## Kinds of network", "",
            "`network.kind` picks the schema a network is read with (a network without one is explicit).", "",
            "| kind | what it is | shipped configs |", "|---|---|---|"]
    shipped = _shipped_networks()
    for kind, cls in NETWORK_KINDS.items():
        names = ", ".join(f"`network={n}`" for n in shipped.get(kind, []))
        out.append(f"| `{kind}` | {cell(first_sentence(cls.__doc__))} | {names} |")
    out.append("")
    for section in config_sections():
        out += [f"## {section.heading}", ""]
        summary = _own_doc(section.cls) and first_sentence(section.cls.__doc__)
        if summary:
            out += [cell(summary), ""]
        if section.also:
            out += ["Also at: " + ", ".join(f"`{p}`" for p in section.also) + ".", ""]
        if section.skip:
            out += ["And the keys of [the catalogue](#" + _slug("`network`: the catalogue (kinds `explicit` and "
                                                                  "`synthetic`)") + ").", ""]
        out += ["| key | type | default | unit | meaning |", "|---|---|---|---|---|"]
        out += ["| " + " | ".join(row) + " |" for row in config_rows(section)]
        out.append("")
        if section.path == "standards.<name>":
            out += ["The default standards:", "", "| name | kind | channel | limit | target | source |",
                    "|---|---|---|---|---|---|"]
            for name, st in default_standards().items():
                limit = (f"{st.within_min:.3g} min" if st.within_min is not None else
                         f"{st.within_days:g} days" if st.within_days is not None else "—")
                channel = ", ".join(st.channel) if isinstance(st.channel, list) else st.channel or "—"
                out.append(f"| `{name}` | `{st.kind}` | {channel} | {limit} | {st.target:g} | {cell(st.source)} |")
            out.append("")
        if section.heading == "Distributions":
            out += _distribution_table()
    return "\n".join(out)


def _own_doc(cls: type) -> bool:
    """The class has a docstring of its own (not the one ``dataclass`` writes)."""
    return bool(cls.__doc__) and not cls.__doc__.startswith(cls.__name__ + "(")


def _distribution_table() -> list[str]:
    """The distributions a ``dist`` may name and the keys each needs (``simoffice.model.distributions``)."""
    from simoffice.model.distributions import NAMES

    out = ["The values of `dist`:", "", "| `dist` | keys it needs | what it is |", "|---|---|---|"]
    for name, (cls, required) in NAMES.items():
        keys = ", ".join(f"`{k}`" for k in required) + (", optional `probs`" if name == "empirical" else "")
        out.append(f"| `{name}` | {keys} | {cell(first_sentence(cls.__doc__)) or _missing(f'distribution {name}')} |")
    return out + [""]


def _shipped_networks() -> dict[str, list[str]]:
    """kind -> the shipped network configs of that kind (from their ``kind`` or their defaults)."""
    import yaml

    import simoffice

    folder = Path(simoffice.__file__).parent / "configs" / "network"
    docs = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) or {} for p in sorted(folder.glob("*.yaml"))}

    def kind(name: str, seen: tuple[str, ...] = ()) -> str:
        doc = docs.get(name, {})
        if "kind" in doc:
            return doc["kind"]
        for d in doc.get("defaults", []):
            d = d if isinstance(d, str) else ""
            if d.startswith("schema_"):
                return {"schema_network": "explicit"}.get(d, d.removeprefix("schema_"))
            if d in docs and d not in seen:
                return kind(d, seen + (name,))
        return "explicit"

    out: dict[str, list[str]] = {}
    for name in docs:
        out.setdefault(kind(name), []).append(name)
    return out


# ----------------------------------------------------------------------------- measures

def measures_page() -> str:
    """The page of every summary measure."""
    from simoffice.measures.metrics import CLIENT_MEASURES, SHARES, UNITS
    from simoffice.model import standards as model_standards
    from simoffice.model.measure_names import MEASURES

    out = ["# Measures", "", GENERATED_NOTE.format(source="`simoffice/model/measure_names.py`, "
                                                          "`simoffice/measures/metrics.py`"),
           "Each measure is computed per replication over the measured window (after the warm-up, before new "
           "bundles stop), for the network and for each unit, and reported as a mean over replications with a "
           "95 % Student-t interval. A share's interval is cut to [0, 1], any other's to [0, ∞). "
           "*By group*: also computed for every segment, zone, channel and weekday (`groups.parquet`, "
           "`summary.json`'s `groups` and `equity`). What the pages make of them: "
           "[Outputs](outputs.md).", "",
           "| measure | unit | definition | by group |", "|---|---|---|---|"]
    for name in MEASURES:
        definition = terms.MEASURES.get(name) or _missing(f"measure {name}")
        unit = UNITS.get(name) or _missing(f"the unit of measure {name}")
        unit = "share, 0–1" if name in SHARES else re.sub(r"\bmin\b", "minutes", unit)
        out.append(f"| `{name}` | {unit} | {cell(definition)} | {'yes' if name in CLIENT_MEASURES else ''} |")
    kinds = dict(re.findall(r"``(\w+)``: ([^;)]+)", " ".join(model_standards.__doc__.split())))
    out += ["", "## Service standards", "",
            "A service standard (`standards.<name>`, see [Config keys](reference-config.md)) is measured as a "
            "share per unit and for the network, with its interval, and judged met, missed or cannot tell. "
            "Its kinds:", "", "| kind | the share of | limit in | target |", "|---|---|---|---|"]
    for kind, (unit, direction) in model_standards.STANDARD_KINDS.items():
        what = kinds.get(kind) or _missing(f"standard kind {kind}")
        out.append(f"| `{kind}` | {cell(what)} | {unit or '—'} | {direction.replace('_', ' ')} |")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- output columns

_SAMPLE: dict[str, Any] = {}


def sample_tables() -> dict[str, Any]:
    """The tables of a tiny run (network=mmc, a few clients, one week): the columns
    and types every run writes. Made once per build."""
    if not _SAMPLE:
        import simoffice
        from simoffice.run.results import TABLES

        cfg = simoffice.compose("network=mmc", "network.arrivals_per_hour=2", "run.weeks=1", "run.warmup_weeks=0",
                                "run.drain_weeks=0", "run.replications=1", "run.jobs=1", "run.report=none",
                                "run.progress=false", "run.quiet=true")
        res = simoffice.simulate(cfg, progress=False)
        _SAMPLE.update({name: getattr(res, name) for name in TABLES})
    return _SAMPLE


def table_descriptions() -> dict[str, str]:
    """Table -> what a row is, from the bullets of :mod:`simoffice.run.results`' docstring."""
    from simoffice.run import results

    text = " ".join(results.__doc__.split())
    return {m.group(1): m.group(2).strip().rstrip(";.") for m in
            re.finditer(r"- ``(\w+)``: (.+?)(?= - ``\w+``:| With ``|$)", text)}


def _dtype_words(dtype: Any) -> str:
    kind = str(dtype)
    if kind == "category":
        return "name"
    if kind == "bool":
        return "boolean"
    if kind.startswith(("int", "uint")):
        return "integer"
    if kind.startswith("float"):
        return "number"
    return "text"


def _column_values() -> dict[str, str]:
    """Column -> the values it takes, where the code lists them."""
    from simoffice.engine import recorder
    from simoffice.model.channels import CHANNELS

    def words(names: Any) -> str:
        return "; values: " + ", ".join(f"`{n}`" for n in names)

    return {"channel": words(CHANNELS), "outcome": words(recorder.OUTCOMES), "status": words(recorder.STATUSES)}


def column_unit(name: str) -> str:
    if name.endswith("_min"):
        return "minutes"
    return "days" if name.endswith("_days") else ""


def columns_page() -> str:
    """The page of every column of every table a run writes, and of the engine's log."""
    from simoffice.model import log_columns
    from simoffice.run.results import FILES

    tables, described, values = sample_tables(), table_descriptions(), _column_values()
    out = ["# Output columns", "",
           GENERATED_NOTE.format(source="the tables of a one-week run of `network=mmc` made for the page, "
                                        "`simoffice/run/results.py`, `simoffice/model/log_columns.py`"),
           "A run writes " + ", ".join(f"`{f}`" for f in FILES) + " into its folder "
           "(what each file holds: [Outputs](outputs.md)); from Python, `Results` has each table as a pandas "
           "DataFrame of the same name. Times `*_min` are minutes from the start of the run (day 0 is "
           "`run.start_date`, 00:00) unless the meaning says it is a duration; a *name* column is a pandas "
           "categorical of names.", ""]
    for name, table in tables.items():
        out += [f"## {name}", "", f"`{name}.parquet`: "
                + cell(described.get(name) or _missing(f"the {name} table (run/results.py docstring)")) + ".", "",
                "| column | type | unit | meaning |", "|---|---|---|---|"]
        for column in table.columns:
            meaning = terms.COLUMNS.get(name, {}).get(column) or _missing(f"column {name}.{column}")
            out.append(f"| `{column}` | {_dtype_words(table[column].dtype)} | {column_unit(column)} | "
                       f"{cell(meaning + values.get(column, ''))} |")
        out.append("")
    out += ["## The engine's log", "",
            "What a replication records while it runs (`simoffice/model/log_columns.py`), packed as C types; "
            "the tables above turn codes into names. Columns kept under the same name are described above.", ""]
    for log_name, (row, kept) in terms.LOG_TABLES.items():
        columns = getattr(log_columns, log_name)
        out += [f"### {log_name}", "", f"A row per {cell(row)}." + (f" Kept as [{kept}](#{kept})." if kept else ""),
                "", "| column | packed as | meaning |", "|---|---|---|"]
        for column, code in columns.items():
            meaning = terms.LOG_ONLY.get((log_name, column))
            if meaning is None and kept and column in terms.COLUMNS.get(kept, {}):
                meaning = f"`{kept}.{column}`" + (" (a code)" if _dtype_words(tables[kept][column].dtype) == "name"
                                                  else "")
            out.append(f"| `{column}` | {_TYPECODES.get(code, code)} | "
                       f"{cell(meaning or _missing(f'log column {log_name}.{column}'))} |")
        out.append("")
    extra = [m for m in terms.COLUMNS if m not in tables]
    for name in extra:
        _missing(f"table {name} (described in simoffice/model/definitions.py but not written by a run)")
    return "\n".join(out)


_TYPECODES = {"q": "64-bit integer", "i": "32-bit integer", "h": "16-bit integer", "b": "8-bit integer",
              "d": "64-bit float"}


# ----------------------------------------------------------------------------- Python API

def _signature(name: str, obj: Callable) -> str:
    """``name(a: T, b: U = 1) -> R`` with the annotations as written in the source."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return f"{name}(…)"
    params = []
    for p in sig.parameters.values():
        if p.name == "self" or p.name == "cls":
            continue
        text = ("*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else "") + p.name
        if p.annotation is not p.empty:
            text += f": {p.annotation if isinstance(p.annotation, str) else inspect.formatannotation(p.annotation)}"
        if p.default is not p.empty:
            text += f" = {p.default!r}"
        params.append(text)
    ret = sig.return_annotation
    ret = "" if ret is sig.empty else f" -> {ret if isinstance(ret, str) else inspect.formatannotation(ret)}"
    return f"{name}({', '.join(params)}){ret}"


def api_names() -> list[str]:
    import simoffice

    return list(simoffice.__all__)


def api_page() -> str:
    """The page of every name ``simoffice`` exports."""
    import simoffice

    out = ["# Python API reference", "",
           GENERATED_NOTE.format(source="`simoffice.__all__`, its signatures and docstrings"),
           markdown_inline(inspect.cleandoc(simoffice.__doc__).split("\n\n")[0]),
           "A tour with examples: [Python API](api.md).", ""]
    for name in api_names():
        obj = getattr(simoffice, name)
        out += [f"## `simoffice.{name}`", ""]
        if isinstance(obj, str):
            out += [f"The installed version, a text (`{obj}` when this page was built).", ""]
        elif isinstance(obj, type):
            out += _class_doc(name, obj)
        else:
            out += ["```text", _signature(f"simoffice.{name}", obj), "```", "",
                    docstring_markdown(obj.__doc__) if obj.__doc__ else _missing(f"simoffice.{name}"), ""]
    return "\n".join(out)


def _class_doc(name: str, cls: type) -> list[str]:
    bases = [b.__name__ for b in cls.__bases__ if b is not object]
    out = [f"A class{' (a ' + ', '.join(f'`{b}`' for b in bases) + ')' if bases else ''}.", "",
           docstring_markdown(cls.__doc__) if cls.__doc__ else _missing(f"simoffice.{name}"), ""]
    if "__init__" in vars(cls) and not dataclasses.is_dataclass(cls):
        out[2:2] = ["```text", _signature(f"simoffice.{name}", cls.__init__), "```", ""]
    if dataclasses.is_dataclass(cls):
        hints = cls.__annotations__  # as written (strings): the source's own spelling
        meanings, described = field_meanings(cls), table_descriptions()
        out += ["| field | type | meaning |", "|---|---|---|"]
        tables = described if cls.__name__ == "Results" else {}  # its tables: the results module's docstring
        for f in dataclasses.fields(cls):
            meaning = meanings[f.name]
            if f.name in tables:
                meaning = (f"{cell(tables[f.name])}" + (f"; its columns: [Output columns](reference-columns.md#"
                                                           f"{f.name})" if f.name in terms.COLUMNS else ""))
            out.append(f"| `{f.name}` | `{cell(str(hints.get(f.name, '')))}` | {meaning or '—'} |")
        out.append("")
    for member, value in vars(cls).items():
        if member.startswith("_"):
            continue
        if isinstance(value, property):
            out += [f"### `{name}.{member}`", "", "A property.", "", docstring_markdown(value.__doc__ or "—"), ""]
        elif isinstance(value, (classmethod, staticmethod)) or inspect.isfunction(value):
            func = value.__func__ if isinstance(value, (classmethod, staticmethod)) else value
            out += [f"### `{name}.{member}`", "", "```text", _signature(f"{name}.{member}", func), "```", "",
                    docstring_markdown(func.__doc__), ""]
    return out


PAGES: dict[str, Callable[[], str]] = {
    "reference-config.md": config_page,
    "reference-measures.md": measures_page,
    "reference-columns.md": columns_page,
    "reference-api.md": api_page,
}
