"""A picture of what the table finder saw: per page, a PNG of the page with its grids drawn over it.

``python -m pipeline tables FILE --pages 3 --debug DIR`` writes ``DIR/<file>-p003.png``:
the page rendered by PDFium (pdfplumber's ``page.to_image``), the rules the
grid was built from in red, each cell outlined in blue with its ``row,col``
(and ``rowspan x colspan`` when merged), and each table's number on the page
with its size.  What pdfplumber's ``debug_tablefinder()`` shows for its own
finder, for ours: when a figure lands in the wrong cell, the picture says
whether a rule was missed (no red line), invented (a red line where none is
printed) or a cell merged (a blue box over two printed cells).  A page the
reader turned upright (``frame``) is drawn as displayed, its grids turned back
onto it.  The file is opened as a read opens it (``document``), within the
same bounds.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Sequence

import pdfplumber

from .document import close_quietly, input_error, open_pdf
from .frame import page_view, to_display
from .grid import RuleGrid
from .pages import parse_page, release_page
from .reader import check_pages, page_grids
from .settings import DEFAULT, GridSettings

RESOLUTION = 150  # pixels per inch: small labels stay readable on an A4 page
RULE = (220, 30, 30, 230)
CELL = (30, 80, 220, 200)
CELL_FILL = ((30, 80, 220, 28), (30, 160, 220, 28))
LABEL = (20, 20, 120, 255)
TABLE = (150, 0, 150, 255)


def draw_grids(im: "pdfplumber.display.PageImage", grids: Sequence[RuleGrid],
               to_page: Callable[[float, float], tuple[float, float]] = lambda x, y: (x, y)) -> None:
    """Rules, cells and their row/col over a rendered page (pdfplumber ``PageImage``); ``to_page`` maps the
    grids' coordinates onto the page as displayed (``frame.to_display``)."""
    from PIL import ImageFont

    def at(x: float, y: float) -> tuple[float, float]:
        x, y = to_page(x, y)
        return ((x - im.bbox[0]) * im.scale, (y - im.bbox[1]) * im.scale)

    def box(x0: float, top: float, x1: float, bottom: float) -> tuple[float, float, float, float]:
        (ax, ay), (bx, by) = to_page(x0, top), to_page(x1, bottom)
        return (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))

    font = ImageFont.load_default(size=max(8, round(5 * im.scale)))
    big = ImageFont.load_default(size=max(10, round(7 * im.scale)))
    width = max(1, round(im.scale))
    for n, g in enumerate(grids, 1):
        for k, cell in enumerate(g.cells):
            x0, top, x1, bottom = g.cell_bbox(cell)
            im.draw_rect(box(x0, top, x1, bottom), fill=CELL_FILL[k % 2], stroke=CELL, stroke_width=width)
            r, c, rs, cs = cell
            label = f"{r},{c}" + (f" {rs}x{cs}" if rs > 1 or cs > 1 else "")
            im.draw.text(at(x0 + 1, top + 1), label, fill=LABEL, font=font)
        for y, a, b in g.hrules:
            im.draw_line([to_page(a, y), to_page(b, y)], stroke=RULE, stroke_width=2 * width)
        for x, a, b in g.vrules:
            im.draw_line([to_page(x, a), to_page(x, b)], stroke=RULE, stroke_width=2 * width)
        x0, top, _, _ = g.bbox
        px, py = at(x0, top)
        im.draw.text((px, max(0, py - big.size - 2)), f"#{n} {g.rows}x{g.cols}", fill=TABLE, font=big)


def write_debug_pages(path: Path, pages: Iterable[int] | None, out_dir: Path,
                      settings: GridSettings = DEFAULT) -> list[Path]:
    """One PNG per page (all pages when ``pages`` is None) in ``out_dir``; the paths written."""
    path, out_dir = Path(path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        pdf = open_pdf(path)
        objs = pdf.page_objects()
    except Exception as exc:  # the same one-line reasons as a read
        raise input_error(exc) from None
    try:
        count = len(objs)
        wanted = list(range(1, count + 1) if pages is None else pages)
        check_pages(wanted, count)
        for no in wanted:
            page = parse_page(pdf, objs, no)
            try:
                view = page_view(page)
                grids = page_grids(view, settings)
                im = page.to_image(resolution=RESOLUTION)
                draw_grids(im, grids, to_display(view))
                out = out_dir / f"{path.stem}-p{no:03d}.png"
                im.save(out)
                written.append(out)
            finally:
                release_page(page)
    finally:
        close_quietly(pdf)
    return written
