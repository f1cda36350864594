"""Bad input, kept: every bad input of tests/attack_cases.py ends as the table says.

A mistake is refused in one line (exit status 2, ``simoffice: …`` or ``simoffice-calibrate: …``,
no traceback, nothing half-written, nothing that was there changed); a valid but doubtful
input runs and says so. Each case runs the real command in its own temporary folder.
``python experiments/attack.py`` runs the same table against any copy of the code and counts.
"""

from __future__ import annotations

import attack_cases as A
import pytest

# Each case starts the real command (2–3 s of CPU; the table takes about 7 minutes on 2 cores):
# the default run takes the first case of each category, the slow suite (make test-slow) and
# make attack every case.
FIRST = {c.category: c.id for c in reversed(A.CASES)}


@pytest.mark.parametrize("case", [pytest.param(c, marks=() if FIRST[c.category] == c.id else pytest.mark.slow)
                                  for c in A.CASES], ids=[c.id for c in A.CASES])
def test_the_attack_ends_as_the_table_says(case, tmp_path):
    result = A.run_case(case, tmp_path)
    assert result.passed, (f"{case.id} ({case.category}): {result.outcome}, expected {' or '.join(case.expect)}: "
                           f"{result.detail}\nstderr: {result.stderr_tail}")


def test_the_table_covers_every_category_of_bad_input():
    ids = [c.id for c in A.CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 100
    assert {c.category for c in A.CASES} == set(A.CATEGORIES)
    assert all(set(c.expect) <= {A.OK, A.CLEAN} for c in A.CASES)
