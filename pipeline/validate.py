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

import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

import pandas as pd

from pipeline.contract import FINDINGS, cell_number, item_key
from pipeline.quarter import period_range

TOL = 0.0005
SEVERITY = "warning"

FUND_KO = {"national": "국비", "city": "시비", "district": "구비", "other": "기타", "total": "계"}
FUND_ORDER = ("national", "city", "district", "other")
BOX_FIELDS = {
    "national": "total_national_mkrw",
    "city": "total_city_mkrw",
    "district": "total_district_mkrw",
    "other": "total_other_mkrw",
}
KIND_KO = {"plan": "연차별 투자수요", "executed": "연차별 집행액"}
# The `check` codes of findings.csv and what each means to a reader of the report.
CHECK_NAMES = {
    "total_budget_sum": "총사업비 = 국비 + 시비 + 구비 + 기타",
    "box_fund_vs_plan": "총사업비(재원별) = 연차별 투자수요 계",
    "total_column": "계 열 = 연도별 합계",
    "total_row": "계·소계 행 = 재원별·단위사업별 합계",
    "secured_vs_plan": "예산확보액 = 그 해 투자수요 계",
    "executed_over_plan": "집행액 ≤ 투자수요",
    "period_outside_term": "사업기간 밖의 연도",
}
TABLE_KO = {"plan": "연차별 추진계획", "performance": "추진실적", "budget": "투자계획·집행액"}


# ----------------------------------------------------------------------------- small helpers

num = cell_number


def same(a: float, b: float) -> bool:
    return abs(a - b) <= TOL


def fmt(v: Optional[float]) -> str:
    """2880 → `2,880`; 1284.65 → `1,284.65` (the way an officer reads 백만원)."""
    if v is None:
        return ""
    s = f"{v:,.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _plain(v: Optional[float]) -> object:
    """A number for the expected/found columns: int when whole."""
    if v is None:
        return ""
    r = round(v, 6)
    return int(r) if float(r).is_integer() else r


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


_item_key = item_key


def period_label(code: str) -> str:
    """`2018H1` → `2018년 상반기`, `2021Q1` → `2021년 1분기`, `total` → `계`."""
    if code == "total":
        return "계"
    m = re.match(r"^(\d{4})(?:H([12])|Q([1-4]))?$", code)
    if not m:
        return code
    if m.group(2):
        return f"{m.group(1)}년 {'상' if m.group(2) == '1' else '하'}반기"
    if m.group(3):
        return f"{m.group(1)}년 {m.group(3)}분기"
    return f"{m.group(1)}년"


def row_label(unit: str, fund: str) -> str:
    if unit == "":
        return "계" if fund == "total" else f"계 {FUND_KO.get(fund, fund)}"
    return f"{unit} 소계" if fund == "total" else f"{unit} {FUND_KO.get(fund, fund)}"


def _pages_text(v: Any) -> str:
    """A page or pages as printed in a location: 2, [1, 2] → `1-2`, `1-2` as is."""
    if v is None or isinstance(v, str):
        return (v or "").strip()
    if isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, (list, tuple, set)) or hasattr(v, "tolist"):
        seq = v.tolist() if hasattr(v, "tolist") else list(v)
        if not isinstance(seq, list):
            return _item_key(seq)
        pages = sorted({int(x) for x in seq if num(x) is not None})
        if not pages:
            return ""
        return str(pages[0]) if pages[0] == pages[-1] else f"{pages[0]}-{pages[-1]}"
    return _item_key(v)


def _page_of(row: Optional[dict]) -> str:
    if not row:
        return ""
    for k in ("src_page", "src_pages", "source_pages"):
        t = _pages_text(row.get(k))
        if t:
            return t
    return ""


def location(table: str, row: Optional[dict] = None, row_text: str = "", col_text: str = "") -> str:
    """`연차별 투자수요 (표 3), 행 「계」, 열 「2020년」, p.2` — as much as is known."""
    head = table
    src_table = _item_key(row.get("src_table")) if row else ""
    if src_table and re.sub(r"\s+", "", src_table) != re.sub(r"\s+", "", table):
        head += f" (표 {src_table})" if src_table.isdigit() else f" ({src_table})"
    parts = [head]
    if row_text:
        parts.append(f"행 「{row_text}」")
    if col_text:
        parts.append(f"열 「{col_text}」")
    page = _page_of(row)
    if page:
        parts.append(f"p.{page}")
    return ", ".join(parts)


