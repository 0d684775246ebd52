"""Nothing silently lost: every figure cell of an item's contract tables, and whether a row took it.

CONTRACT.md: every cell that holds a figure inside an item's contract tables ends up in a row of the four
tables or in a ``warning`` finding ``unread_cell``.  Rather than trust each rule to report what it skips, the
ledger registers every figure cell of every stitched grid before any row is made, the rows mark the cells they
read, and whatever is left is reported at the end — so a column under an unknown heading, a row without a
label, a table with no period columns or a rule nobody thought of cannot drop a figure without a finding.
The counts give each file's summary line (`수치 1,240개 읽음, 6개 못 읽음`: figures read, not read).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..contract import Finding
from .grid import Slot, SlotGrid, is_figure
from .periods import parse as parse_period
from .textclean import clean


@dataclass
class _Entry:
    slot: Slot
    table: str
    reason: str = ""


@dataclass
class Ledger:
    """The figure cells of one item, keyed by (section, printed cell)."""

    item_no: Optional[int] = None
    entries: dict[tuple, _Entry] = field(default_factory=dict)
    used: set[tuple] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)

    def register(self, scope: object, g: SlotGrid, table: str, money: bool, body_only: bool = True,
                 skip: frozenset[int] = frozenset()) -> None:
        """Every figure cell of a grid's body (all rows when ``body_only`` is False: a table with no header),
        except in the columns ``skip`` names (a 계획 column beside a 추진실적's 실적: not this table's data)."""
        rows = g.rows[g.header:] if body_only else g.rows
        label_cols = g.nlabels if body_only else 0
        for row in rows:
            labels = {x.key for x in row[:label_cols]}
            for c in range(label_cols, len(row)):
                s = row[c]
                if c in skip or s.key in labels:
                    continue
                key = (id(scope), s.key)
                if key in self.entries or not is_figure(s.text, money):
                    continue
                if not body_only and parse_period(s.text, "2000") is not None:
                    continue  # a table read whole has its header among its rows: `1분기` is a heading there
                self.entries[key] = _Entry(s, table)

    def use(self, scope: object, s: Slot) -> None:
        self.used.add((id(scope), s.key))

    def reject(self, scope: object, s: Slot, reason: str) -> None:
        """Why a figure cell was not read (said in its ``unread_cell`` finding, in the clerk's words)."""
        e = self.entries.get((id(scope), s.key))
        if e is not None and not e.reason:
            e.reason = reason

    def add(self, check: str, message: str, page: object = None, location: str = "", found: object = "",
            severity: str = "warning") -> None:
        """A finding about a row, column or table that could not be placed (one each)."""
        self.findings.append(Finding(check, severity, message, self.item_no, page, location, "", found))

    @property
    def read(self) -> int:
        return sum(1 for k in self.entries if k in self.used)

    @property
    def unread(self) -> int:
        return len(self.entries) - self.read

    def unread_findings(self) -> list[Finding]:
        """One ``unread_cell`` warning per figure no row took, with its page, table, row, column and text."""
        out = []
        for key, e in self.entries.items():
            if key in self.used:
                continue
            s = e.slot
            text = clean(s.text)
            where = f"{e.table}, p.{s.page}, " if s.page is not None else f"{e.table}, "
            said = f"{where}{s.row + 1}행 {s.col + 1}열"  # the message's place and the location column
            why = f" ({e.reason})" if e.reason else ""
            out.append(Finding("unread_cell", "warning", f"{said}: {text!r} 칸을 읽지 않았습니다{why}", self.item_no,
                               s.page, said, "", text))
        return out
