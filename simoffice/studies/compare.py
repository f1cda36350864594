"""Compare two or more arms (policies) on the same clients.

Every arm is simulated with the same seed and replications, so replication
``r`` of each arm sees the same clients (common random numbers, see
:mod:`simoffice.engine.streams` and :mod:`simoffice.engine.clients`). The difference of a measure between an arm and
the baseline (the first arm) is taken replication by replication, and its 95 %
interval is that of the paired differences: much narrower than comparing two
independent runs. Each headline measure's difference is better, worse or no
clear difference by the measure's direction (:mod:`simoffice.studies.compare_verdict`);
breakdowns by unit, weekday and zone say where (:mod:`simoffice.studies.compare_breakdown`),
a few sentences sum it up (:mod:`simoffice.studies.compare_summary`), and each arm is
described by what differs from the baseline (:mod:`simoffice.studies.arm_description`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from simoffice.errors import ConfigError
from simoffice.files import atomic_write, file_name
from simoffice.measures import metrics
from simoffice.run.pages import write_page
from simoffice.run.results import Results, jsonable
from simoffice.studies.arm_description import describe, opening_hours
from simoffice.studies.compare_breakdown import breakdowns, paired_difference
from simoffice.studies.compare_summary import lines, summarise
from simoffice.studies.compare_verdict import headline_rows


@dataclass
class Comparison:
    """The arms' results, the paired differences against the baseline and the verdict.

    ``differences`` has a row per arm (other than the baseline) × measure:
    ``arm``, ``measure``, ``baseline_mean``, ``arm_mean``, ``mean`` (arm −
    baseline), ``ci_low``, ``ci_high``, ``n`` (replications paired).
    ``headline``: the verdict measures' rows with their verdict (see
    :func:`simoffice.studies.compare_verdict.headline_rows`); ``breakdowns``: the
    paired differences by ``unit``, ``weekday`` and (in a study about coverage)
    ``zone`` (see :mod:`simoffice.studies.compare_breakdown`); ``summary``: the
    headline and sentences per arm (see :func:`simoffice.studies.compare_summary.summarise`);
    ``verdicts``: the summary as the terminal prints it; ``descriptions``: per arm,
    what it is (see :func:`simoffice.studies.arm_description.describe`);
    ``opening_hours``: the arms' opening hours side by side.
    """

    arms: dict[str, Results]
    differences: pd.DataFrame
    headline: pd.DataFrame
    breakdowns: dict[str, pd.DataFrame]
    summary: dict[str, Any]
    verdicts: list[str]
    descriptions: dict[str, list[str]] = field(default_factory=dict)
    opening_hours: list[dict[str, Any]] = field(default_factory=list)

    def __repr__(self) -> str:
        """One line: the arms, and the verdict in words."""
        return f"<Comparison of {', '.join(self.arms)} (baseline {self.baseline}): {' '.join(self.verdicts)[:300]}>"

    @classmethod
    def load(cls, out_dir: str | os.PathLike) -> "Comparison":
        """Reopen a comparison saved in ``out_dir``: the same Comparison
        :func:`compare` returned (each arm reopened with
        :meth:`~simoffice.run.results.Results.load`, the differences and verdicts
        computed from the arms again, the arms' descriptions as saved).

        Raises:
            ConfigError: not the folder of a complete comparison (no
                ``comparison.json``), an arm name in it that cannot name a folder,
                or an arm's folder that is not a complete run.
        """
        out = Path(out_dir)
        path = out / "comparison.json"
        if not path.is_file():
            raise ConfigError(str(out), "the folder of a complete comparison (comparison.json and a folder per arm)",
                              "no comparison.json" if out.is_dir() else "no such folder")
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ConfigError(str(path), "a comparison's JSON", str(err).splitlines()[0][:200]) from None
        names = doc.get("arms") if isinstance(doc, dict) else None
        if not isinstance(names, list) or len(names) < 2:
            raise ConfigError(f"{path}: arms", "a list of at least two arm names", names)
        arms = {name: Results.load(out / file_name(name, f"{path}: arms")) for name in names}
        return assess(arms, doc.get("descriptions"), doc.get("opening_hours"))

    @property
    def baseline(self) -> str:
        return next(iter(self.arms))

    @property
    def currency(self) -> str:
        """The currency cost is shown in (the baseline's ``run.currency``)."""
        return currency(self.arms[self.baseline])

    def save(self, out_dir: str | os.PathLike) -> Path:
        """Each arm's outputs in ``out_dir/<arm>/``, and ``comparison.parquet``,
        ``comparison.json`` and ``comparison.html`` in ``out_dir`` (each written atomically)."""
        out = Path(out_dir)
        for name in self.arms:
            file_name(name, "compare.arms")
        out.mkdir(parents=True, exist_ok=True)
        for name, res in self.arms.items():
            res.save(out / name)
        diffs = self.differences
        atomic_write(out / "comparison.parquet", lambda p: diffs.to_parquet(p, index=False))
        doc = {"baseline": self.baseline, "arms": list(self.arms), "verdicts": self.verdicts,
               "summary": self.summary, "descriptions": self.descriptions, "opening_hours": self.opening_hours,
               "headline": _records(self.headline),
               "breakdowns": {by: _records(t) for by, t in self.breakdowns.items()},
               "differences": _records(diffs),
               "meta": {name: res.summary["meta"] for name, res in self.arms.items()}}
        text = json.dumps(jsonable(doc), indent=2)
        write_page("comparison", self, out / "comparison.html")
        # Last: a comparison.json means the comparison is complete.
        atomic_write(out / "comparison.json", lambda p: Path(p).write_text(text + "\n"))
        return out


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return table.astype(object).where(table.notna(), None).to_dict(orient="records")


def currency(res: Results) -> str:
    """The currency of a run's cost: ``meta["currency"]`` (EUR in results saved before it was recorded)."""
    return str(res.summary["meta"].get("currency", "EUR"))


def paired_differences(arms: Mapping[str, Results]) -> pd.DataFrame:
    """Per arm after the first and per measure: the paired difference arm − baseline."""
    names = list(arms)
    base = _network_values(arms[names[0]])
    rows = []
    for name in names[1:]:
        values = _network_values(arms[name])
        for m in metrics.MEASURES:
            b, a = base.get(m), values.get(m)
            if b is None or a is None:
                continue
            rows.append({"arm": name, "measure": m, **paired_difference(b, a)})
    return pd.DataFrame(rows, columns=["arm", "measure", "baseline_mean", "arm_mean", "mean", "ci_low", "ci_high",
                                       "n"])


def _network_values(res: Results) -> dict[str, pd.Series]:
    r = res.replications
    net = r[r["office"] == "all"]
    return {m: g.set_index("replication")["value"] for m, g in net.groupby("measure", observed=True)}


def assess(arms: Mapping[str, Results], descriptions: Mapping[str, list[str]] | None = None,
           opening: list[dict[str, Any]] | None = None) -> Comparison:
    """The comparison of simulated arms (the first is the baseline): paired differences,
    the headline with verdicts, the breakdowns and the summary."""
    arms = dict(arms)
    diffs = paired_differences(arms)
    money = currency(next(iter(arms.values())))
    headline = headline_rows(diffs, money)
    parts = breakdowns(arms)
    summary = summarise(arms, headline, parts, money)
    return Comparison(arms, diffs, headline, parts, summary, lines(summary), dict(descriptions or {}),
                      list(opening or []))


ARMS = 'a mapping arm name -> list of overrides, e.g. {a: ["design=siloed"], b: ["design=one_stop"]}'


def arms_given(value: Any, key: str = "compare.arms") -> dict[str, list[str]]:
    """``compare.arms`` as each arm's overrides: a mapping of arm name -> a list of
    overrides, each ``key=value`` (or ``~key`` to remove one). None is no arm.

    Raises:
        ConfigError: not a mapping (a list, a text), an arm that is not a list of
            overrides (a number, a mapping, a text), or an override without ``=``.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(key, ARMS, value if isinstance(value, (str, int, float)) else list(value))
    out = {}
    for name, overrides in value.items():
        where = f"{key}.{name}"
        if isinstance(overrides, (str, bytes)) or not isinstance(overrides, Sequence):
            got = dict(overrides) if isinstance(overrides, Mapping) else overrides
            raise ConfigError(where, 'a list of overrides, e.g. ["design=one_stop", "network.servers=4"]', got)
        for i, override in enumerate(overrides):
            if not isinstance(override, str) or not ("=" in override or override.startswith("~")):
                raise ConfigError(f"{where}[{i}]", "an override 'key=value' (quoted), e.g. \"design=one_stop\"",
                                  override)
        out[str(name)] = list(overrides)
    return out


def compare(arms: Mapping[str, Any], progress: bool | None = None,
            overrides: Mapping[str, Sequence[str]] | None = None) -> Comparison:
    """Simulate every arm and compare each with the first (the baseline).

    Args:
        arms: arm name -> a composed config, plain dicts or a ModelSpec; at least two,
            with the same ``run.seed``, ``run.replications``, ``run.precision`` and
            ``run.max_replications`` (so that replications pair).
        progress: show progress bars (default: each config's ``run.progress``).
        overrides: arm name -> the overrides that define it (``["schedule=mon_thu"]``),
            shown as what the arm is; None: the arms are described by their differences only.

    Raises:
        ConfigError: fewer than two arms, an arm name that cannot name a folder (a path,
            ``..``), or arms whose seed, replications, precision or max_replications differ.

    With ``run.precision`` the arms run batch by batch together, each batch the same
    replications in every arm, until every arm's named measures are within: every arm
    has the same replications (:mod:`simoffice.run.precision`). With
    ``run.warmup_weeks=auto`` each arm's pilot finds its warm-up and every arm uses the
    largest (:func:`simoffice.run.warmup.common_warmup`), so that all measure the same weeks.
    """
    from simoffice.config.build import build_spec
    from simoffice.model.spec import ModelSpec
    from simoffice.run.simulate import simulate

    if len(arms) < 2:
        raise ConfigError("compare.arms", "at least two arms", list(arms))
    for name in arms:
        file_name(name, "compare.arms")  # each arm's outputs go to a folder of its name
    specs = {name: cfg if isinstance(cfg, ModelSpec) else build_spec(cfg) for name, cfg in arms.items()}
    first = next(iter(specs.values())).run
    for name, spec in specs.items():
        for key in PAIRED:
            if key == "max_replications" and not first.precision:
                continue  # (used only with a precision)
            if getattr(spec.run, key) != getattr(first, key):
                raise ConfigError(f"compare.arms.{name}", f"run.{key} = {_shown(getattr(first, key))} as in the first "
                                  "arm (replications pair only with the same seed and count)",
                                  _shown(getattr(spec.run, key)))
    given = {name: specs[name] if isinstance(cfg, ModelSpec) else cfg for name, cfg in arms.items()}
    if first.precision or any(spec.run.warmup_auto for spec in specs.values()):
        results = _simulate_together(given, progress)
    else:  # arm by arm: one arm's raw logs at a time are in memory, not every arm's
        results = {name: simulate(cfg, progress) for name, cfg in given.items()}
    return assess(results, describe(arms, specs, overrides), opening_hours(specs))


# What every arm must share, so that replication r of each sees the same clients and the arms
# stop at the same count.
PAIRED = ("seed", "replications", "precision", "max_replications")


def _shown(value: Any) -> Any:
    """A run setting as a config gives it (a precision as a mapping, not the spec's tuples)."""
    if isinstance(value, tuple):
        return {name: f"{width * 100:g}%" if relative else width for name, width, relative in value}
    return value


def _simulate_together(arms: Mapping[str, Any], progress: bool | None) -> dict[str, Results]:
    """Simulate arms with ``run.precision``: every arm runs each batch of replications
    (the same indices), until every arm's measures are within (or
    ``run.max_replications``); see :func:`simoffice.run.precision.replicate_arms`."""
    from simoffice.run.precision import replicate_arms
    from simoffice.run.simulate import finish, prepare
    from simoffice.run.warmup import common_warmup

    # run.warmup_weeks=auto: each arm's pilot finds its own, and all use the largest
    prepared = common_warmup({name: prepare(cfg, progress) for name, cfg in arms.items()})
    reps, infos = replicate_arms([spec for spec, _ in prepared.values()], progress, list(prepared))
    return {name: finish(arms[name], spec, arm_reps, meta, info)
            for (name, (spec, meta)), arm_reps, info in zip(prepared.items(), reps, infos)}