def _overlapping(codes: Iterable[str]) -> bool:
    """True when some period column contains another (a year and its halves): their sum is meaningless."""
    ranges = sorted(r for r in (period_range(c) for c in codes) if r)
    return any(ranges[i + 1][0] <= ranges[i][1] for i in range(len(ranges) - 1))


def _within(code: str, outer: str) -> bool:
    """True when period `code` lies inside period `outer` (2018H1 inside 2018)."""
    a, b = period_range(code), period_range(outer)
    return bool(a and b and b[0] <= a[0] and a[1] <= b[1])


# ----------------------------------------------------------------------------- one budget table

@dataclass
class Grid:
    """One item's 투자수요 or 집행액 as printed: (unit, fund, period) → amount, plus each row for locations."""

    kind: str
    cells: dict[tuple[str, str, str], float] = field(default_factory=dict)
    rows: dict[tuple[str, str, str], dict] = field(default_factory=dict)
    units: list[str] = field(default_factory=list)  # in printed order, "" (the 계 row) included

    def add(self, unit: str, fund: str, period: str, amount: float, row: dict) -> None:
        key = (unit, fund, period)
        if key in self.cells:  # a repeated key: keep the first as printed
            return
        self.cells[key] = amount
        self.rows[key] = row
        if unit not in self.units:
            self.units.append(unit)

    def get(self, unit: str, fund: str, period: str) -> Optional[float]:
        return self.cells.get((unit, fund, period))

    def funds(self, unit: str) -> list[str]:
        seen = {f for (u, f, _) in self.cells if u == unit}
        return [f for f in (*FUND_ORDER, "total") if f in seen] + sorted(seen - set(FUND_ORDER) - {"total"})

    def periods(self, unit: str, fund: str) -> list[str]:
        return [p for (u, f, p) in self.cells if u == unit and f == fund]

    def all_periods(self) -> list[str]:
        out: list[str] = []
        for (_, _, p) in self.cells:
            if p not in out:
                out.append(p)
        return out

    def sub_units(self) -> list[str]:
        return [u for u in self.units if u != ""]

    # -- the ways a value can be read off the table (for cross-table checks)

    def unit_fund_values(self, unit: str, fund: str, period: str) -> list[float]:
        """Every figure the table gives for (unit, fund, period): printed, or summed from funds/periods."""
        out: list[float] = []
        printed = self.get(unit, fund, period)
        if printed is not None:
            out.append(printed)
        if fund == "total":
            parts = [self.get(unit, f, period) for f in self.funds(unit) if f != "total"]
            parts = [v for v in parts if v is not None]
            if parts:
                out.append(sum(parts))
        if period == "total":
            for f_vals in self._period_sums(unit, fund):
                out.append(f_vals)
        else:
            subs = [p for p in self.periods(unit, fund) if p != period and _within(p, period)]
            if subs and not _overlapping(subs):
                out.append(sum(self.cells[(unit, fund, p)] for p in subs))
            if fund == "total":
                # halves of the year for a unit printed only by fund
                fsubs = [(f, p) for f in self.funds(unit) if f != "total"
                         for p in self.periods(unit, f) if p != period and _within(p, period)]
                if fsubs and not _overlapping({p for _, p in fsubs}):
                    out.append(sum(self.cells[(unit, f, p)] for f, p in fsubs))
        return out

    def _period_sums(self, unit: str, fund: str) -> list[float]:
        out = []
        ps = [p for p in self.periods(unit, fund) if p != "total"]
        if ps and not _overlapping(ps):
            out.append(sum(self.cells[(unit, fund, p)] for p in ps))
        if fund == "total":
            fs = [f for f in self.funds(unit) if f != "total"]
            cells = [(f, p) for f in fs for p in self.periods(unit, f) if p != "total"]
            if cells and not _overlapping({p for _, p in cells}):
                out.append(sum(self.cells[(unit, f, p)] for f, p in cells))
            totals = [self.get(unit, f, "total") for f in fs]
            if fs and all(v is not None for v in totals):
                out.append(sum(totals))  # type: ignore[arg-type]
        return out

    def table_values(self, fund: str, period: str) -> list[float]:
        """Every figure the table gives for the whole item (계 row, or the sum over units)."""
        out = list(self.unit_fund_values("", fund, period)) if "" in self.units else []
        subs = self.sub_units()
        if subs:
            per_unit = [self.unit_fund_values(u, fund, period) for u in subs]
            have = [v for v in per_unit if v]
            if have:
                out.append(sum(v[0] for v in have))
                alt = sum(v[-1] for v in have)
                if not any(same(alt, x) for x in out):
                    out.append(alt)
        return out


