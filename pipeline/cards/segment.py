"""Where things are in a report: items, their contract sections, continued tables, the quarter.

A compiled report holds a cover, a 목차 and many items; a single card holds
one.  An item is anchored on its key-value box (a table naming both 추진상황
and 총사업비), because that box is what makes a card a card: a work plan that
merely uses the words (bad/unrelated-busan-workplan.pdf) has no such box.  The
item's number and title are the number+title line or box just before it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from ..model import Block, Document, Table, TextBlock
from ..vocab import SECTION_WORDS
from .periods import quarters_in_line
from .textclean import clean, fold

# A heading that starts a non-contract part (□ 향후계획, ○ 맞춤형 홍보 실적, ○ 입주기업 현황 …).  Notes
# (`※ 실적은 누계`), continuation marks (`〈계속〉`) and running headers in brackets are not headings: a
# table continued after them on the next page still belongs to the section above.
_HEADING_MARK = re.compile(r"^\s*[□■◎▣◆◇○●▶▷]")
_NOTE_MARK = re.compile(r"^\s*[※<〈‹\[［]")
# `57 『…』`, `57. …`, `57.『…』`, `57『…』`: a number, then a dot/bracket, a space or an opening quote.
_TITLE_LINE = re.compile(r"^\s*(\d{1,3})(?:\s*[.)](?!\d)\s*|\s+|(?=[『「〔《]))(\S.*)$", re.S)
# Lines that open a bullet or box: sentences of a card's body, never the report's own header.
_BULLET = re.compile(r"^\s*[□■◎▣◆◇○●▶▷※∘·\-–ㅇ]")


@dataclass
class Section:
    """One contract table of an item: its heading and the table parts printed under it."""

    kind: str  # perf | plan | budget_plan | budget_exec
    heading: str
    notes: list[str] = field(default_factory=list)  # heading + text lines of the section (unit notes)
    parts: list[Table] = field(default_factory=list)  # consecutive parts of one printed table


@dataclass
class ItemSpan:
    item_no: int
    title: str
    blocks: list[Block]  # from the title to just before the next item's title
    kv_tables: list[Table]
    title_page: Optional[int] = None
    next_title_page: Optional[int] = None  # page where the next item starts

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


def title_of(text: str) -> str:
    """Title without its 『』/「」 brackets; a closing bracket glued to a word becomes a space."""
    t = clean(text)
    t = re.sub(r"[『「〔《]", "", t)
    t = re.sub(r"[』」〕》]", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def _title_from_block(b: Block) -> Optional[tuple[int, str]]:
    if isinstance(b, TextBlock):
        m = _TITLE_LINE.match(clean(b.text))
        if m and re.search(r"[\uac00-\ud7a3]", m.group(2)):
            return int(m.group(1)), title_of(m.group(2))
        return None
    # A title box: a small table whose first cell is the number and the next the title.
    cells = sorted(b.cells, key=lambda c: (c.row, c.col))
    texts = [clean(c.text) for c in cells if clean(c.text)]
    if 1 <= b.rows <= 2 and len(texts) >= 2 and re.fullmatch(r"\d{1,3}", texts[0]):
        return int(texts[0]), title_of(" ".join(texts[1:]))
    if len(texts) == 1:
        m = _TITLE_LINE.match(texts[0])
        if m:
            return int(m.group(1)), title_of(m.group(2))
    return None


def find_items(doc: Document, warnings: Optional[list[str]] = None) -> list[ItemSpan]:
    """Items in reading order, each with the blocks from its title up to the next title.

    A key-value box with no number+title line before it still makes an item
    (number 0, empty title) when it opens the document; later in a report such
    a box is taken as part of the item above.  Either way a warning says so,
    because a dropped card would otherwise vanish without a trace.
    """
    blocks = doc.blocks
    anchors: list[tuple[int, int, str, int]] = []  # (title block idx, item_no, title, kv idx)
    for i, b in enumerate(blocks):
        if not (isinstance(b, Table) and is_kv_box(b)):
            continue
        if anchors and anchors[-1][3] >= i:
            continue
        found = None
        lo = anchors[-1][3] + 1 if anchors else 0
        for j in range(i, max(lo, i - 6) - 1, -1):
            t = _title_from_block(blocks[j]) if j != i else _title_in_kv(b)
            if t:
                found = (j, *t)
                break
        if found is None:
            if warnings is not None:
                where = f" on page {b.page}" if b.page is not None else ""
                if anchors:
                    warnings.append(f"a 추진상황/총사업비 box{where} has no number and title before it: "
                                    f"read as part of item {anchors[-1][1]}")
                else:
                    warnings.append(f"a 추진상황/총사업비 box{where} has no number and title before it: "
                                    "read as item 0 without a title")
            if anchors:
                continue
            found = (i, 0, "")
        anchors.append((found[0], found[1], found[2], i))
    items = []
    for k, (start, no, title, _) in enumerate(anchors):
        end = anchors[k + 1][0] if k + 1 < len(anchors) else len(blocks)
        span = blocks[start:end]
        kvs = [b for b in span if isinstance(b, Table) and is_kv_box(b)]
        nxt = blocks[anchors[k + 1][0]].page if k + 1 < len(anchors) else None
        items.append(ItemSpan(no, title, span, kvs, blocks[start].page, nxt))
    return items


def _title_in_kv(t: Table) -> Optional[tuple[int, str]]:
    """Forms that put the number and title in the first row of the key-value box."""
    first = sorted((c for c in t.cells if c.row == 0), key=lambda c: c.col)
    texts = [clean(c.text) for c in first if clean(c.text)]
    if len(texts) >= 2 and re.fullmatch(r"\d{1,3}", texts[0]) and "추진상황" not in fold(texts[1]):
        return int(texts[0]), title_of(" ".join(texts[1:]))
    return None


def sections(item: ItemSpan) -> list[Section]:
    """The item's contract sections in order; tables under other headings are left out."""
    out: list[Section] = []
    cur: Optional[Section] = None
    for b in item.blocks:
        if isinstance(b, TextBlock):
            heading_like = _HEADING_MARK.match(b.text) or (len(fold(b.text)) <= 30 and not _NOTE_MARK.match(b.text))
            kind = section_kind(b.text) if heading_like else None
            if kind:
                cur = Section(kind, _heading_name(b.text), [b.text])
                out.append(cur)
            elif _HEADING_MARK.match(b.text):
                cur = None
            elif cur is not None:
                cur.notes.append(b.text)
            continue
        if cur is not None and not is_kv_box(b):
            cur.parts.append(b)
    return [s for s in out if s.parts]


