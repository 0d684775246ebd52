"""Rule pieces from a page's drawn objects: what a reader sees as a line, whatever drew it.

Producers draw the same rule in very different ways: a stroked line
(reportlab, Hancom), hundreds of short strokes (LibreOffice), 0.4 pt dashes
(Hancom, Quartz), a 0.75 pt filled rect (Chromium, WeasyPrint), thousands of
0.75 pt filled squares (a Chromium ``dotted`` border) or short filled paths (a
Chromium ``dashed`` border), or no line at all but the edge of a shaded box.
This module turns all of them into horizontal ``(y, x0, x1)`` and vertical
``(x, y0, y1)`` pieces:

* a thin object (rect, path or line) is the centre line of a rule;
* a box contributes its four sides when it is visible: its paint differs from
  what lies under it (a white box on white paper draws nothing, a white row
  over a tinted table does), or it continues a table of fills (it shares a side
  with a visible fill: the white rows of a white/tinted striped table);
* a *mark* (a dot or a short dash) becomes part of a rule only inside a
  collinear run of marks; the run continues across a gap judged against the
  run's own pitch, so dots 1.5 pt apart and dashes 7 pt apart both make a rule
  while two unrelated stubs do not;
* slices of a gradient are art and are skipped.

Pure geometry on pdfplumber's object dicts (top-down coordinates); no PDF needed to test it.
"""
from __future__ import annotations

from statistics import median
from typing import Any, Iterable, Optional, Sequence

from .limits import PairCount
from .settings import DEFAULT, GridSettings

HSeg = tuple[float, float, float]  # (y, x0, x1), x0 < x1
VSeg = tuple[float, float, float]  # (x, y0, y1), y0 < y1
RGB = tuple[float, float, float]
PAPER: RGB = (1.0, 1.0, 1.0)


# ----------------------------------------------------------------------------- paint


def paint(color: Any) -> Optional[RGB]:
    """A pdfplumber colour as RGB in 0..1 (grey, RGB or CMYK); None when it is a pattern or unknown."""
    if color is None:
        return None
    if isinstance(color, (int, float)):
        g = float(color)
        return (g, g, g)
    try:
        vals = [float(v) for v in color]
    except (TypeError, ValueError):
        return None
    if len(vals) == 1:
        return (vals[0], vals[0], vals[0])
    if len(vals) == 3:
        return (vals[0], vals[1], vals[2])
    if len(vals) == 4:  # CMYK, naively
        c, m, y, k = vals
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def same_paint(a: Optional[RGB], b: Optional[RGB]) -> bool:
    if a is None or b is None:
        return a is b
    return all(abs(x - y) <= 0.01 for x, y in zip(a, b))


FILLS = "채운 도형끼리의"  # what PairCount says was compared too often


class Fills:
    """The page's filled areas in painting order, to tell what lies under a drawn object.

    Each question looks through the areas one by one; with ``pairs`` every look is counted, so a page of
    thousands of fills is refused (``PairCount``) instead of compared for minutes.
    """

    def __init__(self, areas: list[tuple[float, float, float, float, Optional[RGB]]], pairs: Optional[PairCount] = None):
        self.areas = areas  # (x0, top, x1, bottom, rgb)
        self.pairs = pairs

    def under(self, x0: float, top: float, x1: float, bottom: float, before: Optional[int] = None) -> Optional[RGB]:
        """Paint under a box: the last area painted before ``before`` that holds it (else the smallest that
        holds it, for objects whose painting order is unknown); the paper when none does."""
        eps = 0.5
        if before is not None:
            for i in range(before - 1, -1, -1):
                a = self.areas[i]
                if a[0] - eps <= x0 and x1 <= a[2] + eps and a[1] - eps <= top and bottom <= a[3] + eps:
                    if self.pairs is not None:
                        self.pairs.spend(before - i, FILLS)
                    return a[4]
            if self.pairs is not None:
                self.pairs.spend(before, FILLS)
            return PAPER
        if self.pairs is not None:
            self.pairs.spend(len(self.areas), FILLS)
        best, best_area = PAPER, None
        for a in self.areas:
            if a[0] - eps <= x0 and x1 <= a[2] + eps and a[1] - eps <= top and bottom <= a[3] + eps:
                area = (a[2] - a[0]) * (a[3] - a[1])
                if best_area is None or area < best_area:
                    best, best_area = a[4], area
        return best