def _grids(budget: pd.DataFrame) -> dict[tuple[str, str], Grid]:
    grids: dict[tuple[str, str], Grid] = {}
    if budget is None or not len(budget):
        return grids
    for row in budget.to_dict("records"):
        amount = num(row.get("amount_mkrw"))
        if amount is None:
            continue
        item = _item_key(row.get("item_no"))
        kind = _text(row.get("kind"))
        g = grids.setdefault((item, kind), Grid(kind))
        g.add(_text(row.get("unit")), _text(row.get("fund")).lower(), _text(row.get("period")), amount, row)
    return grids


# ----------------------------------------------------------------------------- findings

@dataclass
class _Out:
    quarter_of: dict[str, str]
    rows: list[dict] = field(default_factory=list)

    def add(self, item: str, check: str, loc: str, expected: object, found: object, message: str,
            severity: str = SEVERITY) -> None:
        self.rows.append({
            "report_quarter": self.quarter_of.get(item, ""),
            "item_no": int(item) if item.isdigit() else item,
            "check": check,
            "severity": severity,
            "location": loc,
            "expected": expected,
            "found": found,
            "message": message,
        })


def _check_total_columns(item: str, g: Grid, out: _Out) -> None:
    """Each row's 계 column equals the sum of its period columns."""
    table = KIND_KO.get(g.kind, g.kind)
    for unit in g.units:
        for fund in g.funds(unit):
            total = g.get(unit, fund, "total")
            periods = [p for p in g.periods(unit, fund) if p != "total"]
            if total is None or not periods or _overlapping(periods):
                continue
            values = [g.cells[(unit, fund, p)] for p in periods]
            s = sum(values)
            if same(total, s):
                continue
            label = row_label(unit, fund)
            out.add(item, "total_column", location(table, g.rows[(unit, fund, "total")], label, "계"),
                    _plain(s), _plain(total),
                    f"{table} 「{label}」 행의 계 {fmt(total)}백만원이 연도별 합계 {fmt(s)}백만원"
                    f"({' + '.join(fmt(v) for v in values)})과 다릅니다 (차이 {fmt(abs(total - s))})")


def _check_total_rows(item: str, g: Grid, out: _Out) -> None:
    """Each 소계/계 row equals the sum of the rows it totals (funds of a unit; units of the table)."""
    table = KIND_KO.get(g.kind, g.kind)
    # fund=total vs the unit's funds
    for unit in g.units:
        funds = [f for f in g.funds(unit) if f != "total"]
        if not funds:
            continue
        for period in g.periods(unit, "total"):
            total = g.get(unit, "total", period)
            parts = [(f, g.get(unit, f, period)) for f in funds]
            vals = [v for _, v in parts if v is not None]
            if total is None or not vals:
                continue
            s = sum(vals)
            if same(total, s):
                continue
            label = row_label(unit, "total")
            listing = " + ".join(f"{FUND_KO.get(f, f)} {fmt(v or 0)}" for f, v in parts)
            out.add(item, "total_row", location(table, g.rows[(unit, "total", period)], label,
                                                period_label(period)),
                    _plain(s), _plain(total),
                    f"{table} {period_label(period)} 열의 「{label}」 {fmt(total)}백만원이 재원별 합계 "
                    f"{fmt(s)}백만원({listing})과 다릅니다 (차이 {fmt(abs(total - s))})")
    # unit "" (the 계 row) vs the units
    subs = g.sub_units()
    if "" not in g.units or not subs:
        return
    for fund in g.funds(""):
        for period in g.periods("", fund):
            printed = g.get("", fund, period)
            assert printed is not None
            contributions: list[tuple[str, float, list[tuple[str, float]]]] = []
            alt = 0.0  # the same sum with each unit's funds in place of its printed 소계
            for u in subs:
                v = g.get(u, fund, period)
                detail: list[tuple[str, float]] = []
                if fund == "total":
                    detail = [(f, g.get(u, f, period)) for f in g.funds(u) if f != "total"]  # type: ignore
                    detail = [(f, x) for f, x in detail if x is not None]
                from_funds = sum(x for _, x in detail) if detail else None
                if v is None:
                    v = from_funds
                else:
                    detail = []
                if v is not None:
                    contributions.append((u, v, detail))
                    alt += from_funds if from_funds is not None else v
            if not contributions:
                continue
            s = sum(v for _, v, _ in contributions)
            # A wrong 소계 is reported by its own row and column checks, not again here.
            if same(printed, s) or same(printed, alt):
                continue
            if len(contributions) == 1 and contributions[0][2]:
                listing = " + ".join(f"{FUND_KO.get(f, f)} {fmt(x)}" for f, x in contributions[0][2])
                what = "재원별 합계"
            else:
                listing = " + ".join(f"{u} {fmt(v)}" for u, v, _ in contributions)
                what = "단위사업별 합계"
            label = row_label("", fund)
            out.add(item, "total_row", location(table, g.rows[("", fund, period)], label, period_label(period)),
                    _plain(s), _plain(printed),
                    f"{table} {period_label(period)} 열의 「{label}」 {fmt(printed)}백만원이 {what} "
                    f"{fmt(s)}백만원({listing})과 다릅니다 (차이 {fmt(abs(printed - s))})")


