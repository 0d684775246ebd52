"""The Korean a reader sees for every code and column of the contract tables (workbook, report, diff).

The codes themselves (``national``, ``plan``, ``2023Q1``, ``warning``,
``total_budget_sum``) are for programs; a clerk reads 국비, 투자계획, 2023년 1분기,
경고, 총사업비 = 국비 + …  The words come from the one vocabulary module
(``pipeline.vocab``) and the checks' own ``CHECK_NAMES``; column headings for the
per-fund columns are made from ``vocab.FUND_LABELS``, so a fund added there (도비,
군비) is labelled everywhere without an edit here.  Every label maps back to its
code (``code_of``), so a workbook can be read back into contract tables.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from ..checks import CHECK_NAMES
from ..vocab import (
    CHANGE_LABELS,
    FUND_LABELS,
    KIND_LABELS,
    PERIOD_CODE,
    SEVERITY_LABELS,
    TABLE_LABELS,
    period_label,
    quarter_label,
)

UNKNOWN_CHECK = "기타 점검"

# Column headings that do not depend on the fund list.
_BASE_HEADERS: dict[str, str] = {
    "report_quarter": "보고분기",
    "item_no": "공약번호",
    "title": "공약사업명",
    "status": "추진상황",
    "category": "사업구분",
    "total_budget_mkrw": "총사업비(백만원)",
    "secured_year": "예산확보 연도",
    "secured_budget_mkrw": "예산확보액(백만원)",
    "start": "사업시작",
    "end": "사업종료",
    "final_goal": "최종목표",
    "lead_department": "주관부서",
    "support_department": "협조부서",
    "source_file": "원본 파일",
    "source_pages": "원본 쪽",
    "unit": "단위사업",
    "kind": "구분",
    "fund": "재원",
    "period": "기간",
    "period_start": "기간 시작일",
    "period_end": "기간 종료일",
    "amount_mkrw": "금액(백만원)",
    "task": "세부과제",
    "text": "내용",
    "value": "수치",
    "measure": "단위",
    "check": "점검 항목",
    "severity": "수준",
    "page": "쪽",
    "location": "위치",
    "expected": "계산값",
    "found": "표기값",
    "message": "설명",
    "table": "표",
    "change": "변경",
    "field": "항목",
    "before": "이전",
    "after": "이후",
    "restated": "지난 기간 수정",
    # per-row provenance (source_*: the contract's; src_*: the normaliser's in-memory columns)
    "source_page": "원본 쪽",
    "source_table": "표 순번(0부터)",
    "source_row": "행(0부터)",
    "source_col": "열(0부터)",
    "source_bbox": "칸 위치(x0 top x1 bottom, pt)",
    "src_page": "원본 쪽",
    "src_table": "원본 표",
    "src_row": "행(0부터)",
    "src_col": "열(0부터)",
}

# Item fields as a reader names them in the report and the diff (no unit suffix).
_BASE_FIELDS: dict[str, str] = {
    "title": "사업명", "status": "추진상황", "category": "사업구분", "total_budget_mkrw": "총사업비",
    "secured_year": "예산확보 연도", "secured_budget_mkrw": "예산확보액",
    "start": "시작", "end": "종료", "final_goal": "최종목표", "lead_department": "주관부서",
    "support_department": "협조부서", "text": "내용", "value": "수치", "measure": "단위",
    "amount_mkrw": "금액",
}
_FUND_COLUMN = re.compile(r"^(total|secured)_([a-z]+)_mkrw$")


def _fund_column(col: str) -> Optional[tuple[str, str]]:
    """`total_province_mkrw` → ('총사업비', '도비'); None when the column is not a per-fund box column."""
    m = _FUND_COLUMN.match(col)
    if not m or m[2] not in FUND_LABELS or m[2] == "total":
        return None
    return ("총사업비" if m[1] == "total" else "예산확보액"), FUND_LABELS[m[2]]


def header(col: str) -> str:
    """A column's heading in the workbook: `총사업비 도비(백만원)`; the column name when it has none."""
    if col in _BASE_HEADERS:
        return _BASE_HEADERS[col]
    f = _fund_column(col)
    if f:
        return f"{f[0]} {f[1]}(백만원)"
    return col


def field_label(field: object) -> str:
    """An item or row field as the report and the diff name it: `총사업비 시비`, `예산확보액 국비`, `금액`."""
    s = "" if field is None else str(field)
    if s in _BASE_FIELDS:
        return _BASE_FIELDS[s]
    f = _fund_column(s)
    if f:
        return f"{f[0]} {f[1]}"
    return header(s)


def check_label(code: object) -> str:
    """A finding's check code as a reader names it (`총사업비 = 국비 + 시비 + 구비 + 기타`)."""
    s = "" if code is None else str(code).strip()
    return CHECK_NAMES.get(s) or (UNKNOWN_CHECK if s else "")


def severity_label(code: object) -> str:
    s = "" if code is None else str(code).strip()
    return SEVERITY_LABELS.get(s, s)


def _label_of(mapping: dict[str, str]) -> Callable[[object], str]:
    def f(v: object) -> str:
        s = "" if v is None else str(v)
        return mapping.get(s, s)
    return f


def _period(v: object) -> str:
    s = "" if v is None else str(v)
    return period_label(s) if (s == "total" or PERIOD_CODE.match(s)) else s


def _quarter(v: object) -> str:
    return quarter_label("" if v is None else str(v))


# Cell labels by column: the code a contract cell holds → what the workbook shows.
VALUE_LABELS: dict[str, Callable[[object], str]] = {
    "report_quarter": _quarter,
    "kind": _label_of(KIND_LABELS),
    "fund": _label_of(FUND_LABELS),
    "period": _period,
    "severity": severity_label,
    "check": check_label,
    "table": _label_of(TABLE_LABELS),
    "change": _label_of(CHANGE_LABELS),
    "field": field_label,
}

_PERIOD_LABEL = re.compile(r"^(\d{4})년(?: (?:(상|하)반기|([1-4])분기))?$")


def period_code(label: object) -> str:
    """The inverse of the period labels: `2022년 하반기` → `2022H2`, `2023년 1분기` → `2023Q1`, `계` → `total`."""
    s = "" if label is None else str(label).strip()
    if s == "계":
        return "total"
    m = _PERIOD_LABEL.match(s)
    if not m:
        return s
    if m[2]:
        return f"{m[1]}H{1 if m[2] == '상' else 2}"
    if m[3]:
        return f"{m[1]}Q{m[3]}"
    return m[1]


def code_of(column: str, label: object, codes: Optional[list[str]] = None) -> object:
    """The code behind a label the workbook shows in ``column`` (the label itself when none matches)."""
    if label is None:
        return None
    s = str(label)
    if column in ("period", "report_quarter"):
        return period_code(s)
    mapping = {
        "kind": KIND_LABELS, "fund": FUND_LABELS, "severity": SEVERITY_LABELS, "table": TABLE_LABELS,
        "change": CHANGE_LABELS,
        "check": CHECK_NAMES,
    }.get(column)
    if mapping is None and column == "field":
        mapping = {c: field_label(c) for c in (codes or [])}
    if mapping is None:
        return label
    back = {v: k for k, v in mapping.items()}
    return back.get(s, label)
