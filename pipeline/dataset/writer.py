"""Outcomes → staged part files and manifest rows, committed in batches (``commit.Transaction``).

A batch is committed every ``every_files`` outcomes or ``every_seconds``, and at
the end: a long backfill keeps what it has read through a kill, and a commit
costs a manifest rewrite, not a re-read.  A file's old parts (other bytes, or
another pipeline) are deleted in the same commit that publishes its new ones, so
a changed file replaces its own rows and nobody else's.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from .commit import Transaction
from .layout import MANIFEST, part_path
from .manifest import Entry, manifest_table
from .task import Outcome


@dataclass
class Placed:
    """Where an outcome's rows go, and what to tell the user about it."""

    body: Optional[str]
    quarter: Optional[str]
    status: str
    reason: str
    notes: list[str] = field(default_factory=list)


def place(out: Outcome, folder_body: Optional[str], folder_quarter: Optional[str]) -> Placed:
    """Body and quarter from the document, else from the folders; a file read fine whose body nobody states is
    ``unplaced`` (reported, never guessed).  Notes say where the folders disagree with the document."""
    body = out.body or folder_body
    p = Placed(body, out.quarter, out.status, out.reason)
    if out.status != "ok":
        return p
    if out.body and folder_body and out.body != folder_body:
        p.notes.append(f"문서의 기관({out.body})이 폴더 이름({folder_body})과 다릅니다 — 문서를 따릅니다")
    if folder_quarter and out.quarter and out.quarter != folder_quarter:
        p.notes.append(f"문서의 분기({out.quarter})가 폴더 이름({folder_quarter})과 다릅니다 — 문서를 따릅니다")
    if not body:
        p.status = "unplaced"
        p.reason = ("보고 기관을 알 수 없어 데이터셋에 넣지 않았습니다 — 문서에 기관 이름이 없고 폴더로도 알 수 없습니다 "
                    "(ROOT/<기관>/<분기>/… 아래에 두세요)")
    elif not p.quarter:
        p.status = "unplaced"
        p.reason = "보고 분기를 알 수 없어 데이터셋에 넣지 않았습니다 — 문서에도 폴더 이름에도 없습니다"
    return p


class Writer:
    """The dataset's manifest in memory plus the batch being staged."""

    def __init__(self, dataset: Path, entries: dict[str, Entry], version: str,
                 every_files: int = 200, every_seconds: float = 60.0) -> None:
        self.dataset, self.entries, self.version = Path(dataset), dict(entries), version
        self.every_files, self.every_seconds = every_files, every_seconds
        self.txn: Optional[Transaction] = None
        self.pending = 0
        self.deletes: set[str] = set()
        self.since = time.monotonic()
        self.commits = 0

    def _txn(self) -> Transaction:
        if self.txn is None:
            self.txn = Transaction(self.dataset)
            self.since = time.monotonic()
        return self.txn

    def add(self, out: Outcome, placed: Placed, folder_body: Optional[str], folder_quarter: Optional[str]) -> None:
        """Stage one file's outcome; its previous parts are deleted by the commit."""
        old = self.entries.get(out.file)
        if placed.status == "retry" and old is not None:
            return  # the cluster failed, not the file: keep what the dataset had; the next run reads it again
        txn = self._txn()
        parts: list[str] = []
        if placed.status == "ok":
            for table, arrow in sorted(out.tables.items()):
                rel = part_path(table, placed.body, placed.quarter, out.file, out.sha256, self.version)
                txn.write(rel, arrow)
                parts.append(rel)
        if old is not None:
            self.deletes.update(p for p in old.parts if p not in parts)
        self.entries[out.file] = Entry(
            file=out.file, sha256=out.sha256, size=out.size, status=placed.status, pipeline_version=self.version,
            body=placed.body, quarter=placed.quarter, reason=placed.reason, folder_body=folder_body,
            folder_quarter=folder_quarter, items=out.items if placed.status == "ok" else 0, parts=parts,
            read_at=datetime.now(timezone.utc).replace(microsecond=0),
        )
        self.pending += 1

    def remove(self, files: list[str]) -> None:
        """Take files out of the dataset (``--prune``: they are no longer under ROOT)."""
        for f in files:
            old = self.entries.pop(f, None)
            if old is not None:
                self._txn()
                self.deletes.update(old.parts)
                self.pending += 1

    def due(self) -> bool:
        return self.pending >= self.every_files or (
            self.pending > 0 and time.monotonic() - self.since >= self.every_seconds)

    def commit(self) -> bool:
        """Publish the staged batch (manifest last); False when there was nothing to publish."""
        if self.txn is None or not self.pending:
            return False
        self.txn.write(MANIFEST, manifest_table(self.entries))
        self.txn.commit(self.deletes)
        self.txn, self.pending, self.deletes = None, 0, set()
        self.commits += 1
        return True

    def abandon(self) -> None:
        if self.txn is not None:
            self.txn.abandon()
            self.txn = None
