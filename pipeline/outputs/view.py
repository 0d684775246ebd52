"""The view model of the quarterly report and the diff report: pure functions from contract tables to what
the templates show.

Every item is re-rendered in one fixed layout from the contract tables only, so
the mayor's copy never depends on how a department laid out its card.  Building
the view is kept apart from writing files (``render``), so the arithmetic shown
to readers (execution rates, plan-vs-actual) can be tested without rendering.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any, Optional

import pandas as pd

from ..contract import COLUMNS, cell_number, is_blank, item_key
from ..errors import InputError
from ..vocab import (
    FUND_LABELS,
    FUNDS,
    KIND_LABELS,
    STATUS_ORDER,
    period_label,
    period_sort_key,
    quarter_label,
)
from ..vocab import (
    period_range as period_bounds,
)
from . import charts

FUND_ORDER = FUNDS
ITEM_FIELD_LABELS = {
    "title": "사업명", "status": "추진상황", "category": "사업구분", "total_budget_mkrw": "총사업비",
    "total_national_mkrw": "총사업비 국비", "total_province_mkrw": "총사업비 도비", "total_city_mkrw": "총사업비 시비",
    "total_district_mkrw": "총사업비 구비", "total_county_mkrw": "총사업비 군비", "total_other_mkrw": "총사업비 기타",
    "secured_year": "예산확보 연도", "secured_budget_mkrw": "예산확보액", "secured_national_mkrw": "예산확보액 국비",
    "secured_province_mkrw": "예산확보액 도비", "secured_city_mkrw": "예산확보액 시비",
    "secured_district_mkrw": "예산확보액 구비", "secured_county_mkrw": "예산확보액 군비",
    "secured_other_mkrw": "예산확보액 기타",
    "start": "시작", "end": "종료", "final_goal": "최종목표", "lead_department": "주관부서",
    "support_department": "협조부서", "text": "내용", "value": "수치", "measure": "단위",
    "amount_mkrw": "금액",
}
CHART_ITEMS_MAX = 30  # above this a per-item bar chart is longer than the table it repeats

# ---------------------------------------------------------------- small pure helpers

num = cell_number


def fmt_num(v: object) -> str:
    """A figure the way the report prints it: 2,880 / 126.457 / '' for nothing."""
    n = num(v)
    return "" if n is None else charts.fmt(n)


def fmt_rate(n: Optional[float]) -> str:
    return "" if n is None else f"{n:,.1f}%"


def text(v: object) -> str:
    """A cell as display text; numbers that are whole print without '.0'."""
    if is_blank(v):
        return ""
    if isinstance(v, float):
        return charts.fmt(v)
    return str(v)


def column_label(code: object) -> str:
    """A period as a column heading of the report: `2018 상반기`, `2021 1분기`, `2019`, `계`."""
    return period_label(code, year_word=False)


def month_label(ym: object) -> str:
    m = re.match(r"^(\d{4})-(\d{2})$", text(ym))
    return f"{m[1]}. {int(m[2])}." if m else text(ym)


def records(df: Optional[pd.DataFrame]) -> list[dict[str, Any]]:
    if df is None or len(df) == 0:
        return []
    return df.astype(object).where(df.notna(), None).to_dict("records")


def contains(outer: tuple[date, date], inner: tuple[date, date]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


# ---------------------------------------------------------------- per-item view

def budget_series(rows: list[dict], kind: str) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Item-level money of one kind: totals per period, and per fund per period.

    The total per period is the printed 계 row (unit '') when there is one, else
    the sum of the per-unit 계 rows, else the sum of the fund rows: the figure a
    reader would add up by hand from the same table.
    """
    rows = [r for r in rows if r["kind"] == kind and num(r["amount_mkrw"]) is not None]
    by_fund: dict[str, dict[str, float]] = {}
    for r in rows:
        if r["fund"] != "total":
            d = by_fund.setdefault(r["fund"], {})
            d[r["period"]] = d.get(r["period"], 0.0) + num(r["amount_mkrw"])
    grand = [r for r in rows if r["fund"] == "total" and text(r["unit"]) == ""]
    unit_totals = [r for r in rows if r["fund"] == "total" and text(r["unit"]) != ""]
    totals: dict[str, float] = {}
    if grand or unit_totals:
        # Periods the grand row has win; other periods fall back to the units' 계 rows.
        for src in (unit_totals, grand):
            part: dict[str, float] = {}
            for r in src:
                part[r["period"]] = part.get(r["period"], 0.0) + num(r["amount_mkrw"])
            totals.update(part)
    else:
        for fund_periods in by_fund.values():
            for p, v in fund_periods.items():
                totals[p] = totals.get(p, 0.0) + v
    return totals, by_fund


