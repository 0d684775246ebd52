"""Where things are in a report: items and their contract sections.

A compiled report holds a cover, a 목차 and many items; a single card holds
one.  An item is anchored on its key-value box (a table naming both 추진상황
and 총사업비), because that box is what makes a card a card: a work plan that
merely uses the words (bad/unrelated-busan-workplan.pdf) has no such box.  The
item's number and title are the title line or box just before it (``titles``
has the pattern).  A box with no readable title before it is a card all the
same: it is kept apart as *unidentified* — never read under a made-up number,
never folded into the item before it — and reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..contract import Finding
from ..model import Block, Document, Table, TextBlock
from ..vocab import SECTION_WORDS
from .grid import Part, continuation, header_rows, slots_of
from .pagelines import HEADING_MARK, first_line, running_lines
from .textclean import clean, fold
from .titles import title_in_box, title_in_cells, title_in_line

# Notes (`※ 실적은 누계`), continuation marks (`〈계속〉`) and running headers in brackets are not headings.
_NOTE_MARK = re.compile(r"^\s*[※<〈‹\[［]")
LOOK_BACK = 8  # blocks before a key-value box where its title may stand


@dataclass
class Section:
    """A part of an item under one heading: a contract table (``kind``) or another part (``kind`` None)."""

    kind: Optional[str]  # perf | plan | budget_plan | budget_exec | None
    heading: str
    notes: list[str] = field(default_factory=list)  # heading + text lines of the section (unit notes)
    parts: list[Part] = field(default_factory=list)  # the printed tables of the section, continuations marked
    open: bool = True  # its last table may still continue on the next page


@dataclass
class ItemSpan:
    item_no: Optional[int]  # None: the card's item could not be identified
    title: str
    blocks: list[Block]  # from the title to just before the next item's title
    kv_tables: list[Table]
    title_page: Optional[int] = None
    next_title_page: Optional[int] = None  # page where the next item starts
    first_line: str = ""  # the card's first line of text (named when the item is unidentified)
    why: str = ""  # why the item is unidentified
    running: frozenset[int] = frozenset()  # id() of running headers/footers in the document
    table_index: dict[int, int] = field(default_factory=dict)  # id(table) → its index in Document.tables

    @property
    def identified(self) -> bool:
        return self.item_no is not None

    @property
    def pages(self) -> list[int]:
        # Running headers of the next item's page sit before its title: they are not this item's.
        own_table_pages = {b.page for b in self.blocks if isinstance(b, Table)}
        out = []
        for b in self.blocks:
            if b.page is None:
                continue
            if (self.next_title_page is not None and b.page >= self.next_title_page
                    and b.page not in own_table_pages):
                continue
            out.append(b.page)
        return out


@dataclass
class Layout:
    """An item's contract sections, and the tables no section took (``(section it sits under, table)``)."""

    sections: list[Section]
    stray: list[tuple[Section, Table]]


def section_kind(text: str) -> Optional[str]:
    """The contract section a heading opens, None when it is not one."""
    f = fold(text)
    if "홍보" in f or "향후" in f:
        return None
    for kind, words in SECTION_WORDS:
        if any(w in f for w in words):
            return kind
    return None


def _cell_folds(t: Table) -> set[str]:
    return {fold(c.text) for c in t.cells}


def is_kv_box(t: Table) -> bool:
    """The key-value box of a card: cells 추진상황 and 총사업비 (labels, not sentences)."""
    f = _cell_folds(t)
    labels = {x for x in f if len(x) <= 12}
    return any(x.startswith("추진상황") for x in labels) and any(x.startswith("총사업비") for x in labels)


def _title_in_kv(t: Table) -> Optional[tuple[int, str]]:
    """Forms that put the number and title in the first row of the key-value box."""
    first = [c for c in t.cells if c.row == 0]
    if any("추진상황" in fold(c.text) for c in first):
        return None
    return title_in_cells(first)


