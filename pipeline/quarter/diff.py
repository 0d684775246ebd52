"""One quarter against the previous one: added, removed and changed rows of the contract tables.

The comparison is of what a reader sees, not of how a file spelled it: numbers
compare numerically (2720, 2720.0 and "2,720" are one figure, so a CSV read back
as strings equals the DataFrame it was written from) and text compares after
collapsing whitespace (a re-flowed cell is not a change).  Nothing is reported
that did not change.  A changed figure of a period that ended before the new
quarter began is a restatement — the report shows those apart, because that is
what an auditor asks about.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, Mapping, Optional

import pandas as pd

from ..contract import COLUMNS, CONTRACT_TABLES, DIFF, KEYS, is_blank, read_csv
from ..fsio import atomic_write_frame
from ..vocab import period_range, quarter_range

_NUM = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$")
NOT_COMPARED = {"items": {"report_quarter", "source_file", "source_pages"}}
FIELDS: dict[str, list[str]] = {
    "items": [c for c in COLUMNS["items"] if c not in NOT_COMPARED["items"] and c != "item_no"],
    "budget": ["amount_mkrw"],
    "plan": ["text", "value", "measure"],
    "performance": ["text", "value", "measure"],
}


def norm(v: Any) -> str:
    """The comparable form of a cell: numbers as floats, text NFC with whitespace collapsed, blanks as ''."""
    if is_blank(v):
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        return repr(float(v))
    s = re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(v))).strip()
    if _NUM.match(s.replace(" ", "")):
        return repr(float(s.replace(" ", "").replace(",", "")))
    return s


def show(v: Any) -> object:
    """A value for the before/after columns: integers without `.0`, blanks empty, text as written."""
    if is_blank(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _keyed(table: str, df: Optional[pd.DataFrame]) -> dict[tuple, dict]:
    """Rows by their key; a key printed twice keeps both, told apart by occurrence."""
    out: dict[tuple, dict] = {}
    if df is None or not len(df):
        return out
    keys = KEYS[table]
    for row in df.to_dict("records"):
        k = tuple(norm(row.get(c)) for c in keys)
        n = 0
        while (k, n) in out:
            n += 1
        out[(k, n)] = row  # type: ignore[index]
    return out


def _key_cols(table: str, row: Mapping[str, Any]) -> dict[str, object]:
    out: dict[str, object] = {c: "" for c in ("item_no", "unit", "kind", "fund", "task", "period")}
    for c in KEYS[table]:
        out[c] = show(row.get(c))
    return out


def diff_table(table: str, old: Optional[pd.DataFrame], new: Optional[pd.DataFrame]) -> list[dict]:
    """DIFF rows for one contract table, in the new table's order (removed rows after, in the old order)."""
    a, b = _keyed(table, old), _keyed(table, new)
    rows: list[dict] = []
    for k, nrow in b.items():
        orow = a.get(k)
        if orow is None:
            rows.append({"table": table, "change": "added", **_key_cols(table, nrow),
                         "field": "", "before": "", "after": ""})
            continue
        for f in FIELDS[table]:
            if norm(orow.get(f)) != norm(nrow.get(f)):
                rows.append({"table": table, "change": "changed", **_key_cols(table, nrow),
                             "field": f, "before": show(orow.get(f)), "after": show(nrow.get(f))})
    for k, orow in a.items():
        if k not in b:
            rows.append({"table": table, "change": "removed", **_key_cols(table, orow),
                         "field": "", "before": "", "after": ""})
    return rows


def diff_tables(old: Mapping[str, pd.DataFrame], new: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every difference between two quarters' contract tables, in the DIFF columns."""
    rows: list[dict] = []
    for table in CONTRACT_TABLES:
        rows.extend(diff_table(table, old.get(table), new.get(table)))
    return pd.DataFrame(rows, columns=DIFF)


def is_restatement(row: Mapping[str, Any], new_quarter: str) -> bool:
    """A changed figure of a past period: the period ended before `new_quarter` began.

    A revised investment plan (budget, kind plan) is a plan change, not a restated result.
    """
    if str(row.get("change", "")) != "changed":
        return False
    if str(row.get("table", "")) == "budget" and str(row.get("kind", "")) == "plan":
        return False
    r = period_range(str(row.get("period", "") or "").strip())
    if r is None:
        return False
    start, _ = quarter_range(new_quarter)
    return r[1] < start


def restatements(diff: pd.DataFrame, new_quarter: str) -> pd.Series:
    """A boolean mask over diff rows: True for restatements (see is_restatement)."""
    if not len(diff):
        return pd.Series([], dtype=bool)
    return pd.Series([is_restatement(r, new_quarter) for r in diff.to_dict("records")], index=diff.index)


def flagged_diff(old: Mapping[str, pd.DataFrame], new: Mapping[str, pd.DataFrame], new_quarter: str) -> pd.DataFrame:
    """``diff_tables`` plus its ``restated`` column: what the diff files, the report and the workbook show."""
    d = diff_tables(old, new)
    d["restated"] = restatements(d, new_quarter)
    return d


def load_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The contract CSVs of a folder (an archived quarter or an extract output); a missing CSV is empty."""
    folder = Path(folder)
    out: dict[str, pd.DataFrame] = {}
    for table in (*CONTRACT_TABLES, "findings"):
        p = folder / f"{table}.csv"
        out[table] = read_csv(p, table) if p.is_file() else pd.DataFrame(columns=COLUMNS[table])
    return out


def quarter_of_tables(tables: Mapping[str, pd.DataFrame]) -> Optional[str]:
    """The report quarter named in the tables (items first), None when none is."""
    for t in CONTRACT_TABLES:
        df = tables.get(t)
        if df is not None and len(df) and "report_quarter" in df.columns:
            for v in df["report_quarter"].tolist():
                if not is_blank(v):
                    return str(v).strip()
    return None


def write_diff(path: Path, diff: pd.DataFrame) -> None:
    """diff.csv the contract way: UTF-8 with BOM, DIFF columns, written atomically (temp file + rename)."""
    out = diff.reindex(columns=DIFF).astype(object).map(show) if len(diff) else diff.reindex(columns=DIFF)
    atomic_write_frame(Path(path), out)
