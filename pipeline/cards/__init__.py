"""The normaliser, the format-blind half: Document → the four contract tables (pandas) and its warnings.

Readers know formats, this knows pledges.  ``extract`` finds the items, turns
each into rows, and decides the report quarter the contract's way: the
document's own statement first, then the newest 추진실적 quarter that holds a
figure, then the caller's ``quarter``; a card with none of these is an error,
never a guess.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import pandas as pd

from ..contract import BUDGET, ITEMS, PLAN
from ..errors import InputError, NoPledgeItem
from ..model import Document
from .itembox import item_row
from .periods import parse_quarter_code
from .rows import item_tables
from .segment import cross_check, find_items, report_quarter_in_text, reporting_body

SRC_ROW_COLS = ["src_page", "src_table", "src_row", "src_col"]


def _frame(rows: list[dict[str, Any]], cols: list[str], extra: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=cols + extra)
    return df.astype(object).where(df.notna(), None) if len(df) else df


def _latest_performance_quarter(perf: list[dict[str, Any]]) -> Optional[str]:
    quarters = [r["period"] for r in perf if "Q" in str(r["period"])]
    return max(quarters) if quarters else None


@dataclass
class Extraction:
    """What the normaliser made of one document: the contract tables (with ``src_*`` provenance columns)
    and what it could not read cleanly, one sentence each (`item 7: …` when it is about an item)."""

    tables: dict[str, pd.DataFrame]
    warnings: list[str] = field(default_factory=list)


def extract(doc: Document, quarter: str | None = None) -> Extraction:
    """The contract tables of one document and the normaliser's warnings; the document is not changed.

    Raises NoPledgeItem when the document holds no pledge card, InputError when
    the report quarter cannot be determined.
    """
    warnings: list[str] = []
    items = find_items(doc, warnings)
    if not items:
        raise NoPledgeItem("no pledge item found")
    warnings.extend(cross_check(doc, items))
    item_rows: list[dict[str, Any]] = []
    # Rows become a small frame per item as soon as the item is read, so a 150-item report never holds all its
    # rows as dicts at once (memory must not grow much with the page count).
    frames: dict[str, list[pd.DataFrame]] = {"budget": [], "plan": [], "performance": []}
    columns = {"budget": BUDGET, "plan": PLAN, "performance": PLAN}
    quarters: list[str] = []
    for item in items:
        item_rows.append(item_row(item, doc.source, doc.format))
        item_warnings: list[str] = []
        item_tables_ = item_tables(item, item_warnings)
        warnings.extend(f"item {item.item_no}: {w}" for w in item_warnings)
        for name, rows in item_tables_.items():
            for r in rows:
                r["item_no"] = item.item_no
            if name == "performance":
                q = _latest_performance_quarter(rows)
                if q:
                    quarters.append(q)
            if rows:
                frames[name].append(_frame(rows, columns[name], SRC_ROW_COLS))

    rq = report_quarter_in_text(doc) or (max(quarters) if quarters else None)
    if rq is None and quarter is not None:
        rq = parse_quarter_code(quarter)
        if rq is None:
            raise InputError(f"--quarter {quarter!r} is not a quarter like 2021Q4")
    if rq is None:
        raise InputError("report quarter not found in the document (no '2021년 4분기' line and no 추진실적 "
                         "figure); give it with --quarter, e.g. --quarter 2021Q4")
    for r in item_rows:
        r["report_quarter"] = rq
    body = reporting_body(doc)
    for r in item_rows:
        r["src_body"] = body
    tables = {
        name: (pd.concat(parts, ignore_index=True) if parts else _frame([], columns[name], SRC_ROW_COLS))
        for name, parts in frames.items()
    }
    for df in tables.values():
        df["report_quarter"] = rq
    return Extraction({
        "items": _frame(item_rows, ITEMS, ["src_pages", "src_body"]),
        "budget": tables["budget"],
        "plan": tables["plan"],
        "performance": tables["performance"],
    }, warnings)
