"""How a finding is written: figures as an officer reads them, and where on the card it is.

Every finding names its place (`연차별 투자수요 (표 3), 행 「계」, 열 「2020년」, p.2`) so that the office can
open the card at the cell; expected/found hold plain numbers for a program, the message the same figures
formatted for a person.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from ..contract import cell_number, cell_text, item_key
from ..vocab import FUND_LABELS

# Money is compared with this tolerance (백만원) because 천원 tables become fractions of 백만원.
TOL = 0.0005
SEVERITY = "warning"

num = cell_number
text = cell_text


def same(a: float, b: float) -> bool:
    return abs(a - b) <= TOL


def fmt(v: Optional[float]) -> str:
    """2880 → `2,880`; 1284.65 → `1,284.65` (the way an officer reads 백만원)."""
    if v is None:
        return ""
    s = f"{v:,.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def plain(v: Optional[float]) -> object:
    """A number for the expected/found columns: int when whole."""
    if v is None:
        return ""
    r = round(v, 6)
    return int(r) if float(r).is_integer() else r


def row_label(unit: str, fund: str) -> str:
    if unit == "":
        return "계" if fund == "total" else f"계 {FUND_LABELS.get(fund, fund)}"
    return f"{unit} 소계" if fund == "total" else f"{unit} {FUND_LABELS.get(fund, fund)}"


def _pages_text(v: Any) -> str:
    """A page or pages as printed in a location: 2, [1, 2] → `1-2`, `1-2` as is."""
    if v is None or isinstance(v, str):
        return (v or "").strip()
    if isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, (list, tuple, set)) or hasattr(v, "tolist"):
        seq = v.tolist() if hasattr(v, "tolist") else list(v)
        if not isinstance(seq, list):
            return item_key(seq)
        pages = sorted({int(x) for x in seq if num(x) is not None})
        if not pages:
            return ""
        return str(pages[0]) if pages[0] == pages[-1] else f"{pages[0]}-{pages[-1]}"
    return item_key(v)


def _page_of(row: Optional[dict]) -> str:
    if not row:
        return ""
    for k in ("src_page", "src_pages", "source_pages"):
        t = _pages_text(row.get(k))
        if t:
            return t
    return ""


class Location(str):
    """A finding's place as printed (`연차별 투자수요, 행 「계」, 열 「2020년」, p.2`), and its page apart."""

    page: str = ""


def location(table: str, row: Optional[dict] = None, row_text: str = "", col_text: str = "") -> Location:
    """`연차별 투자수요 (표 3), 행 「계」, 열 「2020년」, p.2` — as much as is known."""
    head = table
    src_table = item_key(row.get("src_table")) if row else ""
    if src_table and re.sub(r"\s+", "", src_table) != re.sub(r"\s+", "", table):
        head += f" (표 {src_table})" if src_table.isdigit() else f" ({src_table})"
    parts = [head]
    if row_text:
        parts.append(f"행 「{row_text}」")
    if col_text:
        parts.append(f"열 「{col_text}」")
    page = _page_of(row)
    if page:
        parts.append(f"p.{page}")
    loc = Location(", ".join(parts))
    loc.page = page
    return loc


@dataclass
class Findings:
    quarter_of: dict[str, str]
    source_of: dict[str, str] = field(default_factory=dict)  # item → the file its items.csv row came from
    rows: list[dict] = field(default_factory=list)

    def add(self, item: str, check: str, loc: str, expected: object, found: object, message: str,
            severity: str = SEVERITY) -> None:
        page = getattr(loc, "page", "")
        self.rows.append({
            "report_quarter": self.quarter_of.get(item, ""),
            "item_no": int(item) if item.isdigit() else item,
            "check": check,
            "severity": severity,
            "source_file": self.source_of.get(item, ""),
            "page": int(page) if page.isdigit() else page,
            "location": str(loc),
            "expected": expected,
            "found": found,
            "message": message,
        })
