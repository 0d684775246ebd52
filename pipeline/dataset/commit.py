"""How a batch of results enters the dataset: staged, sealed by one atomic rename, applied, and finished by the
next run when a kill interrupts it.  Crash-safe at every step; the argument, step by step:

1. **Stage.**  Every new part file and the new ``manifest.parquet`` are written under
   ``DATASET/_staging/<txn>/files/`` (same file system, so a later rename is atomic) and fsynced.  Nothing a
   reader looks at has changed.  *Killed here:* the next run finds a staging folder without a seal and deletes
   it — the dataset is as it was; the files of this batch are simply read again.
2. **Seal** (the commit point).  ``COMMIT.json`` — the list of renames (the new part files, then
   the manifest, last) and of the old parts to delete — is written to a temporary name, fsynced, and
   renamed into the staging folder; the folder is fsynced.  Before the rename there is no seal, after it there
   is a whole one: a rename is atomic.  *Killed here or later:* the next run (first thing, under the lock)
   replays the seal.
3. **Apply.**  Each staged file is renamed onto its final name (``os.replace``, atomic), the manifest last;
   then the old parts are deleted and empty partition folders removed; then the staging folder.  Replaying is
   idempotent: a rename whose source is gone was done already (its target exists), a delete of a missing file
   is a no-op.  *Killed here:* the next run replays the rest, so the dataset becomes exactly "as it will be".

What a reader sees meanwhile.  Part names never repeat a content (``layout``), so a rename adds a file and never
changes one that a reader may have open.  The manifest moves from the old set of parts to the new one in one
rename; the old parts are deleted only after it.  So a reader that goes through the manifest
(``read.read_table``) sees the old dataset or the new one at every instant, even after a kill in step 3.  A
reader that globs the folders (DuckDB, ``pd.read_parquet(DATASET/items)``) sees a consistent dataset whenever no
apply is under way; during one (a few renames, milliseconds) or after a kill inside one and before the next run,
it can see a changed file's old and new rows together.

One writer at a time: the whole run holds an exclusive ``flock`` on ``DATASET/.collect.lock`` (released by the
kernel when the process dies, so a killed run never leaves the dataset locked).
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Iterable, Optional

import pyarrow as pa
import pyarrow.parquet as pq

from ..fsio import atomic_write_bytes, fsync_dir
from .layout import LOCK, MANIFEST, STAGING

SEAL = "COMMIT.json"


class DatasetBusy(Exception):
    """Another run holds the dataset's lock."""


def _fsync_dir(path: Path) -> None:
    """fsio.fsync_dir, best effort: a folder already gone or a file system that cannot sync folders is no reason
    to stop a commit that is otherwise made."""
    with contextlib.suppress(OSError):
        fsync_dir(path)


def write_parquet(path: Path, table: pa.Table) -> None:
    """A Parquet file written and fsynced (its name is made visible by the caller's rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


class Lock:
    """An exclusive lock on the dataset for the whole run (``with Lock(dataset):``)."""

    def __init__(self, dataset: Path) -> None:
        self.path = Path(dataset) / LOCK
        self.fd: Optional[int] = None

    def __enter__(self) -> "Lock":
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(self.fd)
            self.fd = None
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise DatasetBusy(str(self.path.parent)) from None
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the flock
            self.fd = None


class Transaction:
    """One batch on its way into the dataset: ``write`` files, then ``commit`` (seal + apply)."""

    def __init__(self, dataset: Path) -> None:
        self.dataset = Path(dataset)
        self.folder = self.dataset / STAGING / uuid.uuid4().hex
        self.staged: list[str] = []

    def write(self, rel: str, table: pa.Table) -> None:
        write_parquet(self.folder / "files" / rel, table)
        self.staged.append(rel)

    def commit(self, deletes: Iterable[str]) -> None:
        """Seal (the commit point) and apply.  The manifest, when staged, is renamed after every part."""
        moves = [r for r in self.staged if r != MANIFEST] + [r for r in self.staged if r == MANIFEST]
        keep = set(moves)
        seal = {"moves": moves, "deletes": sorted(d for d in set(deletes) if d not in keep)}
        for d in {(self.folder / "files" / r).parent for r in moves}:
            _fsync_dir(d)
        atomic_write_bytes(self.folder / SEAL, json.dumps(seal, ensure_ascii=False).encode("utf-8"))
        _fsync_dir(self.folder)
        apply(self.dataset, self.folder)

    def abandon(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def apply(dataset: Path, folder: Path) -> None:
    """Carry out a sealed transaction (also a half-carried-out one: every step is idempotent)."""
    seal = json.loads((folder / SEAL).read_text(encoding="utf-8"))
    touched: set[Path] = set()
    for rel in seal["moves"]:
        src, dst = folder / "files" / rel, dataset / rel
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
            touched.add(dst.parent)
    for d in touched:
        _fsync_dir(d)
    for rel in seal["deletes"]:
        p = dataset / rel
        p.unlink(missing_ok=True)
        _prune_empty(p.parent, dataset)
    shutil.rmtree(folder, ignore_errors=True)


def _prune_empty(folder: Path, dataset: Path) -> None:
    """Remove partition folders left empty (``quarter=…`` then ``body=…``), never the table folder itself."""
    while folder != dataset and folder.parent != dataset:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (or already gone): stop
        folder = folder.parent


def recover(dataset: Path) -> tuple[int, int]:
    """Finish what a killed run left: replay sealed transactions, drop unsealed ones.  Returns (replayed,
    dropped).  Call with the lock held."""
    staging = Path(dataset) / STAGING
    replayed = dropped = 0
    if not staging.is_dir():
        return 0, 0
    for folder in sorted(p for p in staging.iterdir() if p.is_dir()):
        if (folder / SEAL).exists():
            apply(Path(dataset), folder)
            replayed += 1
        else:
            shutil.rmtree(folder, ignore_errors=True)
            dropped += 1
    return replayed, dropped
