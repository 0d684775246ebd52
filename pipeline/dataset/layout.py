"""Where things live in a collected dataset, and what a source file's folders say (pure functions, no I/O).

The dataset is a folder of Parquet files that any Parquet reader can glob:

    DATASET/manifest.parquet                                   one row per source file (the record)
    DATASET/<table>/body=<body>/quarter=<quarter>/<part>.parquet   items, budget, plan, performance, findings
    DATASET/summary/body=<body>/quarter=<quarter>/<part>.parquet   the summary figures of that body and quarter
    DATASET/_staging/<txn>/…                                   a commit in progress (see commit.py)

Part names never repeat a content: a contract part is named by the source file's path and by the bytes and the
pipeline version that produced it, and a summary part by the parts it was computed from.  A changed input
therefore gets *new* part files beside the old ones until the commit removes the old, so no published file is
ever rewritten in place — the property the commit protocol relies on.
"""
from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from typing import Iterable, Optional

from ..cards.periods import parse_quarter_code, quarters_in_line

MANIFEST = "manifest.parquet"
STAGING = "_staging"
SUMMARY = "summary"
LOCK = ".collect.lock"
# Characters a hive partition value may not hold as such: the path separator, the key/value sign, and the escape
# sign itself.  pyarrow decodes %XX in partition values, so this is the one escape readers undo by themselves.
_UNSAFE = {"/": "%2F", "=": "%3D", "%": "%25", "\\": "%5C"}


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def partition_value(value: str) -> str:
    """A body or quarter as a hive folder value (`body=한빛구`): kept as written, but for the few signs that would
    change the path's meaning, percent-escaped the way pyarrow reads them back."""
    out = "".join(_UNSAFE.get(c, c) for c in value)
    return "%2E" + out[1:] if out.startswith(".") else out  # a leading dot would hide the folder from readers


def partition_dir(table: str, body: str, quarter: str) -> str:
    return f"{table}/body={partition_value(body)}/quarter={partition_value(quarter)}"


def part_path(table: str, body: str, quarter: str, source: str, sha256: str, version: str) -> str:
    """The part file of one source file's rows of one table: named by its path, its bytes and the pipeline
    version, so the same file read again by the same code lands on the same name and nothing else does."""
    return f"{partition_dir(table, body, quarter)}/part-{_digest(source)}-{_digest(sha256, version)}.parquet"


def summary_path(body: str, quarter: str, inputs: Iterable[str], version: str) -> str:
    """The summary part of a partition, named by the contract parts it was computed from: whoever knows the
    manifest knows which summary file belongs to it (``read.read_table``)."""
    return f"{partition_dir(SUMMARY, body, quarter)}/summary-{_digest(version, *sorted(inputs))}.parquet"


def folder_quarter(name: str) -> Optional[str]:
    """The quarter a folder name is about (`2023Q2`, `2023-Q2`, `2023년 2분기`), None unless it names exactly one."""
    code = parse_quarter_code(name)
    if code:
        return code
    found = set(quarters_in_line(name))
    return found.pop() if len(found) == 1 else None


def from_folders(relpath: str) -> tuple[Optional[str], Optional[str]]:
    """(body, quarter) that the folders of ``ROOT/<body>/<quarter>/…`` give a file at ``relpath``.

    The quarter is the first folder that names one quarter, at any depth.  The body is the first folder under
    ROOT when that folder is not a quarter; a deeper folder (a department) is never taken for a body, and a
    file directly under ROOT has neither.
    """
    dirs = PurePosixPath(relpath).parts[:-1]
    quarter = next((q for q in map(folder_quarter, dirs) if q), None)
    body = dirs[0].strip() if dirs and not folder_quarter(dirs[0]) and dirs[0].strip() else None
    return body, quarter
