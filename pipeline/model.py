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

    def grid(self) -> list[list[Optional[Cell]]]:
        """Slot matrix where every slot a merged cell covers points to that cell."""
        g: list[list[Optional[Cell]]] = [[None] * self.cols for _ in range(self.rows)]
        for c in self.cells:
            for r in range(c.row, min(c.row + c.rowspan, self.rows)):
                for k in range(c.col, min(c.col + c.colspan, self.cols)):
                    g[r][k] = c
        return g

    def cell_at(self, row: int, col: int) -> Optional[Cell]:
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
