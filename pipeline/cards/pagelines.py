"""Page furniture: running headers and footers, which belong to no item, open no section and name no title.

A compiled report prints the same header (`가온시 정책기획담당관`, `2024년 2/4분기 공약사업 추진실적`) and a page
number (`- 4 -`) on every page.  Such a line may contain a section word, so if it were read as text of the card
it could open a section and swallow the tables after it.  It is recognised by layout, not by its words: the same
text in the top or bottom band of two or more pages (at the same height when the reader gives positions), or a
bare page number.  Formats without pages (HWP/HWPX) have no running lines in their body.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Optional

from ..model import Document, Table, TextBlock
from .textclean import fold

# `- 4 -`, `4`, `4 / 13`, `— 12 —`
_PAGE_NUMBER = re.compile(r"^\s*[-–—]?\s*\d{1,4}\s*[-–—]?\s*$|^\s*\d{1,4}\s*/\s*\d{1,4}\s*$")
# A heading mark opens a part of a card: such a line is content even when every card repeats it.
HEADING_MARK = re.compile(r"^\s*[□■◎▣◆◇○●▶▷]")
BAND = 3  # lines at the top or bottom of a page that can be furniture
Y_TOLERANCE = 3.0  # points


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text))


def _bands(doc: Document) -> list[tuple[int, TextBlock]]:
    """(block index, line) of the text lines above a page's first table or below its last one, ≤ BAND each."""
    pages: dict[int, list[int]] = defaultdict(list)
    for i, b in enumerate(doc.blocks):
        if b.page is not None:
            pages[b.page].append(i)
    out: list[tuple[int, TextBlock]] = []
    for idx in pages.values():
        tables = [k for k, i in enumerate(idx) if isinstance(doc.blocks[i], Table)]
        first = tables[0] if tables else len(idx)
        last = tables[-1] if tables else -1
        top = idx[:first][:BAND]
        bottom = idx[last + 1:][-BAND:]
        for i in dict.fromkeys(top + bottom):
            b = doc.blocks[i]
            if isinstance(b, TextBlock):
                out.append((i, b))
    return out


def running_lines(doc: Document) -> frozenset[int]:
    """``id()`` of each running header, footer and page number among ``doc.blocks``."""
    if doc.page_count is None and all(b.page is None for b in doc.blocks):
        return frozenset()
    found: set[int] = set()
    groups: dict[str, list[tuple[int, TextBlock]]] = defaultdict(list)
    for i, b in _bands(doc):
        if is_page_number(b.text):
            found.add(id(b))
        elif not HEADING_MARK.match(b.text) and fold(b.text):
            groups[fold(b.text)].append((i, b))
    for lines in groups.values():
        if len({b.page for _, b in lines}) < 2:
            continue
        tops = [b.bbox[1] for _, b in lines if b.bbox]
        if tops and max(tops) - min(tops) > Y_TOLERANCE and not _two_heights(tops):
            continue
        found.update(id(b) for _, b in lines)
    return frozenset(found)


def _two_heights(tops: list[float]) -> bool:
    """A header printed at one height on odd pages and another on even pages still runs."""
    clusters: list[float] = []
    for y in sorted(tops):
        if not clusters or y - clusters[-1] > Y_TOLERANCE:
            clusters.append(y)
    return len(clusters) <= 2 and len(tops) >= 4


def first_line(blocks: list, running: frozenset[int]) -> Optional[str]:
    """The first line of text among ``blocks`` that is not furniture."""
    for b in blocks:
        if isinstance(b, TextBlock) and id(b) not in running and b.text.strip():
            return re.sub(r"\s+", " ", b.text).strip()
    return None