def _title_before(blocks: list[Block], i: int, lo: int, running: frozenset[int]
                  ) -> tuple[Optional[tuple[int, int, str]], Optional[int]]:
    """The title of the key-value box ``blocks[i]`` as (block index, number, name), looking back nearest
    first no further than ``lo`` and never past another table; else None and the index of the line where an
    unreadable title would stand (the nearest line of text on the box's page)."""
    kv = blocks[i]
    assert isinstance(kv, Table)
    t = _title_in_kv(kv)
    if t:
        return (i, *t), None
    candidate: Optional[int] = None
    for j in range(i - 1, max(lo, i - LOOK_BACK) - 1, -1):
        b = blocks[j]
        if isinstance(b, Table):
            t = title_in_box(b)
            if t:
                return (j, *t), None
            break
        if id(b) in running:
            continue
        t = title_in_line(b.text)
        if t:
            return (j, *t), None
        same_page = b.page == kv.page if kv.page is not None else j == i - 1
        if candidate is None and same_page:
            candidate = j
    return None, candidate


def find_items(doc: Document) -> list[ItemSpan]:
    """Items in reading order, each with the blocks from its title up to the next title.

    A key-value box with no readable title before it (or with the number of an earlier card) starts an
    *unidentified* span: its rows are not read, and the normaliser reports it (``unidentified``).
    """
    blocks = doc.blocks
    running = running_lines(doc)
    anchors: list[tuple[int, Optional[int], str, int, str]] = []  # (start, number, title, kv index, why)
    seen: set[int] = set()
    for i, b in enumerate(blocks):
        if not (isinstance(b, Table) and is_kv_box(b)):
            continue
        lo = anchors[-1][3] + 1 if anchors else 0
        found, candidate = _title_before(blocks, i, lo, running)
        if found is not None and found[1] in seen:
            anchors.append((found[0], None, "", i, f"번호 {found[1]}번이 앞 카드와 같습니다"))
        elif found is not None:
            seen.add(found[1])
            anchors.append((found[0], found[1], found[2], i, ""))
        else:
            anchors.append((candidate if candidate is not None else i, None, "", i, "추진상황/총사업비 칸 앞에서 "
                            "공약 번호와 제목을 찾지 못했습니다"))
    index = {id(t): k for k, t in enumerate(doc.tables)}
    items = []
    for k, (start, no, title, _, why) in enumerate(anchors):
        end = anchors[k + 1][0] if k + 1 < len(anchors) else len(blocks)
        span = blocks[start:end]
        kvs = [b for b in span if isinstance(b, Table) and is_kv_box(b)]
        nxt = blocks[anchors[k + 1][0]].page if k + 1 < len(anchors) else None
        first = first_line(span, running) or ""
        if not first and kvs:
            first = " | ".join(clean(c.text) for c in sorted(kvs[0].cells, key=lambda c: (c.row, c.col))
                               if c.row == 0 and clean(c.text))
        items.append(ItemSpan(no, title, span, kvs, blocks[start].page, nxt, first, why, running, index))
    return [part for it in items for part in _split_merged(it)]


def _split_merged(item: ItemSpan) -> list[ItemSpan]:
    """An item whose contract sections start over (투자계획 again after 추진실적) holds a second card whose box
    was not read: the second card is cut off as unidentified, so its rows are never filed under this item."""
    seen: list[str] = []
    for k, b in enumerate(item.blocks):
        if not isinstance(b, TextBlock) or id(b) in item.running:
            continue
        kind = section_kind(b.text) if HEADING_MARK.match(b.text) or len(fold(b.text)) <= 30 else None
        if not kind:
            continue
        if kind in seen and seen[-1] != kind:
            cut = k
            for j in range(k - 1, 0, -1):  # the second card's title line, if it is there to see
                bj = item.blocks[j]
                if isinstance(bj, Table):
                    break
                if id(bj) not in item.running and title_in_line(bj.text):
                    cut = j
                    break
            head, tail = item.blocks[:cut], item.blocks[cut:]
            tail_page = tail[0].page
            first = first_line(tail, item.running) or ""
            rest = ItemSpan(None, "", tail, [], tail_page, item.next_title_page, first,
                            f"공약 {item.item_no}번의 표 뒤에 이어지지만 자기 추진상황/총사업비 칸이 없습니다",
                            item.running, item.table_index)
            kept = ItemSpan(item.item_no, item.title, head, item.kv_tables, item.title_page, tail_page,
                            item.first_line, item.why, item.running, item.table_index)
            return [kept, *_split_merged(rest)]
        seen.append(kind)
    return [item]


