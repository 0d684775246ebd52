"""A printed table as a grid of slots: header rows, period columns, label columns, and stitching across pages.

Works on the document model only.  A printed table is turned into a grid of
*slots* (every slot points at the printed cell covering it, so a merged cell
is carried down and across and still counts once), its header rows are
combined into one period per column, and the leading columns that hold words
are label columns.  Parts of one table printed on consecutive pages are
stitched into one grid first — decided by geometry (the continuation's column
boundaries lie on the table's own, whatever its header says), the repeated
header dropped, a row cut at the break joined again.  ``rows`` turns a grid
into contract rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional

from ..model import Table
from ..vocab import FUND_WORDS, ROLE_WORDS, VALUE_WORDS
from .numbers import parse_measure, parse_money, prints_nothing
from .periods import Period, is_total
from .periods import parse as parse_period
from .textclean import clean, fold

MAX_HEADER_ROWS = 5  # a banner row, year, half, quarter, 계획/실적 sub-heading


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
    nlabels: int = 0  # label columns: the leading columns that hold words
    roles: dict[int, str] = field(default_factory=dict)  # column → plan | result, from a 계획/실적 sub-heading
    source: dict[int, tuple] = field(default_factory=dict)  # column → key of the header cell naming its period
    value_words: set[int] = field(default_factory=set)  # columns headed 비고, 누계, 목표 … (not periods)


# ----------------------------------------------------------------------------- continued tables (geometry)

def column_edges(t: Table) -> Optional[list[float]]:
    """x of each column boundary (``cols + 1`` of them) from the cells' boxes; None when a boundary is unknown."""
    xs: list[list[float]] = [[] for _ in range(t.cols + 1)]
    for c in t.cells:
        if c.bbox is None:
            return None
        xs[c.col].append(c.bbox[0])
        xs[min(c.col + c.colspan, t.cols)].append(c.bbox[2])
    if any(not v for v in xs):
        return None
    return [sum(v) / len(v) for v in xs]


def edge_map(a: Table, b: Table) -> Optional[list[int]]:
    """For a table ``b`` that continues ``a``: the boundary of ``a`` at each column boundary of ``b``.

    ``b`` continues ``a`` when its outer edges are ``a``'s and each of its inner boundaries lies on one of
    ``a``'s (within 3 pt or 1 % of the width: a producer may lay out each page's part of a table anew, and
    move a label column by 2 pt); a continuation may merge columns (a label printed once across two), never
    add one.  Another table under the same heading (a 주관부서 footer) differs by tens of points.  None when the
    boxes do not say so, or are missing.
    """
    ea, eb = column_edges(a), column_edges(b)
    if ea is None or eb is None:
        return None
    tol = max(3.0, 0.01 * (ea[-1] - ea[0]))
    out: list[int] = []
    for x in eb:
        k = min(range(len(ea)), key=lambda i: abs(ea[i] - x))
        if abs(ea[k] - x) > tol or (out and k <= out[-1]):
            return None
        out.append(k)
    if out[0] != 0 or out[-1] != len(ea) - 1:
        return None
    return out


def continuation(a: Table, b: Table, a_index: Optional[int] = None, b_index: Optional[int] = None
                 ) -> Optional[list[int]]:
    """How ``b`` continues ``a`` on a later page — ``b``'s column boundaries mapped onto ``a``'s — or None.

    A link the reader recorded (``Table.continues`` / ``continued_by``, indexes into Document.tables) is
    used when present.  Otherwise geometry decides: ``b`` on the page after ``a`` with its column boundaries
    on ``a``'s.  Tables without boxes (a hand-built document) continue when ``b`` is on a later page with as
    many columns; tables without pages (HWP/HWPX, which do not split tables) never do.
    """
    if a.page is None or b.page is None or b.page <= a.page:
        return None
    if a_index is not None and b_index is not None and (b.continues is not None or a.continued_by is not None):
        linked = b.continues == a_index or a.continued_by == b_index
        if not linked:
            return None
        return edge_map(a, b) or (list(range(a.cols + 1)) if a.cols == b.cols else None)
    if column_edges(a) is not None and column_edges(b) is not None:
        return edge_map(a, b) if b.page == a.page + 1 else None
    return list(range(a.cols + 1)) if a.cols == b.cols else None


def slots_of(t: Table, part: int, edges: Optional[list[int]] = None) -> list[list[Slot]]:
    """The table's slots; with ``edges`` (from ``continuation``) laid out in the columns of the table it continues."""
    ncols = edges[-1] if edges else t.cols
    g = t.grid()
    out = []
    for r in range(t.rows):
        row: list[Slot] = []
        for c in range(t.cols):
            cell = g[r][c]
            if cell is None:
                slot = Slot((part, r, c, "void"), "", t.page, r, c)
            else:
                slot = Slot((part, cell.row, cell.col), cell.text or "", t.page, cell.row, cell.col)
            width = (edges[c + 1] - edges[c]) if edges else 1
            row.extend([slot] * width)
        out.append(row[:ncols])
    return out


def distinct(row: list[Slot]) -> list[Slot]:
    seen, out = set(), []
    for s in row:
        if s.key not in seen:
            seen.add(s.key)
            out.append(s)
    return out