def _shares_side(a: Sequence[float], b: Sequence[float], eps: float = 0.75) -> bool:
    """Two boxes meet along most of a side (rows or cells of one table of fills)."""
    ax0, at, ax1, ab = a[:4]
    bx0, bt, bx1, bb = b[:4]
    if abs(ab - bt) <= eps or abs(bb - at) <= eps:
        over = min(ax1, bx1) - max(ax0, bx0)
        return over >= 0.9 * min(ax1 - ax0, bx1 - bx0)
    if abs(ax1 - bx0) <= eps or abs(bx1 - ax0) <= eps:
        over = min(ab, bb) - max(at, bt)
        return over >= 0.9 * min(ab - at, bb - bt)
    return False


# ----------------------------------------------------------------------------- marks


def _runs(marks: list[tuple[float, float, float, bool]], s: GridSettings) -> tuple[list[tuple[float, float, float]], list]:
    """Collinear marks ``(pos, a, b, square)`` → rules made of runs, and the loose non-square marks.

    Marks are grouped by position (centres within ``mark_align``), then walked
    along the line: the next mark continues the run when it is within ``join``
    of it, or when its start-to-start distance is at most ``mark_pitch`` times
    the run's own pitch so far (the median of its last steps) and the gap is at
    most ``mark_space`` times the marks' length.  A run's second mark is
    accepted on pitch only when the third repeats that step.  Runs of at
    least ``mark_run_min`` marks become one rule; loose square marks are dropped
    (a dot is no rule by itself), loose short pieces pass on unchanged.
    """
    rules: list[tuple[float, float, float]] = []
    loose: list[tuple[float, float, float]] = []
    marks.sort()
    groups: list[list[tuple[float, float, float, bool]]] = []
    for m in marks:
        if groups and m[0] - groups[-1][0][0] <= s.mark_align:
            groups[-1].append(m)
        else:
            groups.append([m])
    for g in groups:
        g.sort(key=lambda m: m[1])
        pos = sum(m[0] for m in g) / len(g)
        i = 0
        n = len(g)
        while i < n:
            run = [g[i]]
            steps: list[float] = []
            j = i + 1
            while j < n:
                prev, cur = run[-1], g[j]
                step = cur[1] - prev[1]
                gap = cur[1] - max(m[2] for m in run[-2:])
                if gap <= s.join:
                    ok = True
                elif gap > s.mark_space * (cur[2] - cur[1] + prev[2] - prev[1]) / 2:
                    ok = False  # marks this far apart for their size are no dotted line (a column of dots)
                elif steps:
                    ok = step <= s.mark_pitch * median(steps[-9:])
                else:
                    ok = _repeats(g, j, step, s)
                if not ok:
                    break
                if step > 0:
                    steps.append(step)
                run.append(cur)
                j += 1
            if len(run) >= s.mark_run_min:
                rules.append((pos, run[0][1], max(m[2] for m in run)))
            else:
                loose.extend((m[0], m[1], m[2]) for m in run if not m[3])
            i = j
    return rules, loose


def _repeats(g: list[tuple[float, float, float, bool]], j: int, step: float, s: GridSettings) -> bool:
    """The step into mark j is repeated by the step out of it (a regular run starts here)."""
    if j + 1 >= len(g) or step <= 0:
        return False
    nxt = g[j + 1][1] - g[j][1]
    return 0 < nxt <= s.mark_pitch * step and step <= s.mark_pitch * nxt


# ----------------------------------------------------------------------------- objects


