"""Ruled-table grids from a PDF page's vector graphics, with merged cells as real spans.

pdfplumber's own table finder needs a crossing at every cell corner, so an
HWP-style table drawn without left/right outer borders loses its first and last
columns, and merged cells come back as ``None`` holes.  This module works on
plain segments instead:

1. every stroke and every visible filled rectangle becomes horizontal/vertical
   segments (Chromium draws rules as thin filled rects, LibreOffice as hundreds
   of short strokes, Hancom/Quartz as 0.4 pt dashes);
2. collinear pieces are snapped and joined into rules;
3. rules that touch form one table; each table is closed at its *own* outer
   extent (never with page-wide lines, which would glue neighbouring tables);
4. the grid is every distinct rule position, and a slot boundary without a
   drawn rule means the two slots belong to one merged cell.

It is pure geometry (tuples in, tuples out) so the rules can be tested on
synthetic segments without any PDF.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

HSeg = tuple[float, float, float]  # (y, x0, x1), x0 < x1
VSeg = tuple[float, float, float]  # (x, y0, y1), y0 < y1

SNAP = 3.0  # rules closer than this across their direction are one rule
JOIN = 3.0  # collinear pieces with a gap up to this are one rule (dashes, dots)
MIN_LEN = 3.0  # after joining, shorter pieces are rect ends or glyph art, not rules
TOUCH = 3.0  # a horizontal and a vertical rule this close are connected
THIN = 2.0  # a filled rect thinner than this is a rule, not a shaded box
COVER = 0.5  # share of a slot side that must be drawn to count as a cell border
MAX_THIN_COLS = 0.5  # decorative stripes: most columns narrower than MIN_COL
MIN_COL = 3.0
GRADIENT_SLICE = 8.0  # a gradient is drawn as slices narrower than this ...
GRADIENT_MIN = 10  # ... at least this many side by side


@dataclass
class RuleGrid:
    """One table's grid: slot boundaries and the cells (row, col, rowspan, colspan) covering it."""

    xs: list[float]
    ys: list[float]
    cells: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.ys) - 1

    @property
    def cols(self) -> int:
        return len(self.xs) - 1

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def cell_bbox(self, cell: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        r, c, rs, cs = cell
        return (self.xs[c], self.ys[r], self.xs[c + cs], self.ys[r + rs])


# ----------------------------------------------------------------------------- segments


def _is_white(color: Any) -> bool:
    """An invisible paint on paper: white fill/stroke draws nothing a reader sees as a rule."""
    if color is None:
        return False
    if isinstance(color, (int, float)):
        return float(color) >= 0.999
    try:
        vals = [float(v) for v in color]
    except (TypeError, ValueError):
        return False
    if len(vals) == 1:
        return vals[0] >= 0.999
    if len(vals) == 3:
        return all(v >= 0.999 for v in vals)
    if len(vals) == 4:  # CMYK
        return all(v <= 0.001 for v in vals)
    return False


def _add_box(h: list[HSeg], v: list[VSeg], x0: float, top: float, x1: float, bottom: float) -> None:
    """A box contributes its four sides; a thin one (a drawn rule) only its centre line."""
    w, ht = x1 - x0, bottom - top
    if w < THIN and ht < THIN:
        return
    if ht < THIN:
        h.append(((top + bottom) / 2, x0, x1))
    elif w < THIN:
        v.append(((x0 + x1) / 2, top, bottom))
    else:
        h.append((top, x0, x1))
        h.append((bottom, x0, x1))
        v.append((x0, top, bottom))
        v.append((x1, top, bottom))


def _add_polyline(h: list[HSeg], v: list[VSeg], pts: Sequence[tuple[float, float]], page_h: float) -> None:
    """Axis-parallel pieces of a path (pdfplumber curve points are in PDF bottom-up y)."""
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        ay, by = page_h - ay, page_h - by
        if abs(ay - by) < 0.5 and abs(ax - bx) >= 0.1:
            h.append(((ay + by) / 2, min(ax, bx), max(ax, bx)))
        elif abs(ax - bx) < 0.5 and abs(ay - by) >= 0.1:
            v.append(((ax + bx) / 2, min(ay, by), max(ay, by)))


def _gradient_slices(rects: list[dict]) -> set[int]:
    """Indices of filled rects that are slices of a gradient: 10+ narrow same-height rects side by side.

    Hancom draws a gradient heading bar as ~100 adjacent 4 pt rects; read as
    rules they make a 1x99 "table" that swallows the heading text.
    """
    out: set[int] = set()
    for horizontal in (True, False):
        a0, a1, b0, b1 = ("x0", "x1", "top", "bottom") if horizontal else ("top", "bottom", "x0", "x1")
        rows: dict[tuple[float, float], list[int]] = {}
        for i, r in enumerate(rects):
            if r[a1] - r[a0] < GRADIENT_SLICE:
                rows.setdefault((round(r[b0]), round(r[b1])), []).append(i)
        for idx in rows.values():
            idx.sort(key=lambda i: rects[i][a0])
            run = [idx[0]]
            for i in idx[1:]:
                if abs(rects[i][a0] - rects[run[-1]][a1]) <= 0.6:
                    run.append(i)
                else:
                    if len(run) >= GRADIENT_MIN:
                        out.update(run)
                    run = [i]
            if len(run) >= GRADIENT_MIN:
                out.update(run)
    return out


def segments_from_objects(
    lines: Iterable[dict], rects: Iterable[dict], curves: Iterable[dict], page_height: float
) -> tuple[list[HSeg], list[VSeg]]:
    """Horizontal and vertical rule pieces from pdfplumber line/rect/curve objects."""
    h: list[HSeg] = []
    v: list[VSeg] = []
    for ln in lines:
        if _is_white(ln.get("stroking_color")):
            continue
        x0, x1, top, bottom = ln["x0"], ln["x1"], ln["top"], ln["bottom"]
        if bottom - top < 0.5 and x1 - x0 >= 0.1:
            h.append(((top + bottom) / 2, x0, x1))
        elif x1 - x0 < 0.5 and bottom - top >= 0.1:
            v.append(((x0 + x1) / 2, top, bottom))
    rects = list(rects)
    filled_only = [r for r in rects if r.get("fill") and not r.get("stroke")]
    skip = {id(filled_only[i]) for i in _gradient_slices(filled_only)}
    for r in rects:
        if id(r) in skip:
            continue
        stroked = r.get("stroke") and not _is_white(r.get("stroking_color"))
        filled = r.get("fill") and not _is_white(r.get("non_stroking_color"))
        if stroked or filled:
            _add_box(h, v, r["x0"], r["top"], r["x1"], r["bottom"])
    for cv in curves:
        stroked = cv.get("stroke") and not _is_white(cv.get("stroking_color"))
        filled = cv.get("fill") and not _is_white(cv.get("non_stroking_color"))
        if (stroked or filled) and cv.get("pts"):
            _add_polyline(h, v, cv["pts"], page_height)
    return h, v


def merge_segments(segs: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Snap near-collinear pieces to one position and join pieces with small gaps into rules."""
    if not segs:
        return []
    segs = sorted(segs)
    out: list[tuple[float, float, float]] = []
    group: list[tuple[float, float, float]] = [segs[0]]

    def flush(g: list[tuple[float, float, float]]) -> None:
        pos = sum(s[0] for s in g) / len(g)
        spans = sorted((s[1], s[2]) for s in g)
        a, b = spans[0]
        for s0, s1 in spans[1:]:
            if s0 <= b + JOIN:
                b = max(b, s1)
            else:
                if b - a >= MIN_LEN:
                    out.append((pos, a, b))
                a, b = s0, s1
        if b - a >= MIN_LEN:
            out.append((pos, a, b))

    for s in segs[1:]:
        if s[0] - group[-1][0] <= SNAP:
            group.append(s)
        else:
            flush(group)
            group = [s]
    flush(group)
    return out


# ----------------------------------------------------------------------------- tables


def _components(h: list[HSeg], v: list[VSeg]) -> list[tuple[list[HSeg], list[VSeg]]]:
    """Groups of rules that touch: each group is one table candidate."""
    nh = len(h)
    parent = list(range(nh + len(v)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hy = [s[0] for s in h]  # h is sorted by y (merge_segments output)
    for j, (x, y0, y1) in enumerate(v):
        lo = bisect_left(hy, y0 - TOUCH)
        hi = bisect_right(hy, y1 + TOUCH)
        for i in range(lo, hi):
            _, x0, x1 = h[i]
            if x0 - TOUCH <= x <= x1 + TOUCH:
                a, b = find(i), find(nh + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list[HSeg], list[VSeg]]] = {}
    for i, s in enumerate(h):
        groups.setdefault(find(i), ([], []))[0].append(s)
    for j, s in enumerate(v):
        groups.setdefault(find(nh + j), ([], []))[1].append(s)
    return [g for g in groups.values() if g[0] and g[1]]


def _cluster(values: list[float]) -> list[float]:
    """Distinct positions: values within SNAP of the previous one are the same boundary."""
    out: list[list[float]] = []
    for val in sorted(values):
        if out and val - out[-1][-1] <= SNAP:
            out[-1].append(val)
        else:
            out.append([val])
    return [sum(c) / len(c) for c in out]


def _coverage(spans: list[tuple[float, float]], a: float, b: float) -> float:
    """Share of [a, b] drawn by the given (merged, sorted) spans."""
    if b <= a:
        return 0.0
    got = 0.0
    for s0, s1 in spans:
        if s1 <= a:
            continue
        if s0 >= b:
            break
        got += min(s1, b) - max(s0, a)
    return got / (b - a)


def _index(bounds: list[float], pos: float) -> int:
    """Boundary index nearest to pos."""
    i = bisect_left(bounds, pos)
    if i == 0:
        return 0
    if i == len(bounds):
        return len(bounds) - 1
    return i if bounds[i] - pos < pos - bounds[i - 1] else i - 1


def grid_from_rules(h: list[HSeg], v: list[VSeg]) -> RuleGrid | None:
    """One table's grid from the rules that touch each other, open sides closed at its extent.

    The horizontal rules of an HWP-style table run to the table's edge even where
    no vertical border is drawn, so their outermost ends are where the missing
    side borders belong (and likewise for a missing top/bottom).
    """
    left = min(min(s[1] for s in h), min(s[0] for s in v))
    right = max(max(s[2] for s in h), max(s[0] for s in v))
    top = min(min(s[0] for s in h), min(s[1] for s in v))
    bottom = max(max(s[0] for s in h), max(s[2] for s in v))
    if right - left < MIN_LEN or bottom - top < MIN_LEN:
        return None
    xs = _cluster([s[0] for s in v] + [left, right])
    ys = _cluster([s[0] for s in h] + [top, bottom])
    if len(xs) < 2 or len(ys) < 2:
        return None
    xs[0], xs[-1], ys[0], ys[-1] = left, right, top, bottom
    ncols, nrows = len(xs) - 1, len(ys) - 1

    vspans: list[list[tuple[float, float]]] = [[] for _ in xs]
    for x, y0, y1 in v:
        vspans[_index(xs, x)].append((y0, y1))
    hspans: list[list[tuple[float, float]]] = [[] for _ in ys]
    for y, x0, x1 in h:
        hspans[_index(ys, y)].append((x0, x1))
    for sp in vspans + hspans:
        sp.sort()

    # vwall[r][i]: a border is drawn at xs[i] over row r; outer sides are always closed.
    vwall = [
        [i in (0, ncols) or _coverage(vspans[i], ys[r], ys[r + 1]) >= COVER for i in range(ncols + 1)]
        for r in range(nrows)
    ]
    hwall = [
        [j in (0, nrows) or _coverage(hspans[j], xs[c], xs[c + 1]) >= COVER for c in range(ncols)]
        for j in range(nrows + 1)
    ]
    grid = RuleGrid(xs=xs, ys=ys)
    grid.cells = _cells(nrows, ncols, vwall, hwall)
    return grid


def _cells(
    nrows: int, ncols: int, vwall: list[list[bool]], hwall: list[list[bool]]
) -> list[tuple[int, int, int, int]]:
    """Cover every slot exactly once: a cell grows right, then down, while no border stops it."""
    taken = [[False] * ncols for _ in range(nrows)]
    cells: list[tuple[int, int, int, int]] = []
    for r in range(nrows):
        for c in range(ncols):
            if taken[r][c]:
                continue
            cs = 1
            while c + cs < ncols and not vwall[r][c + cs] and not taken[r][c + cs]:
                cs += 1
            rs = 1
            while r + rs < nrows and all(
                not hwall[r + rs][k] and not taken[r + rs][k] for k in range(c, c + cs)
            ) and all(not vwall[r + rs][k] for k in range(c + 1, c + cs)):
                rs += 1
            for rr in range(r, r + rs):
                for kk in range(c, c + cs):
                    taken[rr][kk] = True
            cells.append((r, c, rs, cs))
    return cells


def is_decoration(grid: RuleGrid) -> bool:
    """Stripes and gradients (dozens of hair-thin columns or rows) are art, not a table."""
    widths = [b - a for a, b in zip(grid.xs, grid.xs[1:])]
    heights = [b - a for a, b in zip(grid.ys, grid.ys[1:])]
    for sizes in (widths, heights):
        if len(sizes) >= 10 and sum(1 for w in sizes if w < MIN_COL) / len(sizes) > MAX_THIN_COLS:
            return True
    return False


def find_grids(h: list[HSeg], v: list[VSeg]) -> list[RuleGrid]:
    """All table grids on a page from its raw rule pieces, decorations removed."""
    hm = merge_segments(h)
    vm = merge_segments(v)
    grids = []
    for gh, gv in _components(hm, vm):
        g = grid_from_rules(gh, gv)
        if g is not None and not is_decoration(g):
            grids.append(g)
    return grids
