"""The contract's vocabulary in one place: the codes the CSVs hold and the Korean that prints them.

Why one module: a fund, a period code or a status is named by the normaliser
(reading a card), the checks (writing a finding), the workbook, the report and
its charts.  When each kept its own list they drifted apart; a new fund (도비)
must be one line here, not seven edits.  Words the normaliser *reads* (Korean →
code) and labels the outputs *print* (code → Korean) sit side by side so that
every code has both directions next to each other.
"""
from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Optional

# ----------------------------------------------------------------------------- funds

# Fund codes of budget.csv, in the order tables and charts show them (``total`` last).  Each label a card
# prints has its own code, whatever kind of government prints it: a 자치구 prints 시비/구비, a 시 under a 도
# prints 도비/시비, a 군 prints 도비/군비 (CONTRACT.md).
FUNDS = ("national", "province", "city", "district", "county", "other", "total")
# The funds that add up to a total (every code but ``total``).
FUND_PARTS = FUNDS[:-1]
FUND_LABELS = {"national": "국비", "province": "도비", "city": "시비", "district": "구비", "county": "군비",
               "other": "기타", "total": "계"}
# items.csv columns of the 총사업비 box and of the 예산확보액 box, by fund.
BOX_FIELDS = {fund: f"total_{fund}_mkrw" for fund in FUND_PARTS}
SECURED_FIELDS = {fund: f"secured_{fund}_mkrw" for fund in FUND_PARTS}
# What a card prints in a fund column or row → fund code.  Any other named source in a fund column (민자,
# 기금, 특별교부세 …) is ``other`` too: the normaliser maps an unknown label there, it needs no list.
FUND_WORDS = {
    "국비": "national", "도비": "province", "시비": "city", "구비": "district", "군비": "county",
    "기타": "other", "민자": "other", "계": "total", "소계": "total", "합계": "total", "총계": "total",
}
# The fund words a 총사업비 / 예산확보액 box names with an amount (an unknown word there is ``other``).
BOX_FUND_WORDS = ("국비", "도비", "시비", "구비", "군비", "기타")
# A total column or row heading (CONTRACT.md: 계, 합계, 총계, 총사업비, 사업비 계 and the like), matched on the
# whitespace-free heading with a bracketed unit removed.  The list is open: a column whose figures are the sum of
# its row's periods is a total whatever it is headed (the normaliser tests that arithmetic), so this pattern
# only needs the common forms.  누계 (cumulative) is not a total; 소계 heads a per-unit subtotal (fund=total).
TOTAL_HEADING = re.compile(r"(?:총?사업비|총?예산|금액)?(?:합|총|소)?계|총?사업비|총액")

# ----------------------------------------------------------------------------- tables, kinds, statuses

KIND_LABELS = {"plan": "투자계획", "executed": "집행액"}
# The printed title of each budget kind's table (findings name the table a figure is in).
KIND_TABLE_TITLES = {"plan": "연차별 투자수요", "executed": "연차별 집행액"}
# The printed title of each contract table (findings name it).
TABLE_TITLES = {"plan": "연차별 추진계획", "performance": "추진실적", "budget": "투자계획·집행액"}
# Short names of the tables in the report and the diff.
TABLE_LABELS = {"items": "사업", "budget": "예산", "plan": "추진계획", "performance": "추진실적"}
CHANGE_LABELS = {"added": "추가", "removed": "삭제", "changed": "변경"}
# 추진상황 values in the order the report counts them.
STATUS_ORDER = ("완료", "이행 후 계속추진", "정상추진", "부진", "보류", "폐기")
# Finding severities of findings.csv, most urgent first, and how a clerk reads them.
SEVERITY_ORDER = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "오류", "warning": "경고", "info": "참고"}
# The severities an office must act on (the report's and the workbook's list of what to fix).
SEVERITIES_TO_FIX = ("error", "warning")

# ----------------------------------------------------------------------------- the normaliser's words

