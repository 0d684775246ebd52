"""Ruled-table grids from a page's rule pieces, with merged cells as real spans.

pdfplumber's own table finder needs a crossing at every cell corner, so an
HWP-style table drawn without left/right outer borders loses its first and last
columns, and merged cells come back as ``None`` holes.  This module works on
plain rule pieces (``segments`` turns drawn objects into them) instead:

1. a closed box standing apart from the rules around it (by at least
   ``nest_gap``) is a table of its own: its pieces are set aside first, so the
   tolerances below cannot glue a nested table into its parent's grid;
2. collinear pieces are snapped and joined into rules;
3. rules that touch form one table; each table is closed at its *own* outer
   extent (never with page-wide lines, which would glue neighbouring tables);
4. the grid is every distinct rule position, and a slot boundary without a
   drawn rule means the two slots belong to one merged cell.

It is pure geometry (tuples in, tuples out) so the rules can be tested on
synthetic segments without any PDF.  Every tolerance is a field of
``GridSettings``.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .limits import PairCount, TooManySlots
from .segments import HSeg, VSeg
from .settings import DEFAULT, GridSettings

RULES = "표 선끼리의"  # what PairCount says was compared too often

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass
class RuleGrid:
    """One table's grid: slot boundaries and the cells (row, col, rowspan, colspan) covering it."""

    xs: list[float]
    ys: list[float]
    cells: list[tuple[int, int, int, int]] = field(default_factory=list)
    # The merged rules the grid was built from (for the debug picture).
    hrules: list[HSeg] = field(default_factory=list)
    vrules: list[VSeg] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.ys) - 1

    @property
    def cols(self) -> int:
        return len(self.xs) - 1

    @property
    def bbox(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def cell_bbox(self, cell: tuple[int, int, int, int]) -> Box:
        r, c, rs, cs = cell
        return (self.xs[c], self.ys[r], self.xs[c + cs], self.ys[r + rs])


# ----------------------------------------------------------------------------- rules


def merge_segments(segs: list[tuple[float, float, float]], snap: float, join: float, min_len: float
                   ) -> list[tuple[float, float, float]]:
    """Snap near-collinear pieces to one position and join pieces with small gaps into rules.

    A joined rule sits at the mean position of its own pieces (not of every
    piece snapped with it), so one table's rule is not pulled towards an
    unrelated rule 2 pt across from it at the other end of the page.
    """
    if not segs:
        return []
    segs = sorted(segs)
    out: list[tuple[float, float, float]] = []
    group: list[tuple[float, float, float]] = [segs[0]]

    def flush(g: list[tuple[float, float, float]]) -> None:
        spans = sorted(g, key=lambda s: s[1])
        pos_sum, n = spans[0][0], 1
        a, b = spans[0][1], spans[0][2]
        for p, s0, s1 in spans[1:]:
            if s0 <= b + join:
                b = max(b, s1)
                pos_sum, n = pos_sum + p, n + 1
            else:
                if b - a >= min_len:
                    out.append((pos_sum / n, a, b))
                a, b, pos_sum, n = s0, s1, p, 1
        if b - a >= min_len:
            out.append((pos_sum / n, a, b))

    for s in segs[1:]:
        if s[0] - group[-1][0] <= snap:
            group.append(s)
        else:
            flush(group)
            group = [s]
    flush(group)
    return out


def _components(h: list[HSeg], v: list[VSeg], touch: float, pairs: PairCount | None = None
                ) -> list[tuple[list[HSeg], list[VSeg]]]:
    """Groups of rules that touch: each group is one table candidate (h must be sorted by y).

    With ``pairs``, the vertical/horizontal pairs to be looked at are counted first (by bisection, without
    looking at them).
    """
    nh = len(h)
    parent = list(range(nh + len(v)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hy = [s[0] for s in h]
    if pairs is not None:
        pairs.spend(sum(bisect_right(hy, y1 + touch) - bisect_left(hy, y0 - touch) for _, y0, y1 in v), RULES)
    for j, (x, y0, y1) in enumerate(v):
        lo = bisect_left(hy, y0 - touch)
        hi = bisect_right(hy, y1 + touch)
        for i in range(lo, hi):
            _, x0, x1 = h[i]
            if x0 - touch <= x <= x1 + touch:
                a, b = find(i), find(nh + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list[HSeg], list[VSeg]]] = {}
    for i, s in enumerate(h):
        groups.setdefault(find(i), ([], []))[0].append(s)
    for j, s in enumerate(v):
        groups.setdefault(find(nh + j), ([], []))[1].append(s)
    return [g for g in groups.values() if g[0] and g[1]]


def _extent(h: list[HSeg], v: list[VSeg]) -> Box:
    return (min(min(s[1] for s in h), min(s[0] for s in v)), min(min(s[0] for s in h), min(s[1] for s in v)),
            max(max(s[2] for s in h), max(s[0] for s in v)), max(max(s[0] for s in h), max(s[2] for s in v)))


# ----------------------------------------------------------------------------- nested tables


def _closed(h: list[HSeg], v: list[VSeg], box: Box, tol: float) -> bool:
    """All four sides of the box are drawn, each by one rule reaching both corners."""
    x0, top, x1, bottom = box

    def hside(y: float) -> bool:
        return any(abs(s[0] - y) <= tol and s[1] <= x0 + tol and s[2] >= x1 - tol for s in h)

    def vside(x: float) -> bool:
        return any(abs(s[0] - x) <= tol and s[1] <= top + tol and s[2] >= bottom - tol for s in v)

    return hside(top) and hside(bottom) and vside(x0) and vside(x1)


def nested_boxes(h: list[HSeg], v: list[VSeg], s: GridSettings = DEFAULT, pairs: PairCount | None = None
                 ) -> list[Box]:
    """Boxes that are tables of their own: closed boxes inside another table's area whose rules touch none
    of its rules (nested tables), and title tabs straddling a box's edge (``_tabs``).

    Read with strict tolerances (half of ``nest_gap``), a table drawn inside a
    cell 1–3 pt from the cell's rules is a component of its own, closed on all
    four sides; with the page tolerances it would be snapped into its parent
    and its rows and columns spread over the parent's grid.  A box that only
    doubles its surrounding frame (the frame is all there is around it, and no
    side is further than ``snap`` from it) is a double border, not a nested table.
    ``pairs`` counts the comparisons (every box against every other).
    """
    strict = s.nest_gap / 2
    hm = merge_segments(h, strict, s.join, s.min_len)
    vm = merge_segments(v, strict, s.join, s.min_len)
    comps = _components(hm, vm, strict, pairs)
    out: list[Box] = [b for gh, gv in comps for b in _tabs(gh, gv, strict)]
    if len(comps) < 2:
        return out
    if pairs is not None:
        pairs.spend(len(comps) * len(comps), RULES)
    boxes = [_extent(gh, gv) for gh, gv in comps]
    for i, (gh, gv) in enumerate(comps):
        b = boxes[i]
        if not _closed(gh, gv, b, strict):
            continue
        for j, p in enumerate(boxes):
            if j == i:
                continue
            margins = (b[0] - p[0], b[1] - p[1], p[2] - b[2], p[3] - b[3])
            if min(margins) <= strict:
                continue
            frame_only = len(comps[j][0]) == 2 and len(comps[j][1]) == 2
            if frame_only and max(margins) <= s.snap:
                continue
            out.append(b)
            break
    return out


TAB_RULES_MAX = 40  # a tabbed box is a handful of rules; bigger components are tables, not searched for tabs


def _tabs(h: list[HSeg], v: list[VSeg], tol: float) -> list[Box]:
    """Closed boxes straddling an edge of the rest of their component: a title tab on a text box.

    Hancom's "대내외 정책여건" boxes put a small titled box across the top rule
    of a large one; read as one grid, the tab's sides would cut the text below
    into three columns.  A box (four rules ending at its corners) whose middle
    the rest's outer edge crosses, and which lies within the rest's width (or
    height), is a table of its own.
    """
    if len(h) + len(v) > TAB_RULES_MAX:
        return []
    out: list[Box] = []
    for i, top in enumerate(h):
        for bottom in h[i + 1:]:
            if bottom[0] - top[0] <= tol or abs(bottom[1] - top[1]) > tol or abs(bottom[2] - top[2]) > tol:
                continue
            box = (min(top[1], bottom[1]), top[0], max(top[2], bottom[2]), bottom[0])
            sides = [sg for sg in v if abs(sg[1] - box[1]) <= tol and abs(sg[2] - box[3]) <= tol
                     and (abs(sg[0] - box[0]) <= tol or abs(sg[0] - box[2]) <= tol)]
            if len(sides) < 2 or not _closed([top, bottom], sides, box, tol):
                continue
            rest_h = [sg for sg in h if sg is not top and sg is not bottom]
            rest_v = [sg for sg in v if all(sg is not x for x in sides)]
            if not rest_h or not rest_v:
                continue
            r = _extent(rest_h, rest_v)
            across_x = box[1] + tol < r[1] < box[3] - tol or box[1] + tol < r[3] < box[3] - tol
            within_x = r[0] + tol < box[0] and box[2] < r[2] - tol
            across_y = box[0] + tol < r[0] < box[2] - tol or box[0] + tol < r[2] < box[2] - tol
            within_y = r[1] + tol < box[1] and box[3] < r[3] - tol
            if (across_x and within_x) or (across_y and within_y):
                out.append(box)
    return out


def _partition(h: list[HSeg], v: list[VSeg], boxes: list[Box], tol: float, pairs: PairCount | None = None
               ) -> list[tuple[list[HSeg], list[VSeg]]]:
    """Pieces by the smallest nested box holding them; the rest of the page last."""
    if pairs is not None and boxes:
        pairs.spend((len(h) + len(v)) * len(boxes), RULES)
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][2] - boxes[i][0]) * (boxes[i][3] - boxes[i][1]))
    parts: list[tuple[list[HSeg], list[VSeg]]] = [([], []) for _ in range(len(boxes) + 1)]

    def home(x0: float, top: float, x1: float, bottom: float) -> int:
        for i in order:
            b = boxes[i]
            if b[0] - tol <= x0 and x1 <= b[2] + tol and b[1] - tol <= top and bottom <= b[3] + tol:
                return i
        return len(boxes)

    for sg in h:
        parts[home(sg[1], sg[0], sg[2], sg[0])][0].append(sg)
    for sg in v:
        parts[home(sg[0], sg[1], sg[0], sg[2])][1].append(sg)
    return parts