def unidentified(item: ItemSpan, figures: int, box: str = "") -> Finding:
    """The ``error`` finding of a card whose item could not be identified: its pages, first line, how many
    figures of its tables were therefore not read, and what its 총사업비 box says (``box``), so that the office
    can tell which card it is."""
    pages = source_pages(item) or None
    where = f"p.{pages}" if pages else "쪽을 알 수 없는 카드"  # the location column, as pipeline/checks writes pages
    at = f"p.{pages}의 " if pages else ""
    said = f"; {box}" if box else ""
    return Finding("item_unidentified", "error",
                   f"{at}카드가 어느 공약인지 알 수 없어 ({item.why}) 수치 {figures}개를 읽지 않았습니다 — 첫 줄: "
                   f"{item.first_line!r}{said}", None, pages, where, "", item.first_line)


def _has_periods(t: Table) -> bool:
    return header_rows(slots_of(t, 0)) > 0


def sections(item: ItemSpan) -> Layout:
    """The item's contract sections in order, and the tables left over.

    A section takes the first table under its heading, each table that continues the one before it on the
    next page (``grid.continuation``), and any further table with period columns of its own.  Anything else
    under a contract heading (the 주관부서 footer, a note table) is left over, and so is a table with period
    columns under no contract heading, unless that heading is a known non-contract one (홍보, 향후계획):
    ``rows`` reports the figures of what is left over.  Running headers never open or close a section.
    """
    out: list[Section] = []
    stray: list[tuple[Section, Table]] = []
    cur: Optional[Section] = None
    for b in item.blocks:
        if isinstance(b, TextBlock):
            if id(b) in item.running:
                continue
            marked = HEADING_MARK.match(b.text)
            heading_like = marked or (len(fold(b.text)) <= 30 and not _NOTE_MARK.match(b.text))
            kind = section_kind(b.text) if heading_like else None
            if kind or marked:
                cur = Section(kind, _heading_name(b.text), [b.text])
                out.append(cur)
            elif cur is not None:
                cur.notes.append(b.text)
            continue
        if is_kv_box(b) or title_in_box(b):
            continue
        if cur is None or cur.kind is None:
            f = fold(cur.heading) if cur else ""
            if not ("홍보" in f or "향후" in f) and _has_periods(b):
                stray.append((cur or Section(None, ""), b))
            continue
        if not cur.parts:
            cur.parts.append(Part(b))
            continue
        prev = cur.parts[-1].table
        edges = continuation(prev, b, item.table_index.get(id(prev)), item.table_index.get(id(b))) if cur.open \
            else None
        if edges is not None:
            cur.parts.append(Part(b, edges))
        elif _has_periods(b):
            cur.parts.append(Part(b))
            cur.open = True
        else:
            stray.append((cur, b))
            cur.open = False
    return Layout([s for s in out if s.kind and s.parts], stray)


def _heading_name(text: str) -> str:
    t = clean(text)
    t = re.sub(r"^[□■◎▣◆◇○●▶▷※\s]+", "", t)
    t = re.sub(r"[(（]\s*단위.*$", "", t)
    return t.strip()


def source_pages(item: ItemSpan) -> str:
    """`a-b` from the title's page to the item's last page, `a` when one page, "" without pages."""
    pages = item.pages
    if not pages or item.title_page is None:
        return ""
    a, b = item.title_page, max(pages)
    return str(a) if a == b else f"{a}-{b}"
