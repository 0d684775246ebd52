"""The CSV contract (../shared/corpus/CONTRACT.md) as code: table names, columns, and how they are written.

Every module that makes or reads contract tables takes the column lists from
here, so a column is named in exactly one place.  DataFrames passed between
modules may carry extra provenance columns whose names start with ``src_``
(``src_file``, ``src_page``, ``src_table``, ``src_row``, ``src_col``); they are
kept for findings and the report and dropped when a CSV is written.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from .fsio import atomic_write_frame

ITEMS = [
    "report_quarter", "item_no", "title", "status", "category", "total_budget_mkrw",
    "total_national_mkrw", "total_province_mkrw", "total_city_mkrw", "total_district_mkrw",
    "total_county_mkrw", "total_other_mkrw", "secured_year", "secured_budget_mkrw",
    "secured_national_mkrw", "secured_province_mkrw", "secured_city_mkrw", "secured_district_mkrw",
    "secured_county_mkrw", "secured_other_mkrw", "start", "end", "final_goal", "lead_department",
    "support_department", "source_file", "source_pages",
]
# Where a row's figure was printed (README, "Provenance columns"): after the contract's own columns, which
# score.py reads by name, so a reader of the contract ignores them.
PROVENANCE = ["source_file", "source_page", "source_table", "source_row", "source_col", "source_bbox"]
BUDGET = ["report_quarter", "item_no", "unit", "kind", "fund", "period", "period_start",
          "period_end", "amount_mkrw", *PROVENANCE]
PLAN = ["report_quarter", "item_no", "unit", "task", "period", "period_start", "period_end",
        "text", "value", "measure", *PROVENANCE]
PERFORMANCE = PLAN
FINDINGS = ["report_quarter", "item_no", "check", "severity", "source_file", "page", "location", "expected",
            "found", "message"]
DIFF = ["table", "change", "item_no", "unit", "kind", "fund", "task", "period", "field",
        "before", "after"]

COLUMNS: dict[str, list[str]] = {
    "items": ITEMS,
    "budget": BUDGET,
    "plan": PLAN,
    "performance": PERFORMANCE,
    "findings": FINDINGS,
}
# The four tables score.py compares; findings is ours.
CONTRACT_TABLES = ("items", "budget", "plan", "performance")
ALL_TABLES = ("items", "budget", "plan", "performance", "findings")

# Row keys, as in CONTRACT.md's diff section.
KEYS: dict[str, list[str]] = {
    "items": ["item_no"],
    "budget": ["item_no", "unit", "kind", "fund", "period"],
    "plan": ["item_no", "unit", "task", "period"],
    "performance": ["item_no", "unit", "task", "period"],
}

@dataclass
class Finding:
    """One row of findings.csv before its file and quarter are known: what was read wrongly, or not at all.

    ``severity``: ``error`` (an item could not be identified), ``warning`` (a figure or a printed sum that is
    wrong or was not read), ``info`` (read, with a remark).  The normaliser and the checks both make these, so
    that every finding names its file and page the same way.
    """

    check: str
    severity: str
    message: str
    item_no: Optional[int] = None
    page: object = None  # a page (int) or a range ("4-5"); None for formats without pages
    location: str = ""
    expected: object = ""
    found: object = ""

    def row(self, report_quarter: str = "", source_file: str = "") -> dict[str, Any]:
        return {"report_quarter": report_quarter, "item_no": self.item_no, "check": self.check,
                "severity": self.severity, "source_file": source_file, "page": self.page,
                "location": self.location, "expected": self.expected, "found": self.found,
                "message": self.message}


def is_blank(v: object) -> bool:
    """Nothing printed: None, NaN or a string of spaces (a CSV's empty cell)."""
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def cell_number(v: object) -> Optional[float]:
    """A figure from a table cell — a number, a `2,720` CSV string, or blank — as float; None when nothing is
    printed.  Every consumer of contract tables (validator, report, diff) reads figures through this one rule."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        f = float(v)
        return None if math.isnan(f) else f
    s = re.sub(r"\s+", "", str(v))
    if s in ("", "-", "–", "—", "nan", "None"):
        return None
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def records(df: Optional[pd.DataFrame]) -> list[dict[str, Any]]:
    """A table's rows as dicts, missing cells as None (not NaN): what the outputs iterate over."""
    if df is None or not len(df):
        return []
    return df.astype(object).where(df.notna(), None).to_dict("records")


def cell_text(v: object) -> str:
    """A cell as stripped text, '' for a blank one."""
    return "" if is_blank(v) else str(v).strip()


def item_key(v: object) -> str:
    """`57`, `57.0` and ` 57 ` are one item number: the key that joins an item's rows across tables and files."""
    f = cell_number(v)
    if f is not None and f.is_integer():
        return str(int(f))
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()


def empty(table: str) -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS[table])


def to_contract(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """The contract columns only, in contract order (provenance ``src_*`` dropped)."""
    cols = COLUMNS[table]
    out = df.reindex(columns=cols)
    return out


def _fmt(v: object) -> object:
    # Integers stay integers in the CSV (2880, not 2880.0); None/NaN become empty.
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        if v.is_integer():
            return int(v)
        return repr(v)
    return v


def contract_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """The table exactly as its CSV holds it: contract columns, integers without .0, blanks for None."""
    return to_contract(table, df).astype(object).map(_fmt) if len(df) else to_contract(table, df)


def write_csv(path: Path, table: str, df: pd.DataFrame) -> None:
    """UTF-8 with BOM (Excel opens Korean correctly), written atomically (temp file + rename)."""
    atomic_write_frame(Path(path), contract_frame(table, df))


def same_rows(table: str, a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two versions of a table would write the same CSV rows (order aside)."""
    def key(df: pd.DataFrame) -> list[tuple]:
        return sorted(tuple(str(v) for v in r) for r in contract_frame(table, df).itertuples(index=False))

    return key(a) == key(b)


def read_csv(path: Path, table: str) -> pd.DataFrame:
    """A contract CSV back as strings-and-numbers the way it was written (empty cells as '')."""
    df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return df.reindex(columns=COLUMNS[table], fill_value="")
