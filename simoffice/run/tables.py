"""A table in a parquet file, read back as it was written.

Parquet keeps a categorical column's categories only through the values it
holds: an empty table (no case escalated) reads back with no categories at all.
:func:`write_table` records every categorical column's categories in the file's
metadata and :func:`read_table` puts them back, so a saved table reads back
equal to the one written.
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

CATEGORIES = b"simoffice.categories"


def write_table(table: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write ``table`` (no index) to ``path``, its categories in the file's metadata."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    categories = {str(name): list(table[name].cat.categories) for name in table.columns
                  if isinstance(table[name].dtype, pd.CategoricalDtype)}
    metadata = {**(arrow.schema.metadata or {}), CATEGORIES: json.dumps(categories).encode()}
    pq.write_table(arrow.replace_schema_metadata(metadata), path)


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """The table :func:`write_table` wrote (any parquet file reads; categories are put
    back where the file records them)."""
    table = pd.read_parquet(path)
    recorded = (pq.read_schema(path).metadata or {}).get(CATEGORIES)
    for name, categories in (json.loads(recorded) if recorded else {}).items():
        if name in table.columns:
            column = table[name]
            codes = (pd.Categorical(column, categories=categories).codes if len(column) else [])
            table[name] = pd.Categorical.from_codes(codes, categories=categories)
    return table