# ----------------------------------------------------------------------------- one grid


def _cluster(values: list[float], snap: float) -> list[float]:
    """Distinct positions: values within ``snap`` of the previous one are the same boundary."""
    out: list[list[float]] = []
    for val in sorted(values):
        if out and val - out[-1][-1] <= snap:
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


def grid_from_rules(h: list[HSeg], v: list[VSeg], s: GridSettings = DEFAULT, max_slots: int | None = None,
                    pairs: PairCount | None = None) -> RuleGrid | None:
    """One table's grid from the rules that touch each other, open sides closed at its extent.

    The horizontal rules of an HWP-style table run to the table's edge even where
    no vertical border is drawn, so their outermost ends are where the missing
    side borders belong (and likewise for a missing top/bottom).  A grid of more
    than ``max_slots`` slots raises ``TooManySlots`` before its walls are laid out;
    ``pairs`` counts the coverage checks (each row against every vertical rule, each
    column against every horizontal one).
    """
    left, top, right, bottom = _extent(h, v)
    if right - left < s.min_len or bottom - top < s.min_len:
        return None
    xs = _cluster([sg[0] for sg in v] + [left, right], s.snap)
    ys = _cluster([sg[0] for sg in h] + [top, bottom], s.snap)
    if len(xs) < 2 or len(ys) < 2:
        return None
    xs[0], xs[-1], ys[0], ys[-1] = left, right, top, bottom
    ncols, nrows = len(xs) - 1, len(ys) - 1
    if max_slots is not None and nrows * ncols > max_slots:
        raise TooManySlots(nrows, ncols)
    if pairs is not None:
        pairs.spend(nrows * len(v) + ncols * len(h), RULES)

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
        [i in (0, ncols) or _coverage(vspans[i], ys[r], ys[r + 1]) >= s.cover for i in range(ncols + 1)]
        for r in range(nrows)
    ]
    hwall = [
        [j in (0, nrows) or _coverage(hspans[j], xs[c], xs[c + 1]) >= s.cover for c in range(ncols)]
        for j in range(nrows + 1)
    ]
    grid = RuleGrid(xs=xs, ys=ys, hrules=list(h), vrules=list(v))
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


