"""Check that a change left every simulated number alone.

Runs the default scenario, ``network=mmc`` and ``experiment=schedule_comparison``
twice at the same seed: once with the code of an earlier commit (checked out into
a temporary git worktree) and once with the working tree. Then it compares every
``summary.json``, ``comparison.json`` and parquet table the two runs wrote, and
prints one line per file. Exit status 0 when all are identical, 1 otherwise.

    python experiments/same_tables.py --base fd745dc      # or: make same-tables BASE=fd745dc

Only ``meta.version``, ``meta.engine`` and ``meta.config_hash`` may differ (printed, not counted):
they describe the software, not what it simulated.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = {
    "default": [],
    "mmc": ["network=mmc"],
    "schedule_comparison": ["experiment=schedule_comparison"],
}
SOFTWARE_KEYS = {"version", "engine", "config_hash"}
MAIN = "import sys, simoffice.cli as c; print(c.__file__, file=sys.stderr); sys.exit(c.main())"


def run(code: Path, out: Path, overrides: list[str]) -> None:
    """Run one scenario with the package found in ``code`` (a source tree)."""
    env = dict(os.environ, PYTHONPATH=str(code), HYDRA_FULL_ERROR="1")
    cmd = [sys.executable, "-c", MAIN, *overrides, "run.quiet=true", f"hydra.run.dir={out}"]
    done = subprocess.run(cmd, cwd=code, env=env, capture_output=True, text=True)
    loaded_from = done.stderr.splitlines()[0] if done.stderr else ""
    if done.returncode != 0 or not loaded_from.startswith(str(code)):
        sys.exit(f"same_tables: {' '.join(overrides) or 'default'} failed with {code}:\n{done.stderr}")


def strip_software(value):
    """The JSON without the keys that name the software rather than the run."""
    if isinstance(value, dict):
        return {k: strip_software(v) for k, v in value.items() if k not in SOFTWARE_KEYS}
    if isinstance(value, list):
        return [strip_software(v) for v in value]
    return value


def compare_dirs(before: Path, after: Path) -> int:
    """Print a line per file; return the number of files that differ."""
    names = sorted(
        str(p.relative_to(before)) for p in before.rglob("*") if p.suffix in (".json", ".parquet")
    )
    later = sorted(
        str(p.relative_to(after)) for p in after.rglob("*") if p.suffix in (".json", ".parquet")
    )
    differ = 0
    for name in sorted(set(names) | set(later)):
        a, b = before / name, after / name
        if not (a.exists() and b.exists()):
            print(f"  MISSING  {name} ({'after' if a.exists() else 'before'})")
            differ += 1
            continue
        if a.suffix == ".json":
            ja, jb = json.loads(a.read_text()), json.loads(b.read_text())
            same = strip_software(ja) == strip_software(jb)
            note = "" if ja == jb else " (software keys differ)"
        else:
            ta, tb = pd.read_parquet(a), pd.read_parquet(b)
            same = ta.equals(tb) and list(ta.dtypes) == list(tb.dtypes)
            note = f" ({len(ta)} rows)"
        print(f"  {'same' if same else 'DIFFERS':8} {name}{note}")
        differ += not same
    return differ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="the commit to compare against (default HEAD)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="same_tables_") as tmp:
        base_tree = Path(tmp) / "base"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(base_tree), args.base],
            check=True,
        )
        try:
            differ = 0
            for name, overrides in SCENARIOS.items():
                print(f"{name}: {' '.join(overrides) or '(no overrides)'}")
                run(base_tree, Path(tmp) / "before" / name, overrides)
                run(ROOT, Path(tmp) / "after" / name, overrides)
                differ += compare_dirs(Path(tmp) / "before" / name, Path(tmp) / "after" / name)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base_tree)], check=False)
    print("identical" if differ == 0 else f"{differ} file(s) differ")
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
