"""Specifications of simoffice.engine.recorder: rows written one at a time come out as typed columns."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest

from simoffice.engine.recorder import CONTACT_COLUMNS, Log, Recorder

CONTACT = (7 * 10**12 + 5, 2, 3, 1, 4, 0, 2, 1, 6, 41, 1, 100.5, math.nan, 130.25, 1, 2, 7, 12.0)


def test_a_row_comes_back_with_every_value_in_its_column_type():
    """Each value lands in its column, with the column's dtype; NaN and large bundle ids survive."""
    rec = Recorder()
    rec.contact(*CONTACT)
    cols = rec.arrays()["contacts"]
    assert list(cols) == list(CONTACT_COLUMNS)
    for (name, code), value in zip(CONTACT_COLUMNS.items(), CONTACT):
        assert cols[name].dtype == np.dtype(code), name
        got = cols[name][0]
        assert (math.isnan(got) and math.isnan(value)) or got == value, name


def test_rows_keep_their_order_across_settles():
    """Rows settled at different times (the replication settles daily) come out in the order written."""
    log = Log({"bundle": "q", "end_min": "d"})
    for i in range(5):
        log.append(i, i / 2)
        if i == 2:
            log.settle()
    log.rows.append(log.pack(5, 2.5))  # a hot path appends packed rows itself
    out = log.arrays()
    assert out["bundle"].tolist() == [0, 1, 2, 3, 4, 5]
    assert out["end_min"].tolist() == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]


def test_a_value_too_large_for_its_column_is_refused():
    """A visit count beyond a 16-bit column is an error at once, not a wrapped number."""
    rec = Recorder()
    with pytest.raises(struct.error):
        rec.bundle(1, 0, 0, 0, 0.0, 0.0, 1.0, 70_000, 1, 0, 1, 1, 0, 0, 0, 0.0, 0)
    assert len(rec.arrays()["bundles"]["bundle"]) == 0


def test_handed_over_columns_are_the_log_itself():
    """arrays(copy=False) hands the columns over without a copy (the end of a run)."""
    rec = Recorder()
    rec.contact(*CONTACT)
    a = rec.arrays(copy=False)["contacts"]["bundle"]
    b = rec.arrays(copy=False)["contacts"]["bundle"]
    assert np.shares_memory(a, b)
