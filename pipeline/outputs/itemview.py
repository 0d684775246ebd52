"""One item's page of the report: its header box, plan against results, its budget table, latest results.

Pure functions from the item's contract rows to what the template prints.  Every
figure carries ``src``, a one-line description of the cell it came from (file,
page, table, cell), which the HTML shows as a tooltip; each table names the pages
its rows came from.  Money is shown in the unit the card printed it in
(``display.money_unit``).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Optional

from .. import vocab
from ..contract import cell_number as num
from ..contract import is_blank, item_key
from ..vocab import KIND_LABELS, period_label, period_sort_key
from ..vocab import period_range as period_bounds
from . import charts
from .display import fmt, fmt_money, fmt_num, fmt_rate, money_unit
from .labels import check_label, severity_label
from .provenance import describe, pages_of, row_source
from .summary import budget_series, executed_to_date


def text(v: object) -> str:
    """A cell as display text; numbers that are whole print without '.0'."""
    if is_blank(v):
        return ""
    if isinstance(v, float):
        return fmt(v)
    return str(v)


def column_label(code: object) -> str:
    """A period as a column heading of the report: `2018 상반기`, `2021 1분기`, `2019`, `계`."""
    return period_label(code, year_word=False)


def month_label(ym: object) -> str:
    m = re.match(r"^(\d{4})-(\d{2})$", text(ym))
    return f"{m[1]}. {int(m[2])}." if m else text(ym)


def contains(outer: tuple[date, date], inner: tuple[date, date]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _src(row: Optional[dict], item: Optional[dict]) -> str:
    return describe(row_source(row, item)) if row else ""


# ---------------------------------------------------------------- 연차별 예산

def budget_view(rows: list[dict], quarter_end: Optional[date], unit: tuple[str, int] = ("백만원", 1),
                item: Optional[dict] = None) -> dict[str, Any]:
    """The 연차별 예산 table exactly as printed (every row, every figure, in ``unit``) plus execution rates."""
    periods = sorted({r["period"] for r in rows if r["period"] != "total"}, key=period_sort_key)
    has_total = any(r["period"] == "total" for r in rows)
    cols = periods + (["total"] if has_total else [])
    table_rows: list[dict[str, Any]] = []
    for kind in ("plan", "executed"):
        krows = [r for r in rows if r["kind"] == kind]
        units = list(dict.fromkeys(text(r["unit"]) for r in krows))
        first_kind = True
        for u in units:
            urows = [r for r in krows if text(r["unit"]) == u]
            funds = [f for f in vocab.FUNDS if any(r["fund"] == f for r in urows)]
            funds += sorted({r["fund"] for r in urows} - set(funds))
            for j, fund in enumerate(funds):
                cells = {r["period"]: r for r in urows if r["fund"] == fund}
                table_rows.append({
                    "kind": KIND_LABELS.get(kind, kind) if first_kind else "",
                    "unit": (u or "합계") if j == 0 else "",
                    "fund": vocab.FUND_LABELS.get(fund, fund),
                    "cells": [{"v": fmt_money(cells[c]["amount_mkrw"], unit) if c in cells else "",
                               "src": _src(cells.get(c), item)} for c in cols],
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
    plan_to_date, exec_to_date = (executed_to_date(plan_tot, exec_tot, quarter_end) if quarter_end
                                  else (None, None))
    chart = None
    factor = unit[1]
    if periods and (plan_tot or exec_tot):
        def series(by_fund: dict[str, dict[str, float]], tot: dict[str, float]) -> dict[str, list]:
            out = {f: [None if by_fund[f].get(p) is None else by_fund[f][p] * factor for p in periods]
                   for f in vocab.FUNDS if f in by_fund and any(by_fund[f].get(p) for p in periods)}
            if not out and any(tot.get(p) for p in periods):
                out = {"total": [None if tot.get(p) is None else tot[p] * factor for p in periods]}
            return out
        chart = charts.budget_chart([column_label(p) for p in periods], series(plan_fund, plan_tot),
                                    series(exec_fund, exec_tot), title=f"연차별 예산: 계획 대비 집행 ({unit[0]})")
    return {
        "cols": [column_label(c) for c in cols],
        "rows": table_rows,
        "rates": rates,
        "has_exec": bool(exec_tot),
        "wide": len(cols) > 9,
        "plan_to_date": plan_to_date,
        "exec_to_date": exec_to_date,
        "chart": chart,
        "unit": unit[0],
        "pages": pages_of(rows),
    }


# ---------------------------------------------------------------- 추진계획 대비 추진실적

def tasks_view(plan: list[dict], perf: list[dict], item: Optional[dict] = None) -> dict[str, Any]:
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
    used_rows: list[dict] = []
    for unit, task in order:
        prows = [r for r in plan if (text(r["unit"]), text(r["task"])) == (unit, task)]
        arows = [r for r in perf if (text(r["unit"]), text(r["task"])) == (unit, task)]
        used_rows += prows + arows
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
                    actual_text = f"{fmt(actual_sum)}{measure}"
                    note = f"{len(acts)}개 기간 합"
                else:
                    actual_text = " / ".join(text(a["text"]) for a in acts)
            pv = num(p["value"]) if p else None
            # 85.5% against a target of 1회 is not a rate: compare only like with like.
            same_unit = all(text(a["measure"]) in ("", measure) for a in acts)
            rate = actual_sum / pv * 100 if (actual_sum is not None and pv and same_unit) else None
            cells[c] = {"plan": text(p["text"]) if p else "", "actual": actual_text, "note": note,
                        "rate": fmt_rate(rate), "plan_src": _src(p, item),
                        "actual_src": " · ".join(_src(a, item) for a in acts)}
        tasks.append({"unit": unit, "task": task, "cells": cells})
    cols = sorted(all_cols, key=period_sort_key)
    empty = {"plan": "", "actual": "", "note": "", "rate": "", "plan_src": "", "actual_src": ""}
    for t in tasks:
        t["cells"] = [t["cells"].get(c, empty) for c in cols]
    return {"cols": [column_label(c) for c in cols], "tasks": tasks, "wide": len(cols) > 7,
            "pages": pages_of(used_rows)}


def latest_view(perf: list[dict], quarter: str, item: Optional[dict] = None) -> dict[str, Any]:
    """The report quarter's 추진실적 texts; the item's latest period when it has none for the quarter."""
    if not perf:
        return {"period": "", "rows": [], "is_quarter": False, "pages": ""}
    periods = {r["period"] for r in perf}
    target = quarter if quarter in periods else max(periods, key=period_sort_key)
    rows = [r for r in perf if r["period"] == target]
    return {"period": column_label(target),
            "rows": [{"unit": text(r["unit"]), "task": text(r["task"]), "text": text(r["text"]),
                      "src": _src(r, item)} for r in rows],
            "is_quarter": target == quarter, "pages": pages_of(rows)}


# ---------------------------------------------------------------- the whole item

def item_money(item: dict, budget: list[dict]) -> tuple[str, int]:
    """The unit an item's money is shown in, decided over its box and its budget table together."""
    cols = [c for c in item if c.endswith("_mkrw")]
    return money_unit([item.get(c) for c in cols] + [r.get("amount_mkrw") for r in budget])


