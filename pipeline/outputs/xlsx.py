"""The quarter workbook for people: frozen bold header, filters, widths that fit Korean, numbers formatted.

Which sheets and columns it holds is ``sheets``; this module writes them.  Cell
types are decided here, not by Excel's guessing: money and counts are numbers
(so officers can sum them) with a `#,##0` format (decimals only as many as the
figure has, so a 천원 card's 126.457 백만원 shows whole), rates are fractions with
`0.0%`, everything else is a string cell.  That matters for hostile or odd text —
a cell printed as `=HYPERLINK("…")` must stay the text it was on the card, never
become a live formula — and for text that merely looks numeric (`1,942` in a
추진실적 cell keeps its comma).
"""
from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any, Mapping, Optional

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..contract import COLUMNS, DIFF, FINDINGS, is_blank
from .display import fmt, text_em
from .labels import code_of, header
from .sheets import AMOUNT, FIGURE, ID, MIXED, RATE, SHEET_TITLES, YEAR, Col, Sheet, workbook_sheets

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8ECF0")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_ALIGN = Alignment(vertical="top", wrap_text=True)
TOP_ALIGN = Alignment(vertical="top")
MAX_WIDTH, WRAP_WIDTH, MIN_WIDTH = 60.0, 48.0, 6.0
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def workbook_name(quarter: str) -> str:
    """The workbook's file name in a quarter's archive folder."""
    return f"{quarter}.xlsx"


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


def amount_format(v: float) -> str:
    """`#,##0` for a whole figure, else as many decimals as it has (at most 6): 126.457 → `#,##0.000`."""
    if float(v).is_integer():
        return "#,##0"
    decimals = len(f"{v:.6f}".rstrip("0").split(".")[1])
    return "#,##0." + "0" * decimals


