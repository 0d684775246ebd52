"""Outcomes → staged part files and manifest rows, committed in batches (``commit.Transaction``).

A batch is committed every ``every_files`` outcomes or ``every_seconds``, and at
the end: a long backfill keeps what it has read through a kill, and a commit
costs a manifest rewrite, not a re-read.  A file's old parts (other bytes, or
another pipeline) are deleted in the same commit that publishes its new ones, so
a changed file replaces its own rows and nobody else's.

Each commit also recomputes the summary of every body and quarter it touched,
the way ``report`` makes a quarter's summary page: the quarter's files combined
(``quarter.combine``, which refuses an item filed twice or a file of another
quarter) and ``outputs.summary.summary_figures`` on the result.  A partition the
combination refuses gets no summary and a line saying why, as ``report`` would
refuse it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from .commit import Transaction
from .layout import MANIFEST, SUMMARY, part_path, partition_dir, summary_path
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
        self.touched: set[tuple[str, str]] = set()  # (body, quarter) partitions whose summary must be redone
        self.notes: list[str] = []  # lines for the user (a summary that could not be made)

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
            if old.status == "ok":
                self.touched.add((old.body, old.quarter))
        if placed.status == "ok":
            self.touched.add((placed.body, placed.quarter))
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
                if old.status == "ok":
                    self.touched.add((old.body, old.quarter))
                self.pending += 1

    def due(self) -> bool:
        return self.pending >= self.every_files or (
            self.pending > 0 and time.monotonic() - self.since >= self.every_seconds)

    def commit(self) -> bool:
        """Publish the staged batch (manifest last); False when there was nothing to publish."""
        if self.txn is None or not self.pending:
            return False
        for body, quarter in sorted(self.touched):
            self._summary(body, quarter)
        self.txn.write(MANIFEST, manifest_table(self.entries))
        self.txn.commit(self.deletes)
        self.txn, self.pending, self.deletes, self.touched = None, 0, set(), set()
        self.commits += 1
        return True

    def _summary(self, body: str, quarter: str) -> None:
        """Stage the summary of one partition as it will be after this commit; delete the one it replaces."""
        folder = self.dataset / partition_dir(SUMMARY, body, quarter)
        old = {p.relative_to(self.dataset).as_posix() for p in folder.glob("*.parquet")} if folder.is_dir() else set()
        files = sorted(f for f, e in self.entries.items() if e.status == "ok" and (e.body, e.quarter) == (body, quarter))
        new = summary_path(body, quarter, [p for f in files for p in self.entries[f].parts], self.version) if files else None
        if new is not None and new not in old:
            figures = self._figures(files, quarter)
            if figures is None:
                new = None
            else:
                self._txn().write(new, figures)
        self.deletes.update(p for p in old if p != new)

    def _figures(self, files: list[str], quarter: str):
        """The partition's figures as an Arrow table, or None (with a note) when its files cannot be combined."""
        import pyarrow.parquet as pq

        from ..errors import InputError
        from ..outputs.summary import summary_figures
        from ..quarter.combine import combine
        from .schema import summary_to_arrow, table_schema

        parts = []
        for f in files:
            tables = {}
            for rel in self.entries[f].parts:
                table = rel.split("/", 1)[0]
                staged = self.txn.folder / "files" / rel if self.txn is not None else None
                path = staged if staged is not None and staged.exists() else self.dataset / rel
                tables[table] = pq.read_table(path, schema=table_schema(table)).to_pandas()
            parts.append((f, tables))
        body = self.entries[files[0]].body
        try:
            return summary_to_arrow(summary_figures(combine(parts), quarter))
        except InputError as exc:
            self.notes.append(f"{body} {quarter}: 요약 수치를 만들지 않았습니다 — {exc}")
        except Exception as exc:  # noqa: BLE001 — a bug in the figures must not hold back the rows
            self.notes.append(f"{body} {quarter}: 요약 수치를 만들지 못했습니다 (내부 오류 {type(exc).__name__}: {exc}) — "
                              "파이프라인 팀에 알려 주세요")
        return None

    def abandon(self) -> None:
        if self.txn is not None:
            self.txn.abandon()
            self.txn = None