def budget_view(rows: list[dict], quarter_end: Optional[date]) -> dict[str, Any]:
    """The 연차별 예산 table exactly as printed (every row, every figure) plus execution rates."""
    periods = sorted({r["period"] for r in rows if r["period"] != "total"}, key=period_sort_key)
    has_total = any(r["period"] == "total" for r in rows)
    cols = periods + (["total"] if has_total else [])
    table_rows: list[dict[str, Any]] = []
    for kind in ("plan", "executed"):
        krows = [r for r in rows if r["kind"] == kind]
        units: list[str] = []
        for r in krows:
            if text(r["unit"]) not in units:
                units.append(text(r["unit"]))
        first_kind = True
        for unit in units:
            urows = [r for r in krows if text(r["unit"]) == unit]
            funds = [f for f in FUND_ORDER if any(r["fund"] == f for r in urows)]
            funds += sorted({r["fund"] for r in urows} - set(funds))
            for j, fund in enumerate(funds):
                cells = {r["period"]: r["amount_mkrw"] for r in urows if r["fund"] == fund}
                table_rows.append({
                    "kind": KIND_LABELS.get(kind, kind) if first_kind else "",
                    "unit": (unit or "합계") if j == 0 else "",
                    "fund": FUND_LABELS.get(fund, fund),
                    "cells": [fmt_num(cells.get(c)) for c in cols],
                    "is_total": fund == "total",
                    "group_start": j == 0,
                })
                first_kind = False
    plan_tot, plan_fund = budget_series(rows, "plan")
    exec_tot, exec_fund = budget_series(rows, "executed")
    rates = []
    for c in cols:
        p, e = plan_tot.get(c), exec_tot.get(c)
        rates.append(fmt_rate(e / p * 100) if p and e is not None else "")
    # To date: periods that had begun by the end of the report quarter.
    started = [p for p in periods if quarter_end is None or period_bounds(p)[0] <= quarter_end]
    plan_to_date = sum(plan_tot.get(p, 0.0) for p in started) if any(p in plan_tot for p in started) else None
    exec_to_date = sum(exec_tot.get(p, 0.0) for p in started) if any(p in exec_tot for p in started) else None
    chart = None
    if periods and (plan_tot or exec_tot):
        def series(by_fund: dict[str, dict[str, float]], tot: dict[str, float]) -> dict[str, list]:
            out = {f: [by_fund[f].get(p) for p in periods] for f in FUND_ORDER
                   if f in by_fund and any(by_fund[f].get(p) for p in periods)}
            if not out and any(tot.get(p) for p in periods):
                out = {"total": [tot.get(p) for p in periods]}
            return out
        chart = charts.budget_chart([column_label(p) for p in periods], series(plan_fund, plan_tot),
                                    series(exec_fund, exec_tot), title="연차별 예산: 계획 대비 집행 (백만원)")
    return {
        "cols": [column_label(c) for c in cols],
        "rows": table_rows,
        "rates": rates,
        "has_exec": bool(exec_tot),
        "wide": len(cols) > 9,
        "plan_to_date": plan_to_date,
        "exec_to_date": exec_to_date,
        "chart": chart,
    }


