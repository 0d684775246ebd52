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
from .numbers import MONEY_UNIT_RE, amount_with_unit, is_blank, money_scale, parse_measure, parse_money
from .periods import Period, parse as parse_period
from .segment import ItemSpan, Section, sections, source_pages
from .textclean import clean, fold

# Header cells of value columns that are not periods: a table's label columns end before the first of these.
VALUE_WORDS = {"목표", "계획", "실적", "비고", "누계", "목표량", "실적량", "계획량", "달성률", "추진율", "진도율"}
# Sub-headings under a period (`2021년` over `계획 | 실적`): what a column holds for that period.
ROLE_WORDS = {"계획": "plan", "목표": "plan", "계획량": "plan", "목표량": "plan", "실적": "result", "실적량": "result"}
FUND_WORDS = {
    "국비": "national", "시비": "city", "도비": "city", "구비": "district", "군비": "district",
    "기타": "other", "민자": "other", "계": "total", "소계": "total", "합계": "total", "총계": "total",
}
TOTAL_WORDS = {"계", "소계", "합계", "총계"}
# A fund and its amount in a 총사업비 box.  The fund word stands alone (`시·구비` names two funds, so it is
# not 구비), and a share (`국비 50%`) is not an amount.
_FUND_AMOUNT = re.compile(
    r"(?<![\uac00-\ud7a3·])(국비|시비|도비|구비|군비|기타)\s*[:：]?\s*"
    r"([△▲-]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?!\d|[.,]\d)(?!\s*[%％])\s*("
    + MONEY_UNIT_RE + ")?"
)
# A bare amount: not a share (`50%`) and not a year of a range (`2019~2022`).
_NUMBER = re.compile(
    r"(?<![\d.,~∼〜])[△▲-]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d|[.,]\d)(?!\s*[%％년~∼〜])"
)
# `기 간 : 2018. 7월 ~ 2022. 6월`, `기간: ’18. 7. ~ ’22. 6.` (two-digit years after a quote).
_YEAR_IN_LINE = r"((?:19|20)\d{2}|[‘’'`´]\d{2})"
_PERIOD_LINE = re.compile(
    r"기\s*간\s*[:：]?\s*" + _YEAR_IN_LINE + r"\s*[.년]\s*(\d{1,2})\s*월?\s*\.?\s*[~∼〜-]\s*"
    + _YEAR_IN_LINE + r"\s*[.년]\s*(\d{1,2})(?!\d)"
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
    nlabels: int = 0  # label columns: those left of the first period or value column
    roles: dict[int, str] = field(default_factory=dict)  # column → plan | result, from a 계획/실적 sub-heading
    source: dict[int, tuple] = field(default_factory=dict)  # column → key of the header cell naming its period


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


def _period_of(text: str, above: list[str], parent: Optional[str]) -> Optional[Period]:
    p = parse_period(text)
    if p is None:
        p = next((q for q in (parse_period(text, a) for a in above) if q is not None), None)
    if p is None and parent:
        p = parse_period(text, parent)
    return p


def _is_label_text(text: str) -> bool:
    """A header cell that is a short word, not a figure or sentence (`구분`, `비고`, `연차별 추진계획`)."""
    t = clean(text)
    f = fold(t)
    if not f or re.fullmatch(r"\(?단위[:：].*", f):
        return True
    if parse_measure(t)[0] is not None or re.search(r"\d", f):
        return False
    return len(f) <= 20


def header_rows(rows: list[list[Slot]], parent: Optional[str] = None) -> int:
    """How many leading rows (≤ 3) are header.

    A header row names at least one period, and its other cells are short
    non-numeric labels (an unknown word such as 비고 is simply not a period
    column).  Above it may stand rows of labels only (`연차별 추진계획` over
    the years); below it a row of 계획/실적 sub-headings.  ``parent`` is a year
    the section heading gives (`□ 2021년 추진실적`) for quarters printed without one.
    """
    h = 0
    keys: set = set()
    for r, row in enumerate(rows[:3]):
        above = [s.text for rr in rows[:r] for s in rr]
        new = [s for s in _distinct(row) if s.key not in keys]
        if not any(fold(s.text) for s in new):
            break
        if not all(_period_of(s.text, above, parent) is not None or _is_label_text(s.text) for s in new):
            break
        if sum(fold(clean(s.text)) in FUND_WORDS and fold(clean(s.text)) not in TOTAL_WORDS for s in new) >= 2:
            break  # funds across the top: a transposed table (years as rows), not a period header
        has_period = any(fold(s.text) and _period_of(s.text, above, parent) is not None for s in new)
        roles = any(fold(clean(s.text)) in ROLE_WORDS for s in new)
        if has_period or (h and h == r and roles):
            h = r + 1
        elif h:
            break  # a row of words under the header is the first body row
        keys.update(s.key for s in row)
    # A header must name at least one period, else it is a body row of words.
    while h and not _periods(rows, h, parent)[0]:
        h -= 1
    return h


def _periods(rows: list[list[Slot]], h: int, parent: Optional[str] = None
             ) -> tuple[dict[int, Period], dict[int, str], dict[int, tuple]]:
    """Period of each header column, the 계획/실적 role under it, and the header cell that named it."""
    out: dict[int, Period] = {}
    roles: dict[int, str] = {}
    source: dict[int, tuple] = {}
    if not rows:
        return out, roles, source
    for c in range(len(rows[0])):
        stack = _distinct([rows[r][c] for r in range(h)])
        if not stack:
            continue
        leaf = stack[-1]
        role = ROLE_WORDS.get(fold(clean(leaf.text)))
        # A role word names no period itself: the period is in the cell above it.
        named = stack[:-1] if role else stack
        for i in range(len(named) - 1, -1, -1):
            p = _period_of(named[i].text, [x.text for x in named[:i]], parent)
            if p is not None:
                out[c] = p
                source[c] = named[i].key
                if role:
                    roles[c] = role
                break
            if not role:
                break  # only the leaf of a plain column names its period
    return out, roles, source


def analyse(rows: list[list[Slot]], parent: Optional[str] = None) -> Grid:
    g = Grid(rows, len(rows[0]) if rows else 0)
    g.header = header_rows(rows, parent)
    if g.header:
        g.periods, g.roles, g.source = _periods(rows, g.header, parent)
        value_cols = set(g.periods) | {
            c for c in range(1, g.ncols) if fold(clean(rows[g.header - 1][c].text)) in VALUE_WORDS
        }  # column 0 is always a label, whatever its heading (`목표 | 2021 | 2022` lists targets)
        g.nlabels = min(value_cols) if value_cols else 0
    return g


def _same_header(a: list[list[Slot]], b: list[list[Slot]], h: int) -> bool:
    if len(b) < h:
        return False
    return all(fold(x.text) == fold(y.text) for ra, rb in zip(a[:h], b[:h]) for x, y in zip(ra, rb))


def stitch(parts: list[Table], parent: Optional[str] = None) -> list[Grid]:
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
            elif header_rows(rows, parent):
                cont = False
        if not cont:
            grids.append(analyse(rows, parent))
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


def _heading_year(section: Section) -> Optional[str]:
    """The one year a section heading names (`□ 2021년 추진실적`), for quarters printed without a year."""
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", section.heading))
    return years.pop() if len(years) == 1 else None


def _no_periods(section: Section, g: Grid, warnings: list[str]) -> None:
    page = g.rows[0][0].page if g.rows and g.rows[0] else None
    warnings.append(f"{section.heading}: a table on page {page} has no period columns; none of it was read")


def _period_columns(g: Grid, section: Section, warnings: list[str]) -> list[tuple[int, Period]]:
    """The columns to read, in order: one printed column per period.

    Two printed columns naming the same period (`2021년` over `계획 | 실적`)
    are told apart by their sub-heading: a 추진실적 table reports the 실적
    column, a 추진계획 table the 계획/목표 column.  Anything else is ambiguous:
    the first column is read and a warning says the other was not.
    """
    want = {"perf": "result", "plan": "plan"}.get(section.kind)
    by_code: dict[str, list[int]] = {}
    for c, p in sorted(g.periods.items()):
        by_code.setdefault(p.code, []).append(c)
    keep: set[int] = set()
    for code, cols in by_code.items():
        printed: dict[tuple, list[int]] = {}
        for c in cols:
            printed.setdefault((g.source.get(c), g.roles.get(c), g.rows[g.header - 1][c].key), []).append(c)
        if len(printed) == 1:
            keep.update(cols)
            continue
        chosen = [k for k in printed if k[1] == want] if want else []
        if len(chosen) != 1:
            chosen = [next(iter(printed))]
            dropped = [clean(g.rows[g.header - 1][printed[k][0]].text) for k in printed if k != chosen[0]]
            warnings.append(f"{section.heading}: period {code} heads {len(printed)} columns; only the first "
                            f"is read ({', '.join(repr(d) for d in dropped)} not)")
        keep.update(printed[chosen[0]])
    return [(c, g.periods[c]) for c in sorted(keep)]


def text_rows(section: Section, warnings: list[str]) -> list[dict[str, Any]]:
    """Plan / performance rows: (unit, task, period) → text, value, measure."""
    out: list[dict[str, Any]] = []
    for g in stitch(section.parts, _heading_year(section)):
        if not g.periods or not g.nlabels:
            _no_periods(section, g, warnings)
            continue
        L = g.nlabels
        columns = _period_columns(g, section, warnings)
        for row in g.rows[g.header:]:
            task_slot = row[L - 1]
            task = clean(task_slot.text)
            if not task:
                if any(not is_blank(clean(row[c].text)) for c, _ in columns):
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
            for c, p in columns:
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


def _amount(s: Slot, scale: Decimal, section: Section, warnings: list[str], warned: set) -> Optional[float]:
    """The cell's amount, None when it prints nothing or is not an amount.

    A cell that is not an amount is reported once, however many period
    columns it spans (``warned`` holds the cells already reported).
    """
    try:
        return parse_money(s.text, scale)
    except ValueError:
        if s.key not in warned:
            warned.add(s.key)
            warnings.append(f"{section.heading}: not an amount {clean(s.text)!r} on page {s.page}")
        return None


def money_rows(section: Section, kind: str, warnings: list[str]) -> list[dict[str, Any]]:
    """Budget rows (투자수요 kind=plan, 집행액 kind=executed): (unit, fund, period) → amount in 백만원."""
    out: list[dict[str, Any]] = []
    warned: set = set()
    for g in stitch(section.parts, _heading_year(section)):
        scale = _scale(section, g.rows)
        if not g.periods or not g.nlabels:
            rows = _transposed_rows(g, section, kind, scale, warnings, warned)
            if rows is None:
                _no_periods(section, g, warnings)
            out.extend(rows or [])
            continue
        fcol = _fund_col(g)
        columns = _period_columns(g, section, warnings)
        for row in g.rows[g.header:]:
            if fcol is not None:
                fs = row[fcol]
                unit_slots = [s for s in _distinct(row[:fcol]) if s.key != fs.key]
                fword = fold(clean(fs.text))
                fund = FUND_WORDS.get(fword)
                if fund is None:
                    if any(not is_blank(row[c].text) for c, _ in columns):
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
            for c, p in columns:
                s = row[c]
                if s.key in label_keys or p.code in done:
                    continue
                amount = _amount(s, scale, section, warnings, warned)
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
                     warnings: list[str], warned: set) -> Optional[list[dict[str, Any]]]:
    """Years as rows, funds as columns (unit empty); None when the table is not laid out that way."""
    rows = g.rows
    if not rows:
        return None
    # The header row names funds.
    for h in range(min(3, len(rows))):
        funds = {c: FUND_WORDS.get(fold(clean(s.text))) for c, s in enumerate(rows[h])}
        funds = {c: f for c, f in funds.items() if f}
        if len(funds) >= 2:
            break
    else:
        return None
    out = []
    first = min(funds)
    years = 0
    for row in rows[h + 1:]:
        label = " ".join(clean(s.text) for s in _distinct(row[:first]))
        p = parse_period(label)
        if p is None:
            continue
        years += 1
        for c, fund in funds.items():
            amount = _amount(row[c], scale, section, warnings, warned)
            if amount is None:
                continue
            out.append({"unit": "", "kind": kind, "fund": fund, "period": p.code, "period_start": p.start,
                        "period_end": p.end, "amount_mkrw": amount, **_src(row[c], section.heading)})
    return out if years else None


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
    """Total and per-fund amounts of a 총사업비 / 예산확보액 box, in 백만원.

    The total is the first amount outside brackets: a bracket holds the fund
    split or the years (`(2019~2022) 1,000`), never the total.
    """
    outside = re.sub(r"[(（][^)）]*[)）]", " ", text)
    total = amount_with_unit(outside)
    unit_m = re.search(MONEY_UNIT_RE, text)
    default_scale = money_scale(unit_m.group(0)) if unit_m else Decimal(1)
    if total is None:
        m = _NUMBER.search(outside)
        total = parse_money(m.group(0), default_scale) if m else None
    funds: dict[str, float] = {}
    for m in _FUND_AMOUNT.finditer(text):
        sc = money_scale(m.group(3)) if m.group(3) else default_scale
        funds[FUND_WORDS[m.group(1)]] = parse_money(m.group(2), sc)
    return total, funds


def _year(text: str) -> int:
    """`2018` or a quoted two-digit year (`’18`) as a four-digit year."""
    digits = re.sub(r"\D", "", text)
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def project_period(text: str) -> Optional[tuple[str, str]]:
    """(`YYYY-MM`, `YYYY-MM`) from a 기간 line; None when there is none or a month is not 1–12."""
    m = _PERIOD_LINE.search(re.sub(r"\s+", " ", text))
    if not m:
        return None
    y0, m0, y1, m1 = _year(m.group(1)), int(m.group(2)), _year(m.group(3)), int(m.group(4))
    if not (1 <= m0 <= 12 and 1 <= m1 <= 12):
        return None
    return f"{y0:04d}-{m0:02d}", f"{y1:04d}-{m1:02d}"


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
        se = project_period(t)
        if se:
            row["start"], row["end"] = se
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
