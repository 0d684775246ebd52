"""One pledge item → contract rows: the key-value box, and each contract table as observations.

Works on the document model only.  A printed table is turned into a grid of
*slots* (every slot points at the printed cell covering it, so a merged cell
is carried down and across and still counts once), its header rows are
combined into one period per column, the columns left of the first period
column are label columns, and every non-blank value cell becomes one row.
Parts of one table printed on consecutive pages are stitched into one grid
first (repeated header dropped, a row split at the break joined again).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Optional

from .model import Table, TextBlock
from .numbers import amount_with_unit, is_blank, money_scale, parse_measure, parse_money
from .periods import Period, parse as parse_period
from .segment import ItemSpan, Section, sections, source_pages
from .textclean import clean, fold

HEADER_WORDS = {
    "단위사업", "구분", "세부과제", "세부사업", "과제", "사업명", "분야", "내용", "사업내용", "추진과제",
    "단위과제", "세부내용", "항목", "재원", "연도", "년도", "기간", "세부추진과제", "추진내용", "사업",
}
FUND_WORDS = {
    "국비": "national", "시비": "city", "도비": "city", "구비": "district", "군비": "district",
    "기타": "other", "민자": "other", "계": "total", "소계": "total", "합계": "total", "총계": "total",
}
TOTAL_WORDS = {"계", "소계", "합계", "총계"}
_FUND_AMOUNT = re.compile(
    r"(국비|시비|도비|구비|군비|기타)\s*[:：]?\s*([△▲-]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(백만원|천원|억원)?"
)
_NUMBER = re.compile(r"[△▲-]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_PERIOD_LINE = re.compile(
    r"기\s*간\s*[:：]?\s*((?:19|20)\d{2})\s*[.년]\s*(\d{1,2})\s*월?\s*\.?\s*[~∼〜-]\s*"
    r"((?:19|20)\d{2})\s*[.년]\s*(\d{1,2})"
)
_DEPT = re.compile(r"([\uac00-\ud7a3·]+?(?:과|담당관|센터|사업소|보건소))(?=장|\s|[:：(]|$)")


@dataclass(frozen=True)
class Slot:
    """One grid position: the printed cell covering it (``key`` identifies that cell)."""

    key: tuple
    text: str
    page: Optional[int]
    row: int  # position of the printed cell in its source table
    col: int


@dataclass
class Grid:
    rows: list[list[Slot]]
    ncols: int
    header: int = 0
    periods: dict[int, Period] = field(default_factory=dict)
    nlabels: int = 0  # label columns: those left of the first period column


def slots_of(t: Table, part: int) -> list[list[Slot]]:
    g = t.grid()
    out = []
    for r in range(t.rows):
        row = []
        for c in range(t.cols):
            cell = g[r][c]
            if cell is None:
                row.append(Slot((part, r, c, "void"), "", t.page, r, c))
            else:
                row.append(Slot((part, cell.row, cell.col), cell.text or "", t.page, cell.row, cell.col))
        out.append(row)
    return out


def _distinct(row: list[Slot]) -> list[Slot]:
    seen, out = set(), []
    for s in row:
        if s.key not in seen:
            seen.add(s.key)
            out.append(s)
    return out


def _is_header_text(text: str, above: list[str]) -> bool:
    f = fold(clean(text))
    if not f or f in HEADER_WORDS or re.fullmatch(r"\(?단위[:：].*", f):
        return True
    if parse_period(text) is not None:
        return True
    return any(parse_period(text, a) is not None for a in above)


def header_rows(rows: list[list[Slot]]) -> int:
    """How many leading rows are header: every cell a column word or a period (≤ 3 rows)."""
    h = 0
    for r, row in enumerate(rows[:3]):
        above = [s.text for rr in rows[:r] for s in rr]
        cells = _distinct(row)
        if not all(_is_header_text(s.text, above) for s in cells):
            break
        if not any(fold(s.text) for s in cells):
            break
        h = r + 1
    # A header must name at least one period, else it is a body row of words.
    while h and not _periods(rows, h):
        h -= 1
    return h


def _periods(rows: list[list[Slot]], h: int) -> dict[int, Period]:
    out: dict[int, Period] = {}
    if not rows:
        return out
    for c in range(len(rows[0])):
        stack = _distinct([rows[r][c] for r in range(h)])
        if not stack:
            continue
        leaf = stack[-1].text
        p = parse_period(leaf)
        if p is None:
            for s in reversed(stack[:-1]):
                p = parse_period(leaf, s.text)
                if p is not None:
                    break
        if p is not None:
            out[c] = p
    return out


def analyse(rows: list[list[Slot]]) -> Grid:
    g = Grid(rows, len(rows[0]) if rows else 0)
    g.header = header_rows(rows)
    if g.header:
        g.periods = _periods(rows, g.header)
        g.nlabels = min(g.periods) if g.periods else 0
    return g


def _same_header(a: list[list[Slot]], b: list[list[Slot]], h: int) -> bool:
    if len(b) < h:
        return False
    return all(fold(x.text) == fold(y.text) for ra, rb in zip(a[:h], b[:h]) for x, y in zip(ra, rb))


def stitch(parts: list[Table]) -> list[Grid]:
    """Parts of one printed table → grids; a part on a later page with the same columns continues it."""
    grids: list[Grid] = []
    prev_table: Optional[Table] = None
    for i, t in enumerate(parts):
        rows = slots_of(t, i)
        if not rows:
            continue
        cont = (
            grids
            and prev_table is not None
            and t.page is not None
            and prev_table.page is not None
            and t.page > prev_table.page
            and t.cols == grids[-1].ncols
            and grids[-1].header
        )
        if cont:
            g = grids[-1]
            if _same_header(g.rows, rows, g.header):
                rows = rows[g.header:]
            elif header_rows(rows):
                cont = False
        if not cont:
            grids.append(analyse(rows))
            prev_table = t
            continue
        g = grids[-1]
        _append_continuation(g, rows)
        prev_table = t
    return grids


def _append_continuation(g: Grid, rows: list[list[Slot]]) -> None:
    """Join a continued part to the grid.

    A first row without a task label is the rest of the last row cut by the
    page break: its text joins the last row's cells (a vertical label cut in
    two, `민⏎관⏎협` + `력`, becomes one label everywhere it is used).  Empty
    outer labels further down continue the label printed above the break.
    """
    L = g.nlabels
    for k, row in enumerate(rows):
        row = list(row)
        task_empty = L and not clean(row[L - 1].text)
        if k == 0 and task_empty and len(g.rows) > g.header:
            last = g.rows[-1]
            for c in range(g.ncols):
                new = row[c]
                if not clean(new.text):
                    continue
                base = last[c]
                text = (base.text + "\n" + new.text) if clean(base.text) else new.text
                merged = replace(base, text=text)
                _rekey(g.rows, {base.key, new.key}, merged)
                _rekey(rows, {base.key, new.key}, merged)
            continue
        if L and len(g.rows) > g.header:
            above = g.rows[-1]
            for c in range(L - 1):
                if not clean(row[c].text):
                    row[c] = above[c]
        g.rows.append(row)


def _rekey(rows: list[list[Slot]], keys: set, slot: Slot) -> None:
    for row in rows:
        for c, s in enumerate(row):
            if s.key in keys:
                row[c] = slot


def _scale(section: Section, grid_rows: list[list[Slot]]) -> Decimal:
    notes = [n for n in section.notes if "단위" in n] + [
        s.text for row in grid_rows[:2] for s in row if "단위" in s.text
    ]
    for n in notes:
        sc = money_scale(n)
        if sc is not None:
            return sc
    return Decimal(1)


def _src(s: Slot, name: str) -> dict[str, Any]:
    return {"src_page": s.page, "src_table": name, "src_row": s.row, "src_col": s.col}


def text_rows(section: Section, warnings: list[str]) -> list[dict[str, Any]]:
    """Plan / performance rows: (unit, task, period) → text, value, measure."""
    out: list[dict[str, Any]] = []
    for g in stitch(section.parts):
        if not g.periods or not g.nlabels:
            continue
        L = g.nlabels
        for row in g.rows[g.header:]:
            task_slot = row[L - 1]
            task = clean(task_slot.text)
            if not task:
                if any(not is_blank(clean(row[c].text)) for c in g.periods):
                    warnings.append(f"{section.heading}: a row without a label on page {task_slot.page} was skipped")
                continue
            unit_parts, seen = [], {task_slot.key}
            for s in row[: L - 1]:
                if s.key in seen:
                    continue
                seen.add(s.key)
                t = clean(s.text)
                if t:
                    unit_parts.append(t)
            label_keys = {s.key for s in row[:L]}
            done = set()
            for c, p in sorted(g.periods.items()):
                s = row[c]
                if s.key in label_keys or p.code in done:
                    continue
                text = clean(s.text)
                if is_blank(text):
                    continue
                done.add(p.code)
                value, measure = parse_measure(text)
                out.append({
                    "unit": " > ".join(unit_parts), "task": task, "period": p.code,
                    "period_start": p.start, "period_end": p.end, "text": text, "value": value,
                    "measure": measure, **_src(s, section.heading),
                })
    return out


def _fund_col(g: Grid) -> Optional[int]:
    L = g.nlabels
    for c in range(L - 1, -1, -1):
        vals = [fold(clean(row[c].text)) for row in g.rows[g.header:]]
        if any(v in ("국비", "시비", "도비", "구비", "군비", "기타", "소계") for v in vals):
            return c
    return None


def money_rows(section: Section, kind: str, warnings: list[str]) -> list[dict[str, Any]]:
    """Budget rows (투자수요 kind=plan, 집행액 kind=executed): (unit, fund, period) → amount in 백만원."""
    out: list[dict[str, Any]] = []
    grids = stitch(section.parts)
    for g in grids:
        scale = _scale(section, g.rows)
        if not g.periods or not g.nlabels:
            out.extend(_transposed_rows(g, section, kind, scale, warnings))
            continue
        fcol = _fund_col(g)
        for row in g.rows[g.header:]:
            if fcol is not None:
                fs = row[fcol]
                unit_slots = [s for s in _distinct(row[:fcol]) if s.key != fs.key]
                fword = fold(clean(fs.text))
                fund = FUND_WORDS.get(fword)
                if fund is None:
                    if any(not is_blank(row[c].text) for c in g.periods):
                        warnings.append(f"{section.heading}: unknown fund {clean(fs.text)!r} on page {fs.page}")
                    continue
            else:
                unit_slots = _distinct(row[: g.nlabels])
                fund = "total"
            unit = " > ".join(t for t in (clean(s.text) for s in unit_slots) if t)
            if fold(unit) in TOTAL_WORDS:
                unit, fund = "", "total"
            label_keys = {s.key for s in row[: g.nlabels]}
            done = set()
            for c, p in sorted(g.periods.items()):
                s = row[c]
                if s.key in label_keys or p.code in done:
                    continue
                try:
                    amount = parse_money(s.text, scale)
                except ValueError:
                    warnings.append(f"{section.heading}: not an amount {clean(s.text)!r} on page {s.page}")
                    continue
                if amount is None:
                    continue
                done.add(p.code)
                out.append({
                    "unit": unit, "kind": kind, "fund": fund, "period": p.code,
                    "period_start": p.start, "period_end": p.end, "amount_mkrw": amount,
                    **_src(s, section.heading),
                })
    return out


def _transposed_rows(g: Grid, section: Section, kind: str, scale: Decimal,
                     warnings: list[str]) -> list[dict[str, Any]]:
    """Years as rows, funds as columns (unit empty)."""
    rows = g.rows
    if not rows:
        return []
    # The header row names funds.
    for h in range(min(3, len(rows))):
        funds = {c: FUND_WORDS.get(fold(clean(s.text))) for c, s in enumerate(rows[h])}
        funds = {c: f for c, f in funds.items() if f}
        if len(funds) >= 2:
            break
    else:
        return []
    out = []
    first = min(funds)
    for row in rows[h + 1:]:
        label = " ".join(clean(s.text) for s in _distinct(row[:first]))
        p = parse_period(label)
        if p is None:
            continue
        for c, fund in funds.items():
            s = row[c]
            try:
                amount = parse_money(s.text, scale)
            except ValueError:
                warnings.append(f"{section.heading}: not an amount {clean(s.text)!r} on page {s.page}")
                continue
            if amount is None:
                continue
            out.append({"unit": "", "kind": kind, "fund": fund, "period": p.code, "period_start": p.start,
                        "period_end": p.end, "amount_mkrw": amount, **_src(s, section.heading)})
    return out


# ---- the item row -------------------------------------------------------------------------------

def _kv_pairs(tables: list[Table]) -> list[tuple[str, str]]:
    """(label, value) pairs of key-value boxes: each cell and the next cell to its right."""
    out = []
    for t in tables:
        g = t.grid()
        for c in sorted(t.cells, key=lambda c: (c.row, c.col)):
            nxt = c.col + c.colspan
            if nxt < t.cols and g[c.row][nxt] is not None:
                out.append((clean(c.text), g[c.row][nxt].text))
    return out


def _box_amounts(text: str) -> tuple[Optional[float], dict[str, float]]:
    """Total and per-fund amounts of a 총사업비 / 예산확보액 box, in 백만원."""
    total = amount_with_unit(text)
    unit_m = re.search(r"(백만원|천원|억원)", text)
    default_scale = money_scale(unit_m.group(1)) if unit_m else Decimal(1)
    if total is None:
        m = _NUMBER.search(text)
        total = parse_money(m.group(0), default_scale) if m else None
    funds: dict[str, float] = {}
    for m in _FUND_AMOUNT.finditer(text):
        sc = money_scale(m.group(3)) if m.group(3) else default_scale
        funds[FUND_WORDS[m.group(1)]] = parse_money(m.group(2), sc)
    return total, funds


def item_row(item: ItemSpan, source_file: str, fmt: str) -> dict[str, Any]:
    row: dict[str, Any] = {"item_no": item.item_no, "title": item.title}
    tables = [b for b in item.blocks if isinstance(b, Table)]
    pairs = _kv_pairs(item.kv_tables)
    for label, value in pairs:
        f = fold(label)
        if f.startswith("추진상황") and "status" not in row:
            row["status"] = clean(value)
        elif f.startswith("사업구분") and "category" not in row:
            row["category"] = clean(value)
        elif f.startswith("총사업비") and "total_budget_mkrw" not in row:
            total, funds = _box_amounts(value)
            row["total_budget_mkrw"] = total
            for fund in ("national", "city", "district", "other"):
                row[f"total_{fund}_mkrw"] = funds.get(fund, 0)
        elif "예산확보액" in f and "secured_budget_mkrw" not in row:
            y = re.search(r"((?:19|20)\d{2})", label)
            row["secured_year"] = int(y.group(1)) if y else None
            total, funds = _box_amounts(value)
            row["secured_budget_mkrw"] = total
            row["secured_city_mkrw"] = funds.get("city", 0 if total is not None else None)
            row["secured_district_mkrw"] = funds.get("district", 0 if total is not None else None)
        elif f.startswith("최종목표") and "final_goal" not in row:
            row["final_goal"] = clean(value)
    texts = [b.text for b in item.blocks if isinstance(b, TextBlock)]
    if "final_goal" not in row:
        row["final_goal"] = _final_goal(texts)
    for t in texts + [c.text for tb in tables for c in tb.cells]:
        m = _PERIOD_LINE.search(re.sub(r"\s+", " ", t))
        if m:
            row["start"] = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
            row["end"] = f"{int(m.group(3)):04d}-{int(m.group(4)):02d}"
            break
    row["lead_department"] = _department(item, "주관부서")
    row["support_department"] = _department(item, "협조부서")
    row["source_file"] = source_file
    row["source_pages"] = source_pages(item) if fmt == "pdf" else ""
    row["src_pages"] = sorted(set(item.pages)) or None
    return row


def _final_goal(texts: list[str]) -> str:
    out: list[str] = []
    on = False
    for t in texts:
        f = fold(t)
        if "최종목표" in f:
            on = True
            rest = re.split(r"최\s*종\s*목\s*표\s*[:：]?", t, maxsplit=1)[-1]
            if clean(rest):
                out.append(clean(rest))
            continue
        if on:
            if re.match(r"^\s*[□■▣◎]", t) or "사업개요" in f:
                break
            out.append(clean(t))
    return " ".join(x for x in out if x)


def _department(item: ItemSpan, label: str) -> str:
    candidates: list[str] = []
    for b in item.blocks:
        if isinstance(b, TextBlock):
            if label in fold(b.text):
                candidates.append(re.split(label[0] + r"\s*" + r"\s*".join(label[1:]), b.text, maxsplit=1)[-1])
        else:
            g = b.grid()
            for c in b.cells:
                if fold(c.text) == label or fold(c.text).startswith(label):
                    rest = clean(c.text)[len(label):] if len(fold(c.text)) > len(label) else ""
                    nxt = c.col + c.colspan
                    if nxt < b.cols and g[c.row][nxt] is not None:
                        rest = rest + " " + g[c.row][nxt].text
                    candidates.append(rest)
    for cand in candidates:
        m = _DEPT.search(clean(cand))
        if m:
            return m.group(1)
    return ""


def item_tables(item: ItemSpan, warnings: list[str]) -> dict[str, list[dict[str, Any]]]:
    """All contract rows of one item (without report_quarter / item_no)."""
    out: dict[str, list[dict[str, Any]]] = {"budget": [], "plan": [], "performance": []}
    for s in sections(item):
        if s.kind == "plan":
            out["plan"].extend(text_rows(s, warnings))
        elif s.kind == "perf":
            out["performance"].extend(text_rows(s, warnings))
        elif s.kind == "budget_plan":
            out["budget"].extend(money_rows(s, "plan", warnings))
        elif s.kind == "budget_exec":
            out["budget"].extend(money_rows(s, "executed", warnings))
    return out