# ----------------------------------------------------------------------------- header rows and columns

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
    """How many leading rows (≤ MAX_HEADER_ROWS) are header.

    A header row names at least one period, and its other cells are short
    non-numeric labels (an unknown word such as 비고 is simply not a period
    column).  Above it may stand rows of labels only (`연차별 추진계획` over
    the years); below it rows of halves or quarters, then a row of 계획/실적
    sub-headings.  ``parent`` is a year the section heading gives (`□ 2021년
    추진실적`) for quarters printed without one.
    """
    h = 0
    keys: set = set()
    for r, row in enumerate(rows[:MAX_HEADER_ROWS]):
        above = [s.text for rr in rows[:r] for s in rr]
        new = [s for s in distinct(row) if s.key not in keys]
        if not any(fold(s.text) for s in new):
            break
        if not all(period_of(s.text, above, parent) is not None or _is_label_text(s.text) for s in new):
            break
        if sum(fold(clean(s.text)) in FUND_WORDS and not is_total(s.text) for s in new) >= 2:
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
    """Period of each header column, the 계획/실적 role under it, and the header cell that named it.

    A column's stack of header cells combines into one period however many rows it has: the leaf names the
    half or quarter, a cell above it the year.
    """
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


def is_figure(text: str, money: bool) -> bool:
    """A cell that holds a figure: in a money table any digit, elsewhere a number with an optional counter."""
    t = clean(text)
    if prints_nothing(t):
        return False
    return bool(re.search(r"\d", t)) if money else parse_measure(t)[0] is not None


def _holds_values(cells: list[Slot], money: bool) -> bool:
    """A column of values, not of labels: a label is never a dash, and rarely a figure."""
    texts = [clean(s.text) for s in cells if clean(s.text)]
    if not texts:
        return False
    if any(prints_nothing(t) for t in texts):
        return True
    if money:
        figures = sum(1 for t in texts if _money(t))
    else:
        figures = sum(1 for t in texts if parse_measure(t)[0] is not None)
    return figures * 2 >= len(texts)


def _money(text: str) -> bool:
    try:
        return parse_money(text) is not None
    except ValueError:
        return False


def _label_columns(g: SlotGrid, first_value: int, money: bool) -> int:
    """Label columns: column 0, and each next column left of ``first_value`` whose body holds words.

    A column under an unknown heading (`XQZ`, `누적액`) that holds figures or dashes is a value column, never
    a label: taking it as one would key every row of the table by a figure.
    """
    n = 1
    for c in range(1, first_value):
        cells = distinct([row[c] for row in g.rows[g.header:] if row[c].key != row[c - 1].key])
        if _holds_values(cells, money):
            break
        n = c + 1
    return n


def analyse(rows: list[list[Slot]], parent: Optional[str] = None, money: bool = False) -> SlotGrid:
    g = SlotGrid(rows, len(rows[0]) if rows else 0)
    g.header = header_rows(rows, parent)
    if g.header:
        g.periods, g.roles, g.source = _periods(rows, g.header, parent)
        g.value_words = {
            c for c in range(1, g.ncols) if c not in g.periods and fold(clean(rows[g.header - 1][c].text)) in VALUE_WORDS
        }  # column 0 is always a label, whatever its heading (`목표 | 2021 | 2022` lists targets)
        value_cols = set(g.periods) | g.value_words
        g.nlabels = _label_columns(g, min(value_cols) if value_cols else 0, money) if value_cols else 0
    return g


# ----------------------------------------------------------------------------- stitching

@dataclass
class Part:
    """One printed table of a section; ``edges`` when it continues the part before it (see ``continuation``)."""

    table: Table
    edges: Optional[list[int]] = None


def _same_header(a: list[list[Slot]], b: list[list[Slot]], h: int) -> bool:
    if len(b) < h:
        return False
    return all(fold(x.text) == fold(y.text) for ra, rb in zip(a[:h], b[:h]) for x, y in zip(ra, rb))


def stitch(parts: list[Part], parent: Optional[str] = None, money: bool = False) -> list[SlotGrid]:
    """Parts of one section → grids; a part that continues the one before it joins its grid.

    A continuation repeats the header or not; a part that continues by geometry but prints a header of its
    own that differs is a new table after all.
    """
    grids: list[SlotGrid] = []
    edges_to_grid: Optional[list[int]] = None  # the previous part's boundaries in its grid's columns
    for i, part in enumerate(parts):
        edges = part.edges
        cont = bool(grids) and edges is not None and grids[-1].header > 0
        if cont and edges_to_grid is not None and edges is not None:
            edges = [edges_to_grid[k] for k in edges]
        rows = slots_of(part.table, i, edges if cont else None)
        if not rows:
            continue
        if cont:
            g = grids[-1]
            if _same_header(g.rows, rows, g.header):
                rows = rows[g.header:]
            elif header_rows(rows, parent):
                cont = False
                rows = slots_of(part.table, i)
        if not cont:
            grids.append(analyse(rows, parent, money))
            edges_to_grid = list(range(part.table.cols + 1))
            continue
        _append_continuation(grids[-1], rows)
        edges_to_grid = edges
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
            joined: set = set()
            for c in range(g.ncols):
                new = row[c]
                base = last[c]
                if not clean(new.text) or new.key in joined or base.key in joined:
                    continue
                joined.update((new.key, base.key))
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
