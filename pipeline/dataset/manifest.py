"""The manifest of record: one row per source file — what it was, what became of it, and which part files hold
its rows.  It is the only file a run rewrites in place (atomically, last in every commit; see commit.py).

Which files a run reads: those not in the manifest, those whose bytes (sha256) or
pipeline version differ from the row's, and those whose last outcome was a
passing trouble (``RETRY_STATUSES``: a worker lost too often, a worker with
other code); with ``--retry-failed`` also every file that failed.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

import pyarrow as pa
import pyarrow.parquet as pq

from .layout import MANIFEST

# What became of a file.  ok: its rows are in the dataset.  error / no_items / internal: the pipeline's own
# outcome for the file (as `extract` would print it).  not_report: the bytes are no PDF/HWP/HWPX, so no task was
# sent.  unplaced: read, but neither the document nor the folders say the body or the quarter (not guessed).
# retry: the cluster, not the file, failed (a worker lost too often, a worker running other code).
FINAL_STATUSES = ("ok", "error", "no_items", "internal", "not_report", "unplaced")
RETRY_STATUSES = ("retry",)

SCHEMA = pa.schema([
    pa.field("file", pa.string()),            # path under ROOT, '/'-separated: the key
    pa.field("sha256", pa.string()),          # of the bytes that were read
    pa.field("size", pa.int64()),
    pa.field("body", pa.string()),
    pa.field("quarter", pa.string()),
    pa.field("status", pa.string()),
    pa.field("reason", pa.string()),          # one line for a file that is not ok ('' when ok)
    pa.field("pipeline_version", pa.string()),
    pa.field("folder_body", pa.string()),     # what the folders said, kept beside what was used
    pa.field("folder_quarter", pa.string()),
    pa.field("items", pa.int64()),            # pledge items read from the file
    pa.field("parts", pa.list_(pa.string())),  # its part files, relative to the dataset
    pa.field("read_at", pa.timestamp("s", tz="UTC")),
])


@dataclass
class Entry:
    """One manifest row."""

    file: str
    sha256: str
    size: int
    status: str
    pipeline_version: str
    body: Optional[str] = None
    quarter: Optional[str] = None
    reason: str = ""
    folder_body: Optional[str] = None
    folder_quarter: Optional[str] = None
    items: int = 0
    parts: list[str] = field(default_factory=list)
    read_at: Optional[object] = None  # datetime (UTC)


def read_manifest(dataset: Path) -> dict[str, Entry]:
    """The manifest as {file: Entry}; empty when the dataset is new."""
    p = Path(dataset) / MANIFEST
    if not p.exists():
        return {}
    rows = pq.read_table(p).to_pylist()
    names = {f.name for f in SCHEMA}
    return {r["file"]: Entry(**{k: v for k, v in r.items() if k in names}) for r in rows}


def manifest_table(entries: dict[str, Entry]) -> pa.Table:
    rows = [asdict(e) for _, e in sorted(entries.items())]
    for r in rows:
        r["parts"] = list(r["parts"] or [])
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def up_to_date(entry: Optional[Entry], sha256: str, version: str, retry_failed: bool = False) -> bool:
    """Whether a file with these bytes needs no reading: recorded with the same bytes by the same pipeline with
    an outcome that reading again would only repeat."""
    if entry is None or entry.sha256 != sha256 or entry.pipeline_version != version:
        return False
    if entry.status in RETRY_STATUSES:
        return False
    return entry.status == "ok" or not retry_failed
