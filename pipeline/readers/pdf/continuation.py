"""Tables continued on the next page: ``Table.continues`` / ``Table.continued_by`` from geometry alone.

A PDF has no notion of a table spanning pages: the producer simply draws the
rest on the next page, with or without its header row.  ``tables`` keeps the
parts apart (that is what was printed), but links them so that the normaliser
can stitch by geometry instead of guessing from text: the last table of page
*p* and the first table of page *p+1* are one printed table when

* their column boundaries agree (same count, each within ``continuation_tol``), and
* nothing but running headers and footers stands between them: every text line
  below the first part (on *p*) and above the second (on *p+1*) has a twin on
  the other page — same text with digits ignored, at the same place — as a page
  number or a running title has.

Only the two pages concerned are consulted, so a document read in page ranges
and joined gives exactly the links of a whole read (``PdfBackend.join`` runs
this again over the joined document).
"""
from __future__ import annotations

import re
from typing import Optional

from ...model import Document, Table, TextBlock
from .settings import DEFAULT, GridSettings

_DIGITS = re.compile(r"\d+")


def _columns(t: Table) -> list[float]:
    """The table's column boundaries: every distinct left/right edge of its cells."""
    edges = sorted({e for c in t.cells if c.bbox for e in (c.bbox[0], c.bbox[2])})
    out: list[float] = []
    for e in edges:
        if not out or e - out[-1] > 0.5:
            out.append(e)
    return out


def columns_line_up(a: Table, b: Table, tol: float) -> bool:
    ca, cb = _columns(a), _columns(b)
    return len(ca) >= 2 and len(ca) == len(cb) and all(abs(x - y) <= tol for x, y in zip(ca, cb))


# More lines than this between the two parts are body text, not running headers and footers (a page has a
# handful); the bound also keeps a page of thousands of identical lines from being compared pair by pair.
MAX_FURNITURE_LINES = 50


def _key(block: TextBlock) -> str:
    return _DIGITS.sub("#", "".join(block.text.split()))


def _by_key(blocks: list[TextBlock]) -> dict[str, list[TextBlock]]:
    out: dict[str, list[TextBlock]] = {}
    for b in blocks:
        if b.bbox is not None:
            out.setdefault(_key(b), []).append(b)
    return out


def _furniture(block: TextBlock, other: dict[str, list[TextBlock]], tol: float) -> bool:
    """A running header/footer: the same text (digits aside) at the same place on the other page
    (``other``: that page's lines by their text with digits aside)."""
    if block.bbox is None:
        return False
    x0, top, x1, _ = block.bbox
    for o in other.get(_key(block), ()):
        if abs(o.bbox[1] - top) > tol:
            continue
        ox0, _, ox1, _ = o.bbox
        if abs(ox0 - x0) <= tol or abs(ox1 - x1) <= tol or abs((ox0 + ox1) - (x0 + x1)) <= 2 * tol:
            return True
    return False


def link_continuations(doc: Document, settings: GridSettings = DEFAULT) -> None:
    """Set ``continues``/``continued_by`` on every pair of tables that is one table broken by a page end."""
    s = settings
    for t in doc.tables:
        t.continues = t.continued_by = None
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for i, t in enumerate(doc.tables):
        if t.parent is not None or t.page is None or t.bbox is None:
            continue
        f = first.get(t.page)
        if f is None or t.bbox[1] < doc.tables[f].bbox[1]:
            first[t.page] = i
        la = last.get(t.page)
        if la is None or t.bbox[3] > doc.tables[la].bbox[3]:
            last[t.page] = i
    if not first:
        return
    texts: dict[int, list[TextBlock]] = {}
    for b in doc.blocks:
        if isinstance(b, TextBlock) and b.page is not None and b.text.strip():
            texts.setdefault(b.page, []).append(b)
    for page, ia in sorted(last.items()):
        ib: Optional[int] = first.get(page + 1)
        if ib is None:
            continue
        a, b = doc.tables[ia], doc.tables[ib]
        if not columns_line_up(a, b, s.continuation_tol):
            continue
        below = [t for t in texts.get(page, []) if t.bbox and t.bbox[1] >= a.bbox[3] - 1]
        above = [t for t in texts.get(page + 1, []) if t.bbox and t.bbox[3] <= b.bbox[1] + 1]
        if len(below) + len(above) > MAX_FURNITURE_LINES:
            continue
        here, there = _by_key(texts.get(page, [])), _by_key(texts.get(page + 1, []))
        if all(_furniture(t, there, s.furniture_tol) for t in below) and all(
            _furniture(t, here, s.furniture_tol) for t in above
        ):
            a.continued_by, b.continues = ib, ia