def is_decoration(grid: RuleGrid, s: GridSettings = DEFAULT) -> bool:
    """Stripes and gradients (dozens of hair-thin columns or rows) are art, not a table."""
    widths = [b - a for a, b in zip(grid.xs, grid.xs[1:])]
    heights = [b - a for a, b in zip(grid.ys, grid.ys[1:])]
    for sizes in (widths, heights):
        if len(sizes) >= 10 and sum(1 for w in sizes if w < s.min_col) / len(sizes) > s.max_thin_cols:
            return True
    return False


def find_grids(h: list[HSeg], v: list[VSeg], settings: GridSettings = DEFAULT, max_slots: int | None = None,
               pairs: PairCount | None = None) -> list[RuleGrid]:
    """All table grids on a page from its raw rule pieces, nested tables apart, decorations removed.

    ``max_slots`` bounds each grid (``grid_from_rules``): the reader passes what the document's slot budget
    has left, so a page of rules cannot make it lay out more slots than a document may hold.  ``pairs``
    counts every step that compares rules or boxes pairwise (``limits.PairCount``).
    """
    s = settings
    grids = []
    for ph, pv in _partition(h, v, nested_boxes(h, v, s, pairs), s.nest_gap / 2, pairs):
        hm = merge_segments(ph, s.snap, s.join, s.min_len)
        vm = merge_segments(pv, s.snap, s.join, s.min_len)
        for gh, gv in _components(hm, vm, s.touch, pairs):
            g = grid_from_rules(gh, gv, s, max_slots, pairs)
            if g is not None and not is_decoration(g, s):
                grids.append(g)
    return grids


__all__ = ["RuleGrid", "TooManySlots", "find_grids", "grid_from_rules", "merge_segments", "nested_boxes"]
