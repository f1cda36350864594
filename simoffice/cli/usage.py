"""``simoffice --help``: one screen a user can read, written from the config folders.

Hydra's own help lists the ConfigStore's typed schemas (``schema_*``) as if they were
options and prints the whole composed config (some 600 lines). This page is
written instead, before Hydra (and the package's heavy imports) load:

- the options of each config group are the YAML files of its folder in
  ``simoffice/configs/`` (and of the folders a user adds with ``--config-dir`` or
  ``hydra.searchpath=[file://…]``), the default marked from ``config.yaml``'s
  ``defaults`` list;
- each experiment's line is its ``# help:`` comment (else its first comment line);
- each ``run.*`` key's default is read from :class:`simoffice.config.schema.RunConfig`'s
  source (parsed, not imported: the schema's imports take a second).

So a new network, schedule, design or experiment file, or a changed default, shows
here without editing this module. ``simoffice --cfg job`` still prints the full
composed config, and ``simoffice --hydra-help`` Hydra's own flags.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import yaml

CONFIG_DIR = Path(__file__).resolve().parents[1] / "configs"
GROUPS = ("network", "schedule", "design", "experiment")
HELP_FLAGS = ("--help", "-h")

# The most used run.* keys and what they do; their defaults come from the schema.
RUN_KEYS = {
    "weeks": "weeks of arrivals, warm-up included",
    "warmup_weeks": "weeks left out of every measure, or auto (found by MSER in a pilot run)",
    "replications": "independent replications; the 95 % intervals are across them",
    "precision": "until the intervals are this narrow: 'run.precision={wait_mean_min: 0.5}'",
    "seed": "the run's seed: same config and seed, same tables",
    "jobs": "worker processes; 0 = one per CPU core",
    "quiet": "batch use: no progress bar, one line of output (the results path)",
    "report": "report.html: full, light (no figures) or none",
    "keep_contacts": "false: keep only aggregates (long runs)",
    "resume": "true: skip a run (or sweep job) whose directory holds a complete run",
}


def asked(argv: list[str]) -> bool:
    """Whether the command line asks for this page (``--help`` or ``-h``)."""
    return any(arg in HELP_FLAGS for arg in argv)


def users_folders(argv: list[str]) -> list[Path]:
    """The config folders a command line adds: ``--config-dir DIR`` (``-cd``) and the
    ``file://`` entries of ``hydra.searchpath=[…]`` (``pkg://`` ones are not listed)."""
    folders = []
    for i, arg in enumerate(argv):
        flag, eq, value = arg.partition("=")
        if flag in ("--config-dir", "-cd"):
            folders.append(value if eq else (argv[i + 1] if i + 1 < len(argv) else ""))
        elif flag.lstrip("+") == "hydra.searchpath" and eq:
            for entry in value.strip("[]").split(","):
                entry = entry.strip().strip("'\"")
                if entry.startswith("file://"):
                    folders.append(entry[len("file://"):])
    return [Path(f) for f in folders if f and Path(f).is_dir()]


def options(group: str, folders: list[Path]) -> list[str]:
    """The option names of a config group: its YAML files' stems, sorted."""
    return sorted({p.stem for folder in folders for p in (folder / group).glob("*.yaml")})


def defaults(config: Path = CONFIG_DIR / "config.yaml") -> dict[str, str]:
    """group -> the option ``config.yaml``'s ``defaults`` list chooses (none: left out)."""
    chosen = {}
    for entry in yaml.safe_load(config.read_text(encoding="utf-8")).get("defaults", []):
        if isinstance(entry, dict):
            for group, option in entry.items():
                if isinstance(option, str):
                    chosen[group] = option
    return chosen


def one_liner(path: Path) -> str:
    """An experiment's line: its ``# help:`` comment, else its first comment line that is
    not a Hydra header (``# @package …``)."""
    first = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text.startswith("# help:"):
            return text[len("# help:"):].strip()
        if not first and text.startswith("#") and not text.lstrip("# ").startswith("@"):
            first = text.lstrip("# ").strip()
    return first


def run_defaults() -> dict[str, str]:
    """``run.*`` key -> its default as typed on the command line, read from the source of
    :class:`simoffice.config.schema.RunConfig`."""
    source = Path(importlib.util.find_spec("simoffice.config.schema").origin).read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name == "RunConfig":
            values = {}
            for field in node.body:
                if isinstance(field, ast.AnnAssign) and field.value is not None:
                    try:
                        values[field.target.id] = shown(ast.literal_eval(field.value))
                    except ValueError:  # field(default_factory=…): not a literal
                        pass
            return values
    return {}


def shown(value: object) -> str:
    """A default as it is written in an override: ``true``, ``null``, ``8``, ``full``."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return str(value)


def text(argv: list[str] | None = None) -> str:
    """The page ``simoffice --help`` prints (about 40 lines)."""
    folders = [CONFIG_DIR, *users_folders(argv or [])]
    chosen = defaults()
    lines = [
        "simoffice: a discrete-event simulator of a network of public service offices.",
        "usage: simoffice [group=option ...] [key=value ...]   (Hydra overrides; times in minutes)",
        "",
        "  simoffice                                  the default scenario",
        "  simoffice schedule=mon_thu design=siloed run.weeks=12",
        "  simoffice experiment=schedule_comparison   a named study (below)",
        "",
        "Config groups (group=option; * the default):",
    ]
    for group in GROUPS[:-1]:
        names = [name + ("*" if chosen.get(group) == name else "") for name in options(group, folders)]
        lines.append(f"  {group:<9} {' '.join(names)}")
    lines.append("  your own: hydra.searchpath=[file://DIR] finds DIR/network/NAME.yaml as network=NAME")
    lines += ["", "Experiments (experiment=NAME):"]
    for name in options("experiment", folders):
        path = next(f / "experiment" / f"{name}.yaml" for f in reversed(folders)
                    if (f / "experiment" / f"{name}.yaml").is_file())
        lines.append(f"  {name:<20} {one_liner(path)}")
    lines += ["", "Run settings (run.KEY=VALUE, shown with the default):"]
    values = run_defaults()
    for key, meaning in RUN_KEYS.items():
        setting = f"run.{key}={values.get(key, '')}"
        lines.append(f"  {setting:<24} {meaning}")
    lines += [
        "",
        "  simoffice -m network=mmc network.servers=4,5,6   a sweep (multirun): a job per value,",
        "                                 then summary.parquet and sweep.html in results/multirun/",
        "  simoffice --cfg job            the full composed config: every key and its value",
        "  simoffice --hydra-help         Hydra's own flags (--config-dir, --info, --resolve …)",
        "  simoffice-calibrate --help     a network from your own queue-system log",
        "",
        "Each run writes its tables, summary.json and report.html to results/<date>/<time>/.",
        "Every key, measure and output column: the site in docs/ (make docs), linked from README.md.",
    ]
    return "\n".join(lines)


def intercept(argv: list[str]) -> None:
    """Print the page and exit with status 0 when ``argv`` asks for it; else return."""
    if asked(argv):
        print(text(argv))
        sys.exit(0)