def tasks_view(plan: list[dict], perf: list[dict]) -> dict[str, Any]:
    """연차별 추진계획 against 추진실적 for every task whose plan has a figure.

    A 추진실적 row counts towards the plan period that contains it (2021Q1 → the
    2021 target); several quarters inside one plan period are added up.  A
    실적 period no plan period contains gets its own column.
    """
    order: list[tuple[str, str]] = []
    for r in plan:
        k = (text(r["unit"]), text(r["task"]))
        if num(r["value"]) is not None and k not in order:
            order.append(k)
    tasks = []
    all_cols: set[str] = set()
    for unit, task in order:
        prows = [r for r in plan if (text(r["unit"]), text(r["task"])) == (unit, task)]
        arows = [r for r in perf if (text(r["unit"]), text(r["task"])) == (unit, task)]
        cols = {r["period"]: r for r in prows}
        assigned: dict[str, list[dict]] = {}
        for a in arows:
            ab = period_bounds(a["period"])
            home = next((p for p in sorted(cols, key=period_sort_key)
                         if ab and period_bounds(p) and contains(period_bounds(p), ab)), a["period"])
            assigned.setdefault(home, []).append(a)
        task_cols = set(cols) | set(assigned)
        all_cols |= task_cols
        measure = next((text(r["measure"]) for r in prows if text(r["measure"])), "")
        cells = {}
        for c in task_cols:
            p = cols.get(c)
            acts = sorted(assigned.get(c, []), key=lambda r: period_sort_key(r["period"]))
            vals = [num(a["value"]) for a in acts]
            actual_text, actual_sum, note = "", None, ""
            if acts:
                if all(v is not None for v in vals):
                    actual_sum = sum(vals)
                if len(acts) == 1:
                    actual_text = text(acts[0]["text"])
                elif actual_sum is not None:
                    actual_text = f"{charts.fmt(actual_sum)}{measure}"
                    note = f"{len(acts)}개 기간 합"
                else:
                    actual_text = " / ".join(text(a["text"]) for a in acts)
            pv = num(p["value"]) if p else None
            # 85.5% against a target of 1회 is not a rate: compare only like with like.
            same_unit = all(text(a["measure"]) in ("", measure) for a in acts)
            rate = actual_sum / pv * 100 if (actual_sum is not None and pv and same_unit) else None
            cells[c] = {"plan": text(p["text"]) if p else "", "actual": actual_text, "note": note,
                        "rate": fmt_rate(rate)}
        tasks.append({"unit": unit, "task": task, "cells": cells})
    cols = sorted(all_cols, key=period_sort_key)
    for t in tasks:
        t["cells"] = [t["cells"].get(c, {"plan": "", "actual": "", "note": "", "rate": ""}) for c in cols]
    return {"cols": [column_label(c) for c in cols], "tasks": tasks, "wide": len(cols) > 7}


def latest_view(perf: list[dict], quarter: str) -> dict[str, Any]:
    """The report quarter's 추진실적 texts; the item's latest period when it has none for the quarter."""
    if not perf:
        return {"period": "", "rows": [], "is_quarter": False}
    periods = {r["period"] for r in perf}
    target = quarter if quarter in periods else max(periods, key=period_sort_key)
    rows = [{"unit": text(r["unit"]), "task": text(r["task"]), "text": text(r["text"])}
            for r in perf if r["period"] == target]
    return {"period": column_label(target), "rows": rows, "is_quarter": target == quarter}


def item_view(item: dict, budget: list[dict], plan: list[dict], perf: list[dict],
              findings: list[dict], quarter: str) -> dict[str, Any]:
    qb = period_bounds(quarter)
    no = item_key(item.get("item_no"))
    b = budget_view(budget, qb[1] if qb else None)
    pages = text(item.get("source_pages"))
    return {
        "no": no,
        "anchor": f"item-{re.sub(r'[^0-9A-Za-z_-]', '_', no)}",
        "title": text(item.get("title")),
        "status": text(item.get("status")),
        "category": text(item.get("category")),
        "totals": [(FUND_LABELS[f], fmt_num(item.get(f"total_{f}_mkrw"))) for f in
                   ("national", "city", "district", "other")],
        "total": fmt_num(item.get("total_budget_mkrw")),
        "secured_year": fmt_num(item.get("secured_year")).replace(",", ""),
        "secured": fmt_num(item.get("secured_budget_mkrw")),
        "secured_funds": [(FUND_LABELS[f], fmt_num(item.get(f"secured_{f}_mkrw"))) for f in ("city", "district")
                          if not is_blank(item.get(f"secured_{f}_mkrw"))],
        "start": month_label(item.get("start")),
        "end": month_label(item.get("end")),
        "final_goal": text(item.get("final_goal")),
        "lead": text(item.get("lead_department")),
        "support": text(item.get("support_department")),
        "source_file": text(item.get("source_file")),
        "source_pages": pages,
        "budget": b,
        "tasks": tasks_view(plan, perf),
        "latest": latest_view(perf, quarter),
        "findings": [{k: text(f.get(k)) for k in ("check", "severity", "location", "expected", "found", "message")}
                     for f in findings],
        "plan_to_date": b["plan_to_date"],
        "exec_to_date": b["exec_to_date"],
        "exec_rate": (b["exec_to_date"] / b["plan_to_date"] * 100
                      if b["plan_to_date"] and b["exec_to_date"] is not None else None),
    }