def _shown(v: Any, number_format: Optional[str]) -> str:
    """Roughly what Excel shows, to size the column."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if number_format == "0.0%":
            return f"{v * 100:.1f}%"
        if number_format == "0":
            return str(int(v))
        return fmt(v)
    return str(v)


def _cell(ws: Any, col: Col, v: Any) -> tuple[Any, str]:
    """The cell to append and the text it shows (for the width)."""
    number_format = None
    if col.kind == FIGURE and isinstance(v, tuple):  # (value, unit) of the summary sheet
        v, unit = v
        if unit == "%" and v is not None:
            v, number_format = v / 100, "0.0%"
    if is_blank(v):
        return None, ""
    if col.kind in (ID, YEAR, AMOUNT, RATE, MIXED, FIGURE):
        n = _number(v, strict_text=col.kind == MIXED)
        if n is not None:
            if isinstance(n, float) and n.is_integer():
                n = int(n)
            if col.kind == RATE:
                n, number_format = n / 100, "0.0%"
            elif number_format is None:
                number_format = "0" if col.kind in (ID, YEAR) else amount_format(n)
            c = WriteOnlyCell(ws, value=n)
            c.number_format = number_format
            c.alignment = TOP_ALIGN
            return c, _shown(n, number_format)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(v))
    c = WriteOnlyCell(ws, value=text)
    c.data_type = "s"  # never a formula, whatever the text starts with
    c.alignment = WRAP_ALIGN if col.wrap else TOP_ALIGN
    return c, text


def _width(texts: list[str], wrap: bool) -> float:
    """A column width in Excel's units (a `0`'s width): Hangul counts about two, Latin about one."""
    longest = max((max((text_em(line) for line in t.split("\n")), default=0) for t in texts), default=0)
    w = longest * 1.9 + 2
    return max(MIN_WIDTH, min(w, WRAP_WIDTH if wrap else MAX_WIDTH))


def _write_sheet(wb: Any, sheet: Sheet) -> None:
    ws = wb.create_sheet(sheet.title)
    body = [[_cell(ws, col, v) for col, v in zip(sheet.cols, row)] for row in sheet.rows]
    for j, col in enumerate(sheet.cols):
        texts = [col.header] + [r[j][1] for r in body]
        # A heading may wrap onto two lines; the figures below decide the width of a narrow column.
        head = max(text_em(w) for w in col.header.split()) if col.header.split() else 0
        width = max(_width(texts[1:], col.wrap), min(_width([col.header], False), head * 1.9 + 3))
        ws.column_dimensions[get_column_letter(j + 1)].width = round(width, 1)
    ws.freeze_panes = "A2"
    last = get_column_letter(len(sheet.cols))
    ws.auto_filter.ref = f"A1:{last}{len(body) + 1}"
    head_cells = []
    for col in sheet.cols:
        c = WriteOnlyCell(ws, value=col.header)
        c.font, c.fill, c.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        head_cells.append(c)
    ws.append(head_cells)
    for row in body:
        ws.append([c for c, _ in row])


def write_xlsx(path: Path, tables: Mapping[str, pd.DataFrame], *, quarter: Optional[str] = None,
               diff: Optional[pd.DataFrame] = None) -> Path:
    """Write the quarter workbook (sheets: ``sheets.workbook_sheets``), fsynced; returns its path.

    ``quarter`` (the report quarter; taken from the tables when not given) is
    needed for the summary and target sheets; ``diff`` is the quarter's diff
    against the previous one (``quarter.diff.diff_tables``, optionally with a
    ``restated`` column), shown on the 변경 sheet.
    """
    if quarter is None:
        from ..quarter.diff import quarter_of_tables

        quarter = quarter_of_tables(tables)
    if diff is None and tables.get("diff") is not None:
        diff = tables["diff"]
    wb = openpyxl.Workbook(write_only=True)
    for sheet in workbook_sheets(tables, quarter=quarter, diff=diff):
        _write_sheet(wb, sheet)
    path = Path(path)
    wb.save(path)
    with open(path, "rb+") as f:
        os.fsync(f.fileno())
    return path


# ----------------------------------------------------------------------------- reading back

def _sheet_frame(ws: Any) -> tuple[list[str], list[list[Any]]]:
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        return [], []
    head = [str(h) if h is not None else "" for h in rows[0]]
    return head, [list(r) + [None] * (len(head) - len(r)) for r in rows[1:]]


def _back(frame_cols: list[str], head: list[str], body: list[list[Any]]) -> pd.DataFrame:
    """Rows of a sheet under their contract column names, labels turned back into codes."""
    by_header = {h: i for i, h in enumerate(head)}
    out = []
    for r in body:
        rec = {}
        for c in frame_cols:
            i = by_header.get(header(c))
            v = r[i] if i is not None else None
            rec[c] = code_of(c, v, codes=COLUMNS["items"] + ["amount_mkrw", "text", "value", "measure"])
        out.append(rec)
    return pd.DataFrame(out, columns=frame_cols)


def read_xlsx(path: Path) -> dict[str, pd.DataFrame]:
    """The workbook back as contract tables (codes, not labels), ``findings`` (검토의견 + 참고사항) and
    ``diff``; for checks and tests.  Cells come as openpyxl gives them."""
    wb = openpyxl.load_workbook(path, read_only=True)
    back = {v: k for k, v in SHEET_TITLES.items()}
    found: dict[str, tuple[list[str], list[list[Any]]]] = {}
    for ws in wb.worksheets:
        name = back.get(ws.title)
        if name is not None:
            found[name] = _sheet_frame(ws)
    wb.close()
    out: dict[str, pd.DataFrame] = {}
    for name in ("items", "budget", "plan", "performance"):
        if name in found:
            out[name] = _back(COLUMNS[name], *found[name])
    parts = [_back(FINDINGS, *found[n]) for n in ("fixes", "notes") if n in found]
    if parts:
        out["findings"] = pd.concat(parts, ignore_index=True) if any(len(p) for p in parts) else parts[0]
    if "diff" in found:
        out["diff"] = _back(DIFF + ["restated"], *found["diff"])
    return out
