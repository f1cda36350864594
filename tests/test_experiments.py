"""Every named study in experiments/ is one command: it composes, and each of its
scenarios (each arm of a comparison, each job of a sweep) builds."""

from __future__ import annotations

import itertools

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra

from simoffice.config.build import build_spec
from simoffice.config.compose import CONFIG_DIR

STUDIES = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml"))


def composed(*overrides: str, hydra: bool = False):
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides), return_hydra_config=hydra)


def test_the_named_studies_are_there():
    assert {"schedule_comparison", "staffing_sweep", "integration_study", "channel_shift", "mobile_coverage",
            "staffing_search", "compare", "lunch_break"} <= set(STUDIES)


@pytest.mark.parametrize("study", STUDIES)
def test_each_scenario_of_a_study_builds(study):
    cfg = composed(f"experiment={study}", hydra=True)
    if cfg.task == "compare":
        arms = dict(cfg.compare.arms or {})
        assert study == "compare" or len(arms) >= 2
        for overrides in arms.values():
            build_spec(composed(f"experiment={study}", *overrides))
        return
    if cfg.task == "staffing_search":
        build_spec(composed(f"experiment={study}"))
        return
    params = dict(cfg.hydra.sweeper.params or {})
    assert str(cfg.hydra.mode).endswith("MULTIRUN") and params, "a study is a comparison or a sweep"
    keys = list(params)
    for values in itertools.product(*(str(params[k]).split(",") for k in keys)):
        build_spec(composed(f"experiment={study}", *(f"{k}={v}" for k, v in zip(keys, values))))
