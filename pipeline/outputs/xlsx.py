"""The quarter's tables as one Excel workbook for people: a sheet per table, Korean column headers.

Cell types are decided here, not by Excel's guessing: money and counts are
numbers (so officers can sum them), everything else is a string cell.  That
matters for hostile or odd text — a cell printed as `=HYPERLINK("…")` must stay
the text it was on the card, never become a live formula — and for text that
merely looks numeric (`1,942` in a 추진실적 cell keeps its comma).
"""
from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any, Mapping

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..contract import COLUMNS, DIFF, is_blank

SHEETS: dict[str, str] = {
    "items": "공약사업",
    "budget": "투자계획·집행액",
    "plan": "추진계획",
    "performance": "추진실적",
    "findings": "검증결과",
    "diff": "변경사항",
}

HEADERS: dict[str, str] = {
    "report_quarter": "보고분기",
    "item_no": "공약번호",
    "title": "공약사업명",
    "status": "추진상황",
    "category": "사업구분",
    "total_budget_mkrw": "총사업비(백만원)",
    "total_national_mkrw": "총사업비 국비(백만원)",
    "total_province_mkrw": "총사업비 도비(백만원)",
    "total_city_mkrw": "총사업비 시비(백만원)",
    "total_district_mkrw": "총사업비 구비(백만원)",
    "total_county_mkrw": "총사업비 군비(백만원)",
    "total_other_mkrw": "총사업비 기타(백만원)",
    "secured_year": "예산확보 연도",
    "secured_budget_mkrw": "예산확보액(백만원)",
    "secured_national_mkrw": "예산확보 국비(백만원)",
    "secured_province_mkrw": "예산확보 도비(백만원)",
    "secured_city_mkrw": "예산확보 시비(백만원)",
    "secured_district_mkrw": "예산확보 구비(백만원)",
    "secured_county_mkrw": "예산확보 군비(백만원)",
    "secured_other_mkrw": "예산확보 기타(백만원)",
    "start": "사업시작",
    "end": "사업종료",
    "final_goal": "최종목표",
    "lead_department": "주관부서",
    "support_department": "협조부서",
    "source_file": "원본 파일",
    "source_pages": "원본 쪽",
    "unit": "단위사업",
    "kind": "구분(plan=투자수요, executed=집행액)",
    "fund": "재원",
    "period": "기간",
    "period_start": "기간 시작일",
    "period_end": "기간 종료일",
    "amount_mkrw": "금액(백만원)",
    "task": "세부사업",
    "text": "내용",
    "value": "수치",
    "measure": "단위",
    "check": "검증항목",
    "severity": "수준",
    "page": "쪽",
    "location": "위치",
    "expected": "맞는 값(계산)",
    "found": "인쇄된 값",
    "message": "설명",
    "table": "표",
    "change": "변경",
    "field": "항목",
    "before": "이전",
    "after": "이후",
}

# Columns that hold figures; every other column is text, whatever it looks like.
NUMERIC = {
    "item_no", "total_budget_mkrw", "total_national_mkrw", "total_province_mkrw", "total_city_mkrw",
    "total_district_mkrw", "total_county_mkrw", "total_other_mkrw", "secured_year", "secured_budget_mkrw",
    "secured_national_mkrw", "secured_province_mkrw", "secured_city_mkrw", "secured_district_mkrw",
    "secured_county_mkrw", "secured_other_mkrw",
    "amount_mkrw", "value",
}
# Columns that may hold a figure or a text (findings' expected/found, a diff's before/after).
MIXED = {"expected", "found", "before", "after"}
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _number(v: Any, strict_text: bool) -> Any:
    """A figure as int/float, or None when it is not one (`strict_text`: only plain digits count)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return None if isinstance(v, float) and math.isnan(v) else v
    s = str(v).strip()
    if not strict_text:
        s = s.replace(",", "")
    if not _PLAIN_NUMBER.match(s):
        return None
    f = float(s)
    return int(f) if f.is_integer() and "." not in s else f


def _cell(ws: Any, column: str, v: Any) -> Any:
    if is_blank(v):
        return None
    if column in NUMERIC or column in MIXED:
        n = _number(v, strict_text=column in MIXED)
        if n is not None:
            if isinstance(n, float) and n.is_integer():
                n = int(n)
            return n
    text = ILLEGAL_CHARACTERS_RE.sub("", str(v))
    c = WriteOnlyCell(ws, value=text)
    c.data_type = "s"  # never a formula, whatever the text starts with
    return c


def write_xlsx(path: Path, tables: Mapping[str, pd.DataFrame]) -> None:
    """One sheet per table present (contract column order), header row in Korean, fsynced to disk."""
    wb = openpyxl.Workbook(write_only=True)
    for name, sheet in SHEETS.items():
        df = tables.get(name)
        if df is None:
            continue
        columns = DIFF if name == "diff" else COLUMNS[name]
        df = df.reindex(columns=columns)
        ws = wb.create_sheet(sheet)
        ws.append([HEADERS.get(c, c) for c in columns])
        for rec in df.itertuples(index=False, name=None):
            ws.append([_cell(ws, c, v) for c, v in zip(columns, rec)])
    if not wb.worksheets:
        wb.create_sheet("빈 분기")
    path = Path(path)
    wb.save(path)
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def read_xlsx(path: Path) -> dict[str, pd.DataFrame]:
    """The sheets back with contract column names (for checks and tests); cells as openpyxl gives them."""
    wb = openpyxl.load_workbook(path, read_only=True)
    out: dict[str, pd.DataFrame] = {}
    back = {v: k for k, v in SHEETS.items()}
    for ws in wb.worksheets:
        name = back.get(ws.title)
        if name is None:
            continue
        columns = DIFF if name == "diff" else COLUMNS[name]
        rows = list(ws.iter_rows(values_only=True))
        body = [list(r) + [None] * (len(columns) - len(r)) for r in rows[1:]]
        out[name] = pd.DataFrame(body, columns=columns)
    wb.close()
    return out
