"""A printed table as a grid of slots: header rows, period columns, label columns, and stitching across pages.

Works on the document model only.  A printed table is turned into a grid of
*slots* (every slot points at the printed cell covering it, so a merged cell
is carried down and across and still counts once), its header rows are
combined into one period per column, and the columns left of the first period
column are label columns.  Parts of one table printed on consecutive pages are
stitched into one grid first (repeated header dropped, a row split at the
break joined again).  ``rows`` turns a grid into contract rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional

from ..model import Table
from ..vocab import FUND_WORDS, ROLE_WORDS, TOTAL_WORDS, VALUE_WORDS
from .numbers import parse_measure
from .periods import Period
from .periods import parse as parse_period
from .textclean import clean, fold


@dataclass(frozen=True)
class Slot:
    """One grid position: the printed cell covering it (``key`` identifies that cell)."""

    key: tuple
    text: str
    page: Optional[int]
    row: int  # position of the printed cell in its source table
    col: int


@dataclass
class SlotGrid:
    rows: list[list[Slot]]
    ncols: int
    header: int = 0
    periods: dict[int, Period] = field(default_factory=dict)
    nlabels: int = 0  # label columns: those left of the first period or value column
    roles: dict[int, str] = field(default_factory=dict)  # column → plan | result, from a 계획/실적 sub-heading
    source: dict[int, tuple] = field(default_factory=dict)  # column → key of the header cell naming its period


def slots_of(t: Table, part: int) -> list[list[Slot]]:
    g = t.grid()
    out = []
    for r in range(t.rows):
        row = []
        for c in range(t.cols):
            cell = g[r][c]
            if cell is None:
                row.append(Slot((part, r, c, "void"), "", t.page, r, c))
            else:
                row.append(Slot((part, cell.row, cell.col), cell.text or "", t.page, cell.row, cell.col))
        out.append(row)
    return out


def distinct(row: list[Slot]) -> list[Slot]:
    seen, out = set(), []
    for s in row:
        if s.key not in seen:
            seen.add(s.key)
            out.append(s)
    return out


def period_of(text: str, above: list[str], parent: Optional[str]) -> Optional[Period]:
    p = parse_period(text)
    if p is None:
        p = next((q for q in (parse_period(text, a) for a in above) if q is not None), None)
    if p is None and parent:
        p = parse_period(text, parent)
    return p


def _is_label_text(text: str) -> bool:
    """A header cell that is a short word, not a figure or sentence (`구분`, `비고`, `연차별 추진계획`)."""
    t = clean(text)
    f = fold(t)
    if not f or re.fullmatch(r"\(?단위[:：].*", f):
        return True
    if parse_measure(t)[0] is not None or re.search(r"\d", f):
        return False
    return len(f) <= 20


def header_rows(rows: list[list[Slot]], parent: Optional[str] = None) -> int:
    """How many leading rows (≤ 3) are header.

    A header row names at least one period, and its other cells are short
    non-numeric labels (an unknown word such as 비고 is simply not a period
    column).  Above it may stand rows of labels only (`연차별 추진계획` over
    the years); below it a row of 계획/실적 sub-headings.  ``parent`` is a year
    the section heading gives (`□ 2021년 추진실적`) for quarters printed without one.
    """
    h = 0
    keys: set = set()
    for r, row in enumerate(rows[:3]):
        above = [s.text for rr in rows[:r] for s in rr]
        new = [s for s in distinct(row) if s.key not in keys]
        if not any(fold(s.text) for s in new):
            break
        if not all(period_of(s.text, above, parent) is not None or _is_label_text(s.text) for s in new):
            break
        if sum(fold(clean(s.text)) in FUND_WORDS and fold(clean(s.text)) not in TOTAL_WORDS for s in new) >= 2:
            break  # funds across the top: a transposed table (years as rows), not a period header
        has_period = any(fold(s.text) and period_of(s.text, above, parent) is not None for s in new)
        roles = any(fold(clean(s.text)) in ROLE_WORDS for s in new)
        if has_period or (h and h == r and roles):
            h = r + 1
        elif h:
            break  # a row of words under the header is the first body row
        keys.update(s.key for s in row)
    # A header must name at least one period, else it is a body row of words.
    while h and not _periods(rows, h, parent)[0]:
        h -= 1
    return h


def _periods(rows: list[list[Slot]], h: int, parent: Optional[str] = None
             ) -> tuple[dict[int, Period], dict[int, str], dict[int, tuple]]:
    """Period of each header column, the 계획/실적 role under it, and the header cell that named it."""
    out: dict[int, Period] = {}
    roles: dict[int, str] = {}
    source: dict[int, tuple] = {}
    if not rows:
        return out, roles, source
    for c in range(len(rows[0])):
        stack = distinct([rows[r][c] for r in range(h)])
        if not stack:
            continue
        leaf = stack[-1]
        role = ROLE_WORDS.get(fold(clean(leaf.text)))
        # A role word names no period itself: the period is in the cell above it.
        named = stack[:-1] if role else stack
        for i in range(len(named) - 1, -1, -1):
            p = period_of(named[i].text, [x.text for x in named[:i]], parent)
            if p is not None:
                out[c] = p
                source[c] = named[i].key
                if role:
                    roles[c] = role
                break
            if not role:
                break  # only the leaf of a plain column names its period
    return out, roles, source


def analyse(rows: list[list[Slot]], parent: Optional[str] = None) -> SlotGrid:
    g = SlotGrid(rows, len(rows[0]) if rows else 0)
    g.header = header_rows(rows, parent)
    if g.header:
        g.periods, g.roles, g.source = _periods(rows, g.header, parent)
        value_cols = set(g.periods) | {
            c for c in range(1, g.ncols) if fold(clean(rows[g.header - 1][c].text)) in VALUE_WORDS
        }  # column 0 is always a label, whatever its heading (`목표 | 2021 | 2022` lists targets)
        g.nlabels = min(value_cols) if value_cols else 0
    return g


def _same_header(a: list[list[Slot]], b: list[list[Slot]], h: int) -> bool:
    if len(b) < h:
        return False
    return all(fold(x.text) == fold(y.text) for ra, rb in zip(a[:h], b[:h]) for x, y in zip(ra, rb))


def stitch(parts: list[Table], parent: Optional[str] = None) -> list[SlotGrid]:
    """Parts of one printed table → grids; a part on a later page with the same columns continues it."""
    grids: list[SlotGrid] = []
    prev_table: Optional[Table] = None
    for i, t in enumerate(parts):
        rows = slots_of(t, i)
        if not rows:
            continue
        cont = (
            grids
            and prev_table is not None
            and t.page is not None
            and prev_table.page is not None
            and t.page > prev_table.page
            and t.cols == grids[-1].ncols
            and grids[-1].header
        )
        if cont:
            g = grids[-1]
            if _same_header(g.rows, rows, g.header):
                rows = rows[g.header:]
            elif header_rows(rows, parent):
                cont = False
        if not cont:
            grids.append(analyse(rows, parent))
            prev_table = t
            continue
        g = grids[-1]
        _append_continuation(g, rows)
        prev_table = t
    return grids


def _append_continuation(g: SlotGrid, rows: list[list[Slot]]) -> None:
    """Join a continued part to the grid.

    A first row without a task label is the rest of the last row cut by the
    page break: its text joins the last row's cells (a vertical label cut in
    two, `민⏎관⏎협` + `력`, becomes one label everywhere it is used).  Empty
    outer labels further down continue the label printed above the break.
    """
    L = g.nlabels
    for k, row in enumerate(rows):
        row = list(row)
        task_empty = L and not clean(row[L - 1].text)
        if k == 0 and task_empty and len(g.rows) > g.header:
            last = g.rows[-1]
            for c in range(g.ncols):
                new = row[c]
                if not clean(new.text):
                    continue
                base = last[c]
                text = (base.text + "\n" + new.text) if clean(base.text) else new.text
                merged = replace(base, text=text)
                _rekey(g.rows, {base.key, new.key}, merged)
                _rekey(rows, {base.key, new.key}, merged)
            continue
        if L and len(g.rows) > g.header:
            above = g.rows[-1]
            for c in range(L - 1):
                if not clean(row[c].text):
                    row[c] = above[c]
        g.rows.append(row)


def _rekey(rows: list[list[Slot]], keys: set, slot: Slot) -> None:
    for row in rows:
        for c, s in enumerate(row):
            if s.key in keys:
                row[c] = slot
