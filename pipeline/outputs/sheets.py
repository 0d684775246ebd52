"""What each sheet of the quarter workbook holds: its columns, their kind, and its rows (pure functions).

The workbook is the clerk's working file, so it leads with what they act on —
요약 (the published figures), 검토의견 (what to fix), 변경 (what changed since the
previous quarter) — then the contract tables, each with its item's title beside
the number and with the per-row provenance columns, then 연간목표 (every task
against this year's target) and 참고사항 (findings that need no fix).  Codes are
shown as Korean labels (``labels``); the writer (``xlsx``) decides cell types and
formats from each column's kind.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

import pandas as pd

from ..contract import COLUMNS, DIFF, FINDINGS, is_blank, item_key, records
from ..quarter.diff import is_restatement
from ..vocab import is_quarter
from .fixlist import fix_list
from .labels import VALUE_LABELS, header
from .provenance import SOURCE_COLUMNS, SRC_COLUMNS
from .summary import summary_figures, task_achievements

# Column kinds: how the writer types and formats a cell.
TEXT, ID, YEAR, AMOUNT, RATE, MIXED, FIGURE = "text", "id", "year", "amount", "rate", "mixed", "figure"
# Contract columns that are not text.
_KINDS = {"item_no": ID, "secured_year": YEAR, "value": AMOUNT, "expected": MIXED, "found": MIXED,
          "before": MIXED, "after": MIXED, "source_page": ID, "source_table": ID, "source_row": ID,
          "source_col": ID, "src_page": ID, "src_row": ID, "src_col": ID}
# Long free text: wrapped in a capped column.
WRAP = {"title", "final_goal", "text", "message", "definition", "location", "task", "unit"}


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    kind: str = TEXT

    @property
    def wrap(self) -> bool:
        return self.key in WRAP


@dataclass
class Sheet:
    """One sheet: its title, its columns and its rows (values already labelled; None = empty cell)."""

    name: str  # what read_xlsx calls it (a contract table name, or summary/fixes/diff/targets/notes)
    title: str
    cols: list[Col]
    rows: list[list[Any]]


SHEET_TITLES: dict[str, str] = {
    "summary": "요약", "fixes": "검토의견", "diff": "변경", "items": "공약사업", "budget": "투자계획·집행액",
    "plan": "추진계획", "performance": "추진실적", "targets": "연간목표", "notes": "참고사항",
}


def kind_of(col: str) -> str:
    if col.endswith("_mkrw"):
        return AMOUNT
    return _KINDS.get(col, TEXT)


def column(col: str, title: Optional[str] = None) -> Col:
    return Col(col, title or header(col), kind_of(col))


def _label(col: str, v: Any) -> Any:
    if is_blank(v):
        return None
    f = VALUE_LABELS.get(col)
    return f(v) if f else v


def _has(rows: list[dict], col: str) -> bool:
    return any(not is_blank(r.get(col)) for r in rows)


# ----------------------------------------------------------------------------- the contract tables

def table_sheet(name: str, df: Optional[pd.DataFrame], items: dict[str, dict]) -> Sheet:
    """A contract table: its columns (codes labelled), the item's title after its number, provenance last."""
    rows = records(df)
    cols = [column(c) for c in COLUMNS[name]]
    if name != "items":
        cols.insert(cols.index(next(c for c in cols if c.key == "item_no")) + 1, column("title"))
        # Per-row provenance: the contract's source_* columns when the rows carry them, else the normaliser's
        # src_*; the file and page fall back to the item's (its page range) so every row names its source.
        per_row = [c for c in SOURCE_COLUMNS if _has(rows, c)] or [c for c in SRC_COLUMNS if _has(rows, c)]
        page_known = _has(rows, "source_page") or _has(rows, "src_page")
        cols.append(column("source_file"))
        cols.append(Col("_page", "원본 쪽" if page_known else "원본 쪽(사업 범위)", ID))
        cols += [column(c) for c in per_row if c not in ("source_file", "source_page", "src_page")]
    out = []
    for r in rows:
        item = items.get(item_key(r.get("item_no")), {})
        rec = {**r, "title": r.get("title", item.get("title")) if name == "items" else item.get("title"),
               "source_file": r.get("source_file") if not is_blank(r.get("source_file")) else item.get("source_file"),
               "_page": next((r[k] for k in ("source_page", "src_page") if not is_blank(r.get(k))),
                             item.get("source_pages"))}
        out.append([_label(c.key, rec.get(c.key)) for c in cols])
    return Sheet(name, SHEET_TITLES[name], cols, out)


# ----------------------------------------------------------------------------- summary, findings, diff, targets

