"""Reading a collected dataset back through its manifest: the view that is consistent at every instant.

A glob over the folders (DuckDB, ``pd.read_parquet(DATASET/items)``) is the
everyday way and is consistent whenever no commit is being applied (commit.py
says why).  ``read_table`` reads exactly the part files the manifest names, so
it sees the dataset as it was before a commit or as it is after it, even while
one is applied or after a run was killed inside one.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .layout import partition_dir
from .manifest import read_manifest
from .schema import table_schema


def read_table(dataset: Path, table: str) -> pd.DataFrame:
    """One contract table of the whole dataset, with ``body`` and ``quarter`` columns, through the manifest."""
    dataset = Path(dataset)
    frames = []
    for e in read_manifest(dataset).values():
        for rel in e.parts:
            if rel.startswith(partition_dir(table, e.body or "", e.quarter or "") + "/"):
                t = pq.read_table(dataset / rel, schema=table_schema(table))
                t = t.append_column("body", pa.array([e.body] * len(t), pa.string()))
                t = t.append_column("quarter", pa.array([e.quarter] * len(t), pa.string()))
                frames.append(t)
    if not frames:
        schema = table_schema(table).append(pa.field("body", pa.string())).append(pa.field("quarter", pa.string()))
        return schema.empty_table().to_pandas()
    return pa.concat_tables(frames).to_pandas()
