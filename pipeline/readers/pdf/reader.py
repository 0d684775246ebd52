"""PDF → Document: ruled tables with real spans, and the text around them, page by page.

pdfplumber (pdfminer) parses each page; the table grids come from our own rule
geometry (``grid``) because its table finder drops the open-sided columns
and merged cells of HWP-style forms, and cell text comes from the glyphs inside
each cell (``text``) because page text interleaves neighbouring cells.

``read_page`` works on one pdfplumber page and needs nothing from other pages
except the document's spacing mode (and its table-slot budget), so pages can be
read in parallel and put together with ``assemble``.  It reads the page as
``frame.page_view`` shows it: only what is visible, turned upright.  ``read_pdf``
opens the file through ``document`` (reference and page-tree loops refused,
streams bounded) and interprets each page within ``limits`` (``pagelimits``).
"""
from __future__ import annotations

from bisect import bisect_right
from pathlib import Path
from typing import Iterable, Optional, Sequence

import pdfplumber
from pdfminer.pdfpage import PDFPage

from ...errors import InputError, describe_os_error
from ...model import Block, Cell, Document, SlotBudget, Table, TextBlock
from .continuation import link_continuations
from .document import REMAKE, GuardedPDF, close_quietly, input_error, open_pdf
from .frame import PageView, page_view
from .grid import RuleGrid, find_grids
from .limits import DEFAULT_LIMITS, Limits, PairCount, TooManySlots, take_slots, too_many_slots
from .notices import LibraryNotices, library_notices
from .pages import at_page, parse_page, release_page, share_values
from .segments import segments_from_objects
from .settings import DEFAULT, GridSettings
from .text import GAP_TAB, Glyph, block_text, clean_char, dedupe, group_lines, line_text

MSG_NO_TEXT = ("글자를 꺼낼 수 없는 PDF입니다 (스캔한 그림으로 된 파일; 글자 인식(OCR)은 하지 않습니다) — 한글에서 "
               "PDF로 저장한 파일이나 HWP/HWPX 원본을 제출하세요")
MSG_NO_PAGES = f"쪽이 하나도 없는 PDF입니다 — {REMAKE}"


def no_such_page(page: int, count: int) -> str:
    """A page asked for (``--pages``) that the PDF does not have."""
    return f"{page}쪽은 없습니다 (이 PDF는 {count}쪽까지 있습니다) — --pages를 1~{count} 안에서 지정하세요"


def check_pages(wanted: list[int], count: int) -> None:
    """Refuse the first asked-for page the PDF does not have."""
    bad = next((p for p in wanted if not 1 <= p <= count), None)
    if bad is not None:
        raise InputError(no_such_page(bad, count))


# How many glyphs a page needs before its lack of space glyphs says anything about the producer.
SPACE_EVIDENCE = 40
# What PairCount says was compared too often.
TABLES = "표끼리의"
GLYPHS_IN_TABLES = "글자와 표의"


# ----------------------------------------------------------------------------- one page


def _glyphs(chars: Iterable[dict]) -> list[Glyph]:
    return dedupe([
        (c["x0"], c["top"], c["x1"], c["bottom"], clean_char(c["text"]), float(c.get("size") or 0.0),
         str(c.get("fontname") or ""))
        for c in chars
        if c.get("text")
    ])


def _table_of(grids: Sequence[RuleGrid], order: Sequence[int], x: float, y: float) -> int:
    """Index of the innermost table whose box holds the point, or -1."""
    for i in order:
        x0, top, x1, bottom = grids[i].bbox
        if x0 <= x <= x1 and top <= y <= bottom:
            return i
    return -1


