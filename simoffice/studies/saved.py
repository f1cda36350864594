"""Reopening a saved folder, whatever ran in it: a run's or a comparison's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Union

from simoffice.run.results import Results
from simoffice.studies.compare import Comparison


def load(out_dir: str | os.PathLike) -> Union[Results, Comparison]:
    """What a run or a comparison saved in ``out_dir``, as it returned it: a
    :class:`~simoffice.studies.compare.Comparison` for a comparison's folder (with
    ``comparison.json``), else :class:`~simoffice.run.results.Results` (a run, an
    arm of a comparison, a sweep job).

    Raises:
        ConfigError: the folder holds neither (see :meth:`Results.load`).
    """
    if (Path(out_dir) / "comparison.json").is_file():
        return Comparison.load(out_dir)
    return Results.load(out_dir)
