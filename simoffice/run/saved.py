"""Reopening a run's folder: its tables, summary and config back into :class:`~simoffice.run.results.Results`.

A folder is read only as data: parquet tables, JSON and YAML (read with the
project's checks and built like any plain config: no interpolation, no code).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from simoffice.config.build import build_spec
from simoffice.config.config_files import check_file
from simoffice.errors import ConfigError
from simoffice.model.spec import ModelSpec
from simoffice.run import results as run_results
from simoffice.run.tables import read_table

WHAT = "the folder of a complete run (summary.json and the tables a run writes)"


def load_run(out_dir: Path) -> run_results.Results:
    """The :class:`~simoffice.run.results.Results` saved in ``out_dir`` (see
    :meth:`~simoffice.run.results.Results.load`).

    Raises:
        ConfigError: not a run's folder, or a file in it not as a run writes it.
    """
    summary_path = out_dir / "summary.json"
    if not summary_path.is_file():
        if (out_dir / "comparison.json").is_file():
            raise ConfigError(str(out_dir), f"{WHAT}; this folder holds a comparison: "
                              "simoffice.Comparison.load or simoffice.load reopens it", "comparison.json")
        if any(p.is_dir() and p.name.isdigit() for p in out_dir.iterdir()) if out_dir.is_dir() else False:
            raise ConfigError(str(out_dir), f"{WHAT}; a sweep's jobs are its numbered folders "
                              "(Results.load(sweep_dir / '0'))", "a sweep's folder")
        raise ConfigError(str(out_dir), WHAT, "no summary.json" if out_dir.is_dir() else "no such folder")
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        tables = {name: read_table(out_dir / f"{name}.parquet") for name in run_results.TABLES}
    except (OSError, ValueError, pa.ArrowException) as err:
        raise ConfigError(str(out_dir), WHAT, f"{type(err).__name__}: {str(err).splitlines()[0][:200]}") from None
    if not isinstance(summary, dict) or not isinstance(summary.get("meta"), dict):
        raise ConfigError(str(summary_path), "a run's summary (with its meta)", type(summary).__name__)
    config = _config(out_dir)
    spec = _spec(config, summary["meta"], out_dir)
    return run_results.Results(**tables, summary=summary, spec=spec, config=config)


def _config(out_dir: Path) -> dict[str, Any] | None:
    """The run's config as plain values: ``config.yaml``, else Hydra's record of the
    command's config; None when neither is there (a run of a ModelSpec)."""
    for path in (out_dir / run_results.CONFIG, out_dir / ".hydra" / "config.yaml"):
        if path.is_file():
            check_file(path)  # UTF-8, no anchors, no duplicate keys, not too deep
            config = yaml.safe_load(path.read_text(encoding="utf-8"))
            if not isinstance(config, dict):
                raise ConfigError(str(path), "a run's config (a mapping of its groups)", type(config).__name__)
            return config
    return None


def _spec(config: dict[str, Any] | None, meta: dict[str, Any], out_dir: Path) -> ModelSpec | None:
    """The spec the run simulated: the one the config builds (a mistake in it named by
    the file), with the warm-up and replications the run settled on (``auto``, or a
    precision, decide them as it runs; ``meta`` records them). None without a config."""
    if config is None:
        return None
    try:
        spec = build_spec(config)
    except ConfigError as err:
        raise ConfigError(f"{out_dir / run_results.CONFIG}: {err.key}", err.expected, err.got) from None
    used = {key: meta[key] for key in ("warmup_weeks", "replications")
            if isinstance(meta.get(key), int) and not isinstance(meta.get(key), bool)}
    if "warmup_weeks" in used:
        used["warmup_auto"] = False  # found by the pilot, it is a number of weeks like any other
    return dataclasses.replace(spec, run=dataclasses.replace(spec.run, **used))