def summary_sheet(tables: Mapping[str, pd.DataFrame], quarter: str) -> Sheet:
    figs = summary_figures(tables, quarter)
    cols = [Col("label", "항목"), Col("value", "값", FIGURE), Col("unit", "단위"), Col("definition", "정의")]
    rows = [[r["label"], None if is_blank(r["value"]) else (r["value"], r["unit"]), r["unit"], r["definition"]]
            for r in records(figs)]
    return Sheet("summary", SHEET_TITLES["summary"], cols, rows)


FINDING_COLS = ["item_no", "title", "source_file", "page", "severity", "check", "message", "location",
                "expected", "found", "report_quarter"]


def findings_sheet(name: str, tables: Mapping[str, pd.DataFrame], to_fix: bool) -> Sheet:
    """검토의견 (what to fix) or 참고사항: each finding with its item, file and page, check and severity in Korean."""
    cols = [column(c) for c in FINDING_COLS]
    rows = [[_label(c, f.get(c)) for c in FINDING_COLS] for f in fix_list(tables, to_fix)]
    return Sheet(name, SHEET_TITLES[name], cols, rows)


def diff_sheet(diff: Optional[pd.DataFrame], quarter: Optional[str], items: dict[str, dict]) -> Sheet:
    """변경: every difference from the previous quarter, restatements (a past period's figure changed) marked."""
    keys = ["table", "change", "item_no", "title", "unit", "kind", "fund", "task", "period", "field", "before",
            "after", "restated"]
    cols = [column(c, "공약사업명" if c == "title" else None) for c in keys]
    rows = []
    for r in records(diff.reindex(columns=list(dict.fromkeys(DIFF + list(diff.columns))))
                      if diff is not None else None):
        if "restated" in r and not is_blank(r.get("restated")):
            restated = str(r["restated"]).lower() not in ("false", "0", "")
        else:
            restated = bool(quarter) and is_restatement(r, quarter)
        title = items.get(item_key(r.get("item_no")), {}).get("title")
        if title is None and r.get("field") == "title":
            title = r.get("after") or r.get("before")
        rec = {**r, "title": title, "restated": "예" if restated and r.get("change") == "changed" else None}
        rows.append([_label(c, rec.get(c)) for c in keys])
    return Sheet("diff", SHEET_TITLES["diff"], cols, rows)


TARGET_VERDICTS = {"met": "달성", "on_pace": "진도 충족", "behind": "미달", "none": "비교 불가"}


def targets_sheet(tables: Mapping[str, pd.DataFrame], quarter: str, items: dict[str, dict]) -> Sheet:
    """연간목표: every task with a numeric target this year, its result to date and the verdict."""
    t = task_achievements(tables, quarter)
    year = quarter[:4]
    cols = [column("item_no"), column("title"), column("unit"), column("task"), column("measure"),
            Col("target", f"{year}년 목표", AMOUNT), Col("actual", "보고분기까지 실적", AMOUNT),
            Col("rate", "달성률", RATE), Col("expected", "지금까지 채울 몫", RATE), Col("verdict", "판정")]
    rows = []
    for r in records(t):
        verdict = ("met" if r["met"] else "on_pace" if r["on_pace"] else "behind") if r["compared"] else "none"
        rows.append([r["item_no"], items.get(r["item_no"], {}).get("title"), r["unit"] or None, r["task"],
                     r["measure"] or None, r["target"], r["actual"], r["rate"], r["expected"],
                     TARGET_VERDICTS[verdict]])
    return Sheet("targets", SHEET_TITLES["targets"], cols, rows)


def workbook_sheets(tables: Mapping[str, pd.DataFrame], *, quarter: Optional[str] = None,
                    diff: Optional[pd.DataFrame] = None) -> list[Sheet]:
    """Every sheet of the quarter workbook, in order.  Without ``quarter`` (tables that name none) the
    summary and target sheets are left out; without ``diff`` the 변경 sheet has its header only."""
    items = {item_key(r.get("item_no")): r for r in records(tables.get("items"))}
    quarter = quarter if quarter and is_quarter(quarter) else None
    findings = tables.get("findings")
    full = {**tables, "findings": findings if findings is not None else pd.DataFrame(columns=FINDINGS)}
    sheets = []
    if quarter:
        sheets.append(summary_sheet(full, quarter))
    sheets.append(findings_sheet("fixes", full, True))
    sheets.append(diff_sheet(diff, quarter, items))
    for name in ("items", "budget", "plan", "performance"):
        sheets.append(table_sheet(name, tables.get(name), items))
    if quarter:
        sheets.append(targets_sheet(full, quarter, items))
    sheets.append(findings_sheet("notes", full, False))
    return sheets
