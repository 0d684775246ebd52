"""Which columns of a stitched grid are read, and what is said about the others.

Shared by the text rows (``rows``) and the money rows (``money``): the period columns to read (one printed column
per period, told apart by a 계획/실적 sub-heading), and for every other value column one ``unread_column``
finding with the reason left on each of its figures in the item's ``Ledger``.  Also the provenance a row carries.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from ..vocab import period_label
from .grid import Slot, SlotGrid, distinct, is_figure
from .ledger import Ledger
from .periods import Period
from .segment import Section
from .textclean import clean


def src(s: Slot, name: str) -> dict[str, Any]:
    """The provenance of a row made from slot ``s`` of a table under the heading ``name``.

    ``src_table`` names the section for findings' locations; ``src_tref`` is the printed table itself, which
    ``cards.extract`` replaces by its index in the document (the contract's ``source_table``).
    """
    return {"src_page": s.page, "src_table": name, "src_row": s.row, "src_col": s.col, "src_tref": s.table,
            "src_bbox": s.bbox}


def heading_year(section: Section) -> Optional[str]:
    """The one year a section heading names (`□ 2021년 추진실적`), for quarters printed without a year."""
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", section.heading))
    return years.pop() if len(years) == 1 else None


def grid_page(g: SlotGrid) -> Optional[int]:
    return g.rows[0][0].page if g.rows and g.rows[0] else None


def where(section: Section, page: Optional[int]) -> str:
    return f"{section.heading}, p.{page}" if page is not None else section.heading


def no_periods(section: Section, g: SlotGrid, ledger: Ledger) -> None:
    page = grid_page(g)
    ledger.add("unread_table", f"{where(section, page)}: 기간 열이 없는 표라 읽지 않았습니다",
               page, where(section, page))


def period_columns(g: SlotGrid, section: Section) -> tuple[list[tuple[int, Period]], dict[int, str]]:
    """The columns to read, in order, one printed column per period; and why each other period column is not.

    Two printed columns naming the same period (`2021년` over `계획 | 실적`)
    are told apart by their sub-heading: a 추진실적 table reports the 실적
    column, a 추진계획 table the 계획/목표 column.  Anything else is ambiguous:
    the first column is read and the other is reported.
    """
    want = {"perf": "result", "plan": "plan"}.get(section.kind or "")
    by_code: dict[str, list[int]] = {}
    for c, p in sorted(g.periods.items()):
        if c >= g.nlabels:
            by_code.setdefault(p.code, []).append(c)
    keep: set[int] = set()
    dropped: dict[int, str] = {}
    for code, cols in by_code.items():
        printed: dict[tuple, list[int]] = {}
        for c in cols:
            printed.setdefault((g.source.get(c), g.roles.get(c), g.rows[g.header - 1][c].key), []).append(c)
        if len(printed) == 1:
            keep.update(cols)
            continue
        chosen = [k for k in printed if k[1] == want] if want else []
        if len(chosen) != 1:
            chosen = [next(iter(printed))]
        keep.update(printed[chosen[0]])
        by_role = chosen[0][1] == want and want is not None
        for k, cs in printed.items():
            if k != chosen[0]:
                for c in cs:
                    # The other role's column (the 계획 beside a 추진실적's 실적) is not this table's data; an
                    # ambiguous repeat is reported.
                    dropped[c] = "" if by_role else f"{period_label(code)} 수치는 다른 열에서 읽었습니다"
    return [(c, g.periods[c]) for c in sorted(keep)], dropped


def by_role(why: dict[int, str]) -> frozenset[int]:
    """Columns left out by their 계획/실적 role: by design, so their figures are not counted as lost."""
    return frozenset(c for c, w in why.items() if w == "")


def column_heading(g: SlotGrid, c: int) -> str:
    return " ".join(clean(s.text) for s in distinct([row[c] for row in g.rows[:g.header]]) if clean(s.text))


def unplaced_columns(g: SlotGrid, section: Section, columns: list[tuple[int, Period]], why: dict[int, str],
                      ledger: Ledger, money: bool) -> None:
    """One ``unread_column`` finding per value column no row reads that holds a figure (or anything, under a
    heading that is not a known non-period word such as 비고), and the reason on each of its figures."""
    read = {c for c, _ in columns}
    for c in range(g.nlabels, g.ncols):
        if c in read or why.get(c) == "":
            continue
        cells = [row[c] for row in g.rows[g.header:]
                 if not any(row[k].key == row[c].key for k in read)]
        cells = distinct(cells)
        head = column_heading(g, c)
        reason = why.get(c) or (f"기간이 아닌 열: {head!r}" if c in g.value_words or c in g.periods
                                else f"기간도 합계도 아닌 열: {head!r}")
        figures = [s for s in cells if is_figure(s.text, money)]
        for s in figures:
            ledger.reject(section, s, reason)
        if figures or (cells and c not in g.value_words and any(clean(s.text) for s in cells)):
            page = grid_page(g)
            ledger.add("unread_column", f"{where(section, page)}: {c + 1}번째 열을 읽지 않았습니다 ({reason})",
                       page, where(section, page), head)


