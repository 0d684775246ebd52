"""The one document model every reader produces and everything downstream consumes.

Readers (pdf, hwp, hwpx) know file formats and nothing of pledges; the card
normaliser knows pledges and nothing of file formats.  This module is the
contract between the two, so it stays small and format-blind: a document is a
sequence of blocks in reading order, each block either a run of text or a table
of cells with explicit spans.  Provenance (file, page, bbox) rides along so that
every number in the CSVs can be traced back to where it was printed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Optional, Sequence, Union

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points; top-left origin


@dataclass(slots=True)
class Cell:
    """One cell of a table grid; a merged cell appears once, at its top-left slot.

    ``text`` keeps the line breaks of the source (one line per printed line in a
    PDF, one per paragraph in HWP/HWPX) because vertical labels (``민\\n관\\n협\\n력``)
    and letter-spaced labels are recognised from them downstream.
    """

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    bbox: Optional[BBox] = None


@dataclass(slots=True)
class Table:
    """A ruled grid: ``rows`` x ``cols`` slots, covered exactly once by ``cells``."""

    rows: int
    cols: int
    cells: list[Cell]
    page: Optional[int] = None  # 1-based; None for formats without fixed pages
    bbox: Optional[BBox] = None
    # Index (into Document.tables) of the table whose cell holds this one, for nested tables.
    parent: Optional[int] = None
    # Indexes (into Document.tables) of the same printed table's part on the previous / next page, when a
    # reader can tell (PDF: its columns line up with the neighbouring page's first / last table).
    continues: Optional[int] = None
    continued_by: Optional[int] = None

    def grid(self) -> "list[list[Optional[Cell]]] | SparseGrid":
        """Slot matrix where every slot a merged cell covers points to that cell (a later cell wins an overlap).

        A list of row lists for any table a reader lets through (at most ``DENSE_GRID_SLOTS`` slots);
        a table built with more slots than that gets a ``SparseGrid`` with the same ``g[r][c]``,
        ``len`` and iteration, so a size the cells do not fill never becomes memory.
        """
        rows, cols = self.rows, self.cols
        if rows * cols > DENSE_GRID_SLOTS:
            return SparseGrid(self)
        g: list[list[Optional[Cell]]] = [[None] * cols for _ in range(rows if rows > 0 else 0)]
        for c in self.cells:  # clipped to the grid; plain comparisons: this runs for every table of a report
            k0 = c.col if c.col > 0 else 0
            k1 = c.col + c.colspan
            if k1 > cols:
                k1 = cols
            r0 = c.row if c.row > 0 else 0
            r1 = c.row + c.rowspan
            if r1 > rows:
                r1 = rows
            if k1 - k0 == 1:
                for r in range(r0, r1):
                    g[r][k0] = c
            elif k1 > k0:
                span = [c] * (k1 - k0)
                for r in range(r0, r1):
                    g[r][k0:k1] = span
        return g

    def cell_at(self, row: int, col: int) -> Optional[Cell]:
        """The cell covering slot (row, col), or None: a scan of the cells, so no table size costs memory."""
        for c in self.cells:
            if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
                return c
        return None

    def to_json(self) -> dict:
        return {
            "page": self.page,
            "bbox": list(self.bbox) if self.bbox else None,
            "rows": self.rows,
            "cols": self.cols,
            "continues": self.continues,
            "continued_by": self.continued_by,
            "cells": [
                {
                    "row": c.row,
                    "col": c.col,
                    "rowspan": c.rowspan,
                    "colspan": c.colspan,
                    "text": c.text,
                    "bbox": list(c.bbox) if c.bbox else None,
                }
                for c in sorted(self.cells, key=lambda c: (c.row, c.col))
            ],
        }


# How many slots (rows x columns, summed over its tables) a reader lets one document hold.  Measured through
# `extract` on the seed card with one table widened to 11 x 100000 (1.1 M slots): 9 s and 340 MB, 8-16 us and
# about 300 bytes a slot in the normaliser; the largest real document of the corpus holds 1,938 slots.
MAX_DOCUMENT_SLOTS = 1_000_000
# Up to this many slots grid() is a plain list of rows (8 bytes a slot); beyond it, a SparseGrid.
DENSE_GRID_SLOTS = MAX_DOCUMENT_SLOTS


class SparseGrid:
    """``Table.grid()`` of a table too large to lay out: indexed like the list of rows, nothing allocated per slot.

    Only a table built outside the readers (they refuse more than ``MAX_DOCUMENT_SLOTS``) gets one; a row
    is looked up from the cells when it is asked for, so memory follows the cells, not the declared size.
    """

    def __init__(self, table: Table) -> None:
        self._cells = table.cells
        self._rows = max(table.rows, 0)
        self._cols = max(table.cols, 0)
        self._last: Optional[tuple[int, _SparseRow]] = None

    def __len__(self) -> int:
        return self._rows

    def __getitem__(self, r: int) -> "_SparseRow":
        if not isinstance(r, int):
            raise TypeError("SparseGrid rows are indexed by int")
        if r < 0:
            r += self._rows
        if not 0 <= r < self._rows:
            raise IndexError("grid row out of range")
        if self._last is None or self._last[0] != r:
            covering = [c for c in self._cells if c.row <= r < c.row + c.rowspan]
            self._last = (r, _SparseRow(covering, self._cols))
        return self._last[1]

    def __iter__(self) -> Iterator["_SparseRow"]:
        for r in range(self._rows):
            yield self[r]


class _SparseRow:
    """One row of a SparseGrid: the cells covering it, a later cell winning an overlap as in a dense grid."""

    def __init__(self, cells: list[Cell], cols: int) -> None:
        self._cells = cells
        self._cols = cols

    def __len__(self) -> int:
        return self._cols

    def __getitem__(self, k: int) -> Optional[Cell]:
        if not isinstance(k, int):
            raise TypeError("grid columns are indexed by int")
        if k < 0:
            k += self._cols
        if not 0 <= k < self._cols:
            raise IndexError("grid column out of range")
        for c in reversed(self._cells):
            if c.col <= k < c.col + c.colspan:
                return c
        return None

    def __iter__(self) -> Iterator[Optional[Cell]]:
        for k in range(self._cols):
            yield self[k]


def fit_to_cells(table: Table, declared_rows: int, declared_cols: int) -> list[str]:
    """Size ``table`` by the cells it holds, inside the size its file declares; return what had to be corrected
    (in the clerk's words: the reader passes them on as warnings, rows and columns counted from 1).

    A declared row or column count is only a claim and allocates nothing: the table becomes as large as its
    cells reach (declared rows or columns no cell fills are dropped) and a span running past the declared
    edge is cut there.  A cell at a negative address or outside the declared table, or with a span below 1,
    raises ValueError: where it belongs cannot be known.  Readers call this once per table, then
    ``SlotBudget.take``; a well-formed table (every real one in the corpus) comes out unchanged.
    """
    notes: list[str] = []
    for c in table.cells:
        if c.row < 0 or c.col < 0 or c.row >= declared_rows or c.col >= declared_cols:
            raise ValueError(f"{c.row + 1}행 {c.col + 1}열의 칸이 표({declared_rows} × {declared_cols}) 밖에 있습니다")
        if c.rowspan < 1 or c.colspan < 1:
            raise ValueError(f"{c.row + 1}행 {c.col + 1}열 칸의 병합 크기가 {c.rowspan} × {c.colspan}입니다 (1보다 작음)")
        if c.row + c.rowspan > declared_rows or c.col + c.colspan > declared_cols:
            notes.append(f"{c.row + 1}행 {c.col + 1}열 칸이 {c.rowspan} × {c.colspan}칸으로 합쳐져 표({declared_rows} × "
                         f"{declared_cols}) 밖으로 나가므로 표 가장자리에서 잘랐습니다")
            c.rowspan = min(c.rowspan, declared_rows - c.row)
            c.colspan = min(c.colspan, declared_cols - c.col)
    rows = max((c.row + c.rowspan for c in table.cells), default=0)
    cols = max((c.col + c.colspan for c in table.cells), default=0)
    if (rows, cols) != (declared_rows, declared_cols):
        notes.append(f"적힌 크기는 {declared_rows} × {declared_cols}이지만 칸은 {rows} × {cols}만큼만 채워져 있어 "
                     f"{rows} × {cols} 크기로 읽었습니다")
    table.rows, table.cols = rows, cols
    return notes


class SlotBudget:
    """The slots a document's tables may hold together, taken table by table as a reader finishes them."""

    def __init__(self, limit: int = MAX_DOCUMENT_SLOTS) -> None:
        self.limit = limit
        self.used = 0

    def take(self, table: Table) -> None:
        """Count ``table``'s rows × cols; ValueError once the document's tables hold more than the limit."""
        self.used += table.rows * table.cols
        if self.used > self.limit:
            raise ValueError(f"{table.rows:,} × {table.cols:,}칸이라 한 문서의 표가 담을 수 있는 {self.limit:,}칸을 "
                             "넘습니다")


@dataclass(slots=True)
class TextBlock:
    """A line or paragraph of text outside any table (title, □/○ headings, 기간, 부서 lines)."""

    text: str
    page: Optional[int] = None
    bbox: Optional[BBox] = None


Block = Union[TextBlock, Table]


@dataclass(slots=True)
class Document:
    """What a reader returns: the file's blocks in reading order.

    ``blocks`` interleaves text and top-level tables in the order a person reads
    them (page by page, top to bottom).  Nested tables are not in ``blocks``; they
    are in ``tables`` (every table, document order, parents before children) with
    ``parent`` set.
    """

    source: str  # the input's file name (no directory)
    format: str  # "pdf" | "hwp" | "hwpx"
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    page_count: Optional[int] = None  # None for formats without fixed pages
    warnings: list[str] = field(default_factory=list)

    def iter_tables(self) -> Iterator[Table]:
        return iter(self.tables)

    @classmethod
    def join(cls, source: str, format: str, parts: "Sequence[Document]", page_count: Optional[int] = None
             ) -> "Document":
        """Consecutive parts of one file (pages, or page ranges read by separate workers) as one document.

        The one place that puts parts together: each part's ``parent``,
        ``continues`` and ``continued_by`` indexes point into its own ``tables``,
        so they are shifted by the tables before it.  Links across the parts'
        boundary are the reader's to add (``Backend.join``).
        """
        doc = cls(source=source, format=format, page_count=page_count)
        for part in parts:
            offset = len(doc.tables)
            for t in part.tables:
                if t.parent is not None:
                    t.parent += offset
                if t.continues is not None:
                    t.continues += offset
                if t.continued_by is not None:
                    t.continued_by += offset
            doc.tables.extend(part.tables)
            doc.blocks.extend(part.blocks)
            doc.warnings.extend(part.warnings)
        return doc

    def has_text(self) -> bool:
        """Whether anything was printed as text (an image-only scan has none)."""
        return any(b.text.strip() for b in self.blocks if isinstance(b, TextBlock)) or any(
            c.text.strip() for t in self.tables for c in t.cells)

    def tables_json(self) -> list[dict]:
        return [t.to_json() for t in self.tables]