def _check_box(item: str, row: dict, plan: Optional[Grid], out: _Out) -> None:
    """총사업비 = 국비 + 시비 + 구비 + 기타, and each of them = the 투자수요 table's 계 for that fund."""
    total = num(row.get("total_budget_mkrw"))
    funds = {f: num(row.get(c)) for f, c in BOX_FIELDS.items()}
    loc = location("총사업비", row)
    if total is not None and any(v is not None for v in funds.values()):
        vals = {f: (v or 0.0) for f, v in funds.items()}
        s = sum(vals.values())
        if not same(total, s):
            listing = " + ".join(f"{FUND_KO[f]} {fmt(vals[f])}" for f in FUND_ORDER)
            out.add(item, "total_budget_sum", loc, _plain(s), _plain(total),
                    f"총사업비 {fmt(total)}백만원이 재원별 합계 {fmt(s)}백만원({listing})과 다릅니다 "
                    f"(차이 {fmt(abs(total - s))})")
    if plan is None:
        return
    for fund, box in (*funds.items(), ("total", total)):
        if box is None:
            continue
        has_fund = any(f == fund for (_, f, _) in plan.cells)
        if not has_fund:
            continue  # the table does not break this fund out: nothing to compare
        candidates = plan.table_values(fund, "total")
        if not candidates or any(same(box, c) for c in candidates):
            continue
        t = candidates[0]
        name = "총사업비" if fund == "total" else f"총사업비의 {FUND_KO[fund]}"
        out.add(item, "box_fund_vs_plan", location("총사업비", row, "", FUND_KO[fund]), _plain(t), _plain(box),
                f"{name} {fmt(box)}백만원이 연차별 투자수요의 {FUND_KO[fund]} 계 {fmt(t)}백만원과 다릅니다 "
                f"(차이 {fmt(abs(box - t))})")


def _check_secured(item: str, row: dict, plan: Optional[Grid], out: _Out) -> None:
    """YYYY년 예산확보액 = that year's 투자수요 계 (halves summed); it may include 국비/기타, so no fund check."""
    year = num(row.get("secured_year"))
    secured = num(row.get("secured_budget_mkrw"))
    if plan is None or year is None or secured is None or not float(year).is_integer():
        return
    y = str(int(year))
    candidates = plan.table_values("total", y)
    if not candidates or any(same(secured, c) for c in candidates):
        return
    t = candidates[0]
    out.add(item, "secured_vs_plan", location(f"{y}년 예산확보액", row), _plain(t), _plain(secured),
            f"{y}년 예산확보액 {fmt(secured)}백만원이 연차별 투자수요 {y}년 계 {fmt(t)}백만원과 다릅니다 "
            f"(차이 {fmt(abs(secured - t))})")


