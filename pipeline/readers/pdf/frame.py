"""A page as a person reads it: only what is visible, turned so that its text reads upright.

pdfplumber gives every glyph and drawn object in the frame the page is *displayed* in: after the page's
``/Rotate`` and after any rotation its content applies with ``cm``.  A card scanned or printed sideways
(``/Rotate 90``, or content drawn turned on a landscape page) therefore comes out with its text running up or
down the page, and everything downstream — rules into grids, glyphs into lines — would read it as columns of
single letters.  ``page_view`` turns such a page back: the direction most of its glyphs run in (from each
glyph's text matrix) says how the page is turned, and every coordinate (glyph boxes, rule ends, path points) is
mapped by that quarter turn into the frame where the text runs left to right.  Quarter turns map boxes to
boxes exactly, so a turned copy of a card reads cell for cell like the upright one.

It also keeps only what a reader can see: a glyph whose centre lies outside the page's visible area (its
CropBox within its MediaBox) is on no screen and no paper, so it is not read; a drawn object is cut to that
area (a path is cut segment by segment).

A page with upright text and nothing outside its crop comes back with pdfplumber's own lists untouched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (pdfplumber's top-down coordinates)

EPS = 0.01  # points: a box this close to the page's edge is inside it


@dataclass
class PageView:
    """What the reader reads of one page: visible glyphs and drawn objects, in the frame where text is upright."""

    chars: list[dict]
    lines: list[dict] = field(default_factory=list)
    rects: list[dict] = field(default_factory=list)
    curves: list[dict] = field(default_factory=list)
    bbox: Box = (0.0, 0.0, 0.0, 0.0)
    turn: int = 0  # degrees the page was turned clockwise to read upright: 0, 90, 180 or 270


# ----------------------------------------------------------------------------- the visible area

def _device_matrix(rotate: int, media: Box) -> tuple[float, ...]:
    """The matrix pdfminer starts a page with (``PDFPageInterpreter.process_page``): PDF space to its device space."""
    x0, y0, x1, y1 = media
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def visible_box(page: Any) -> Box:
    """The page's CropBox (within its MediaBox) in the coordinates of its objects.

    pdfplumber places objects by pdfminer's device space shifted by the page's own box
    (``Page.process_object``); its ``cropbox`` attribute does not follow ``/Rotate``, so the box is mapped here
    the way pdfminer maps the objects.
    """
    obj = page.page_obj
    mx0, my0, mx1, my1 = (min(obj.mediabox[0], obj.mediabox[2]), min(obj.mediabox[1], obj.mediabox[3]),
                          max(obj.mediabox[0], obj.mediabox[2]), max(obj.mediabox[1], obj.mediabox[3]))
    c = obj.cropbox
    cx0, cy0 = max(min(c[0], c[2]), mx0), max(min(c[1], c[3]), my0)
    cx1, cy1 = min(max(c[0], c[2]), mx1), min(max(c[1], c[3]), my1)
    if cx1 <= cx0 or cy1 <= cy0:  # a crop box beside the page: pdfplumber's own box, as if there were none
        return tuple(page.bbox)  # type: ignore[return-value]
    a, b, cc, d, e, f = _device_matrix(obj.rotate, (mx0, my0, mx1, my1))
    xs, ys = [], []
    for x, y in ((cx0, cy0), (cx1, cy1)):
        xs.append(a * x + cc * y + e)
        ys.append(b * x + d * y + f)
    left, top = page.mediabox[0], page.mediabox[1]
    height = page.height
    return (min(xs) + left, height - max(ys) + top, max(xs) + left, height - min(ys) + top)


def _inside(o: dict, box: Box) -> bool:
    return o["x0"] >= box[0] - EPS and o["x1"] <= box[2] + EPS and o["top"] >= box[1] - EPS and o["bottom"] <= box[3] + EPS


def _meets(o: dict, box: Box) -> bool:
    return o["x0"] <= box[2] and o["x1"] >= box[0] and o["top"] <= box[3] and o["bottom"] >= box[1]


def _clip_boxes(objs: Sequence[dict], box: Box) -> list[dict]:
    out = []
    for o in objs:
        if _inside(o, box):
            out.append(o)
        elif _meets(o, box):
            out.append(_with_box(o, (max(o["x0"], box[0]), max(o["top"], box[1]), min(o["x1"], box[2]),
                                     min(o["bottom"], box[3]))))
    return out


def _clip_segment(p: tuple[float, float], q: tuple[float, float], box: Box
                  ) -> Optional[tuple[tuple[float, float], tuple[float, float]]]:
    """The part of segment pq inside the box (Liang–Barsky), or None."""
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for num, den in ((p[0] - box[0], -dx), (box[2] - p[0], dx), (p[1] - box[1], -dy), (box[3] - p[1], dy)):
        if den == 0:
            if num < 0:
                return None
            continue
        t = num / den
        if den < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return ((p[0] + t0 * dx, p[1] + t0 * dy), (p[0] + t1 * dx, p[1] + t1 * dy))


def _clip_curves(curves: Sequence[dict], box: Box) -> list[dict]:
    """Curves inside the box as they are; a curve that crosses its edge as the visible parts of its segments."""
    out = []
    for cv in curves:
        if _inside(cv, box):
            out.append(cv)
        elif _meets(cv, box):
            pts = cv.get("pts") or []
            for p, q in zip(pts, pts[1:]):
                seg = _clip_segment(tuple(p), tuple(q), box)
                if seg is not None:
                    (ax, ay), (bx, by) = seg
                    piece = _with_box(cv, (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
                    piece["pts"] = [seg[0], seg[1]]
                    out.append(piece)
    return out


def _with_box(o: dict, box: Box) -> dict:
    """A copy of a pdfplumber object at a new box (its derived coordinates dropped, as nothing here reads them)."""
    n = {k: v for k, v in o.items() if k not in ("y0", "y1", "doctop", "path")}
    n["x0"], n["top"], n["x1"], n["bottom"] = box
    n["width"], n["height"] = box[2] - box[0], box[3] - box[1]
    return n


# ----------------------------------------------------------------------------- turning upright

def reading_turn(chars: Sequence[dict]) -> int:
    """Clockwise degrees that make most of the page's glyphs run left to right: 0, 90, 180 or 270.

    Each glyph's direction is the first row of its text matrix (pdfminer's device space, y up); a page is
    turned only when one direction other than upright holds more than half of its glyphs, so a few turned
    labels on an upright page change nothing.
    """
    counts = [0, 0, 0, 0]
    for c in chars:
        if c.get("text", " ").isspace():
            continue
        a, b = c["matrix"][0], c["matrix"][1]
        if abs(a) >= abs(b):
            counts[0 if a > 0 else 2] += 1
        else:
            counts[1 if b > 0 else 3] += 1
    best = max(range(4), key=counts.__getitem__)
    return 90 * best if best and 2 * counts[best] > sum(counts) else 0


class _Turn:
    """The quarter turn of a page box: points and boxes into the frame where the text runs left to right."""

    def __init__(self, turn: int, bbox: Box):
        self.turn = turn
        self.x0, self.top = bbox[0], bbox[1]
        self.w, self.h = bbox[2] - bbox[0], bbox[3] - bbox[1]

    def bbox(self) -> Box:
        w, h = (self.h, self.w) if self.turn in (90, 270) else (self.w, self.h)
        return (self.x0, self.top, self.x0 + w, self.top + h)

    def point(self, x: float, y: float) -> tuple[float, float]:
        u, v = x - self.x0, y - self.top
        if self.turn == 90:  # text ran upwards: turn the page clockwise
            u, v = self.h - v, u
        elif self.turn == 270:  # text ran downwards: turn it anticlockwise
            u, v = v, self.w - u
        else:
            u, v = self.w - u, self.h - v
        return (self.x0 + u, self.top + v)

    def box(self, o: dict) -> Box:
        ax, ay = self.point(o["x0"], o["top"])
        bx, by = self.point(o["x1"], o["bottom"])
        return (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))

    def obj(self, o: dict) -> dict:
        n = _with_box(o, self.box(o))
        if "pts" in o and o["pts"]:
            n["pts"] = [self.point(x, y) for x, y in o["pts"]]
        return n

    def char(self, c: dict) -> dict:
        n = self.obj(c)
        if self.turn in (90, 270) and c.get("size") is not None:
            # pdfminer's size is the glyph box's height (its width for a vertical font), which for a glyph
            # running up or down the page is its advance: after the turn it is the turned box's height again.
            horizontal = abs(c["size"] - c["height"]) <= abs(c["size"] - c["width"])
            n["size"] = n["height"] if horizontal else n["width"]
        n["upright"] = True
        return n


def to_display(view: PageView) -> Callable[[float, float], tuple[float, float]]:
    """Where a point of the view lies on the page as displayed (the debug picture draws there)."""
    if not view.turn:
        return lambda x, y: (x, y)
    back = _Turn((360 - view.turn) % 360, view.bbox)
    return back.point


# ----------------------------------------------------------------------------- the view

def page_view(page: Any) -> PageView:
    """The page's visible glyphs and drawn objects, turned upright (see the module's docstring)."""
    objs = page.objects
    chars, lines = objs.get("char", []), objs.get("line", [])
    rects, curves = objs.get("rect", []), objs.get("curve", [])
    bbox: Box = tuple(page.bbox)  # type: ignore[assignment]
    visible = visible_box(page)
    cropped = not (visible[0] <= bbox[0] + EPS and visible[1] <= bbox[1] + EPS and visible[2] >= bbox[2] - EPS
                   and visible[3] >= bbox[3] - EPS)
    if cropped:
        bbox = (max(bbox[0], visible[0]), max(bbox[1], visible[1]), min(bbox[2], visible[2]), min(bbox[3], visible[3]))
        chars = [c for c in chars if bbox[0] <= (c["x0"] + c["x1"]) / 2 <= bbox[2] and bbox[1] <= (c["top"] + c["bottom"]) / 2 <= bbox[3]]
        lines, rects, curves = _clip_boxes(lines, bbox), _clip_boxes(rects, bbox), _clip_curves(curves, bbox)
    turn = reading_turn(chars)
    if turn:
        t = _Turn(turn, bbox)
        chars = [t.char(c) for c in chars]
        lines, rects, curves = [t.obj(o) for o in lines], [t.obj(o) for o in rects], [t.obj(o) for o in curves]
        bbox = t.bbox()
    return PageView(chars=chars, lines=lines, rects=rects, curves=curves, bbox=bbox, turn=turn)
