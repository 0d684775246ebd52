"""The 목차: which items a compiled report lists and on which page, to cross-check the items found.

Found by its shape, not by a header word (번호, 연번, No …): a table before the first card with a column of
item numbers (one to three digits), a column of names, and optionally a column of pages.  A 목차 running over
several pages is one table stitched like any other (``grid.continuation``), its repeated header dropped.  A page
cell that is not a number (`별도 보고`) says the item is reported elsewhere: no card is expected for it.
The 목차 is only ever used to cross-check, never to invent an item.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional, Union

from ..contract import Finding
from ..model import Document, Table
from .grid import Slot, continuation, distinct, slots_of
from .segment import ItemSpan, is_kv_box
from .textclean import clean, fold
from .titles import is_name

ELSEWHERE = "elsewhere"  # a 목차 row whose page cell is a word: the item is not in this report
Entry = Union[int, str, None]  # a page, ELSEWHERE, or None (listed, page not given)
_NUMBER = re.compile(r"\d{1,3}")
_PAGE = re.compile(r"\d{1,4}")
PAGE_WORDS = ("쪽", "페이지", "면", "page")


def _toc_rows(doc: Document, before: int) -> list[list[list[Slot]]]:
    """Candidate 목차 tables before block ``before``: each as rows of slots, continued parts appended."""
    index = {id(t): k for k, t in enumerate(doc.tables)}
    tables = [b for b in doc.blocks[:before] if isinstance(b, Table) and not is_kv_box(b)]
    out: list[list[list[Slot]]] = []
    prev: Optional[Table] = None
    edges_to_first: Optional[list[int]] = None
    for i, t in enumerate(tables):
        edges = continuation(prev, t, index.get(id(prev)), index.get(id(t))) if prev is not None else None
        if edges is not None and out and edges_to_first is not None:
            edges = [edges_to_first[k] for k in edges]
            rows = slots_of(t, i, edges)
            head = out[-1][0]
            if rows and all(fold(a.text) == fold(b.text) for a, b in zip(head, rows[0])):
                rows = rows[1:]  # the header repeated on the next page
            out[-1].extend(rows)
            edges_to_first = edges
        else:
            out.append(slots_of(t, i))
            edges_to_first = list(range(t.cols + 1))
        prev = t
    return out


def _int_cell(s: Slot, pattern: re.Pattern) -> Optional[int]:
    t = clean(s.text)
    return int(t) if pattern.fullmatch(t) else None


def parse_toc(rows: list[list[Slot]]) -> dict[int, Entry]:
    """{item number: page | ELSEWHERE | None} when ``rows`` have the shape of a 목차, else {}."""
    if len(rows) < 2 or not rows[0]:
        return {}
    ncols = len(rows[0])
    cells = [[r[c] if (c == 0 or r[c].key != r[c - 1].key) else None for c in range(ncols)] for r in rows]
    numbered = {c: [r for r in range(len(rows)) if cells[r][c] and _int_cell(cells[r][c], _NUMBER) is not None]
                for c in range(ncols)}
    no_col = max(range(ncols), key=lambda c: len(numbered[c]))
    body = numbered[no_col]
    if len(body) < 2 or len(body) * 2 < len(rows) - 1:
        return {}
    nos = [_int_cell(cells[r][no_col], _NUMBER) for r in body]
    if len(set(nos)) < len(nos) * 0.9:
        return {}  # a column of repeated small numbers (counts, pages) is not a list of items

    def name_share(c: int) -> int:
        return sum(1 for r in body if cells[r][c] and is_name(cells[r][c].text))

    name_col = max((c for c in range(ncols) if c != no_col), key=name_share, default=None)
    if name_col is None or name_share(name_col) * 2 < len(body):
        return {}
    page_col = _page_column(rows, body, no_col, name_col)
    out: dict[int, Entry] = {}
    for r in body:
        no = _int_cell(cells[r][no_col], _NUMBER)
        assert no is not None
        entry: Entry = None
        if page_col is not None:
            s = rows[r][page_col]
            page = _int_cell(s, _PAGE)
            entry = page if page is not None else (ELSEWHERE if clean(s.text) else None)
        out.setdefault(no, entry)
    return out


def _page_column(rows: list[list[Slot]], body: list[int], no_col: int, name_col: int) -> Optional[int]:
    """The column right of the names whose cells are pages (positive numbers; printed page numbers may run
    ahead of the physical ones) or short words for items reported elsewhere; a header 쪽/페이지/면 decides
    between two such columns."""
    best: Optional[int] = None
    for c in range(max(no_col, name_col) + 1, len(rows[0])):
        texts = [clean(rows[r][c].text) for r in body]
        pages = [int(t) for t in texts if _PAGE.fullmatch(t)]
        if not pages or any(p < 1 for p in pages):
            continue
        if any(t and not _PAGE.fullmatch(t) and len(t) > 10 for t in texts):
            continue
        head = " ".join(fold(s.text) for s in distinct([row[c] for row in rows[: body[0]]]))
        if best is None or any(w in head for w in PAGE_WORDS):
            best = c
    return best


def table_of_contents(doc: Document, items: Optional[list[ItemSpan]] = None) -> dict[int, Entry]:
    """{item_no: page | ELSEWHERE | None} from the 목차 before the first card; empty when there is none."""
    if items:
        first = next((k for k, b in enumerate(doc.blocks) if b is items[0].blocks[0]), len(doc.blocks))
    else:
        first = next((k for k, b in enumerate(doc.blocks) if isinstance(b, Table) and is_kv_box(b)),
                     len(doc.blocks))
    for rows in _toc_rows(doc, first):
        toc = parse_toc(rows)
        if toc:
            return toc
    return {}


def cross_check(doc: Document, items: list[ItemSpan]) -> list[Finding]:
    """Warnings where the 목차 and the items found disagree: a listed item without a card, a card the 목차
    does not list, a card on another page than listed (beyond the offset between printed and physical
    page numbers that all items share)."""
    toc = table_of_contents(doc, items)
    if not toc:
        return []
    found = {i.item_no: i for i in items if i.identified}
    out = []
    for no, entry in toc.items():
        if no not in found and entry != ELSEWHERE:
            where = f"(p.{entry})" if isinstance(entry, int) else ""
            out.append(Finding("toc_item_missing", "warning", f"목차에 공약 {no}번{where}이 있지만 그 카드를 찾지 "
                               "못했습니다", no, entry if isinstance(entry, int) else None, "목차"))
    offsets = Counter(found[no].title_page - e for no, e in toc.items()
                      if isinstance(e, int) and no in found and found[no].title_page is not None)
    usual = offsets.most_common(1)[0][0] if offsets else 0
    for no, entry in toc.items():
        it = found.get(no)
        if isinstance(entry, int) and it is not None and it.title_page is not None \
                and it.title_page - entry != usual:
            out.append(Finding("toc_page_mismatch", "warning", f"목차에는 공약 {no}번이 p.{entry}에 있다고 되어 "
                               f"있지만 카드는 p.{it.title_page}에서 시작합니다", no, it.title_page, "목차", entry + usual,
                               it.title_page))
    for no, it in found.items():
        if no not in toc:
            out.append(Finding("toc_item_unlisted", "warning", f"공약 {no}번이 목차에 없습니다", no,
                               it.title_page, "목차"))
    return out
