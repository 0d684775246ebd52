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

from .layout import SUMMARY, partition_dir, summary_path
from .manifest import read_manifest
from .schema import summary_schema, table_schema


def _parts(dataset: Path, table: str) -> list[tuple[str, str, str]]:
    """(part, body, quarter) of every part of ``table`` the manifest names (summary parts: derived from it)."""
    entries = read_manifest(dataset)
    if table != SUMMARY:
        return [(rel, e.body, e.quarter) for e in entries.values() for rel in e.parts
                if rel.startswith(partition_dir(table, e.body or "", e.quarter or "") + "/")]
    version = {e.pipeline_version for e in entries.values() if e.status == "ok"}
    inputs: dict[tuple[str, str], list[str]] = {}
    for e in entries.values():
        if e.status == "ok":
            inputs.setdefault((e.body, e.quarter), []).extend(e.parts)
    out = []
    for (body, quarter), parts in sorted(inputs.items()):
        for v in version:  # one version in a dataset a run has finished; a part per version otherwise
            rel = summary_path(body, quarter, parts, v)
            if (dataset / rel).exists():  # absent: the partition's files could not be combined (a line said so)
                out.append((rel, body, quarter))
    return out


def read_table(dataset: Path, table: str) -> pd.DataFrame:
    """One table of the whole dataset (a contract table or ``summary``), with ``body`` and ``quarter`` columns,
    read through the manifest."""
    dataset = Path(dataset)
    schema = summary_schema() if table == SUMMARY else table_schema(table)
    frames = []
    for rel, body, quarter in _parts(dataset, table):
        t = pq.read_table(dataset / rel, schema=schema)
        t = t.append_column("body", pa.array([body] * len(t), pa.string()))
        t = t.append_column("quarter", pa.array([quarter] * len(t), pa.string()))
        frames.append(t)
    if not frames:
        return schema.append(pa.field("body", pa.string())).append(pa.field("quarter", pa.string())).empty_table().to_pandas()
    return pa.concat_tables(frames).to_pandas()
