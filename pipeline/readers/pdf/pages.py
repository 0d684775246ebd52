"""The page loop's plumbing: a page parsed within bounds, its memory given back, its values shared.

``parse_page`` builds one ``BoundedPage`` and interprets it at once, so that whatever is wrong with it is
reported as the input's (one line, with the page) and not as a failure somewhere later; ``release_page`` gives
back what pdfminer would otherwise keep for the life of the document; ``share_values`` lets the many equal cell
texts and boxes of a compiled report be one object each.
"""
from __future__ import annotations

from typing import Sequence

from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFStream, resolve1

from ...errors import InputError
from ...model import Block, Table
from .document import BrokenStructure, GuardedPDF, input_error
from .limits import PageTooHeavy, StreamTooLarge
from .pagelimits import BoundedPage


def at_page(exc: InputError, no: int) -> InputError:
    """The error with its page set, when it is one of the reader's own refusals and names no page yet."""
    if exc.page is None and isinstance(exc, (PageTooHeavy, StreamTooLarge, BrokenStructure)):
        exc.page = no
    return exc


def _page_boxes(obj: PDFPage) -> None:
    """A missing or malformed MediaBox/CropBox as pdfminer read it (US Letter, the MediaBox; it says so in its
    log, which becomes a warning): pdfplumber reads the raw entry again and fails on it."""
    for key, parsed in (("MediaBox", obj.mediabox), ("CropBox", obj.cropbox)):
        raw = resolve1(obj.attrs.get(key))
        raw = [resolve1(v) for v in raw] if isinstance(raw, list) else raw
        ok = isinstance(raw, list) and len(raw) == 4 and all(isinstance(v, (int, float)) for v in raw)
        if not ok and (key == "MediaBox" or key in obj.attrs):
            obj.attrs[key] = list(parsed)


def parse_page(pdf: GuardedPDF, objs: Sequence[PDFPage], no: int) -> BoundedPage:
    """Page ``no`` (1-based), interpreted now within ``pdf.limits``; its content streams' raw bytes kept."""
    try:
        _page_boxes(objs[no - 1])
        page = BoundedPage(pdf, objs[no - 1], page_number=no)
    except Exception as exc:
        raise at_page(input_error(exc), no) from None
    page.limits = pdf.limits
    page.undecoded = []
    try:
        page.undecoded = _undecoded_contents(page)
        page.chars  # noqa: B018
        page.objects  # noqa: B018
    except Exception as exc:
        release_page(page)
        raise at_page(input_error(exc), no) from None
    return page


def _undecoded_contents(page: BoundedPage) -> list[tuple[PDFStream, bytes]]:
    out = []
    for ref in page.page_obj.contents:
        strm = resolve1(ref)
        if isinstance(strm, PDFStream) and strm.data is None and strm.rawdata is not None:
            out.append((strm, strm.rawdata))
    return out


def release_page(page: BoundedPage) -> None:
    """Close the page and put its content streams back undecoded.

    Why: pdfminer keeps a page's decoded content stream (~50 KB a page on these
    forms) for the life of the PDF, through its object cache, so memory grew
    with the page count (~15 MB on a 305-page report); restoring the compressed
    bytes stops that growth, and a later read of the same page simply decodes
    again.
    """
    page.close()
    for strm, data in getattr(page, "undecoded", []):
        strm.data, strm.rawdata = None, data


def share_values(blocks: list[Block], pool: dict[object, object]) -> list[Block]:
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