def _gradient_slices(rects: list[dict], s: GridSettings) -> set[int]:
    """Indices of filled rects that are slices of a gradient: 10+ narrow same-height rects side by side.

    Hancom draws a gradient heading bar as ~100 adjacent 4 pt rects; read as
    rules they make a 1x99 "table" that swallows the heading text.
    """
    out: set[int] = set()
    for horizontal in (True, False):
        a0, a1, b0, b1 = ("x0", "x1", "top", "bottom") if horizontal else ("top", "bottom", "x0", "x1")
        rows: dict[tuple[float, float], list[int]] = {}
        for i, r in enumerate(rects):
            if r[a1] - r[a0] < s.gradient_slice and r[b1] - r[b0] >= s.thin:  # (dots are no slices)
                rows.setdefault((round(r[b0]), round(r[b1])), []).append(i)
        for idx in rows.values():
            idx.sort(key=lambda i: rects[i][a0])
            run = [idx[0]]
            for i in idx[1:]:
                if abs(rects[i][a0] - rects[run[-1]][a1]) <= 0.6:
                    run.append(i)
                else:
                    if len(run) >= s.gradient_min:
                        out.update(run)
                    run = [i]
            if len(run) >= s.gradient_min:
                out.update(run)
    return out


class _Collector:
    """Accumulates pieces and marks while the page's objects are walked."""

    def __init__(self, s: GridSettings):
        self.s = s
        self.h: list[HSeg] = []
        self.v: list[VSeg] = []
        self.hmarks: list[tuple[float, float, float, bool]] = []
        self.vmarks: list[tuple[float, float, float, bool]] = []

    def hpiece(self, y: float, x0: float, x1: float) -> None:
        if x1 - x0 <= self.s.mark_len:
            self.hmarks.append((y, x0, x1, False))
        else:
            self.h.append((y, x0, x1))

    def vpiece(self, x: float, y0: float, y1: float) -> None:
        if y1 - y0 <= self.s.mark_len:
            self.vmarks.append((x, y0, y1, False))
        else:
            self.v.append((x, y0, y1))

    def box(self, x0: float, top: float, x1: float, bottom: float, sides: bool) -> None:
        """A dot, a thin rule, or a box (its four sides when ``sides``)."""
        w, ht = x1 - x0, bottom - top
        if w < self.s.thin and ht < self.s.thin:
            cx, cy = (x0 + x1) / 2, (top + bottom) / 2
            self.hmarks.append((cy, x0, x1, True))
            self.vmarks.append((cx, top, bottom, True))
        elif ht < self.s.thin:
            self.hpiece((top + bottom) / 2, x0, x1)
        elif w < self.s.thin:
            self.vpiece((x0 + x1) / 2, top, bottom)
        elif sides:
            self.hpiece(top, x0, x1)
            self.hpiece(bottom, x0, x1)
            self.vpiece(x0, top, bottom)
            self.vpiece(x1, top, bottom)

    def polyline(self, pts: Sequence[tuple[float, float]]) -> None:
        """Axis-parallel pieces of a path (pdfplumber gives curve points top-down, like everything else)."""
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            if abs(ay - by) < 0.5 and abs(ax - bx) >= 0.1:
                self.hpiece((ay + by) / 2, min(ax, bx), max(ax, bx))
            elif abs(ax - bx) < 0.5 and abs(ay - by) >= 0.1:
                self.vpiece((ax + bx) / 2, min(ay, by), max(ay, by))

    def result(self) -> tuple[list[HSeg], list[VSeg]]:
        hr, hl = _runs(self.hmarks, self.s)
        vr, vl = _runs(self.vmarks, self.s)
        return self.h + hr + hl, self.v + vr + vl


def _bbox(o: dict) -> tuple[float, float, float, float]:
    return (o["x0"], o["top"], o["x1"], o["bottom"])


