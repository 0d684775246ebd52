"""Column headings of the cards → period codes (`2019`, `2018H2`, `2021Q1`, `total`).

Cards spell the same period a dozen ways (CONTRACT.md lists those seen): two- or
four-digit years with either curly quote or an ASCII apostrophe, `년` or not,
halves in brackets or abbreviated, quarters as `1분기`, `1/4분기`, `Ⅰ분기`, `1/4`,
`1Q`, `Q1`, and the year often sits in a parent header cell above the halves or
quarters.  Everything is parsed on a whitespace-free form of the heading so
that line breaks a layout added do not matter.
"""
from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from ..vocab import TOTAL_HEADING


@dataclass(frozen=True)
class Period:
    code: str  # "2019", "2018H2", "2021Q1" or "total"
    start: str  # ISO date, "" for total
    end: str

    @property
    def year(self) -> Optional[int]:
        return None if self.code == "total" else int(self.code[:4])


TOTAL = Period("total", "", "")
_ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "I": 1, "II": 2, "III": 3, "IV": 4}
_QUOTES = "‘’'`´′"

_YEAR = r"(?:(?P<y4>(?:19|20)\d{2})|[" + _QUOTES + r"](?P<y2q>\d{2})|(?P<y2n>\d{2})(?=년))(?:년도|년)?\.?"
_HALF = r"\(?(?P<half>상반기|하반기|상|하|[12]/2|H[12])\)?"
_QUARTER = (
    r"\(?(?:(?P<q1>[1-4])/4(?:분기)?|(?P<q2>[1-4])분기|(?P<q3>Ⅳ|Ⅲ|Ⅱ|Ⅰ|IV|III|II|I)분기"
    r"|(?P<q4>[1-4])Q|Q(?P<q5>[1-4]))\)?"
)
_FULL = re.compile(rf"^(?:{_YEAR})?(?:{_HALF}|{_QUARTER})?$", re.IGNORECASE)


def _squash(text: str) -> str:
    """Whitespace-free, width-folded form (`２０２１` → `2021`); the acute accent kept as a quote."""
    t = (text or "").replace("´", "'")
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", t))


def make(year: int, half: Optional[int] = None, quarter: Optional[int] = None) -> Period:
    """The period of a year, or of one of its halves or quarters, with ISO bounds."""
    if quarter:
        m0 = 3 * (quarter - 1) + 1
        m1 = m0 + 2
        code = f"{year}Q{quarter}"
    elif half:
        m0, m1 = (1, 6) if half == 1 else (7, 12)
        code = f"{year}H{half}"
    else:
        m0, m1 = 1, 12
        code = str(year)
    last = calendar.monthrange(year, m1)[1]
    return Period(code, f"{year:04d}-{m0:02d}-01", f"{year:04d}-{m1:02d}-{last:02d}")


@dataclass(frozen=True)
class _Parsed:
    year: Optional[int]
    half: Optional[int]
    quarter: Optional[int]


def _parse(text: str) -> Optional[_Parsed]:
    s = _squash(text)
    if not s:
        return None
    m = _FULL.match(s)
    if not m:
        return None
    y = m.group("y4") or m.group("y2q") or m.group("y2n")
    year = None
    if y:
        year = int(y) if len(y) == 4 else 2000 + int(y)
    half = None
    h = m.group("half")
    if h:
        half = 1 if h.upper() in ("상반기", "상", "1/2", "H1") else 2
    quarter = None
    for g in ("q1", "q2", "q4", "q5"):
        if m.group(g):
            quarter = int(m.group(g))
    if m.group("q3"):
        quarter = _ROMAN[m.group("q3").upper()]
    if year is None and half is None and quarter is None:
        return None
    return _Parsed(year, half, quarter)


@functools.lru_cache(maxsize=1 << 16)  # asked for every header cell and every cell above it (grid.period_of)
def is_total(text: str) -> bool:
    """A total column's or row's heading (계, 합 계, 총사업비, 사업비 계, 계(백만원) …; vocab.TOTAL_HEADING).

    누계 (cumulative to date) is not one; 소계 is, because a 소계 column or row heads the per-unit subtotal
    the budget contract keeps as fund=total.  An unknown heading can still be a total by arithmetic (rows).
    """
    s = re.sub(r"[(（][^)）]*[)）]$", "", _squash(text))
    return bool(s) and TOTAL_HEADING.fullmatch(s) is not None


@functools.lru_cache(maxsize=1 << 16)  # a pure function of two strings; Period is frozen
def parse(text: str, parent: str | None = None) -> Optional[Period]:
    """The period a header cell names, using the year of a parent header cell when it has none.

    None when the text is not a period heading (a label like 단위사업), or when it
    names a half/quarter and no year can be found.
    """
    if is_total(text):
        return TOTAL
    p = _parse(text)
    if p is None:
        return None
    year = p.year
    if year is None and parent:
        pp = _parse(parent)
        if pp is not None and pp.half is None and pp.quarter is None:
            year = pp.year
    if year is None:
        return None
    return make(year, p.half, p.quarter)


def year_of(text: str) -> Optional[int]:
    """The year a header cell names by itself (`’21`, `2022년`), else None."""
    p = _parse(text)
    return p.year if p and p.half is None and p.quarter is None else None


def parse_quarter_code(text: str) -> Optional[str]:
    """`2021Q4` from a `--quarter` argument (`2021Q4`, `2021-Q4`, `2021.4Q` …); None when unreadable."""
    m = re.fullmatch(r"\s*((?:19|20)\d{2})\s*[-.]?\s*(?:Q([1-4])|([1-4])Q)\s*", text or "", re.IGNORECASE)
    if not m:
        return None
    return f"{m.group(1)}Q{m.group(2) or m.group(3)}"


# A year and quarter inside a running line (`2021. 4/4분기 공약사업 추진상황`, `’21년 제4분기 …`): found on
# the squashed line, then read by `parse` so a report line and a column heading mean the same thing.
_QUARTER_IN_LINE = re.compile(
    r"(?<!\d)(?:(?:19|20)\d{2}|[" + _QUOTES + r"]\d{2})(?:년도|년)?\.?(?:제)?"
    r"(?:[1-4]/4(?:분기)?|[1-4]분기|(?:IV|III|II|I)분기|[1-4]Q)",
    re.IGNORECASE,
)


def quarters_in_line(text: str) -> list[str]:
    """Quarter codes (`2021Q4`) a line of text names, in order."""
    out = []
    for m in _QUARTER_IN_LINE.finditer(_squash(text)):
        p = parse(m.group(0).replace("제", ""))
        if p is not None and "Q" in p.code:
            out.append(p.code)
    return out