# Contract sections by the words of their heading (folded: no spaces).
SECTION_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("perf", ("추진실적",)),
    ("plan", ("추진계획",)),
    ("budget_plan", ("투자수요", "투자계획", "소요예산")),
    ("budget_exec", ("집행액", "집행실적", "집행현황")),
]
# Words that open a heading of a card (a line starting with one of them is never an item's name).
HEADING_WORDS = tuple(w for _, words in SECTION_WORDS for w in words) + (
    "사업개요", "최종목표", "사업목적", "추진배경", "향후계획", "문제점", "주관부서", "협조부서", "추진상황", "총사업비",
    "사업구분")
# Header cells of value columns that are not periods: a table's label columns end before the first of these.
VALUE_WORDS = {"목표", "계획", "실적", "비고", "누계", "목표량", "실적량", "계획량", "달성률", "추진율", "진도율"}
# Sub-headings under a period (`2021년` over `계획 | 실적`): what a column holds for that period.
ROLE_WORDS = {"계획": "plan", "목표": "plan", "계획량": "plan", "목표량": "plan", "실적": "result", "실적량": "result"}

# ----------------------------------------------------------------------------- period codes

# A contract period code: `2019` (year), `2018H2` (half), `2021Q1` (quarter); `total` is the total column.
PERIOD_CODE = re.compile(r"^(?P<y>\d{4})(?:H(?P<h>[12])|Q(?P<q>[1-4]))?$")
# A report quarter `2021Q4`.
QUARTER_CODE = re.compile(r"^(?P<y>\d{4})Q(?P<q>[1-4])$")


def period_range(code: object) -> Optional[tuple[date, date]]:
    """First and last day of a contract period code (`2019`, `2018H2`, `2021Q1`); None for `total`/unknown."""
    m = PERIOD_CODE.match(str(code or "").strip())
    if not m:
        return None
    y = int(m["y"])
    if m["h"]:
        m0, m1 = (1, 6) if m["h"] == "1" else (7, 12)
    elif m["q"]:
        q = int(m["q"])
        m0, m1 = 3 * q - 2, 3 * q
    else:
        m0, m1 = 1, 12
    return date(y, m0, 1), date(y, m1, calendar.monthrange(y, m1)[1])


def is_quarter(code: object) -> bool:
    return bool(QUARTER_CODE.match(str(code or "").strip()))


def quarter_range(quarter: str) -> tuple[date, date]:
    """First and last day of a report quarter `2021Q4`; ValueError when it is not one."""
    if not is_quarter(quarter):
        raise ValueError(f"not a quarter code: {quarter!r}")
    r = period_range(quarter)
    assert r is not None
    return r


def quarter_key(quarter: str) -> tuple[int, int]:
    """(year, quarter) for sorting report quarters; ValueError when it is not one."""
    m = QUARTER_CODE.match(str(quarter or "").strip())
    if not m:
        raise ValueError(f"not a quarter code: {quarter!r}")
    return int(m["y"]), int(m["q"])


def period_label(code: object, *, year_word: bool = True) -> str:
    """`2018H1` → `2018년 상반기`, `2021Q1` → `2021년 1분기`, `2019` → `2019년`, `total` → `계`.

    ``year_word=False`` drops the 년 (`2018 상반기`, `2019`) where a table's column heading is short.
    """
    c = str(code or "")
    if c == "total":
        return "계"
    m = PERIOD_CODE.match(c)
    if not m:
        return c
    y = m["y"] + ("년" if year_word else "")
    if m["h"]:
        return f"{y} {'상' if m['h'] == '1' else '하'}반기"
    if m["q"]:
        return f"{y} {m['q']}분기"
    return y


def quarter_label(q: str) -> str:
    """'2021Q4' → '2021년 4분기'; anything else is shown as given."""
    return period_label(q) if is_quarter(q) else (q or "")


def period_sort_key(code: object) -> tuple:
    """Periods in time order, a longer period before the shorter ones it starts with; `total` last."""
    b = period_range(code)
    if b is None:
        return (1, date.max, date.max, str(code))
    return (0, b[0], -b[1].toordinal(), str(code))