def segments_from_objects(
    lines: Iterable[dict], rects: Iterable[dict], curves: Iterable[dict],
    settings: GridSettings = DEFAULT, pairs: Optional[PairCount] = None,
) -> tuple[list[HSeg], list[VSeg]]:
    """Horizontal and vertical rule pieces from pdfplumber line/rect/curve objects (every coordinate pdfplumber
    gives, curve points included, is already top-down).  ``pairs`` counts the comparisons of fills with fills
    (the reader's bound).
    """
    s = settings
    col = _Collector(s)
    rects = list(rects)
    filled_only = [r for r in rects if r.get("fill") and not r.get("stroke")]
    skip = {id(filled_only[i]) for i in _gradient_slices(filled_only, s)}

    # Filled areas (not thin) in painting order: what lies under everything else.
    area_idx: dict[int, int] = {}
    areas: list[tuple[float, float, float, float, Optional[RGB]]] = []
    for r in rects:
        if r.get("fill") and id(r) not in skip and r["x1"] - r["x0"] >= s.thin and r["bottom"] - r["top"] >= s.thin:
            area_idx[id(r)] = len(areas)
            areas.append((*_bbox(r), paint(r.get("non_stroking_color"))))
    fills = Fills(areas, pairs)

    # Which areas show: paint differs from what is under, or shares a side with one that does.
    shows = [not same_paint(a[4], fills.under(*a[:4], before=i)) for i, a in enumerate(areas)]
    hidden = [i for i, ok in enumerate(shows) if not ok]
    if hidden:
        visible = [a for a, ok in zip(areas, shows) if ok]
        if pairs is not None:
            pairs.spend(len(hidden) * len(visible), FILLS)
        for i in hidden:
            if any(_shares_side(areas[i], b) for b in visible):
                shows[i] = True

    cache: dict = {}
    for ln in lines:
        if not _shows(ln, "stroking_color", fills, cache):
            continue
        x0, x1, top, bottom = ln["x0"], ln["x1"], ln["top"], ln["bottom"]
        if bottom - top < 0.5 and x1 - x0 >= 0.1:
            col.hpiece((top + bottom) / 2, x0, x1)
        elif x1 - x0 < 0.5 and bottom - top >= 0.1:
            col.vpiece((x0 + x1) / 2, top, bottom)
        elif max(x1 - x0, bottom - top) < 0.5:  # a dot drawn as a zero-length stroke
            col.box(x0, top, x1, bottom, sides=False)

    for r in rects:
        if id(r) in skip:
            continue
        stroked = bool(r.get("stroke")) and _shows(r, "stroking_color", fills, cache)
        if id(r) in area_idx:
            filled = shows[area_idx[id(r)]]
        else:
            filled = bool(r.get("fill")) and _shows(r, "non_stroking_color", fills, cache)
        if stroked or filled:
            col.box(*_bbox(r), sides=True)

    for cv in curves:
        if not cv.get("pts"):
            continue
        stroked = bool(cv.get("stroke")) and _shows(cv, "stroking_color", fills, cache)
        filled = bool(cv.get("fill")) and _shows(cv, "non_stroking_color", fills, cache)
        if not (stroked or filled):
            continue
        x0, top, x1, bottom = _bbox(cv)
        if x1 - x0 < s.thin or bottom - top < s.thin:
            col.box(x0, top, x1, bottom, sides=False)  # a dot, a dash or a rule drawn as a filled path
        else:
            col.polyline(cv["pts"])
    return col.result()


def _is_paper(color: Any, cache: dict) -> bool:
    """Whether a colour as pdfplumber gives it is the paper's white (cached: a page repeats a few colours)."""
    key = color if isinstance(color, (tuple, int, float, type(None))) else repr(color)
    got = cache.get(key)
    if got is None:
        got = cache[key] = same_paint(paint(color), PAPER)
    return got


def _shows(o: dict, attr: str, fills: Fills, cache: dict) -> bool:
    """A stroke, or a thin or small fill (a rule, a dot, a path), is seen unless it is paper-white on paper
    (white rules over a tinted table are real)."""
    return not _is_paper(o.get(attr), cache) or not same_paint(fills.under(*_bbox(o)), PAPER)