def _parents(grids: Sequence[RuleGrid], pairs: Optional[PairCount] = None) -> list[Optional[int]]:
    """For each grid, the smallest other grid that encloses it (a table inside a cell)."""
    if pairs is not None:
        pairs.spend(len(grids) * len(grids), TABLES)
    out: list[Optional[int]] = []
    for i, g in enumerate(grids):
        best, best_area = None, None
        gx0, gt, gx1, gb = g.bbox
        for j, o in enumerate(grids):
            if i == j:
                continue
            ox0, ot, ox1, ob = o.bbox
            if ox0 - 1 <= gx0 and gx1 <= ox1 + 1 and ot - 1 <= gt and gb <= ob + 1:
                area = (ox1 - ox0) * (ob - ot)
                if (gx1 - gx0) * (gb - gt) < area and (best_area is None or area < best_area):
                    best, best_area = j, area
        out.append(best)
    return out


def _drop_badges(grids: list[RuleGrid], badge_height: float, pairs: Optional[PairCount] = None) -> list[RuleGrid]:
    """Remove one-line boxes inside another table (a boxed word, a highlighted phrase): their text belongs to
    the enclosing cell."""
    parents = _parents(grids, pairs)
    return [
        g
        for g, p in zip(grids, parents)
        if not (p is not None and g.rows == 1 and g.ys[-1] - g.ys[0] < badge_height)
    ]


def _is_page_background(g: RuleGrid, page: PageView) -> bool:
    """A 1x1 box the size of the page is a background or page frame, not a table."""
    x0, top, x1, bottom = page.bbox
    covers = (g.xs[-1] - g.xs[0]) >= 0.95 * (x1 - x0) and (g.ys[-1] - g.ys[0]) >= 0.95 * (bottom - top)
    return g.rows == 1 and g.cols == 1 and covers


def _build_tables(
    grids: Sequence[RuleGrid], glyphs: Sequence[Glyph], page_no: int, space_glyphs: bool,
    pairs: Optional[PairCount] = None,
) -> tuple[list[Table], list[Optional[int]], list[Glyph]]:
    """Tables with cell text (one pass over the glyphs), their parents, and the glyphs outside them."""
    if pairs is not None:
        pairs.spend(len(glyphs) * len(grids), GLYPHS_IN_TABLES)
    order = sorted(range(len(grids)), key=lambda i: (grids[i].xs[-1] - grids[i].xs[0]) * (grids[i].ys[-1] - grids[i].ys[0]))
    slot_maps: list[list[list[int]]] = []
    for g in grids:
        m = [[0] * g.cols for _ in range(g.rows)]
        for k, (r, c, rs, cs) in enumerate(g.cells):
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    m[rr][cc] = k
        slot_maps.append(m)
    per_cell: list[list[list[Glyph]]] = [[[] for _ in g.cells] for g in grids]
    outside: list[Glyph] = []
    for gl in glyphs:
        x, y = (gl[0] + gl[2]) / 2, (gl[1] + gl[3]) / 2
        t = _table_of(grids, order, x, y)
        if t < 0:
            outside.append(gl)
            continue
        g = grids[t]
        c = min(max(bisect_right(g.xs, x) - 1, 0), g.cols - 1)
        r = min(max(bisect_right(g.ys, y) - 1, 0), g.rows - 1)
        per_cell[t][slot_maps[t][r][c]].append(gl)

    keep: list[int] = []
    tables: list[Table] = []
    for t, g in enumerate(grids):
        cells = [
            Cell(row=r, col=c, rowspan=rs, colspan=cs, text=block_text(per_cell[t][k], space_glyphs),
                 bbox=_round(g.cell_bbox((r, c, rs, cs))))
            for k, (r, c, rs, cs) in enumerate(g.cells)
        ]
        if (g.rows < 2 or g.cols < 2) and not any(cell.text for cell in cells):
            continue  # an empty box or bar: a frame or decoration (an empty grid is a blank form: kept)
        keep.append(t)
        tables.append(Table(rows=g.rows, cols=g.cols, cells=cells, page=page_no, bbox=_round(g.bbox)))
    parents_all = _parents([grids[t] for t in keep], pairs)
    return tables, parents_all, outside


