"""What a report says about itself: the quarter it describes and the government that reports.

Both come from the cover (lines, or the boxed title many covers print as a one-cell table) and the running
header (`2023년 2분기 공약사업 추진상황`).  A statement that looks like a quarter but cannot be read is not
passed over in silence: ``unreadable_statements`` returns it, and the normaliser makes it a finding before it
takes the quarter from elsewhere.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from ..model import Document, Table, TextBlock
from .pagelines import running_lines
from .periods import quarters_in_line
from .segment import ItemSpan, find_items, is_kv_box
from .textclean import fold

# Lines that open a bullet or box: sentences of a card's body, never the report's own header.
_BULLET = re.compile(r"^\s*[□■◎▣◆◇○●▶▷※∘·\-–ㅇ]")
# A year and a quarter word: what a statement of the report's quarter is made of.
_YEARISH = re.compile(r"(?:19|20)\d{2}|[‘’'`´]\s*\d{2}")
_QUARTERISH = re.compile(r"분\s*기|\d\s*/\s*4|\d\s*[Qq]\b|[Qq]\s*\d")
MAX_COVER_CELLS = 2  # a boxed cover title is a table of one or two cells


def _first_kv(doc: Document) -> int:
    return next((i for i, b in enumerate(doc.blocks) if isinstance(b, Table) and is_kv_box(b)), len(doc.blocks))


def _statements(doc: Document) -> list[tuple[int, Optional[int], str]]:
    """(block index, page, text) of every line that may speak about the report: text lines that are not bullets,
    and the text of small boxes before the first card (a cover title printed in a one-cell table)."""
    first = _first_kv(doc)
    out = []
    for i, b in enumerate(doc.blocks):
        if isinstance(b, TextBlock):
            if not _BULLET.match(b.text):
                out.append((i, b.page, re.sub(r"\s+", " ", b.text).strip()))
        elif i < first and len([c for c in b.cells if c.text.strip()]) <= MAX_COVER_CELLS:
            text = " ".join(c.text for c in sorted(b.cells, key=lambda c: (c.row, c.col)))
            out.append((i, b.page, re.sub(r"\s+", " ", text).strip()))
    return out


def _report_lines(doc: Document) -> list[tuple[int, Optional[int], str]]:
    """(block index, page, quarter) of each line about the report itself: a cover or running header.

    A bulleted sentence (`○ 2022년 1분기 추진상황 점검`) is a plan, not the report's own statement.
    """
    out = []
    for i, page, t in _statements(doc):
        qs = quarters_in_line(t)
        if not qs:
            continue
        bare = re.sub(r"^[(（\[［]|[)）\]］]$", "", t)
        if quarters_in_line(bare) and len(fold(bare)) <= 16 or any(w in fold(t) for w in ("공약", "추진상황")):
            out.append((i, page, qs[0]))
    return out


def report_quarter_in_text(doc: Document) -> Optional[str]:
    """`2023Q2` from the cover or running header (`2023년 2분기 공약사업 추진상황`).

    The first such line before the first card (the cover) or on the first page
    wins; a running header repeated on several pages comes next; a count of
    mentions only breaks a tie, because plan sentences can name a later quarter.
    """
    lines = _report_lines(doc)
    if not lines:
        return None
    first_kv = _first_kv(doc)
    first_page = min((b.page for b in doc.blocks if b.page is not None), default=None)
    for i, page, q in lines:
        if i < first_kv or (page is not None and page == first_page):
            return q
    pages: dict[str, set] = {}
    for _, page, q in lines:
        pages.setdefault(q, set()).add(page)
    seen = Counter(q for _, _, q in lines)
    return max(seen, key=lambda q: (len(pages[q]), seen[q]))


def unreadable_statements(doc: Document) -> list[tuple[Optional[int], str]]:
    """(page, text) of cover lines and running headers that name a year and a quarter word, yet no quarter can
    be read from them (a control character, an unknown spelling): the document states its quarter, and we
    could not read it."""
    first = _first_kv(doc)
    running = running_lines(doc)
    out = []
    for i, page, t in _statements(doc):
        if i >= first and id(doc.blocks[i]) not in running:
            continue
        if _YEARISH.search(t) and _QUARTERISH.search(t) and not quarters_in_line(t):
            out.append((page, t))
    return list(dict.fromkeys(out))


# A local government's name: 한빛구, 광진구, 수원시, 양평군, 경기도 (and 구청/시청/군청/도청).
_BODY = re.compile(r"^([가-힣]{1,8}(?:특별자치시|특별자치도|광역시|특별시|시|군|구|도))(?:청)?$")


def _cover_body(text: str) -> Optional[str]:
    """A cover line that is only the government's name: letter-spaced (`한 빛 구`) or `…구청`."""
    t = re.sub(r"\s+", " ", text).strip()
    squeezed = t.replace(" ", "")
    m = _BODY.match(squeezed)
    if not m or len(t) > 20:
        return None
    toks = t.split(" ")
    spaced = len(toks) >= 2 and all(len(x) == 1 for x in toks)
    if spaced or re.search(r"(?:구|시|군|도)청$", squeezed):
        return m.group(1)
    return None


def reporting_body(doc: Document, items: Optional[list[ItemSpan]] = None) -> Optional[str]:
    """The government that reported, when the document says so: the first word of a running header about the
    report (`한빛구 민선8기 공약사업 추진상황 …`) or a cover line that is only the name (`한 빛 구`, `수원시청`).

    A cover line counts only on page 1 or before the first card, never inside a card, where short lines
    ending in 구/시/도 are ordinary words (`추진 속도`, `연구`).
    ``items``: the document's cards when the caller has found them already.
    """
    items = find_items(doc) if items is None else items
    inside: set[int] = set()
    for it in items:
        inside.update(id(b) for b in it.blocks)
    first = min((id_index for id_index, b in enumerate(doc.blocks) if id(b) in inside), default=len(doc.blocks))
    first_page = min((b.page for b in doc.blocks if b.page is not None), default=None)
    for i, b in enumerate(doc.blocks):
        if not isinstance(b, TextBlock):
            continue
        t = re.sub(r"\s+", " ", b.text).strip()
        if "공약" in t and "추진상황" in t or re.search(r"공약\s*사업", t):
            m = _BODY.match(t.split(" ")[0])
            if m:
                return m.group(1)
        on_cover = i < first or (b.page is not None and b.page == first_page and id(b) not in inside)
        if on_cover:
            body = _cover_body(t)
            if body:
                return body
    return None