def _funds(item: dict, prefix: str, unit: tuple[str, int]) -> list[tuple[str, str]]:
    """The box's funds that hold a figure other than 0, as (label, figure)."""
    out = []
    for f in vocab.FUND_PARTS:  # read at call time: the fund list is the vocabulary's
        v = item.get(f"{prefix}_{f}_mkrw")
        if num(v):
            out.append((vocab.FUND_LABELS.get(f, f), fmt_money(v, unit)))
    return out


def finding_view(f: dict) -> dict[str, str]:
    """A finding as the report prints it: check and severity in Korean, figures as the message writes them."""
    return {"check": check_label(f.get("check")), "severity": severity_label(f.get("severity")),
            "severity_code": text(f.get("severity")), "location": text(f.get("location")),
            "expected": fmt_num(f.get("expected")) or text(f.get("expected")),
            "found": fmt_num(f.get("found")) or text(f.get("found")), "message": text(f.get("message"))}


def item_view(item: dict, budget: list[dict], plan: list[dict], perf: list[dict],
              findings: list[dict], quarter: str) -> dict[str, Any]:
    qb = period_bounds(quarter)
    no = item_key(item.get("item_no"))
    unit = item_money(item, budget)
    b = budget_view(budget, qb[1] if qb else None, unit, item)
    pages = text(item.get("source_pages"))
    box_src = describe(row_source({}, item))
    return {
        "no": no,
        "anchor": f"item-{re.sub(r'[^0-9A-Za-z_-]', '_', no)}",
        "title": text(item.get("title")),
        "status": text(item.get("status")),
        "category": text(item.get("category")),
        "money_unit": unit[0],
        "totals": _funds(item, "total", unit),
        "total": fmt_money(item.get("total_budget_mkrw"), unit),
        "secured_year": fmt_num(item.get("secured_year")).replace(",", ""),
        "secured": fmt_money(item.get("secured_budget_mkrw"), unit),
        "secured_funds": _funds(item, "secured", unit),
        "box_src": box_src,
        "start": month_label(item.get("start")),
        "end": month_label(item.get("end")),
        "final_goal": text(item.get("final_goal")),
        "lead": text(item.get("lead_department")),
        "support": text(item.get("support_department")),
        "source_file": text(item.get("source_file")),
        "source_pages": pages,
        "budget": b,
        "tasks": tasks_view(plan, perf, item),
        "latest": latest_view(perf, quarter, item),
        "findings": [finding_view(f) for f in findings],
        "total_mkrw": num(item.get("total_budget_mkrw")),
        "plan_to_date": b["plan_to_date"],
        "exec_to_date": b["exec_to_date"],
        "exec_rate": (b["exec_to_date"] / b["plan_to_date"] * 100
                      if b["plan_to_date"] and b["exec_to_date"] is not None else None),
    }
