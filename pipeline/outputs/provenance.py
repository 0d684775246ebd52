"""Where a figure came from, as the report and the workbook show it: file, page, table and cell.

The contract rows of budget/plan/performance carry per-row provenance columns
(README, "Provenance columns"): ``source_file``, ``source_page`` (1-based; empty
for HWP/HWPX), ``source_table`` (the table's index in ``tables --json``, from 0),
``source_row``/``source_col`` (the cell in that table, from 0) and, for PDFs,
``source_bbox`` (`x0 top x1 bottom`, points).  Tables made before those columns
existed (an old archive) or rows straight from the normaliser carry less: the
in-memory ``src_page``/``src_table`` (a heading)/``src_row``/``src_col``, or only
the item's ``source_file``/``source_pages``.  Every function here takes whatever
a row has and says as much as is known — never a made-up page.

A person reads positions counted from 1 (`4번째 표, 3행 5열`); the columns keep
the machine's 0-based indices so that ``tables --json`` can be indexed with them.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

from ..contract import cell_number, is_blank

# The per-row provenance columns of the budget, plan and performance CSVs, in contract order.
SOURCE_COLUMNS = ["source_file", "source_page", "source_table", "source_row", "source_col", "source_bbox"]
# The normaliser's in-memory provenance (dropped when a CSV is written).
SRC_COLUMNS = ["src_page", "src_table", "src_row", "src_col"]


def _text(v: object) -> str:
    if is_blank(v):
        return ""
    n = cell_number(v)
    if n is not None and n.is_integer() and not isinstance(v, str):
        return str(int(n))
    return str(v).strip()


def _index(v: object) -> Optional[int]:
    n = cell_number(v)
    return int(n) if n is not None and n.is_integer() and n >= 0 else None


def row_source(row: Mapping[str, Any], item: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    """A row's provenance, normalised: file, page (text), table (0-based index or None), table name, row and
    col (0-based or None), bbox (text); the item's file and pages fill what the row lacks."""
    item = item or {}
    file = _text(row.get("source_file")) or _text(item.get("source_file"))
    page = _text(row.get("source_page")) or _text(row.get("src_page"))
    pages = page or _text(item.get("source_pages"))
    table = _index(row.get("source_table"))
    table_name = ""
    if table is None and not is_blank(row.get("src_table")):
        # The normaliser names a table by its heading (연차별 투자수요), not by an index.
        table_name = _text(row.get("src_table"))
    r = _index(row.get("source_row"))
    c = _index(row.get("source_col"))
    if r is None and c is None:
        r, c = _index(row.get("src_row")), _index(row.get("src_col"))
    return {"file": file, "page": page, "pages": pages, "table": table, "table_name": table_name,
            "row": r, "col": c, "bbox": _text(row.get("source_bbox")), "cell_known": r is not None}


def describe(src: Mapping[str, Any]) -> str:
    """A one-line description of where a figure is: `a.pdf, p.5, 4번째 표, 3행 5열` — as much as is known."""
    parts = [src["file"]] if src.get("file") else []
    if src.get("page"):
        parts.append(f"p.{src['page']}")
    elif src.get("pages"):
        parts.append(f"p.{src['pages']} (사업 범위)")
    if src.get("table") is not None:
        parts.append(f"{src['table'] + 1}번째 표")
    elif src.get("table_name"):
        parts.append(f"표 「{src['table_name']}」")
    if src.get("row") is not None and src.get("col") is not None:
        parts.append(f"{src['row'] + 1}행 {src['col'] + 1}열")
    return ", ".join(parts)


def pages_of(rows: list[Mapping[str, Any]]) -> str:
    """The pages a group of rows came from, as `5` or `5-6` (empty when the rows name none)."""
    pages = sorted({int(n) for n in (cell_number(r.get("source_page") if not is_blank(r.get("source_page"))
                                                  else r.get("src_page")) for r in rows)
                    if n is not None and n.is_integer()})
    if not pages:
        return ""
    return str(pages[0]) if pages[0] == pages[-1] else f"{pages[0]}-{pages[-1]}"