def _round(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (round(b[0], 2), round(b[1], 2), round(b[2], 2), round(b[3], 2))


def _text_blocks(glyphs: Sequence[Glyph], page_no: int, space_glyphs: bool) -> list[TextBlock]:
    """One TextBlock per printed line outside the tables; far-apart runs on a line stay apart."""
    blocks: list[TextBlock] = []
    for line in group_lines(glyphs):
        runs: list[list[Glyph]] = [[line[0]]]
        for g in line[1:]:
            prev = runs[-1][-1]
            if g[0] - prev[2] > 2 * GAP_TAB * max(prev[5], g[5], 1.0):
                runs.append([g])
            else:
                runs[-1].append(g)
        for run in runs:
            text = line_text(run, space_glyphs)
            if text.strip():
                bbox = (min(g[0] for g in run), min(g[1] for g in run), max(g[2] for g in run), max(g[3] for g in run))
                blocks.append(TextBlock(text=text, page=page_no, bbox=_round(bbox)))
    return blocks


def page_uses_space_glyphs(chars: Sequence[dict]) -> Optional[bool]:
    """True/False when the page is evidence of the producer's spacing, None when it has too little text."""
    if any(c.get("text") == " " for c in chars):
        return True
    return False if len(chars) >= SPACE_EVIDENCE else None


def page_grids(page: "pdfplumber.page.Page | PageView", settings: GridSettings = DEFAULT,
               slots: Optional[SlotBudget] = None, pairs: Optional[PairCount] = None) -> list[RuleGrid]:
    """The page's table grids: rules from its drawn objects, page frames and badges removed.

    ``slots`` (the document's table-slot budget) and ``pairs`` (the page's comparisons) bound the work;
    past either the page is refused with ``PageTooHeavy``.
    """
    view = page if isinstance(page, PageView) else page_view(page)
    h, v = segments_from_objects(view.lines, view.rects, view.curves, settings=settings, pairs=pairs)
    room = None if slots is None else slots.limit - slots.used
    try:
        found = find_grids(h, v, settings, max_slots=room, pairs=pairs)
    except TooManySlots as exc:
        raise too_many_slots(exc.rows, exc.cols, slots.limit if slots else 0) from None
    grids = [g for g in found if not _is_page_background(g, view)]
    return _drop_badges(grids, settings.badge_height, pairs)


def read_page(page: "pdfplumber.page.Page | PageView", page_no: int, space_glyphs: Optional[bool] = None,
              settings: GridSettings = DEFAULT, slots: Optional[SlotBudget] = None,
              limits: Optional[Limits] = None) -> list[Block]:
    """One page's blocks in reading order (top to bottom), tables and text interleaved.

    Nested tables are included after their parent with ``parent`` set to the
    parent's index among *this page's* tables; ``assemble`` turns that into an
    index into ``Document.tables``.  ``space_glyphs`` is the document's spacing
    mode (None: decide from this page).  pdfminer failures propagate as-is.
    The page is read as ``frame.page_view`` shows it: its visible part, turned
    so that its text runs upright.  ``slots`` is the document's table-slot
    budget: every grid is checked against it before its slots are laid out,
    and the tables kept are taken from it; with ``limits`` the page's pairwise
    comparisons are bounded too (``PageTooHeavy`` past either).
    """
    view = page if isinstance(page, PageView) else page_view(page)
    chars = view.chars
    if space_glyphs is None:
        space_glyphs = page_uses_space_glyphs(chars) is not False
    pairs = None if limits is None else PairCount(limits.pair_checks)
    grids = page_grids(view, settings, slots, pairs)
    glyphs = _glyphs(chars)
    tables, parents, outside = _build_tables(grids, glyphs, page_no, space_glyphs, pairs)
    for t, p in zip(tables, parents):
        t.parent = p
    texts = _text_blocks(outside, page_no, space_glyphs)

    def key(b: Block) -> tuple[float, float]:
        return (b.bbox[1], b.bbox[0]) if b.bbox else (0.0, 0.0)

    # Tables first by position, then re-index parents to the sorted order.
    idx = sorted(range(len(tables)), key=lambda i: key(tables[i]))
    new_pos = {old: new for new, old in enumerate(idx)}
    tables_sorted = [tables[i] for i in idx]
    for t in tables_sorted:
        if t.parent is not None:
            t.parent = new_pos[t.parent]
    if slots is not None:
        take_slots(slots, tables_sorted)  # in document order, as PdfBackend.join counts a split read
    return sorted([*tables_sorted, *texts], key=key)


def assemble(source: str, pages: Sequence[list[Block]], page_count: int) -> Document:
    """Join per-page blocks into a Document: top-level blocks in order, every table in ``tables``."""
    parts = []
    for blocks in pages:
        tables = [b for b in blocks if isinstance(b, Table)]
        top = [b for b in blocks if not (isinstance(b, Table) and b.parent is not None)]
        parts.append(Document(source=source, format="pdf", blocks=top, tables=tables))
    return Document.join(source, "pdf", parts, page_count)


# ----------------------------------------------------------------------------- document


def read_pdf(path: Path, pages: Iterable[int] | None = None, require_text: bool = True,
             settings: GridSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a PDF (all pages, or the given 1-based pages) into the document model.

    Raises InputError for an encrypted, damaged, looping or too heavy PDF (``document``, ``limits``); never
    returns a partial document for a file that fails part-way.  A page-range read (the batch spreads a long
    PDF over workers) decides spacing from the document's first pages, as a whole read does, so both give the
    same cells; it leaves the no-text-layer check to the caller (``require_text=False``), which sees all
    pages.  What pdfminer and pdfplumber report while reading becomes ``Document.warnings`` (``notices``).
    """
    path = Path(path)
    with library_notices() as notices:
        try:
            pdf = open_pdf(path, limits)
        except OSError as exc:  # the file itself, not its content
            raise InputError(describe_os_error(exc)) from None
        except Exception as exc:  # opening is all pdfminer code: any failure there is the input's
            raise input_error(exc) from None
        try:
            results, page_count, total_chars, wanted = _read_pages(pdf, pages, settings, notices)
        finally:
            close_quietly(pdf)
    if require_text and total_chars == 0:
        raise InputError(MSG_NO_TEXT)
    doc = assemble(path.name, results, page_count)
    doc.warnings.extend(notices.messages(None if pages is None else set(wanted)))
    link_continuations(doc, settings)
    return doc


def _read_pages(pdf: GuardedPDF, pages: Iterable[int] | None, settings: GridSettings, notices: LibraryNotices
                ) -> tuple[list[list[Block]], int, int, list[int]]:
    try:
        objs = pdf.page_objects(on_page=notices.on_page)
    except Exception as exc:  # the page tree is parsed here
        raise input_error(exc) from None
    notices.on_page(None)
    page_count = len(objs)
    if page_count == 0:
        raise InputError(MSG_NO_PAGES)
    wanted = list(range(1, page_count + 1)) if pages is None else sorted(set(pages))
    check_pages(wanted, page_count)
    space_mode = _space_mode(pdf, objs, wanted[0] if wanted else 1, notices)
    results: list[list[Block]] = []
    total_chars = 0
    pool: dict[object, object] = {}
    slots = SlotBudget(pdf.limits.document_slots)
    for no in wanted:
        notices.on_page(no)
        page = parse_page(pdf, objs, no)
        try:
            view = page_view(page)
            total_chars += len(view.chars)
            if space_mode is None:
                space_mode = page_uses_space_glyphs(view.chars)
            blocks = read_page(view, no, True if space_mode is None else space_mode, settings, slots, pdf.limits)
        except InputError as exc:
            raise at_page(exc, no) from None
        finally:
            release_page(page)
        results.append(share_values(blocks, pool))
    notices.on_page(None)
    return results, page_count, total_chars, wanted


def _space_mode(pdf: GuardedPDF, objs: Sequence[PDFPage], first_wanted: int, notices: LibraryNotices
                ) -> Optional[bool]:
    """Spacing evidence from the pages before ``first_wanted`` (none for a whole read): chunk = whole."""
    for no in range(1, first_wanted):
        notices.on_page(no)
        page = parse_page(pdf, objs, no)
        try:
            mode = page_uses_space_glyphs(page_view(page).chars)
        finally:
            release_page(page)
        if mode is not None:
            return mode
    return None
