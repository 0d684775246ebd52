"""PDF → Document: ruled tables with real spans, and the text around them, page by page.

pdfplumber (pdfminer) parses each page; the table grids come from our own rule
geometry (``grid``) because its table finder drops the open-sided columns
and merged cells of HWP-style forms, and cell text comes from the glyphs inside
each cell (``text``) because page text interleaves neighbouring cells.

``read_page`` works on one pdfplumber page and needs nothing from other pages
except the document's spacing mode, so pages can be read in parallel and put
together with ``assemble``.
"""
from __future__ import annotations

from bisect import bisect_right
from pathlib import Path
from typing import Iterable, Optional, Sequence

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSEOF

from ...errors import InputError
from ...model import Block, Cell, Document, Table, TextBlock
from .continuation import link_continuations
from .frame import PageView, page_view
from .grid import RuleGrid, find_grids
from .segments import segments_from_objects
from .settings import DEFAULT, GridSettings
from .text import GAP_TAB, Glyph, block_text, clean_char, dedupe, group_lines, line_text

MSG_PASSWORD = "PDF is password-protected (user password required)"
MSG_TRUNCATED = "PDF is damaged/truncated"
MSG_NO_TEXT = "no text layer (scanned/image-only PDF); OCR is not supported"

# How many glyphs a page needs before its lack of space glyphs says anything about the producer.
SPACE_EVIDENCE = 40


def _cause_chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    seen: set[int] = set()
    cur: Optional[BaseException] = exc
    while cur is not None and id(cur) not in seen:
        out.append(cur)
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
        if cur is None and out[-1].args and isinstance(out[-1].args[0], BaseException):
            cur = out[-1].args[0]
    return out


def input_error(exc: BaseException) -> InputError:
    """The one-line reason for a pdfminer failure (pdfplumber wraps them, sometimes with no message)."""
    chain = _cause_chain(exc)
    if any(isinstance(e, PDFPasswordIncorrect) for e in chain):
        return InputError(MSG_PASSWORD)
    text = " ".join(str(e) for e in chain).lower()
    if any(isinstance(e, PSEOF) for e in chain) or "unexpected eof" in text or "truncat" in text:
        return InputError(MSG_TRUNCATED)
    reason = next((str(e).strip() for e in chain if str(e).strip()), "") or type(chain[-1]).__name__
    reason = " ".join(reason.split())[:120]
    return InputError(f"PDF cannot be read ({reason})")


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


def _parents(grids: Sequence[RuleGrid]) -> list[Optional[int]]:
    """For each grid, the smallest other grid that encloses it (a table inside a cell)."""
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


def _drop_badges(grids: list[RuleGrid], badge_height: float) -> list[RuleGrid]:
    """Remove one-line boxes inside another table (a boxed word, a highlighted phrase): their text belongs to
    the enclosing cell."""
    parents = _parents(grids)
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
    grids: Sequence[RuleGrid], glyphs: Sequence[Glyph], page_no: int, space_glyphs: bool
) -> tuple[list[Table], list[Optional[int]], list[Glyph]]:
    """Tables with cell text (one pass over the glyphs), their parents, and the glyphs outside them."""
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
    parents_all = _parents([grids[t] for t in keep])
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


def page_grids(page: "pdfplumber.page.Page | PageView", settings: GridSettings = DEFAULT) -> list[RuleGrid]:
    """The page's table grids: rules from its drawn objects, page frames and badges removed."""
    view = page if isinstance(page, PageView) else page_view(page)
    h, v = segments_from_objects(view.lines, view.rects, view.curves, settings=settings)
    grids = [g for g in find_grids(h, v, settings) if not _is_page_background(g, view)]
    return _drop_badges(grids, settings.badge_height)


def read_page(page: "pdfplumber.page.Page | PageView", page_no: int, space_glyphs: Optional[bool] = None,
              settings: GridSettings = DEFAULT) -> list[Block]:
    """One page's blocks in reading order (top to bottom), tables and text interleaved.

    Nested tables are included after their parent with ``parent`` set to the
    parent's index among *this page's* tables; ``assemble`` turns that into an
    index into ``Document.tables``.  ``space_glyphs`` is the document's spacing
    mode (None: decide from this page).  pdfminer failures propagate as-is.
    """
    chars = page.chars
    if space_glyphs is None:
        space_glyphs = page_uses_space_glyphs(chars) is not False
    grids = page_grids(page, settings)
    glyphs = _glyphs(chars)
    tables, parents, outside = _build_tables(grids, glyphs, page_no, space_glyphs)
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
             settings: GridSettings = DEFAULT) -> Document:
    """Read a PDF (all pages, or the given 1-based pages) into the document model.

    Raises InputError for an encrypted, damaged or image-only PDF; never returns
    a partial document for a file that fails part-way.  A page-range read (the
    batch spreads a long PDF over workers) decides spacing from the document's
    first pages, as a whole read does, so both give the same cells; it leaves the
    no-text-layer check to the caller (``require_text=False``), which sees all pages.
    """
    path = Path(path)
    try:
        pdf = pdfplumber.open(path)
    except OSError as exc:  # the file itself, not its content
        raise InputError(f"PDF cannot be read ({exc.strerror or type(exc).__name__})") from None
    except Exception as exc:  # opening is all pdfminer code: any failure there is the input's
        raise input_error(exc) from None
    try:
        results, page_count, total_chars = _read_pages(pdf, pages, settings)
    finally:
        close_quietly(pdf)
    if require_text and total_chars == 0:
        raise InputError(MSG_NO_TEXT)
    doc = assemble(path.name, results, page_count)
    link_continuations(doc, settings)
    return doc