def _by_item(df: Optional[pd.DataFrame]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in records(df):
        out.setdefault(item_key(r.get("item_no")), []).append(r)
    return out


def normalise_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every contract table present with its columns, so CSV-read tables (all strings) work too."""
    out = {}
    for name, cols in COLUMNS.items():
        df = tables.get(name)
        if df is None:
            df = pd.DataFrame(columns=cols)
        if not isinstance(df, pd.DataFrame):
            raise InputError(f"report: table {name!r} is not a DataFrame")
        out[name] = df.reindex(columns=list(dict.fromkeys(cols + list(df.columns))))
    return out


def report_view(tables: dict[str, pd.DataFrame], *, quarter: str, body: Optional[str],
                generated: date) -> dict[str, Any]:
    """Everything the report template shows, computed once from the contract tables."""
    t = normalise_tables(tables)
    budget, plan, perf, finds = (_by_item(t[n]) for n in ("budget", "plan", "performance", "findings"))
    items_raw = records(t["items"])
    items_raw.sort(key=lambda r: (num(r.get("item_no")) is None, num(r.get("item_no")) or 0, text(r.get("item_no"))))
    items = [item_view(r, budget.get(item_key(r.get("item_no")), []), plan.get(item_key(r.get("item_no")), []),
                       perf.get(item_key(r.get("item_no")), []), finds.get(item_key(r.get("item_no")), []), quarter)
             for r in items_raw]
    # Summary.
    counts = Counter(i["status"] or "(미기재)" for i in items)
    statuses = [s for s in STATUS_ORDER if s in counts] + [s for s in counts if s not in STATUS_ORDER]
    fund_sums = []
    for f in ("national", "city", "district", "other"):
        vals = [num(r.get(f"total_{f}_mkrw")) for r in items_raw]
        fund_sums.append((FUND_LABELS[f], sum(v for v in vals if v is not None)))
    grand_total = sum(v for v in (num(r.get("total_budget_mkrw")) for r in items_raw) if v is not None)
    plan_td = [i["plan_to_date"] for i in items if i["plan_to_date"] is not None]
    exec_td = [i["exec_to_date"] for i in items if i["exec_to_date"] is not None]
    plan_sum = sum(plan_td) if plan_td else None
    exec_sum = sum(exec_td) if exec_td else None
    all_findings = records(t["findings"])
    sev = Counter(text(f.get("severity")) or "(미지정)" for f in all_findings)
    summary = {
        "n_items": len(items),
        "statuses": [(s, counts[s]) for s in statuses],
        "status_chart": charts.hbar_chart([(s, counts[s]) for s in statuses], title="추진상황별 사업 수",
                                          unit="건", width=330) if items else None,
        "funds": [(label, charts.fmt(v)) for label, v in fund_sums],
        "grand_total": charts.fmt(grand_total),
        "fund_chart": charts.hbar_chart(fund_sums, title="재원별 총사업비 (백만원)", width=330) if grand_total else None,
        "plan_to_date": fmt_num(plan_sum),
        "exec_to_date": fmt_num(exec_sum),
        "exec_rate": fmt_rate(exec_sum / plan_sum * 100 if plan_sum and exec_sum is not None else None),
        "rate_chart": charts.hbar_chart(
            [(f"{i['no']}. {i['title']}", i["exec_rate"]) for i in items],
            title="사업별 집행률 (보고분기까지 계획 대비 집행)", percent=True, color="#59a14f")
        if items and len(items) <= CHART_ITEMS_MAX and any(i["exec_rate"] is not None for i in items) else None,
        "n_findings": len(all_findings),
        "severities": sorted(sev.items()),
    }
    return {
        "quarter": quarter,
        "quarter_label": quarter_label(quarter),
        "body": body or "",
        "generated": f"{generated.year}. {generated.month}. {generated.day}.",
        "items": items,
        "summary": summary,
    }
