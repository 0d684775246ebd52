"""The arithmetic and form checks, one function each; each adds findings and changes no figure."""
from __future__ import annotations

import re
from typing import Optional

import pandas as pd

from ..contract import item_key
from ..vocab import BOX_FIELDS, FUND_LABELS, FUND_PARTS, KIND_TABLE_TITLES, TABLE_TITLES, period_label, period_range
from .findings import TOL, Findings, fmt, location, num, plain, row_label, same, text
from .matrix import BudgetMatrix, overlapping


def check_total_columns(item: str, g: BudgetMatrix, out: Findings) -> None:
    """Each row's 계 column equals the sum of its period columns."""
    table = KIND_TABLE_TITLES.get(g.kind, g.kind)
    for unit in g.units:
        for fund in g.funds(unit):
            total = g.get(unit, fund, "total")
            periods = [p for p in g.periods(unit, fund) if p != "total"]
            if total is None or not periods or overlapping(periods):
                continue
            values = [g.cells[(unit, fund, p)] for p in periods]
            s = sum(values)
            if same(total, s):
                continue
            label = row_label(unit, fund)
            out.add(item, "total_column", location(table, g.rows[(unit, fund, "total")], label, "계"),
                    plain(s), plain(total),
                    f"{table} 「{label}」 행의 계 {fmt(total)}백만원이 연도별 합계 {fmt(s)}백만원"
                    f"({' + '.join(fmt(v) for v in values)})과 다릅니다 (차이 {fmt(abs(total - s))})")


def check_total_rows(item: str, g: BudgetMatrix, out: Findings) -> None:
    """Each 소계/계 row equals the sum of the rows it totals (funds of a unit; units of the table)."""
    table = KIND_TABLE_TITLES.get(g.kind, g.kind)
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
            listing = " + ".join(f"{FUND_LABELS.get(f, f)} {fmt(v or 0)}" for f, v in parts)
            out.add(item, "total_row", location(table, g.rows[(unit, "total", period)], label,
                                                period_label(period)),
                    plain(s), plain(total),
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
                listing = " + ".join(f"{FUND_LABELS.get(f, f)} {fmt(x)}" for f, x in contributions[0][2])
                what = "재원별 합계"
            else:
                listing = " + ".join(f"{u} {fmt(v)}" for u, v, _ in contributions)
                what = "단위사업별 합계"
            label = row_label("", fund)
            out.add(item, "total_row", location(table, g.rows[("", fund, period)], label, period_label(period)),
                    plain(s), plain(printed),
                    f"{table} {period_label(period)} 열의 「{label}」 {fmt(printed)}백만원이 {what} "
                    f"{fmt(s)}백만원({listing})과 다릅니다 (차이 {fmt(abs(printed - s))})")


def check_box(item: str, row: dict, plan: Optional[BudgetMatrix], out: Findings) -> None:
    """총사업비 = the sum of its funds (국비, 도비, 시비, 구비, 군비, 기타), and each of them = the 투자수요
    table's 계 for that fund."""
    total = num(row.get("total_budget_mkrw"))
    funds = {f: num(row.get(c)) for f, c in BOX_FIELDS.items()}
    loc = location("총사업비", row)
    if total is not None and any(v is not None for v in funds.values()):
        vals = {f: (v or 0.0) for f, v in funds.items()}
        s = sum(vals.values())
        if not same(total, s):
            named = [f for f in FUND_PARTS if vals[f]] or ["national"]
            listing = " + ".join(f"{FUND_LABELS[f]} {fmt(vals[f])}" for f in named)
            out.add(item, "total_budget_sum", loc, plain(s), plain(total),
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
        name = "총사업비" if fund == "total" else f"총사업비의 {FUND_LABELS[fund]}"
        out.add(item, "box_fund_vs_plan", location("총사업비", row, "", FUND_LABELS[fund]), plain(t), plain(box),
                f"{name} {fmt(box)}백만원이 연차별 투자수요의 {FUND_LABELS[fund]} 계 {fmt(t)}백만원과 다릅니다 "
                f"(차이 {fmt(abs(box - t))})")


def check_secured(item: str, row: dict, plan: Optional[BudgetMatrix], out: Findings) -> None:
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
    out.add(item, "secured_vs_plan", location(f"{y}년 예산확보액", row), plain(t), plain(secured),
            f"{y}년 예산확보액 {fmt(secured)}백만원이 연차별 투자수요 {y}년 계 {fmt(t)}백만원과 다릅니다 "
            f"(차이 {fmt(abs(secured - t))})")


def check_executed(item: str, exe: BudgetMatrix, plan: Optional[BudgetMatrix], out: Findings) -> None:
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
                location(KIND_TABLE_TITLES["executed"], exe.rows[(unit, fund, period)], label, period_label(period)),
                plain(budget), plain(spent),
                f"연차별 집행액 「{label}」 {period_label(period)} {fmt(spent)}백만원이 연차별 투자수요 "
                f"{fmt(budget)}백만원보다 많습니다 (초과 {fmt(spent - budget)})")


def rows_by_item(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, pd.DataFrame]]:
    """budget/plan/performance rows grouped by item once (a 150-item quarter would otherwise rescan per item);
    slices, so only one item's rows become dicts at a time."""
    out: dict[str, dict[str, pd.DataFrame]] = {}
    for name in ("budget", "plan", "performance"):
        df = tables.get(name)
        if df is None or not len(df) or "item_no" not in df.columns:
            continue
        for key, idx in df.groupby(df["item_no"].map(item_key), sort=False).indices.items():
            out.setdefault(key, {})[name] = df.iloc[idx]
    return out


def check_periods(item: str, row: dict, rows_of: dict[str, pd.DataFrame], out: Findings) -> None:
    """A period that lies wholly outside the project's 기간, at year granularity.

    Budgets and plans are drawn up per fiscal year while 기간 gives months (a term
    from 2018. 7월 is budgeted from the 2018 budget, whose first half may be
    printed), so a column counts as outside only when its whole year is.
    Printed zero amounts are not reported: a 0 says nothing was planned.
    """
    start, end = text(row.get("start")), text(row.get("end"))
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
            pr = period_range(text(r.get("period")))
            if not pr:
                continue
            if (y1 is not None and pr[0].year > y1) or (y0 is not None and pr[1].year < y0):
                outside.setdefault(text(r.get("period")), []).append(r)
        for period, rows in outside.items():
            term = f"{start or '?'} ~ {end or '?'}"
            label = KIND_TABLE_TITLES.get(text(rows[0].get("kind")), TABLE_TITLES[name]) if name == "budget" else TABLE_TITLES[name]
            out.add(item, "period_outside_term", location(label, rows[0], "", period_label(period)), term, period,
                    f"{label}에 사업기간({term}) 밖의 {period_label(period)} 항목이 {len(rows)}건 있습니다",
                    severity="info")