def _read_pages(pdf: pdfplumber.PDF, pages: Iterable[int] | None, settings: GridSettings
                ) -> tuple[list[list[Block]], int, int]:
    try:
        page_count = len(pdf.pages)
    except Exception as exc:  # page tree is parsed lazily
        raise input_error(exc) from None
    if page_count == 0:
        raise InputError("PDF cannot be read (no pages)")
    wanted = list(range(1, page_count + 1)) if pages is None else sorted(set(pages))
    bad = [p for p in wanted if not 1 <= p <= page_count]
    if bad:
        raise InputError(f"page {bad[0]} does not exist (the PDF has {page_count} pages)")
    space_mode = _space_mode(pdf, wanted[0] if wanted else 1)
    results: list[list[Block]] = []
    total_chars = 0
    pool: dict[object, object] = {}
    for no in wanted:
        page, raw = _parsed(pdf, no)
        view = page_view(page)
        total_chars += len(view.chars)
        if space_mode is None:
            space_mode = page_uses_space_glyphs(view.chars)
        results.append(_share(read_page(view, no, True if space_mode is None else space_mode, settings), pool))
        _release(page, raw)
    return results, page_count, total_chars


def _share(blocks: list[Block], pool: dict[object, object]) -> list[Block]:
    """Let equal cell texts and boxes be one object across the document.

    Why: a compiled report repeats one form, so its ~40k cells hold only a few
    hundred distinct boxes and a few thousand distinct texts; sharing them
    halves the memory a 300-page document holds (and its pickle between
    workers).  Both are immutable, so no value changes.
    """
    for b in blocks:
        if isinstance(b, Table):
            for c in b.cells:
                c.text = pool.setdefault(c.text, c.text)
                if c.bbox is not None:
                    c.bbox = pool.setdefault(c.bbox, c.bbox)
        else:
            b.text = pool.setdefault(b.text, b.text)
        if b.bbox is not None:
            b.bbox = pool.setdefault(b.bbox, b.bbox)
    return blocks


RawStreams = list[tuple[PDFStream, bytes]]


def _parsed(pdf: pdfplumber.PDF, no: int) -> tuple["pdfplumber.page.Page", RawStreams]:
    """The page, parsed now so its failures are the input's, and its content streams' raw bytes."""
    page = pdf.pages[no - 1]
    raw: RawStreams = []
    try:
        raw = _undecoded_contents(page)
        page.chars  # noqa: B018
        page.objects  # noqa: B018
    except Exception as exc:
        _release(page, raw)
        raise input_error(exc) from None
    return page, raw


def _undecoded_contents(page: "pdfplumber.page.Page") -> RawStreams:
    out: RawStreams = []
    for ref in page.page_obj.contents:
        strm = resolve1(ref)
        if isinstance(strm, PDFStream) and strm.data is None and strm.rawdata is not None:
            out.append((strm, strm.rawdata))
    return out


def _release(page: "pdfplumber.page.Page", raw: RawStreams) -> None:
    """Close the page and put its content streams back undecoded.

    Why: pdfminer keeps a page's decoded content stream (~50 KB a page on these
    forms) for the life of the PDF, through ``pdf.pages`` and its object cache,
    so memory grew with the page count (~15 MB on a 305-page report); restoring
    the compressed bytes stops that growth, and a later read of the same page
    simply decodes again.
    """
    page.close()
    for strm, data in raw:
        strm.data, strm.rawdata = None, data


def _space_mode(pdf: pdfplumber.PDF, first_wanted: int) -> Optional[bool]:
    """Spacing evidence from the pages before ``first_wanted`` (none for a whole read): chunk = whole."""
    for no in range(1, first_wanted):
        page, raw = _parsed(pdf, no)
        mode = page_uses_space_glyphs(page_view(page).chars)
        _release(page, raw)
        if mode is not None:
            return mode
    return None


def close_quietly(pdf: pdfplumber.PDF) -> None:
    """pdfplumber's close() walks the page tree again; on a broken tree that raises a second time."""
    try:
        pdf.close()
    except Exception:  # noqa: BLE001 — the first failure has already been reported
        try:
            pdf.stream.close()
        except Exception:  # noqa: BLE001
            pass