def _check_executed(item: str, exe: Grid, plan: Optional[Grid], out: _Out) -> None:
    """집행액 ≤ 투자수요 for the same unit and period; a total is not reported again when a period already was."""
    if plan is None:
        return
    flagged: set[tuple[str, str]] = set()  # (unit, period) flagged
    order = sorted(exe.cells, key=lambda k: (k[0] == "", k[2] == "total"))
    for unit, fund, period in order:
        spent = exe.cells[(unit, fund, period)]
        if period == "total" and any(u == unit for (u, _) in flagged):
            continue
        if unit == "" and any(p == period for (_, p) in flagged):
            continue
        if unit == "":
            candidates = plan.table_values(fund, period)
        elif unit in plan.units:
            candidates = plan.unit_fund_values(unit, fund, period)
        else:
            continue
        if not candidates or spent <= max(candidates) + TOL:
            continue
        budget = max(candidates)
        flagged.add((unit, period))
        label = row_label(unit, fund)
        out.add(item, "executed_over_plan",
                location(KIND_KO["executed"], exe.rows[(unit, fund, period)], label, period_label(period)),
                _plain(budget), _plain(spent),
                f"연차별 집행액 「{label}」 {period_label(period)} {fmt(spent)}백만원이 연차별 투자수요 "
                f"{fmt(budget)}백만원보다 많습니다 (초과 {fmt(spent - budget)})")


def _rows_by_item(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, pd.DataFrame]]:
    """budget/plan/performance rows grouped by item once (a 150-item quarter would otherwise rescan per item);
    slices, so only one item's rows become dicts at a time."""
    out: dict[str, dict[str, pd.DataFrame]] = {}
    for name in ("budget", "plan", "performance"):
        df = tables.get(name)
        if df is None or not len(df) or "item_no" not in df.columns:
            continue
        for key, idx in df.groupby(df["item_no"].map(_item_key), sort=False).indices.items():
            out.setdefault(key, {})[name] = df.iloc[idx]
    return out


def _check_periods(item: str, row: dict, rows_of: dict[str, pd.DataFrame], out: _Out) -> None:
    """A period that lies wholly outside the project's 기간, at year granularity.

    Budgets and plans are drawn up per fiscal year while 기간 gives months (a term
    from 2018. 7월 is budgeted from the 2018 budget, whose first half may be
    printed), so a column counts as outside only when its whole year is.
    Printed zero amounts are not reported: a 0 says nothing was planned.
    """
    start, end = _text(row.get("start")), _text(row.get("end"))
    m0, m1 = re.match(r"^(\d{4})", start), re.match(r"^(\d{4})", end)
    if not m0 and not m1:
        return
    y0 = int(m0.group(1)) if m0 else None
    y1 = int(m1.group(1)) if m1 else None
    for name in ("budget", "plan", "performance"):
        outside: dict[str, list[dict]] = {}
        sub = rows_of.get(name)
        for r in (sub.to_dict("records") if sub is not None else []):
            if name == "budget" and not num(r.get("amount_mkrw")):
                continue
            pr = period_range(_text(r.get("period")))
            if not pr:
                continue
            if (y1 is not None and pr[0].year > y1) or (y0 is not None and pr[1].year < y0):
                outside.setdefault(_text(r.get("period")), []).append(r)
        for period, rows in outside.items():
            term = f"{start or '?'} ~ {end or '?'}"
            label = KIND_KO.get(_text(rows[0].get("kind")), TABLE_KO[name]) if name == "budget" else TABLE_KO[name]
            out.add(item, "period_outside_term", location(label, rows[0], "", period_label(period)), term, period,
                    f"{label}에 사업기간({term}) 밖의 {period_label(period)} 항목이 {len(rows)}건 있습니다",
                    severity="info")


def check(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Findings (FINDINGS columns) for the contract tables of one or more items; empty when all adds up."""
    items = tables.get("items")
    budget = tables.get("budget")
    grids = _grids(budget) if budget is not None else {}
    quarter_of: dict[str, str] = {}
    item_rows: dict[str, dict] = {}
    if items is not None and len(items):
        for r in items.to_dict("records"):
            k = _item_key(r.get("item_no"))
            item_rows.setdefault(k, r)
            quarter_of.setdefault(k, _text(r.get("report_quarter")))
    for name in ("budget", "plan", "performance"):
        df = tables.get(name)
        if df is not None and len(df) and {"report_quarter", "item_no"} <= set(df.columns):
            for k, q in zip(df["item_no"].map(_item_key), df["report_quarter"].map(_text)):
                quarter_of.setdefault(k, q)
    out = _Out(quarter_of)
    by_item = _rows_by_item(tables)
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
            _check_box(item, row, plan, out)
            _check_secured(item, row, plan, out)
        for g in (plan, exe):
            if g is not None:
                _check_total_columns(item, g, out)
                _check_total_rows(item, g, out)
        if exe is not None:
            _check_executed(item, exe, plan, out)
        if row is not None:
            _check_periods(item, row, by_item.get(item, {}), out)
    return pd.DataFrame(out.rows, columns=FINDINGS)
