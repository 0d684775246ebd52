"""Findings: what the card's own arithmetic and form say is wrong (CONTRACT.md, findings.csv).

The contract tables hold figures exactly as printed — a validator never
"corrects" them — so a printing error survives into the CSVs and the only place
it is caught is here.  Every check compares a printed figure with what the other
printed figures of the same card say it should be.

Two rules keep the list worth reading:
- no false alarms from legitimate layouts: a check runs only when the card prints
  everything it needs (a table without 국비 rows says nothing about the 국비 box;
  an 집행액 table with only a unit total is compared with that unit's total;
  예산확보액 is compared with the year's total, not with 시비 + 구비, because it may
  include 국비/기타);
- one printing error, as few findings as the arithmetic allows: cross-table checks
  (box vs table, 예산확보액, 집행액) accept *any* way the table's own figures give
  the value, so an error inside a table is reported once by the in-table checks and
  not again by every check that reads that table.

Money is compared with a tolerance of 0.0005 백만원 because 천원 tables become
fractions of 백만원.
"""
from __future__ import annotations

import re
from typing import Optional

import pandas as pd

from ..contract import FINDINGS, Finding, item_key
from ..vocab import FUND_LABELS, FUND_PARTS
from .findings import Findings, text
from .matrix import matrices
from .rules import (
    check_box,
    check_executed,
    check_periods,
    check_secured,
    check_total_columns,
    check_total_rows,
    rows_by_item,
)

# The `check` codes of findings.csv and what each means to a reader of the report.
CHECK_NAMES = {
    "total_budget_sum": "총사업비 = " + " + ".join(FUND_LABELS[f] for f in FUND_PARTS),
    "box_fund_vs_plan": "총사업비(재원별) = 연차별 투자수요 계",
    "total_column": "계 열 = 연도별 합계",
    "total_row": "계·소계 행 = 재원별·단위사업별 합계",
    "secured_vs_plan": "예산확보액 = 그 해 투자수요 계",
    "executed_over_plan": "집행액 ≤ 투자수요",
    "period_outside_term": "사업기간 밖의 연도",
}
# What the readers and the normaliser could not read or place (pipeline.cards), in the same words: every figure is
# in a row or named by one of these.
READING_CHECK_NAMES = {
    "extraction_warning": "읽기 경고 (원본 확인 필요)",
    "unread_cell": "읽지 못한 칸",
    "item_unidentified": "사업을 알 수 없는 카드",
    "unread_column": "읽지 못한 열",
    "unread_row": "읽지 못한 행",
    "unread_table": "읽지 못한 표",
    "not_an_amount": "금액이 아닌 칸",
    "duplicate_key": "같은 항목이 두 번 인쇄됨",
    "other_funds_summed": "기타 재원 합산",
    "total_by_arithmetic": "합계로 판단한 열 (제목 대신 계산)",
    "toc_item_missing": "목차에 있으나 카드 없음",
    "toc_item_unlisted": "목차에 없는 사업",
    "toc_page_mismatch": "목차의 쪽 번호와 다름",
    "report_quarter_unreadable": "보고분기 표기를 읽지 못함",
}
CHECK_NAMES.update(READING_CHECK_NAMES)


def check(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Findings (FINDINGS columns) for the contract tables of one or more items; empty when all adds up."""
    items = tables.get("items")
    budget = tables.get("budget")
    grids = matrices(budget) if budget is not None else {}
    quarter_of: dict[str, str] = {}
    source_of: dict[str, str] = {}
    item_rows: dict[str, dict] = {}
    if items is not None and len(items):
        for r in items.to_dict("records"):
            k = item_key(r.get("item_no"))
            item_rows.setdefault(k, r)
            quarter_of.setdefault(k, text(r.get("report_quarter")))
            source_of.setdefault(k, text(r.get("source_file")))
    for name in ("budget", "plan", "performance"):
        df = tables.get(name)
        if df is not None and len(df) and {"report_quarter", "item_no"} <= set(df.columns):
            for k, q in zip(df["item_no"].map(item_key), df["report_quarter"].map(text)):
                quarter_of.setdefault(k, q)
    out = Findings(quarter_of, source_of)
    by_item = rows_by_item(tables)
    all_items = list(item_rows) + [k for (k, _) in grids if k not in item_rows]
    seen: set[str] = set()
    for item in all_items:
        if item in seen:
            continue
        seen.add(item)
        plan = grids.get((item, "plan"))
        exe = grids.get((item, "executed"))
        row = item_rows.get(item)
        if row is not None:
            check_box(item, row, plan, out)
            check_secured(item, row, plan, out)
        for g in (plan, exe):
            if g is not None:
                check_total_columns(item, g, out)
                check_total_rows(item, g, out)
        if exe is not None:
            check_executed(item, exe, plan, out)
        if row is not None:
            check_periods(item, row, by_item.get(item, {}), out)
    return pd.DataFrame(out.rows, columns=FINDINGS)


WARNING_CHECK = "extraction_warning"
# A finding of this severity is printed on the console one by one; the others (info) by their count.
LOUD = ("error", "warning")


def _page_in(message: str) -> Optional[int]:
    m = re.match(r"(\d+)쪽:", message)  # a PDF reader's warning names its page first (`3쪽: …`)
    return int(m.group(1)) if m else None


def findings_frame(tables: dict[str, pd.DataFrame], findings: list[Finding], reader_warnings: list[str],
                   source_file: str) -> pd.DataFrame:
    """The normaliser's findings and the reader's warnings as findings.csv rows of one file, once each.

    A reader warning (`표 3: 적힌 크기는 65535 × 65535이지만 …`, `2쪽: …`) is a ``warning`` finding
    ``extraction_warning``: the reader knows no item and cannot tell how much it matters, so it is shown, not
    counted; the normaliser's findings carry their own item and severity.
    """
    items = tables.get("items")
    rq = str(items["report_quarter"].iloc[0]) if items is not None and len(items) else ""
    if not rq:
        for name in ("budget", "plan", "performance"):
            df = tables.get(name)
            if df is not None and len(df):
                rq = str(df["report_quarter"].iloc[0])
                break
    rows: list[dict] = []
    seen: set[tuple] = set()
    every = [Finding(WARNING_CHECK, "warning", w, None, _page_in(w)) for w in reader_warnings] + list(findings)
    for f in every:
        row = f.row(rq, source_file)
        key = tuple(str(row[c]) for c in FINDINGS)
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return pd.DataFrame(rows, columns=FINDINGS)