def _heading_name(text: str) -> str:
    t = clean(text)
    t = re.sub(r"^[□■◎▣◆◇○●▶▷※\s]+", "", t)
    t = re.sub(r"[(（]\s*단위.*$", "", t)
    return t.strip()


def _report_lines(doc: Document) -> list[tuple[int, Optional[int], str]]:
    """(block index, page, quarter) of each line about the report itself: a cover or running header.

    A bulleted sentence (`○ 2022년 1분기 추진상황 점검`) is a plan, not the report's own statement.
    """
    out = []
    for i, b in enumerate(doc.blocks):
        if not isinstance(b, TextBlock) or _BULLET.match(b.text):
            continue
        t = re.sub(r"\s+", " ", b.text).strip()
        qs = quarters_in_line(t)
        if not qs:
            continue
        bare = re.sub(r"^[(（\[［]|[)）\]］]$", "", t)
        if quarters_in_line(bare) and len(fold(bare)) <= 16 or any(w in fold(t) for w in ("공약", "추진상황")):
            out.append((i, b.page, qs[0]))
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
    first_kv = next((i for i, b in enumerate(doc.blocks) if isinstance(b, Table) and is_kv_box(b)),
                    len(doc.blocks))
    first_page = min((b.page for b in doc.blocks if b.page is not None), default=None)
    for i, page, q in lines:
        if i < first_kv or (page is not None and page == first_page):
            return q
    pages: dict[str, set] = {}
    for _, page, q in lines:
        pages.setdefault(q, set()).add(page)
    seen = Counter(q for _, _, q in lines)
    return max(seen, key=lambda q: (len(pages[q]), seen[q]))


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


def reporting_body(doc: Document) -> Optional[str]:
    """The government that reported, when the document says so: the first word of a running header about the
    report (`한빛구 민선8기 공약사업 추진상황 …`) or a cover line that is only the name (`한 빛 구`, `수원시청`).

    A cover line counts only on page 1 or before the first card, never inside a card, where short lines
    ending in 구/시/도 are ordinary words (`추진 속도`, `연구`).
    """
    items = find_items(doc)
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


def source_pages(item: ItemSpan) -> str:
    """`a-b` from the title's page to the item's last page, `a` when one page, "" without pages."""
    pages = item.pages
    if not pages or item.title_page is None:
        return ""
    a, b = item.title_page, max(pages)
    return str(a) if a == b else f"{a}-{b}"


def table_of_contents(doc: Document) -> dict[int, Optional[int]]:
    """{item_no: page} from a 목차 table (columns 번호 and 쪽/페이지), empty when there is none.

    Used only to cross-check the items found, never to invent one.
    """
    for t in doc.tables:
        g = t.grid()
        if not t.rows:
            continue
        head = [fold(c.text) if c else "" for c in g[0]]
        if "번호" not in head or not any("공약" in h or "사업명" in h for h in head):
            continue
        no_col = head.index("번호")
        page_col = next((i for i, h in enumerate(head) if h in ("쪽", "페이지", "면")), None)
        out: dict[int, Optional[int]] = {}
        for r in range(1, t.rows):
            no = clean(g[r][no_col].text) if g[r][no_col] else ""
            if not re.fullmatch(r"\d{1,3}", no):
                continue
            page = clean(g[r][page_col].text) if page_col is not None and g[r][page_col] else ""
            out[int(no)] = int(page) if re.fullmatch(r"\d{1,4}", page) else None
        if out:
            return out
    return {}


def cross_check(doc: Document, items: list[ItemSpan]) -> list[str]:
    """Warnings where the 목차 and the items found disagree (a missed or misplaced item)."""
    toc = table_of_contents(doc)
    found = {i.item_no: i for i in items}
    out = []
    for no, page in toc.items():
        if no not in found:
            out.append(f"목차 lists item {no} but no card for it was found")
        elif page is not None and found[no].title_page is not None and found[no].title_page != page:
            out.append(f"목차 puts item {no} on page {page}, its card starts on page {found[no].title_page}")
    for no in found:
        if toc and no not in toc:
            out.append(f"item {no} is not in the 목차")
    return out
